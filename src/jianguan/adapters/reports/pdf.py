"""A report as PDF for the record: the report as HTML, printed by Chromium (Playwright's
``page.pdf``), which embeds the fonts it used (a CJK font found through fontconfig).

Chromium is Debian's (``apt-get install chromium``) or any Chromium named by
``JIANGUAN_CHROMIUM``; Playwright only drives it, so no browser is downloaded. The sync API is
used, so this runs in a thread without an asyncio loop (a CLI command; a FastAPI ``def`` route,
which runs in the thread pool).
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

from jinja2 import Environment, select_autoescape

from jianguan.adapters.reports.charts import png
from jianguan.adapters.reports.fonts import cjk_font
from jianguan.domain.reports import Figure, Heading, Paragraph, Report, Table
from jianguan.services.ports.reports import RendererUnavailable

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install chromium"
# The machines have no outside network: without these, Chromium keeps trying to reach Google.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def chromium() -> str:
    """The Chromium executable to print with; ``RendererUnavailable`` saying what to install."""
    named = os.environ.get("JIANGUAN_CHROMIUM")
    if named:
        if Path(named).is_file():
            return named
        raise RendererUnavailable(
            f"JIANGUAN_CHROMIUM 指向的文件不存在：{named}",
            f"JIANGUAN_CHROMIUM does not exist: {named}",
        )
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise RendererUnavailable(
        f"找不到 Chromium，无法生成 PDF。请安装：{INSTALL}（或以 JIANGUAN_CHROMIUM 指定）",
        f"Chromium not found, so no PDF can be printed; install it: {INSTALL} "
        "(or name one with JIANGUAN_CHROMIUM)",
    )


TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ r.title }}</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "仿宋_GB2312", "FangSong", "{{ font }}", serif; font-size: 16pt; line-height: 28pt;
       color: #000; margin: 0; }
.issuer { font-family: "方正小标宋简体", "{{ font }}", sans-serif; color: #c00000; font-size: 26pt;
          text-align: center; line-height: 40pt; letter-spacing: 1pt; }
.number { text-align: center; border-bottom: 2.5pt solid #c00000; padding-bottom: 8pt; margin-bottom: 24pt; }
h1 { font-family: "方正小标宋简体", "{{ font }}", sans-serif; font-size: 22pt; font-weight: normal;
     text-align: center; line-height: 34pt; margin: 0 0 20pt; }
h2 { font-family: "黑体", "{{ font }}", sans-serif; font-size: 16pt; font-weight: normal; margin: 0;
     text-indent: 2em; }
h3 { font-family: "楷体_GB2312", "KaiTi", "{{ font }}", serif; font-size: 16pt; font-weight: normal;
     margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.flush { text-indent: 0; }
table { border-collapse: collapse; margin: 6pt auto 0; font-size: 10.5pt; line-height: 15pt;
        page-break-inside: auto; }
th, td { border: 0.75pt solid #000; padding: 2pt 5pt; }
th { font-family: "黑体", "{{ font }}", sans-serif; font-weight: normal; white-space: nowrap; }
td.short { white-space: nowrap; }
tr { page-break-inside: avoid; }
.caption { text-align: center; text-indent: 0; font-family: "黑体", "{{ font }}", sans-serif;
           font-size: 12pt; margin-top: 10pt; }
.annex { text-align: right; font-size: 10.5pt; text-indent: 0; line-height: 16pt; }
figure { margin: 10pt 0; text-align: center; page-break-inside: avoid; }
figure img { width: 150mm; }
figcaption { font-size: 12pt; line-height: 18pt; }
.sign { text-align: right; text-indent: 0; }
</style></head><body>
<div class="issuer">{{ r.issuer }}</div>
<div class="number">{{ r.doc_number }}</div>
<h1>{{ r.title }}</h1>
<p class="flush">{{ r.addressees }}</p>
{% for b in blocks %}
{% if b.kind == "h1" %}<h2>{{ b.text }}</h2>
{% elif b.kind == "h2" %}<h3>{{ b.text }}</h3>
{% elif b.kind == "p" %}<p>{{ b.text }}</p>
{% elif b.kind == "table" %}<p class="caption">{{ b.t.caption }}</p>
<table><thead><tr>{% for h in b.t.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in b.t.rows %}<tr>{% for c in row %}<td{% if c|length <= 12 %} class="short"{% endif %}>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% if b.t.annex %}<p class="annex">（案件明细见附件表“{{ b.t.annex }}”）</p>{% endif %}
{% else %}<figure><img alt="{{ b.f.caption }}" src="data:image/png;base64,{{ b.img }}">
<figcaption>{{ b.f.caption }}{% if b.f.annex %}（数据见附件表“{{ b.f.annex }}”）{% endif %}</figcaption></figure>
{% endif %}
{% endfor %}
<p>&nbsp;</p>
<p>{{ r.annex_title }}</p>
<p>&nbsp;</p>
<p class="sign">{{ r.signature }}</p>
<p class="sign">{{ r.date_zh }}</p>
</body></html>
"""

FOOTER = (
    "<div style=\"width:100%;text-align:center;font-size:12pt;font-family:'{font}',serif;\">"
    '— <span class="pageNumber"></span> —</div>'
)

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page (charts inline as PNG)."""
    family, _path = cjk_font()
    blocks: list[dict[str, object]] = []
    for b in report.blocks:
        if isinstance(b, Heading):
            blocks.append({"kind": "h1" if b.level == 1 else "h2", "text": b.text})
        elif isinstance(b, Paragraph):
            blocks.append({"kind": "p", "text": b.text})
        elif isinstance(b, Table):
            blocks.append({"kind": "table", "t": b})
        elif isinstance(b, Figure):
            img = base64.b64encode(png(b.chart)).decode("ascii")
            blocks.append({"kind": "figure", "f": b, "img": img})
    return _ENV.from_string(TEMPLATE).render(r=report, blocks=blocks, font=family)


def write_pdf(report: Report, path: Path) -> Path:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    html = report_html(report)
    family, _path = cjk_font()
    executable = chromium()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
            try:
                page = browser.new_page()
                page.set_content(html, wait_until="load")
                page.pdf(
                    path=str(path),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER.format(font=family),
                )
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise RendererUnavailable(
            f"Chromium 无法生成 PDF（{INSTALL}）：{exc.message}",
            f"Chromium could not print the PDF ({INSTALL}): {exc.message}",
        ) from exc
    return path
