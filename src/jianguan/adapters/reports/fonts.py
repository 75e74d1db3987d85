"""The CJK font the charts and the PDF use, found through fontconfig (what Chromium uses too)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from jianguan.services.ports.reports import RendererUnavailable

# Preferred families, in order; any other font fontconfig says covers Chinese comes after them.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
)
INSTALL = "apt-get install fonts-wqy-zenhei（或 fonts-noto-cjk）"


@cache
def cjk_font() -> tuple[str, Path]:
    """(family, file) of a font that has Chinese glyphs; ``RendererUnavailable`` when none."""
    found: list[tuple[str, Path]] = []
    if shutil.which("fc-list"):
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family", "file"],
            capture_output=True, text=True, check=False, timeout=30,
        ).stdout  # fmt: skip
        for line in out.splitlines():
            file, _, families = line.partition(": ")
            family = families.split(",")[0].strip()
            if family and Path(file).is_file():
                found.append((family, Path(file)))
    for want in PREFERRED:
        for family, font in found:
            if family == want:
                return family, font
    if found:
        return sorted(found)[0]
    raise RendererUnavailable(
        f"找不到中文字体，图表与 PDF 无法显示中文。请安装：{INSTALL}",
        f"no CJK font found (fontconfig); install one: {INSTALL}",
    )
