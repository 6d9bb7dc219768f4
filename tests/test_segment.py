"""Extract stage: which paragraphs hold the task list (segment.py), the one label
grammar (labels.py) and the finishing rules (finish.py), on texts written here."""
from __future__ import annotations

from typer.testing import CliRunner

from minsheng_etl import parse
from minsheng_etl.cli import app
from minsheng_etl.extract.finish import name_and_report
from minsheng_etl.extract.labels import bracket_fields
from minsheng_etl.extract.segment import plan
from minsheng_etl.fields.bodies import split_bodies


def _tasks(text: str) -> list[dict]:
    return parse(text.encode("utf-8"), "n.txt").gold_json()["tasks"]


def test_numbered_points_inside_each_report_paragraph_are_not_the_list():
    texts = ["关于提高低保水平。一是提高城市低保。二是提高农村低保。",
             "关于推进人才公寓建设。一是省直公寓。二是市级公寓。",
             "关于新增城镇就业。截至11月底，新增就业12万人。"]
    chosen = plan(texts)
    assert chosen.style == "lead" and chosen.items == {0, 1, 2} and not chosen.splits


def test_one_run_of_inline_items_is_split_with_its_shared_tail():
    texts = ["涉及我市的任务有3个，分别为：一是维修学校13所（责任单位：市教育局）；二是提高报销比例（责任单位：市医保局）；"
             "三是新建公路380公里（责任单位：市交通局）。目前，3个任务都已完成。其它任务正在推进。"]
    chosen = plan(texts)
    split = chosen.splits[0]
    assert chosen.style == "cn_shi" and len(split.pieces) == 3 and not split.sentence_items
    assert split.tail.startswith("目前，3个任务都已完成。")


def test_attachment_lists_and_name_rolls_are_set_aside():
    texts = ["附件：1.2025年县政府工作报告任务分解", "2.2025年十件民生实事任务分解",
             "1、金寨县", "2、霍邱县", "3、舒城县",
             "1.新建学校3所，新增学位3000个。", "2.新增养老床位200张。", "3.改造老旧小区12个。"]
    chosen = plan(texts)
    assert chosen.style == "arabic" and chosen.skip == {0, 1, 2, 3, 4}


def test_unmarked_headings_need_a_second_one_inside_the_list():
    grouped = ["2024年为民实事", "交通出行方面", "1。开通地铁线路。", "2。新开公交线路80条。", "教育助学方面",
               "3。新建幼儿园8所。"]
    assert plan(grouped).headings == {1, 4}
    titled = ["2024年为民实事", "1。开通地铁线路。", "2。新开公交线路80条。"]
    assert plan(titled).headings == set()


def test_bracket_fields_wherever_they_stand():
    text, pairs = bracket_fields("严格落实长江“十年禁渔”。（牵头单位：市农业农村局；责任单位：市公安局、各区人民政府）")
    assert text == "严格落实长江“十年禁渔”。"
    assert pairs == [("牵头单位", "市农业农村局"), ("责任单位", "市公安局、各区人民政府")]
    text, pairs = bracket_fields("地区生产总值增长11%。[牵头单位:县发改局(粮食局);责任单位:各镇人民政府]")
    assert text == "地区生产总值增长11%。" and pairs[0] == ("牵头单位", "县发改局(粮食局)")
    text, pairs = bracket_fields("完成道路改造20条（市城管局负责）。新增绿地(约30公顷)。")
    assert text == "完成道路改造20条。新增绿地(约30公顷)。" and pairs == [("负责", "市城管局")]
    text, pairs = bracket_fields("推進長江保護。（責任單位：市環境局）")  # traditional script
    assert text == "推進長江保護。" and pairs == [("責任單位", "市環境局")]


def test_responsible_alone_is_units_beside_a_lead_it_is_co_units():
    tasks = _tasks("2024年重点工作\n1.推进长江大保护。（牵头单位：市生态环境局；责任单位：市水务局、市交通局）\n"
                   "2.加快化工企业搬迁。（责任单位：市经信局）\n3.加强岸电推广。\n牵头单位：市交通运输局\n"
                   "责任单位：市发改委\n")
    assert [(t["units"], t["co_units"]) for t in tasks] == [
        (["市生态环境局"], ["市水务局", "市交通局"]), (["市经信局"], []), (["市交通运输局"], ["市发改委"])]
    assert [t["content"] for t in tasks][:2] == ["推进长江大保护。", "加快化工企业搬迁。"]


def test_name_and_report_in_one_paragraph():
    assert name_and_report("关于推进青年人才公寓建设。截至11月底，已开工25600套。") == \
        ("推进青年人才公寓建设", "截至11月底，已开工25600套。")
    assert name_and_report("推进老旧小区改造方面：完成改造20.3万户。") == ("推进老旧小区改造", "完成改造20.3万户。")
    assert name_and_report("完成7.4万口山坪塘整治(2013—2017年)。上半年已全部完工。") == \
        ("完成7.4万口山坪塘整治(2013—2017年)。", "上半年已全部完工。")
    assert name_and_report("辖区内老旧路灯改造工程") == ("辖区内老旧路灯改造工程", "")


def test_a_report_of_bulleted_items_gives_names_and_progress():
    tasks = _tasks("一季度重点民生实事进展情况\n今年一季度，10件重点民生实事进展顺利。\n"
                   "●实施残疾儿童康复救助方面：8141名残疾儿童接受了康复救助服务。\n"
                   "●推进城镇老旧小区改造提升方面：完成老旧小区改造20.3万户。\n")
    assert [(t["seq"], t["content"], t["progress"], t["list_kind"]) for t in tasks] == [
        (1, "实施残疾儿童康复救助", "8141名残疾儿童接受了康复救助服务。", "progress"),
        (2, "推进城镇老旧小区改造提升", "完成老旧小区改造20.3万户。", "progress")]


def test_a_plan_keeps_the_whole_item_and_paragraphs_after_the_list_stay_out():
    tasks = _tasks("2020年重点民生实事项目公示\n一、省重点民生实事项目：\n1、乡镇医院全科医生全覆盖(17个乡镇34名)；\n"
                   "2、村卫生室运行经费192.6万元；\n3、孕产妇免费产前筛查5000人。\n公示时间为6月11日至6月18日，若有异议可来电反映。\n")
    assert [t["content"] for t in tasks] == ["乡镇医院全科医生全覆盖(17个乡镇34名)；", "村卫生室运行经费192.6万元；",
                                             "孕产妇免费产前筛查5000人。"]
    assert {t["section"] for t in tasks} == {"一、省重点民生实事项目："} and {t["progress"] for t in tasks} == {None}


def test_a_heading_that_names_its_lead_body_gives_units():
    tasks = _tasks("附件1\n2025年县政府工作报告任务清单\n一、县示范区管委会牵头工作(8项)\n1.建设产业园3个。\n2.打造食用菌基地。\n")
    assert [t["units"] for t in tasks] == [["县示范区管委会"], ["县示范区管委会"]]


def test_names_with_their_own_brackets_stay_whole():
    assert split_bodies("市工业和信息化局,相关县(市、区)政府、县发改局(粮食局)") == \
        ["市工业和信息化局", "相关县(市、区)政府", "县发改局(粮食局)"]


def test_inspect_explain_says_which_list_and_which_rule(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("2023年重点工作\n——坚持推进长江大保护\n116.推进长江大保护。（牵头单位：市生态环境局；责任单位：市水务局）\n"
                    "——深入推进污染防治\n117.打好蓝天保卫战。（责任单位：市生态环境局）\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["inspect", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "numbered arabic items at paragraph starts (a run of 2)" in out
    assert "list 0 · 116" in out and "a short unnumbered heading line between the items" in out
    assert "in brackets after the sentence: 牵头单位" in out and "责任单位 beside a 牵头单位: co-organisers" in out
    assert "standing alone: the responsible bodies" in out


def test_half_bracket_numbers_and_triangle_bullets_are_items():
    tasks = _tasks("2024年民生实事\n1）新建学校3所。\n2）新增床位200张。\n")
    assert [(t["seq"], t["content"]) for t in tasks] == [(1, "新建学校3所。"), (2, "新增床位200张。")]
    tasks = _tasks("2024年民生实事\n▲新建学校3所。\n▲新增床位200张。\n▲改造小区12个。\n")
    assert [(t["seq"], t["content"]) for t in tasks] == [(1, "新建学校3所。"), (2, "新增床位200张。"), (3, "改造小区12个。")]


def test_an_inline_label_ends_with_its_sentence():
    tasks = _tasks("2024年重点工作\n1、推进城市更新，牵头单位：市住建局。其中改造小区12个。\n2、新增就业2万人，牵头单位：市人社局。\n")
    assert [(t["content"], t["units"]) for t in tasks] == [
        ("推进城市更新\n其中改造小区12个。", ["市住建局"]), ("新增就业2万人", ["市人社局"])]


def test_points_on_their_own_lines_under_framed_paragraphs_are_not_the_list():
    texts = ["关于提高低保水平。截至11月底：", "一是提高城市低保。", "二是提高农村低保。",
             "关于推进人才公寓建设。截至11月底：", "一是省直公寓2.5万套。", "二是市级公寓。"]
    chosen = plan(texts)
    assert chosen.style == "lead" and chosen.items == {0, 3}


def test_item_one_glued_to_its_lead_in_is_split_off():
    tasks = _tasks("2020年民生实事\n《报告》指出，重点抓好15件民生实事。分别是： (1)加快建设县医院迁建项目。\n"
                   "(2)开工新建西环路。\n(3)完成新安大道一期工程。\n")
    assert [(t["seq"], t["content"]) for t in tasks] == [
        (1, "加快建设县医院迁建项目。"), (2, "开工新建西环路。"), (3, "完成新安大道一期工程。")]


def test_a_lead_in_that_announces_progress_makes_the_list_a_report():
    # no title says 进展: the lead-in does
    tasks = _tasks("按照工作部署，各部门落实责任。主要进度如下：\n完成7.4万口山坪塘整治。上半年已全部完工。\n"
                   "新建农村公路300公里。上半年已完成610公里。\n")
    assert [(t["content"], t["progress"]) for t in tasks] == [
        ("完成7.4万口山坪塘整治。", "上半年已全部完工。"), ("新建农村公路300公里。", "上半年已完成610公里。")]
    assert plan(["今年将办好以下实事：", "新建学校3所。", "新增床位200张。"]).lead_in == "今年将办好以下实事："
