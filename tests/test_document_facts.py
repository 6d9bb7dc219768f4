"""Document facts (title, issuer, 文号, published, region, period) and each list's
kind and year, from Layouts and small files built here."""
import datetime as dt
import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng_etl import DocumentFacts, profiles
from minsheng_etl.extract.assemble import list_kind, list_year
from minsheng_etl.extract.document import find_region, read_facts, region_of_body
from minsheng_etl.extract.draft import TaskDraft
from minsheng_etl.fields.periods import period_end
from minsheng_etl.layout import Cell, Layout, Paragraph, Table
from minsheng_etl.readers import read
from minsheng_etl.repair import is_page_furniture, repair


def facts_of(*lines, headings=(), blocks_after=()):
    """Facts of a page made of these lines (indexes in `headings` marked as headings)."""
    paras = [Paragraph(text, heading=i in headings) for i, text in enumerate(lines)]
    return read_facts(Layout(paras + list(blocks_after)), [])


def table(*rows):
    return Table([[Cell([t]) for t in row] for row in rows])


TASKS = table(["序号", "任务内容", "责任单位"], ["1", "新建幼儿园3所。", "县教育局"])


# --- title ----------------------------------------------------------------------

def test_a_breadcrumb_however_worded_is_no_title():
    for crumb in ("您当前所在位置:首页 > 新闻", "您所在的位置：首页 > 政务公开", "当前位置：首页"):
        f = facts_of(crumb, "2020年重点民生实事项目目标任务分解情况公示", "根据上级有关文件精神，现予以公示。",
                     blocks_after=[TASKS])
        assert f.title == "2020年重点民生实事项目目标任务分解情况公示", crumb


def test_red_header_title_over_four_lines_is_joined():
    f = facts_of("嘉政办发〔2021〕5号", "县人民政府办公室关于", "对县《政府工作报告》确定的2021年",
                 "重点工作及市《政府工作报告》涉及的", "重点事项进行责任分解的通知",
                 "各镇人民政府，县政府各部门：", "现将责任分解给你们，请抓好落实。")
    assert f.title == "县人民政府办公室关于对县《政府工作报告》确定的2021年重点工作及市《政府工作报告》涉及的重点事项进行责任分解的通知"
    assert f.doc_number == "嘉政办发〔2021〕5号"
    assert f.issuer == "县人民政府办公室"  # the title's "X关于", no signature names one


def test_title_ending_on_a_year_goes_on_to_its_notice():
    f = facts_of("沪府办发〔2014〕14号", "上海市人民政府办公厅关于印发2014年", "市政府要完成的与人民生活密切相关的",
                 "实事的通知", "各区、县人民政府，市政府各委、办、局：", "经市政府同意，现印发给你们。",
                 "上海市人民政府办公厅", "2014年2月22日")
    assert f.title == "上海市人民政府办公厅关于印发2014年市政府要完成的与人民生活密切相关的实事的通知"
    assert (f.issuer, f.published, f.region) == ("上海市人民政府办公厅", dt.date(2014, 2, 22), "上海市")


def test_second_title_line_that_ends_a_title_is_joined_but_not_a_caption_or_a_sentence():
    assert facts_of("2015年25件重点民生实事", "上半年主要进度", "按照工作部署，各项任务有序推进。").title == \
        "2015年25件重点民生实事上半年主要进度"
    assert facts_of("武汉市人民政府2023年《政府工作报告》", "目标任务责任分解方案(下)", "(六)着力推动绿色转型").title == \
        "武汉市人民政府2023年《政府工作报告》目标任务责任分解方案(下)"
    assert facts_of("区2021年上半年计划执行情况", "表1:上半年主要指标完成情况").title == "区2021年上半年计划执行情况"
    assert facts_of("2025年街道民生实事项目进展情况", "民生实事项目是回应群众关切的关键举措").title == \
        "2025年街道民生实事项目进展情况"


def test_page_without_title_line_takes_its_first_heading():
    f = facts_of("近期，市政府督查室对重点民生实事进行了督导调度，现将有关情况通报如下：",
                 "附件：2024年30项重点民生实事二季度进展情况表", "附件",
                 "2024年二季度30项重点民生实事进展情况表", headings={3}, blocks_after=[TASKS])
    assert f.title == "2024年二季度30项重点民生实事进展情况表"
    assert f.period == "二季度"


def test_a_marked_heading_after_an_unmarked_kicker_is_the_title():
    f = facts_of("政务公开", "2024年为民办实事项目清单", "来源：县政府办", headings={1})
    assert f.title == "2024年为民办实事项目清单"


# --- metadata, issuer, published ---------------------------------------------------

def test_metadata_table_gives_issuer_number_and_date_and_does_not_end_the_head():
    meta = table(["索引号", "000014349/2023-00012", "发文机关", "北京市大兴区人民政府办公室"],
                 ["文号", "京兴政办发〔2023〕1号", "发文日期", "2023-03-03"])
    layout = Layout([meta, Paragraph("关于印发重点工作分工方案的通知"), Paragraph("各镇人民政府："), TASKS])
    f = read_facts(layout, [])
    assert f.title == "关于印发重点工作分工方案的通知"
    assert (f.issuer, f.doc_number, f.published) == ("北京市大兴区人民政府办公室", "京兴政办发〔2023〕1号",
                                                     dt.date(2023, 3, 3))
    assert f.region == "北京市大兴区"


def test_source_line_names_the_issuer_unless_it_is_an_outlet_or_a_bare_office():
    f = facts_of("教育体育局2020年为民办实事", "来源:教育体育局发布时间:2020-03-02 15:00", "1.新建校舍。")
    assert (f.issuer, f.published, f.region) == ("教育体育局", dt.date(2020, 3, 2), None)
    f = facts_of("县政府2020年民生实事", "索引号:20230425-095005-528时间:2020-05-11来源:甘谷县融媒体中心", "(1)新建医院。")
    assert (f.issuer, f.published, f.region) == (None, dt.date(2020, 5, 11), "甘肃省天水市甘谷县")
    assert facts_of("三季度进展情况", "发布日期:2025-09-20 10:48来源:办公室").issuer is None


def test_outlet_named_after_a_city_gives_the_city():
    f = facts_of("《政府工作报告》解读2017:十件实事", "作者:佚名发布时间:2017-03-17 15:14来源:安阳新闻网",
                 "1.实施市政道路建设。")
    assert (f.issuer, f.region, f.published) == (None, "河南省安阳市", dt.date(2017, 3, 17))


def test_signature_names_issuer_date_and_region_in_traditional_script():
    f = facts_of("近期，市政府督查室對全市重點民生實事二季度完成情況進行了督導調度，現將有關情況通報如下：",
                 "棲霞市人民政府辦公室", "2024年7月10日", "2024年二季度30項重點民生實事進展情況表",
                 headings={3}, blocks_after=[TASKS])
    assert f.issuer == "棲霞市人民政府辦公室"  # as printed
    assert f.region == "山东省烟台市栖霞市"  # gazetteer form, simplified
    assert f.published == dt.date(2024, 7, 10)
    assert f.title == "2024年二季度30項重點民生實事進展情況表"


def test_two_character_county_is_read_at_the_head_of_the_issuer():
    f = facts_of("关于印发《2025年县<政府工作报告>", "任务分解》《2025年十五件民盼实事", "任务分解》的通知",
                 "县示范区管委会，各乡、镇人民政府：", "现将任务分解印发给你们。", "沁县人民政府办公室", "2025年5月18日")
    assert f.title == "关于印发《2025年县<政府工作报告>任务分解》《2025年十五件民盼实事任务分解》的通知"
    assert (f.issuer, f.region, f.published) == ("沁县人民政府办公室", "山西省长治市沁县", dt.date(2025, 5, 18))


def test_quoted_notice_title_names_the_issuer_and_a_yearless_date_takes_the_plan_year():
    f = facts_of("2024年十个方面30项为民实事", "3月18日", "西安市人民政府网站发布",
                 "《西安市人民政府办公厅关于印发2024年为民实事实施方案的通知》", "交通出行方面",
                 "1。开通运营地铁线路。蓝田县、周至县、蓝田县、周至县供水设施建设。")
    assert (f.issuer, f.region, f.published) == ("西安市人民政府办公厅", "陕西省西安市", dt.date(2024, 3, 18))


def test_news_dateline_dates_the_notice_but_an_event_time_does_not():
    f = facts_of("2018年河南省重點民生實事", "前11個月進展情況", "12月20日,省政府辦公廳通報了重點民生實事進展情況。")
    assert (f.title, f.published, f.period, f.region) == (
        "2018年河南省重點民生實事前11個月進展情況", dt.date(2018, 12, 20), "前11個月", "河南省")
    f = facts_of("2019年兰州市委市政府为民兴办10件实事", "原标题:2019年市委市政府为民兴办10件实事",
                 "2月22日上午,在市人民代表大会上,明确了10件实事。")
    assert (f.published, f.issuer, f.region) == (None, None, "甘肃省兰州市")


# --- region -------------------------------------------------------------------------

def test_region_from_a_body_named_after_the_place():
    f = facts_of("县人民政府办公室关于责任分解的通知", "各镇人民政府，嘉鱼经济开发区：", "经县人民政府同意，现印发给你们。")
    assert f.region == "湖北省咸宁市嘉鱼县"
    assert region_of_body("调兵山市政府办督查室") == "辽宁省铁岭市调兵山市"
    assert region_of_body("北京市大兴区人民政府办公室") == "北京市大兴区"
    assert region_of_body("县人民政府办公室") is None


def test_issuer_place_wins_over_a_city_the_title_names():
    f = facts_of("关于铁岭市重点民生实事进展情况的督查专报", "来源:调兵山市政府办督查室时间:2023-04-12",
                 "按照要求，市政府督查室对铁岭市重点民生实事进展情况进行了督查。",
                 "实施计划中制定了3月末节点目标且涉及我市的任务有3个。")
    assert (f.issuer, f.region, f.published, f.period) == (
        "调兵山市政府办督查室", "辽宁省铁岭市调兵山市", dt.date(2023, 4, 12), "3月末")


def test_ambiguous_district_alone_reads_as_the_municipality_district():
    empty = Layout([])
    assert find_region("普陀区2021年上半年计划执行情况", empty) == "上海市普陀区"
    assert find_region("舟山市普陀区2021年民生实事", empty) == "浙江省舟山市普陀区"


def test_a_township_alone_gives_no_region():
    assert facts_of("2025年街道民生实事项目进展情况", "东北塘街道大马巷社区新建服务点。").region is None


# --- period --------------------------------------------------------------------------

def test_periods_as_written():
    cases = {
        "2023年1-9月份民生实事进展情况": "1-9月份",
        "2024年4月省政府民生实事项目进展情况汇总表": "4月",
        "普陀区2021年上半年计划执行情况": "上半年",
        "2017年1—11月十大民生工程项目实施进度表": "1—11月",
        "一季度河南重点民生实事进展顺利": "一季度",
        "2024年二季度30項重點民生實事進展情況表": "二季度",
        "2025年民生实事截至6月底进展情况": "截至6月底",
        "2024年为民办实事项目": None,
        "关于2024年12月底前完成民生实事的通知": None,
    }
    for title, period in cases.items():
        assert facts_of(title).period == period, title


def test_period_end_of_each_form():
    assert period_end("前11個月", 2018) == dt.date(2018, 11, 30)
    assert period_end("3月末", 2023) == dt.date(2023, 3, 31)
    assert period_end("1-9月份", 2023) == dt.date(2023, 9, 30)
    assert period_end("上半年", 2021) == dt.date(2021, 6, 30)


# --- list kind and year -----------------------------------------------------------------

def kind(title, heading=None, period=None, progress=False, published=None):
    facts = DocumentFacts(title=title, period=period, published=published)
    drafts = [TaskDraft(seq=1, content="新建幼儿园。", progress="已完工。" if progress else None)]
    return list_kind(heading, facts, drafts), list_year(heading, facts, drafts)


def test_list_kind_from_title_and_period():
    assert kind("2015年25件重点民生实事上半年主要进度", period="上半年") == ("progress", 2015)
    assert kind("2021年民生实事项目推进情况") == ("progress", 2021)
    assert kind("2018年河南省重點民生實事前11個月進展情況", period="前11個月") == ("progress", 2018)
    assert kind("2023年民生实事完成情况", progress=True) == ("completion", 2023)
    assert kind("2023年建议提案办理情况") == ("completion", 2023)
    assert kind("2023年1-11月民生实事完成情况", period="1-11月") == ("progress", 2023)
    assert kind("2024年为民办实事项目") == ("plan", 2024)
    assert kind("关于印发2024年重点项目建设进度安排的通知") == ("plan", 2024)
    assert kind("2024年重点工作台账", progress=True) == ("progress", 2024)


def test_a_list_heading_with_its_own_year_speaks_for_its_list():
    title = "东城区2023年重要民生实事完成情况及东城区2024年重要民生实事项目"
    assert kind(title, heading="一、东城区2023年重要民生实事项目完成情况", progress=True) == ("completion", 2023)
    assert kind(title, heading="二、东城区2024年重要民生实项目") == ("plan", 2024)


def test_list_year_falls_back_to_publication():
    assert kind("一季度河南重点民生实事进展顺利", published=dt.date(2021, 5, 4)) == ("progress", 2021)


# --- readers' title hints, shared word lists ------------------------------------------------

def test_html_bold_and_centred_blocks_are_headings():
    page = ("<html><body><p style='text-align:center'>2024年民生实事进展情况</p>"
            "<p><strong>一、教育</strong></p><p>正文<b>加粗</b>文字。</p></body></html>").encode()
    paras = read(page, "html").paragraphs()
    assert [p.heading for p in paras] == [True, True, False]


def test_docx_centred_and_bold_paragraphs_are_headings():
    document = docx.Document()
    document.add_paragraph("2024年民生实事进展情况").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run("附件表").bold = True
    document.add_paragraph("正文文字。")
    buf = io.BytesIO()
    document.save(buf)
    paras = read(buf.getvalue(), "docx").paragraphs()
    assert [p.heading for p in paras] == [True, True, False]


def test_document_words_have_one_home():
    words = profiles.load().document
    assert "通知" in words["title"]["endings"] and "来源" in words["metadata"]["source"]
    assert words["period"]["year_parts"]["上半年"] == 6
    assert is_page_furniture("- 10 -") and is_page_furniture("第3页 共9页") and not is_page_furniture("10个")


def test_signature_in_chinese_numerals_and_no_page_date_from_a_task_label():
    f = facts_of("县卫生健康局2021年民生实事任务分解", "各乡镇卫生院：", "1.新建村卫生室10个。", "完成时间：2021年12月31日",
                 "县卫生健康局", "二〇二一年五月七日")
    assert (f.issuer, f.published, f.region) == ("县卫生健康局", dt.date(2021, 5, 7), None)
    f = facts_of("县卫生健康局2021年民生实事任务分解", "各乡镇卫生院：", "1.新建村卫生室10个。", "完成时间：2021年12月31日")
    assert f.published is None


def test_a_provincial_outlet_yields_to_the_city_the_page_names():
    f = facts_of("2024年民生实事", "来源:河南日报", "今年郑州市将办好十件实事。", "郑州市新建学校。")
    assert f.region == "河南省郑州市"


def test_whole_year_period_alone_does_not_make_a_plan_a_completion():
    assert kind("2024年全年重点工作安排", period="全年") == ("plan", 2024)
    assert kind("2024年全年重点工作", period="全年", progress=True) == ("completion", 2024)
    assert facts_of("截至2024年6月底民生实事进展").period == "截至2024年6月底"
    assert facts_of("2024年前三季度民生实事推进情况").period == "前三季度"


def test_a_task_table_with_source_and_time_columns_is_no_metadata_table():
    tasks = table(["序号", "来源", "任务内容", "时间"], ["1", "区民生实事第1项", "新建养老驿站3家。", "2025年12月31日"])
    f = read_facts(Layout([Paragraph("2025年区民生实事任务进展情况汇总表"), tasks]), [])
    assert (f.title, f.issuer, f.published) == ("2025年区民生实事任务进展情况汇总表", None, None)


def test_html_page_with_metadata_table_and_centred_two_line_title():
    page = ("<html><body><table><tr><td>索引号：</td><td>11410400/2023-001</td><td>发文机关：</td>"
            "<td>平顶山市人民政府办公室</td></tr><tr><td>文号：</td><td>平政办〔2013〕11号</td><td>发文日期：</td>"
            "<td>2013年03月14日</td></tr></table>"
            "<p style='text-align:center'><strong>平顶山市人民政府办公室关于印发</strong></p>"
            "<p style='text-align:center'><strong>2013年市政府重点工作任务分解的通知</strong></p>"
            "<p>各县（市、区）人民政府：</p><p>现将任务分解如下。</p></body></html>").encode()
    f = read_facts(repair(read(page, "html")), [])
    assert f.title == "平顶山市人民政府办公室关于印发2013年市政府重点工作任务分解的通知"
    assert (f.issuer, f.doc_number, f.published, f.region) == (
        "平顶山市人民政府办公室", "平政办〔2013〕11号", dt.date(2013, 3, 14), "河南省平顶山市")


def test_a_body_name_above_the_number_is_a_banner_not_the_title():
    f = facts_of("嘉鱼县人民政府办公室", "嘉政办发〔2021〕5号", "关于印发2021年重点工作责任分解的通知", "各镇人民政府：")
    assert (f.title, f.doc_number) == ("关于印发2021年重点工作责任分解的通知", "嘉政办发〔2021〕5号")
    assert (f.issuer, f.region) == ("嘉鱼县人民政府办公室", "湖北省咸宁市嘉鱼县")


def test_site_chrome_in_latin_letters_and_label_lines_are_no_title():
    facts = facts_of("top", "loading...", "2021年民生实事项目推进情况", "1.新建学校3所。")
    assert facts.title == "2021年民生实事项目推进情况"
    facts = facts_of("牵头单位:市工业和信息化局", "2013年市政府重点工作任务分解", "1.新建学校3所。")
    assert facts.title == "2013年市政府重点工作任务分解"
