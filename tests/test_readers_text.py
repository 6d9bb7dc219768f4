"""Reader stage: the plain-text reader and format sniffing."""
import pytest

from minsheng_etl.errors import ReadError
from minsheng_etl.layout import Paragraph, Table
from minsheng_etl.readers import sniff
from minsheng_etl.readers.text import parse_text, read_text


def test_tab_led_cells_become_a_table_with_multi_paragraph_cells():
    text = ("\t汇总表\n\n\t序号\n\t任务内容\n\t主责单位\n\n\t1\n\t建设3处绿地。\n\t区人力资源\n\n社会保障局\n\n"
            "\t2\n\t新增200张床位。\n\t区园林绿化局\n\n黄村镇人民政府\n\n\t3\n\t修缮候车亭。\n\t区交通局\n")
    layout = parse_text(text)
    assert isinstance(layout.blocks[0], Paragraph) and layout.blocks[0].text == "汇总表"
    table = layout.blocks[1]
    assert isinstance(table, Table)
    assert [c.text for c in table.rows[0]] == ["序号", "任务内容", "主责单位"]
    assert table.rows[1][2].paragraphs == ["区人力资源", "社会保障局"]
    assert table.rows[2][2].paragraphs == ["区园林绿化局", "黄村镇人民政府"]
    assert table.rows[2][0].ref.line == 13 and table.rows[2][0].ref.row == 3


def test_tab_separated_rows_become_tables_and_one_tabbed_line_stays_a_paragraph():
    text = "标题\n序号\t任务标题\t考评对象\n第1项\t建设学校。\t区教委\n\n完成时限\t2023 年\t12 月\n"
    layout = parse_text(text)
    kinds = [type(b).__name__ for b in layout.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    assert layout.blocks[1].rows[1][0].text == "第1项"
    assert layout.blocks[2].text.startswith("完成时限\t")


def test_gbk_text_is_decoded():
    data = "序号\t任务内容\n1\t朱镕基同志视察。\n".encode("gb18030")
    layout = read_text(data)
    assert "朱镕基" in layout.plain_text()


@pytest.mark.parametrize("data,fmt", [
    (b"%PDF-1.7\n...", "pdf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("<meta charset=gbk><table><tr><td>序号</td></tr></table>".encode("gbk"), "html"),
    ("序号\t任务\n".encode(), "text"),
])
def test_sniff_reads_bytes_not_suffixes(data, fmt):
    assert sniff(data) == fmt


def test_sniff_rejects_unknown_binary_formats_with_a_reason():
    with pytest.raises(ReadError, match="damaged OLE compound file"):  # the header of an old Office file, no more
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ReadError, match="GIF image"):
        sniff(b"GIF89a" + b"\0" * 100)
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 100) == "image"  # a scan: read by OCR (tests/test_ocr.py)


def test_pipe_separated_rows_are_a_table():
    from minsheng_etl.layout import Table
    from minsheng_etl.readers.text import parse_text

    layout = parse_text("2024年进展情况汇总表\n| 序号 | 项目内容 | 牵头单位 |\n|---|---|---|\n"
                        "| 1 | 新建学校3所。 | 县教育局 |\n| 2 | 新增床位200张。 | 县民政局 |\n说明：以上为4月数据。\n")
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and [[c.text for c in r] for r in tables[0].rows] == [
        ["序号", "项目内容", "牵头单位"], ["1", "新建学校3所。", "县教育局"], ["2", "新增床位200张。", "县民政局"]]
    assert layout.blocks[-1].text == "说明：以上为4月数据。"
