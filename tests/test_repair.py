"""Repair stage: each rule on its own."""
from minsheng_etl.layout import Layout, Paragraph, Table
from minsheng_etl.repair import (
    fix_glyphs,
    is_page_furniture,
    repair,
    repair_text,
    should_join,
    split_content_progress,
    strip_leaked_html,
    strip_title_echo,
)


def test_th_for_sheng_is_repaired_between_chinese_and_after_numbers():
    assert fix_glyphs("地区Th产总值") == "地区生产总值"
    assert fix_glyphs("7.Th产Th活用水") == "7.生产生活用水"
    assert fix_glyphs("The Th产") == "The 生产"
    assert fix_glyphs("Thank you") == "Thank you"


def test_image_placeholder_after_a_number_is_a_percent_sign():
    assert fix_glyphs("增长 4.5[image: ]以上") == "增长 4.5%以上"
    assert fix_glyphs("达到100 [image: ]。") == "达到100%。"


def test_spaces_between_chinese_and_digits_go_and_ascii_words_keep_theirs():
    assert repair_text("新增中小学学位 3000 个") == "新增中小学学位3000个"
    assert repair_text("万元 GDP 能耗") == "万元GDP能耗"
    assert repair_text("Word Excel 文件") == "Word Excel文件"


def test_space_after_a_full_stop_is_a_line_break():
    assert repair_text("招投标工作。 家庭养老照护床位建设：已下发") == "招投标工作。\n家庭养老照护床位建设：已下发"


def test_leaked_html_is_removed():
    text = '<ol style="list-style-type: none"> 1. 食品已开始抽检招标工作；'
    assert strip_leaked_html(text).strip() == "1. 食品已开始抽检招标工作；"
    assert "ol" not in strip_leaked_html("&lt;ol style=&quot;x&quot;&gt;1.食品")


def test_page_furniture():
    for text in ("- 10 -", "(", "-", ")", "— 3 —", "第 3 页 共 9 页", "12"):
        assert is_page_furniture(text), text
    assert not is_page_furniture("12月31日")


def test_wrapped_lines_join_but_fields_numbers_and_dates_do_not():
    assert should_join("4.稳步推进二、三级医院药事服务进社区工作，通过用药咨", "询、宣教等形式指导社区居民安全用药")
    assert should_join("为全区燃气用户免费更换、加装安全型配件8.3", "万户，超额完成年度任务")
    assert not should_join("一、全区经济社会发展主要预期目标", "1.地区生产总值比上年增长")
    assert not should_join("牵头领导：常务副区长", "主要责任单位：区财政局")
    assert not should_join("北京市大兴区人民政府办公室2023 年 3 月 3 日", "2023 年区政府工作报告重点工作分工方案")
    assert not should_join("各镇人民政府，区政府各委、办、局（公司）、中心，各街道办事处", "《2023 年区政府工作报告》已经审议通过")


def test_a_page_copied_as_text_keeps_its_title_furniture_and_field_lines_apart():
    """A web page copied out as text: the breadcrumb, a title line (ending as titles do,
    in document.toml's words: …公示) and a line with a label of its own are no wrapped
    halves of a sentence."""
    assert not should_join("您当前所在位置:首页 > 新闻", "2020年重点民生实事项目目标任务分解情况公示")
    assert not should_join("根据上级有关文件精神，现将我局承办的民生实事项目予以公示",
                           "一、省(市)重点民生实事项目:")
    assert not should_join("2020年重点民生实事项目目标任务分解情况公示",
                           "根据上级有关文件精神，现将2020年我局承办的重点民生实事项目目标任务分解情况予以公示。")
    assert not should_join("主要协作单位：各乡镇人民政府、经济开发区管委会、县政府有关部门、有关直属单位",
                           "监督方式：0557-6031710")
    # a wrapped sentence still joins
    assert should_join("主要协作单位：各乡镇人民政府、经济开发区管委会、县政府有关部门、有关",
                       "直属单位")


def test_title_echo_at_the_end_of_a_cell_is_cut():
    assert strip_title_echo("正在开展样品抽样工作。大兴区2024年一季度进展情况", ["大兴区2024年一季度进展情况"]) == \
        "正在开展样品抽样工作。"


def test_content_and_progress_that_ran_together_are_split():
    assert split_content_progress("培育新型消费。1.召开论坛。") == ("培育新型消费。", "1.召开论坛。")
    assert split_content_progress("发展养老金融。贯彻落实意见。") == ("发展养老金融。", "贯彻落实意见。")
    assert split_content_progress("补齐短板，新建200个点。引导完善服务。1.经局研究。")[0] == "补齐短板，新建200个点。引导完善服务。"


def test_run_together_web_table_is_rebuilt():
    layout = Layout([Paragraph("标题"), Paragraph("序号任务内容三季度进展情况"),
                     Paragraph("1发展养老金融。贯彻落实意见。"), Paragraph("2培育新型消费。1.召开论坛。"),
                     Paragraph("2.联合印发通知。")], wrapped=True)
    fixed = repair(layout)
    table = fixed.blocks[1]
    assert isinstance(table, Table)
    assert [c.text for c in table.rows[2]] == ["2", "培育新型消费。", "1.召开论坛。\n2.联合印发通知。"]
