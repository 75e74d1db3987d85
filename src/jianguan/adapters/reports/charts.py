"""The report's charts, drawn by matplotlib (Agg, no display) with a CJK font, as PNG bytes.

The same figures as the dashboard: the monthly trend of an indicator, the funnel plot of units
with its 95 % and 99.8 % limits, the parts of a structure ratio, and counts by category. Each
figure is drawn on its own ``matplotlib.figure.Figure`` (not pyplot's global state), so two
requests drawing at once do not share a canvas.
"""

from __future__ import annotations

import io
import logging
import math
from contextlib import AbstractContextManager
from functools import cache, lru_cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from jianguan.adapters.reports.fonts import cjk_font
from jianguan.domain.reports import BarChart, Chart, FunnelChart, ShareChart, TrendChart

DPI = 160
COLOURS = ("#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#566573")


# WenQuanYi Zen Hei registers as weight 500; matplotlib then logs "Failed to find font weight
# normal … now using 500" for every text. The fallback is the font we want, so say nothing.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


@cache
def _family() -> str:
    family, path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name() or family


@lru_cache(maxsize=64)  # the docx and the PDF of one report show the same charts
def png(chart: Chart) -> bytes:
    """The chart as a PNG image."""
    height = max(2.6, 0.3 * len(chart.labels) + 1.2) if isinstance(chart, BarChart) else 3.8
    fig = Figure(figsize=(7.2, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    with _fonts(_family()):
        if isinstance(chart, TrendChart):
            _trend(fig, chart)
        elif isinstance(chart, FunnelChart):
            _funnel(fig, chart)
        elif isinstance(chart, ShareChart):
            _share(fig, chart)
        else:
            _bar(fig, chart)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _fonts(family: str) -> AbstractContextManager[None]:
    import matplotlib as mpl

    return mpl.rc_context({"font.family": [family, "sans-serif"], "axes.unicode_minus": False})


def _trend(fig: Figure, chart: TrendChart) -> None:
    ax = fig.add_subplot()
    x = list(range(len(chart.months)))
    for k, s in enumerate(chart.series):
        ys = [math.nan if v is None else v for v in s.values]
        ax.plot(x, ys, marker="o", markersize=3, color=COLOURS[k % len(COLOURS)], label=s.label)
    ax.set_xticks(x, [m[2:] for m in chart.months], fontsize=8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.set_title(chart.title, fontsize=11)
    ax.legend(fontsize=8, loc="best")


def _funnel(fig: Figure, chart: FunnelChart) -> None:
    ax = fig.add_subplot()
    if chart.curve:
        ns = [c[0] for c in chart.curve]
        ax.plot(ns, [c[1] for c in chart.curve], color="#d68910", lw=1, ls="--", label="95%控制限")
        ax.plot(ns, [c[2] for c in chart.curve], color="#d68910", lw=1, ls="--")
        ax.plot(ns, [c[3] for c in chart.curve], color="#c0392b", lw=1, label="99.8%控制限")
        ax.plot(ns, [c[4] for c in chart.curve], color="#c0392b", lw=1)
    ax.axhline(chart.overall, color="#566573", lw=1, label=f"总体 {chart.overall * 100:.1f}%")
    inside = [p for p in chart.points if not p.outside]
    outside = [p for p in chart.points if p.outside]
    ax.scatter([p.denominator for p in inside], [p.value for p in inside], s=14, color="#1f5fa8",
               label="控制限内")  # fmt: skip
    if outside:
        ax.scatter([p.denominator for p in outside], [p.value for p in outside], s=22,
                   color="#c0392b", marker="D", label="控制限外")  # fmt: skip
        for p in outside:
            ax.annotate(p.label.replace("人民检察院", ""), (p.denominator, p.value), fontsize=7,
                        xytext=(4, 3), textcoords="offset points")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("分母（件/人）", fontsize=9)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title(chart.title, fontsize=11)
    ax.legend(fontsize=7, loc="upper right")


def _share(fig: Figure, chart: ShareChart) -> None:
    ax = fig.add_subplot()
    pairs = [(label, v) for label, v in zip(chart.labels, chart.values, strict=True) if v > 0]
    ax.pie(
        [v for _label, v in pairs],
        labels=[f"{label} {v * 100:.1f}%" for label, v in pairs],
        colors=COLOURS[: len(pairs)],
        startangle=90,
        counterclock=False,
        textprops={"fontsize": 9},
        wedgeprops={"linewidth": 1, "edgecolor": "white"},
    )
    ax.set_aspect("equal")
    ax.set_title(chart.title, fontsize=11)


def _bar(fig: Figure, chart: BarChart) -> None:
    ax = fig.add_subplot()
    labels = list(reversed(chart.labels))
    values = list(reversed(chart.values))
    bars = ax.barh(range(len(labels)), values, color="#1f5fa8")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.bar_label(bars, fontsize=8, padding=2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.2 of a problem
    ax.set_xlabel(chart.axis, fontsize=9)
    ax.set_title(chart.title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
