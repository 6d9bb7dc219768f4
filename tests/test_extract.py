"""Extraction stage: one small notice per layout, built here."""
import datetime as dt

from minsheng_etl.extract import extract
from minsheng_etl.extract.columns import field_for_header, map_header
from minsheng_etl.layout import Cell, Layout, Paragraph, Table
from minsheng_etl.readers.text import parse_text
from minsheng_etl.repair import repair


def run(text: str):
    return extract(repair(parse_text(text))).notice


def cells(*texts):
    return [Cell(t.split("\n") if t else []) for t in texts]


def test_headers_map_by_meaning():
    assert field_for_header("任务内容/督查事项") == "content"
    assert field_for_header("考评对象") == "units"
    assert field_for_header("三季度进展情况") == "progress"
    assert field_for_header("任务进度") == "status"
    assert field_for_header("完成时限") == "deadline"
    assert field_for_header("项目责任人") == "ignore"
    mapping = map_header(["序号", "牵头单位", "责任单位", "1-10月推进情况", "1-11月推进情况", "监督电话"])
    assert mapping == {0: "seq", 1: "units", 2: "co_units", 4: "progress"}


def test_tab_separated_table_with_repeated_header_is_one_list():
    text = ("大兴区2024年重要民生实事项目一季度进展情况\n"
            "序号\t任务标题\t考评对象\t进展情况\n"
            "第1项\t完成3所中小学建设任务，增加学位1440个。\t区教委\t学校已完工。\n\n"
            "序号\t任务标题\t考评对象\t进展情况\n"
            "第2项\t新开工10个老旧小区。\t区住建委\t已开工19部\n")
    notice = run(text)
    assert [(t.list, t.seq) for t in notice.tasks] == [(0, 1), (0, 2)]
    assert notice.tasks[0].units == ["区教委"] and notice.tasks[0].list_kind == "progress"
    assert notice.document.period == "一季度" and notice.document.region == "北京市大兴区"
    assert [(x.value, x.unit) for x in notice.tasks[0].targets] == [(3, "所"), (1440, "个")]
    assert notice.tasks[1].ref.line == 6


def test_numbered_prose_with_labels_and_two_lists():
    text = ("东城区2023年重要民生实事完成情况及东城区2024年重要民生实事项目\n\n"
            "一、东城区2023年重要民生实事项目完成情况\n"
            "1.新增中小学学位3000个。\n完成情况：共扩充学位4226个。\n"
            "2.建成1300套保障性住房。\n完成情况：建成1595套保障性住房。\n"
            "二、东城区2024年重要民生实事项目\n"
            "1.新增幼儿托位600个。\n完成时限：2024年12月底\n主责单位：区教委\n协办单位：区园林绿化局、各街道办事处\n")
    notice = run(text)
    first, plan = notice.tasks[0], notice.tasks[2]
    assert (first.list, first.year, first.list_kind, first.progress) == (0, 2023, "completion", "共扩充学位4226个。")
    assert first.section == "一、东城区2023年重要民生实事项目完成情况"
    assert (plan.list, plan.seq, plan.year, plan.list_kind) == (1, 1, 2024, "plan")
    assert plan.deadline == dt.date(2024, 12, 31) and plan.deadline_text == "2024年12月底"
    assert plan.units == ["区教委"] and plan.co_units == ["区园林绿化局", "各街道办事处"]
    assert plan.progress is None


def test_deadline_labels_in_other_words():
    """时限要求 / 截止时间 say 完成时限: the date is the deadline, not a body's name."""
    for label in ("时限要求", "截止时间", "计划完成时间"):
        notice = run(f"2024年重点民生实事项目\n1.新建3所学校。\n责任单位：区教委\n{label}：2024年12月底\n"
                     f"2.新增床位200张。\n责任单位：区民政局\n{label}：2024年6月底\n")
        task = notice.tasks[0]
        assert (task.units, task.deadline) == (["区教委"], dt.date(2024, 12, 31)), label


def test_glued_pdf_dump_heading_task_label_and_next_number():
    text = ("2023 年区政府工作报告重点工作分工方案\n\n"
            "一、全区经济社会发展主要预期目标 1.地区Th产总值比上年增长 4.5[image: ]以上。牵头领导：常务副区长\n"
            "主要责任单位：区发展改革委完成时限\t2023 年 12 月 31 日2.万元 GDP 能耗达到市级要求。牵头领导：常务副区长\n"
            "主要责任单位\t区住房城乡建设委、相关属地完成时限\t2023 年 10 月 31 日\n"
            "二、紧扣产业体系建设，全力推动发展壮大3.加快Th物医药基地建设，完成\n\n2970 亩土地征收。\n"
            "牵头领导：张晓晟、蔡小军\n主要责任单位：区经济和信息化局完成时限\t2023 年 12 月 31 日\n")
    notice = run(text)
    assert [t.seq for t in notice.tasks] == [1, 2, 3]
    one, six, seven = notice.tasks
    assert one.content == "地区生产总值比上年增长4.5%以上。" and one.section == "一、全区经济社会发展主要预期目标"
    assert one.lead_officials == ["常务副区长"] and one.units == ["区发展改革委"]
    assert one.deadline == dt.date(2023, 12, 31)
    assert six.units == ["区住房城乡建设委", "相关属地"] and six.deadline == dt.date(2023, 10, 31)
    assert seven.section == "二、紧扣产业体系建设，全力推动发展壮大"
    assert seven.content == "加快生物医药基地建设，完成2970亩土地征收。"
    assert seven.lead_officials == ["张晓晟", "蔡小军"]
    assert all(t.list_kind == "plan" and t.year == 2023 for t in notice.tasks)


def test_table_layout_with_category_rows_name_and_description_and_split_rows():
    table = Table([
        cells("序号", "项目名称", "建设内容", "牵头单位", "责任单位", "完成时间"),
        cells("一、教育", "一、教育", "一、教育", "一、教育", "一、教育", "一、教育"),
        cells("1", "学校建设", "新建3所学校。", "区教委", "各镇人民政府", "2024年8月底"),
        cells("1", "", "改扩建2所幼儿园。", "", "", "12月底前"),
        cells("2", "托育服务", "新增托位600个。", "区卫生健康委", "", "2024年12月"),
    ])
    notice = extract(repair(Layout([Paragraph("2024年区民生实事项目表"), table]))).notice
    assert [t.seq for t in notice.tasks] == [1, 2]
    first = notice.tasks[0]
    assert first.section == "一、教育"
    assert first.content == "学校建设\n新建3所学校。\n改扩建2所幼儿园。"
    assert first.units == ["区教委"] and first.co_units == ["各镇人民政府"]
    assert first.deadline == dt.date(2024, 12, 31)
    assert first.list_kind == "plan" and first.year == 2024


def test_run_together_web_table():
    text = ("2025年落实市政府工作报告重点任务三季度进展情况\n发布日期:2025-09-20 10:48 来源: 办公室\n"
            "序号任务内容三季度进展情况\n1发展养老金融。贯彻落实意见。\n2培育新型消费。1.召开论坛。\n2.联合印发通知。\n")
    notice = run(text)
    assert notice.document.published == dt.date(2025, 9, 20) and notice.document.period == "三季度"
    assert [(t.seq, t.content, t.progress) for t in notice.tasks] == [
        (1, "发展养老金融。", "贯彻落实意见。"), (2, "培育新型消费。", "1.召开论坛。\n2.联合印发通知。")]


def test_red_header_document_facts():
    text = ("北京市大兴区人民政府办公室文件\n\n京兴政办发〔2023〕1 号\n\n"
            "北京市大兴区人民政府办公室 关于印发《2023 年区政府工作报告\n重点工作分工方案》的通知\n\n"
            "各镇人民政府，各街道办事处\n现印发给你们。\n\n北京市大兴区人民政府办公室2023 年 3 月 3 日\n\n"
            "1.完成40个村污水管线建设。\n牵头领导：张晓晟\n主要责任单位：区农业农村局\n完成时限：2023年12月31日\n"
            "2.新建7.7万平方米小微绿地。\n牵头领导：张晓晟\n主要责任单位：区园林绿化局\n完成时限：2023年12月31日\n")
    doc = run(text).document
    assert doc.title == "北京市大兴区人民政府办公室关于印发《2023年区政府工作报告重点工作分工方案》的通知"
    assert doc.issuer == "北京市大兴区人民政府办公室" and doc.doc_number == "京兴政办发〔2023〕1号"
    assert doc.published == dt.date(2023, 3, 3) and doc.region == "北京市大兴区" and doc.period is None


def test_region_is_written_in_full_from_a_county_name():
    text = "大竹县2024年民生实事项目\n序号\t任务内容\t牵头单位\n1\t新建2所学校。\t县教科局\n2\t新增床位100张。\t县民政局\n"
    assert run(text).document.region == "四川省达州市大竹县"


def test_two_character_counties_are_read_after_their_city():
    from minsheng_etl.extract.document import find_region
    from minsheng_etl.layout import Layout

    empty = Layout([], source_format="text")
    assert find_region("陕西省汉中市勉县2025年重要民生实事项目上半年进展情况", empty) == "陕西省汉中市勉县"
    assert find_region("临沂市费县2019年民生实事", empty) == "山东省临沂市费县"
    assert find_region("汉中市2025年民生实事", empty) == "陕西省汉中市"  # the city alone stays the city
