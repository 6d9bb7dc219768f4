"""Reader stage: DOCX, XLSX, HTML and PDF readers on small documents built here."""
import io

import docx
import openpyxl
import pytest

from minsheng_etl.errors import ReadError
from minsheng_etl.extract import extract
from minsheng_etl.layout import Paragraph, Table
from minsheng_etl.readers import read, sniff
from minsheng_etl.repair import repair

ROWS = [("1", "新建3所学校。", "区教委", "2024年12月31日"),
        ("2", "新增养老床位200张。", "区民政局", "2024年12月底")]


def tasks_of(data: bytes):
    return extract(repair(read(data))).notice.tasks


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("2024年区民生实事项目")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ("序号", "任务内容", "主责单位", "完成时限")):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    # a second paragraph in a cell, and a vertical merge of the unit cell over a new row
    table.rows[2].cells[2].add_paragraph("各街道办事处")
    extra = table.add_row().cells
    extra[0].text, extra[1].text, extra[3].text = "3", "新增托位600个。", "2024年6月底"
    table.cell(2, 2).merge(table.cell(3, 2))
    section = document.sections[0]
    section.footer.paragraphs[0].text = "- 1 -"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_tables_cells_merges_and_no_footer():
    data = make_docx()
    assert sniff(data) == "docx"
    layout = read(data)
    assert isinstance(layout.blocks[0], Paragraph) and isinstance(layout.blocks[1], Table)
    assert "- 1 -" not in layout.plain_text()
    tasks = tasks_of(data)
    assert [t.seq for t in tasks] == [1, 2, 3]
    assert tasks[1].units == ["区民政局", "各街道办事处"]
    assert tasks[2].units == ["区民政局", "各街道办事处"]  # the merged cell spans task 3 too
    assert tasks[0].ref.table == 1 and tasks[0].ref.row == 2


def test_docx_automatic_numbering_carries_the_task_number():
    document = docx.Document()
    document.add_paragraph("2024年重点工作分工方案")
    for text in ("新建3所学校。", "新增托位600个。"):
        document.add_paragraph(text, style="List Number")
        document.add_paragraph("主要责任单位：区教委")
    buf = io.BytesIO()
    document.save(buf)
    tasks = tasks_of(buf.getvalue())
    assert [(t.seq, t.content, t.units) for t in tasks] == [(1, "新建3所学校。", ["区教委"]),
                                                           (2, "新增托位600个。", ["区教委"])]


def test_xlsx_merged_title_numbers_and_line_breaks():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年区民生实事项目汇总表", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "任务内容", "主责单位", "完成时限"])
    ws.append([1, "新建3所学校。", "区人力资源\n社会保障局", "2024年12月31日"])
    ws.append([2, "新增养老床位200张。", "区民政局\n各街道办事处", "2024年12月底"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert sniff(data) == "xlsx"
    notice = extract(repair(read(data))).notice
    assert notice.document.title == "2024年区民生实事项目汇总表"
    assert [t.seq for t in notice.tasks] == [1, 2]
    assert notice.tasks[0].units == ["区人力资源社会保障局"]
    assert notice.tasks[1].units == ["区民政局", "各街道办事处"]


PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>大兴区2024年民生实事进展情况_网站</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zw">政务公开</a></div>
<div class="position">当前位置：首页 &gt; 政务公开</div>
<div class="article"><div class="title">大兴区2024年民生实事一季度进展情况</div>
<table><tr><td>序号</td><td>任务标题</td><td>考评对象</td><td>进展情况</td></tr>
<tr><td>第1项</td><td>新建3所学校。</td><td>区教委</td><td><p>1.已开工。</p><p>2.朱镕基题词。</p></td></tr></table>
<table><tr><td>序号</td><td>任务标题</td><td>考评对象</td><td>进展情况</td></tr>
<tr><td>第2项</td><td>新增托位600个。</td><td rowspan="2">区卫生健康委</td><td>已完成选址。<br/>正在施工。</td></tr>
<tr><td>第3项</td><td>新建中医馆2家。</td><td>&lt;ol style=&quot;x&quot;&gt; 1. 已签约。</td></tr></table>
</div><div class="footer">主办单位：某某 网站标识码：0000</div></body></html>"""


@pytest.mark.parametrize("charset,codec", [("gb2312", "gb18030"), ("utf-8", "utf-8")])
def test_html_in_both_encodings_several_tables_one_list(charset, codec):
    data = PAGE.format(charset=charset).encode(codec)
    assert sniff(data) == "html"
    layout = read(data)
    text = layout.plain_text()
    assert "首页" not in text and "网站标识码" not in text
    notice = extract(repair(layout)).notice
    assert notice.document.title == "大兴区2024年民生实事一季度进展情况"
    assert [(t.list, t.seq) for t in notice.tasks] == [(0, 1), (0, 2), (0, 3)]
    assert notice.tasks[0].progress == "1.已开工。\n2.朱镕基题词。"
    assert notice.tasks[1].progress == "已完成选址。\n正在施工。"
    assert notice.tasks[2].units == ["区卫生健康委"]  # rowspan
    assert notice.tasks[2].progress == "1.已签约。"


SHEET_AS_PAGE = """<html><head><meta charset="utf-8"><title></title></head><body><table>
<tr><td colspan=4><b>2024年区民生实事项目进展情况</b></td></tr>
<tr><td colspan=4>表1：一季度进展</td></tr>
<tr><td>序号</td><td>任务内容</td><td>主责单位</td><td>进展情况</td></tr>
<tr><td>1</td><td>新建3所学校。</td><td>区教委</td><td>已开工。</td></tr>
<tr><td>2</td><td>新增养老床位200张。</td><td>区民政局</td><td>已完成选址。</td></tr></table></body></html>"""


def _sheet_as_docx() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=0, cols=4)
    for text in ("2024年区民生实事项目进展情况", "表1：一季度进展"):
        row = table.add_row()
        row.cells[0].merge(row.cells[3]).text = text
    for values in (("序号", "任务内容", "主责单位", "进展情况"), ("1", "新建3所学校。", "区教委", "已开工。"),
                   ("2", "新增养老床位200张。", "区民政局", "已完成选址。")):
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("make", [lambda: SHEET_AS_PAGE.encode("utf-8"), _sheet_as_docx], ids=["html", "docx"])
def test_title_rows_merged_across_a_table_are_its_title_not_its_header(make):
    """A sheet saved as a web page (or a Word table) opens with the notice's title and
    a caption merged across the table, as a spreadsheet does: they are headings, and
    the header is the row after them."""
    layout = read(make())
    assert [(type(b).__name__, getattr(b, "text", None)) for b in layout.blocks[:2]] == [
        ("Paragraph", "2024年区民生实事项目进展情况"), ("Paragraph", "表1：一季度进展")]
    notice = extract(repair(layout)).notice
    assert notice.document.title == "2024年区民生实事项目进展情况"
    assert [(t.seq, t.content, t.units, t.progress) for t in notice.tasks] == [
        (1, "新建3所学校。", ["区教委"], "已开工。"), (2, "新增养老床位200张。", ["区民政局"], "已完成选址。")]


def _cjk_pdf(story_builder) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    buf = io.BytesIO()

    def footer(canvas, doc):
        canvas.setFont("STSong-Light", 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    SimpleDocTemplate(buf, pagesize=A4).build(story_builder(style), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def test_pdf_table_over_pages_is_stitched_and_page_numbers_dropped():
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T

    def story(style):
        rows = [[P(h, style) for h in ("序号", "任务内容", "主责单位", "完成时限")]]
        for i in range(1, 41):
            rows.append([P(str(i), style), P(f"新建第{i}批社区养老服务驿站，提升服务能力，新增床位{i * 10}张。", style),
                         P("区民政局", style), P("2024年12月31日", style)])
        return [P("2024年区民生实事项目汇总表", style),
                T(rows, colWidths=[40, 260, 90, 100], repeatRows=1,
                  style=[("GRID", (0, 0), (-1, -1), 0.5, "black")])]

    data = _cjk_pdf(story)
    layout = read(data)
    assert layout.pages >= 2
    assert len(layout.tables()) == 1  # stitched
    assert "- 1 -" not in layout.plain_text()
    tasks = extract(repair(layout)).notice.tasks
    assert [t.seq for t in tasks] == list(range(1, 41))
    assert tasks[39].content == "新建第40批社区养老服务驿站，提升服务能力，新增床位400张。"
    assert tasks[39].ref.page == layout.pages
    assert [(x.value, x.unit) for x in tasks[39].targets] == [(400.0, "张")]


def test_pdf_prose_paragraphs_rejoin_their_wrapped_lines():
    from reportlab.platypus import Paragraph as P

    def story(style):
        body = ParagraphStyle("body", parent=style, firstLineIndent=24)
        out = [P("2024年重点工作分工方案", style)]
        for i in range(1, 4):
            out.append(P(f"{i}.持续推进老旧小区综合整治，完善配套设施，提升居住品质，全年新开工改造老旧小区{i * 10}个，"
                         f"惠及居民{i}万户，切实改善群众居住条件。", body))
            out.append(P("主要责任单位：区住房城乡建设委", body))
        return out

    from reportlab.lib.styles import ParagraphStyle
    tasks = tasks_of(_cjk_pdf(story))
    assert [t.seq for t in tasks] == [1, 2, 3]
    assert tasks[1].content.startswith("持续推进老旧小区综合整治") and tasks[1].content.endswith("居住条件。")
    assert "\n" not in tasks[1].content
    assert tasks[1].units == ["区住房城乡建设委"]
    assert [(x.value, x.unit) for x in tasks[1].targets] == [(20.0, "个"), (20000.0, "户")]


def test_pdf_bulleted_points_start_their_own_paragraphs():
    """●X方面：… items, each under a report that fills the line above to the margin: the
    bullet opens a paragraph (a point of its own), it is not the wrapped rest of that line."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as P

    def story(style):
        flush = ParagraphStyle("flush", parent=style)
        out = [P("一季度重点民生实事进展顺利", style)]
        for i, (name, report) in enumerate((("推进农村公路建设", "全省完成1700个自然村通硬化路，占年度目标任务的18.9%，项目开工率达30%以上，"
                                                           "各地正抓紧推进剩余路段的前期工作和施工准备。"),
                                            ("推动农村电网提档升级", "全省5000个配电台区改造升级计划，已开工建设891个配电台区，"
                                                               "完成投资的进度快于去年同期，确保年底前全部建成投运。"),
                                            ("扩大5G网络覆盖", "已完成投资3.28亿元，新建、改造5G基站配套设施约1.1万个。"))):
            out.append(P(f"●{name}方面：{report}", flush))
        return out

    layout = read(_cjk_pdf(story))
    points = [b.text for b in layout.blocks if isinstance(b, Paragraph) and b.text.startswith("●")]
    assert [p.split("方面")[0] for p in points] == ["●推进农村公路建设", "●推动农村电网提档升级", "●扩大5G网络覆盖"]


def test_pdf_without_a_text_layer_is_refused_with_a_reason():
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)  # a drawing, no text: what a scan looks like to a text reader
    c.showPage()
    c.save()
    with pytest.raises(ReadError, match="page 1 has no text layer"):
        read(buf.getvalue())


def test_a_blank_page_is_passed_over_and_a_file_of_blank_pages_refused(monkeypatch):
    """An empty page (a converter's blank first page, the back of a sheet) holds
    nothing to read: passed over with a note, never sent to OCR; a PDF of nothing
    but blank pages is refused."""
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from minsheng_etl.readers.pdf import ocr

    monkeypatch.setattr(ocr, "read_scan", None)  # any OCR would fail
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.showPage()  # page 1: nothing on it
    c.setFont("STSong-Light", 12)
    for i, (task, unit) in enumerate((("新建3所学校。", "区教委"), ("新增养老床位200张。", "区民政局"))):
        c.drawString(72, 700 - 60 * i, f"{i + 1}.{task}")
        c.drawString(72, 680 - 60 * i, f"牵头单位：{unit}")
    c.showPage()
    c.showPage()  # page 3: nothing
    c.save()
    layout = read(buf.getvalue())
    assert layout.notes == ["pages 1, 3 blank (no text, next to no ink): passed over"] and layout.pages == 1
    assert [(t.seq, t.units) for t in extract(repair(layout)).notice.tasks] == [(1, ["区教委"]), (2, ["区民政局"])]
    empty = io.BytesIO()
    c = canvas.Canvas(empty)
    c.showPage()
    c.showPage()
    c.save()
    with pytest.raises(ReadError, match=r"every page is blank \(no text, next to no ink: 2 of 2\)"):
        read(empty.getvalue())


def test_a_suffix_that_lies_is_ignored():
    data = make_docx()
    assert sniff(data) == "docx"  # whatever the file is called
    with pytest.raises(ReadError, match="neither a Word"):
        import zipfile
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("mimetype", "application/epub+zip")
        sniff(buf.getvalue())
