"""A report as an editable Word document (python-docx), laid out as GB/T 9704 lays out an
official document: the issuer's mark in red with the 文号 and a red rule under it, the title in
小标宋, body text in 仿宋 三号 with a two-character indent, 黑体 and 楷体 headings, the annex
line, and the issuer and the date in Chinese numerals at the end.

The fonts are named, not embedded: Word shows the office's own fonts where they are installed
(方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) and substitutes elsewhere; the PDF is the copy
for the record.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from jianguan.adapters.reports.charts import png
from jianguan.domain.reports import Figure, Heading, Paragraph, Report, Table

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号


def _font(
    run: Run, name: str, size: Pt, *, bold: bool = False, colour: RGBColor | None = None
) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)  # Chinese text uses the east-Asian font slot


def _para(
    doc: DocxDocument,
    text: str,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> DocxParagraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28) if size >= BODY_SIZE else Pt(18)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # two characters
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold=bold, colour=colour)
    return p


def _red_rule(p: DocxParagraph) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def _table(doc: DocxDocument, block: Table) -> None:
    _para(doc, block.caption, H1_FONT, Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), H1_FONT, TABLE_SIZE)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)
    if block.annex:
        _para(doc, f"（案件明细见附件表“{block.annex}”）", BODY_FONT, Pt(10.5),
              align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)  # fmt: skip


def _figure(doc: DocxDocument, block: Figure) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png(block.chart)), width=Cm(15))
    caption = block.caption + (f"（数据见附件表“{block.annex}”）" if block.annex else "")
    _para(doc, caption, BODY_FONT, Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def write_docx(report: Report, path: Path) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    core = doc.core_properties
    core.title = report.title
    core.author = report.issuer
    core.subject = f"{report.kind.zh} {report.period.zh}"

    _para(doc, report.issuer, TITLE_FONT, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          colour=RED)  # fmt: skip
    number = _para(doc, report.doc_number, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                   indent=False)  # fmt: skip
    _red_rule(number)
    _para(doc, "", indent=False)
    _para(doc, report.title, TITLE_FONT, Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, report.addressees, indent=False)
    for block in report.blocks:
        if isinstance(block, Heading):
            _para(doc, block.text, H1_FONT if block.level == 1 else H2_FONT)
        elif isinstance(block, Paragraph):
            _para(doc, block.text)
        elif isinstance(block, Table):
            _table(doc, block)
        else:
            _figure(doc, block)
    _para(doc, "")
    _para(doc, report.annex_title)
    _para(doc, "")
    _para(doc, report.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, report.date_zh, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.save(str(path))
    return path
