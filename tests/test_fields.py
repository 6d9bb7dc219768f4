"""Field parsers: seq, bodies, dates, quantities, text blocks."""
import datetime as dt

import pytest

from minsheng_etl.fields.blocks import normalize_block, split_glued_points
from minsheng_etl.fields.bodies import split_bodies, split_people
from minsheng_etl.fields.dates import parse_date, parse_deadline
from minsheng_etl.fields.quantities import find_quantities, targets_from
from minsheng_etl.fields.seq import parse_seq, split_leading_number


@pytest.mark.parametrize("text,seq", [
    ("第1项", 1), ("区民生实事17项", 17), ("1.", 1), ("12", 12), ("（三）", 3), ("十二、", 12), ("14.改扩建", 14),
    ("", None), ("备注", None),
])
def test_parse_seq(text, seq):
    assert parse_seq(text) == seq


def test_leading_number_in_a_name_cell_is_the_seq():
    assert split_leading_number("14.改扩建学校") == (14, "改扩建学校")
    assert split_leading_number("4.5万平方米") == (None, "4.5万平方米")
    assert split_leading_number("3、四大重点培育产业") == (3, "四大重点培育产业")
    assert split_leading_number("（2）新建学校") == (2, "新建学校")
    assert split_leading_number("5）改造小区") == (5, "改造小区")


@pytest.mark.parametrize("text,names", [
    ("区人力资源\n社会保障局", ["区人力资源社会保障局"]),
    ("区园林绿化局\n魏善庄镇人民政府\n黄村镇人民政府", ["区园林绿化局", "魏善庄镇人民政府", "黄村镇人民政府"]),
    ("区经济和信息化局、安定镇人民政府、大兴发展、  区投资促进服务中心",
     ["区经济和信息化局", "安定镇人民政府", "大兴发展", "区投资促进服务中心"]),
    ("各街道办事处", ["各街道办事处"]),
    ("各乡、镇人民政府", ["各乡、镇人民政府"]),
    ("各县、市、区政府等", ["各县、市、区政府"]),
    ("区城市管理委、区住房城乡建设委、区市场监管局。", ["区城市管理委", "区住房城乡建设委", "区市场监管局"]),
    ("区住房城乡建\n设委", ["区住房城乡建设委"]),
    ("区园林绿化局\n魏善庄镇人民\n政府\n林校路街道办\n事处", ["区园林绿化局", "魏善庄镇人民政府", "林校路街道办事处"]),
    ("", []),
])
def test_split_bodies(text, names):
    assert split_bodies(text) == names


def test_split_people():
    assert split_people("常务副区长、张晓晟") == ["常务副区长", "张晓晟"]
    assert split_people("仲伟功、常务副区长") == ["仲伟功", "常务副区长"]


@pytest.mark.parametrize("text,year,date", [
    ("2025年12月31日", None, dt.date(2025, 12, 31)),
    ("2024 年 12 月底", None, dt.date(2024, 12, 31)),
    ("2024年2月底", None, dt.date(2024, 2, 29)),
    ("6月底前", 2023, dt.date(2023, 6, 30)),
    ("2023年底", None, dt.date(2023, 12, 31)),
    ("2023年6月底前完成方案，12月底前完工", None, dt.date(2023, 12, 31)),
    ("2025-09-30", None, dt.date(2025, 9, 30)),
    ("长期坚持", 2024, None),
    ("2025年三季度", None, dt.date(2025, 9, 30)),
])
def test_parse_deadline(text, year, date):
    assert parse_deadline(text, year) == date


def test_parse_published_date():
    assert parse_date("2023 年 3 月 3 日") == dt.date(2023, 3, 3)


# (text, expected (value, unit) list): cases taken from the corpus texts
QUANTITY_CASES = [
    ("新增200张养老家庭照护床位", [(200, "张")]),
    ("征集就业岗位2万个，组织开展招聘活动不少于200场", [(20000, "个"), (200, "场")]),
    ("一般公共预算收入完成104亿元", [(104, "亿元")]),
    ("实现引导基金管理规模超过400亿", [(400, "亿")]),
    ("促进就业不少于1.2万人次", [(12000, "人次")]),
    ("管理率达到70%以上", [(70, "%")]),
    ("增长 4.5[image: ]以上".replace("[image: ]", "%"), [(4.5, "%")]),
    ("新增2至3个数字化车间", [(2, "个"), (3, "个")]),
    ("完成2970亩（其中工业用地1407亩）5个批次土地征收", [(2970, "亩"), (1407, "亩"), (5, "批次")]),
    ("新建、翻建专项活动场地10余处；更新器材150余套", [(10, "处"), (150, "套")]),
    ("协调完成大兴国际机场五类口岸验收", [(5, "类")]),
    ("各镇至少在现有公墓内改造一处节地生态安葬设施", [(1, "处")]),
    ("原粮轮换架空期不超过4个月", [(4, "个月")]),
    ("每3万人至少有1个应急供应网点", [(30000, "人"), (1, "个")]),
    ("成灾率小于1‰", [(1, "‰")]),
    ("拆除建筑面积220万平方米，腾退土地230公顷", [(2200000, "平方米"), (230, "公顷")]),
    ("年育苗量稳定在1.5亿株以上", [(150000000, "株")]),
    ("对全区18条段149公里已治理黑臭水体", [(18, "条段"), (149, "公里")]),
    ("33大类食品抽检监测全覆盖", [(33, "大类")]),
    ("落实8方面25项任务", [(8, "方面"), (25, "项")]),
    ("为辖区内11万余户平房区居民", [(110000, "户")]),
    ("开展2轮次执法检查", [(2, "轮次")]),
    ("较2024年增长了6.6个百分点", [(6.6, "个百分点")]),
    # not quantities
    ("2025年12月31日", []),
    ("每季度对12345市民服务热线投诉量前100名的小区", []),
    ("西红门DX04-1002-6003小学", []),
    ("为60岁以上老年人、2-3岁幼儿", []),
    ("精心筹办第十九届北京国际航空展", []),
    ("打造“一刻钟便民生活圈”，增强“四个意识”", []),
    ("稳步推进二、三级医院药事服务", []),
    ("加快国道230（国道104-九德路）道路实施", []),
    ("力争11月投入使用", []),
    ("实施一批住宅老旧电梯更新", []),
    ("综合提升“一网通办”能力", []),
    ("按照市级部门统一部署", []),
    ("推动首农应急储备库1＃2＃库开工建设", []),
    ("实施“新智造100”工程", []),
    ("三元基因等16个重大产业项目", [(16, "个")]),
    ("南区一期、二期投入使用", []),
    ("全年解决10个项目，共计房屋1600套", [(10, "个"), (1600, "套")]),
    # traditional script: matched as simplified, the unit kept as printed
    ("新增城鎮就業100萬人以上", [(1000000, "人")]),
    ("可新增1.6萬噸儲備糧", [(16000, "噸")]),
    # ranges with a hyphen, 万亿, Chinese numerals, pairs
    ("打造3-4個鎮級示范點", [(3, "個"), (4, "個")]),
    ("新增3岁以下婴幼儿照护服务机构6家180个托位", [(6, "家"), (180, "个")]),
    ("地区生产总值突破1万亿元", [(10000, "亿元")]),
    ("新建公厕两处", [(2, "处")]),
    ("为2万对计划怀孕夫妇提供检查", [(20000, "对")]),
    # a bare number under a name whose unit is in brackets (a table's target cell)
    ("城镇新增就业(人)\n26000", [(26000, "人")]),
    ("城镇登记失业率低于（%）\n4.3", [(4.3, "%")]),
    ("农村劳动力转移就业(万人)\n1.2", [(12000, "人")]),
    # names, slogans, grades, ages, periods and counts with no measure word
    ("新建六中、第五人民医院和六十九中", []),
    ("开通8号环线和地铁10号线一期", []),
    ("建成首个示范点", []),
    ("推进“百万家庭低碳行”和“一事一议”、“二对一”帮扶", []),
    ("创建四星级学校，建设三级综合医院，九年制学校达到省Ⅰ类标准", []),
    ("解决500万人饮水安全(2013—2017年)", [(5000000, "人")]),
    ("纳入2024年度计划，毕业5年内的高校毕业生", []),
    ("解决13.3万常住人口饮水问题", []),
    ("惠及10余万人，新增就业岗位12,000个", [(100000, "人"), (12000, "个")]),
    ("城镇新增就业(人)\n≥26000", [(26000, "人")]),
    ("服务百万家庭，打造千亿级产业", []),
    ("建立一户一档、一人一策，推行“最多跑一次”和一门式服务", []),
]


@pytest.mark.parametrize("text,expected", QUANTITY_CASES)
def test_quantities(text, expected):
    assert targets_from(text) == [(float(v), u) for v, u in expected]


def test_quantity_comparators():
    qs = find_quantities("不少于200场，约1088个，70%以上，不超过4个月")
    assert [q.comparator for q in qs] == [">=", "~", ">=", "<="]


def test_glued_numbered_points_are_put_apart():
    assert split_glued_points("1.关于线路：制定方案。2.关于候车亭：完成设计。") == "1.关于线路：制定方案。\n2.关于候车亭：完成设计。"
    # a text that does not start with point 1 is left alone
    assert split_glued_points("完成率达到。2.5万人") == "完成率达到。2.5万人"


def test_normalize_block_drops_blank_lines_and_layout_spaces():
    assert normalize_block(" 截至6月底，已建设 2809 套。\n\n") == "截至6月底，已建设2809套。"
    assert normalize_block("   ") is None


def test_every_comparator_word_reads_as_its_kind_and_negations_win():
    """不低于 is at least, never its tail 低于 (at most); 不超过 is at most, never 超过."""
    import tomllib

    from minsheng_etl.fields.quantities import find_quantities
    from minsheng_etl.profiles import parsers_dir

    table = tomllib.loads((parsers_dir() / "quantities.toml").read_text(encoding="utf-8"))["comparators"]
    kinds = {"at_least": ">=", "at_most": "<=", "about": "~"}
    for kind, comparator in kinds.items():
        for word in table[f"{kind}_before"]:
            found = find_quantities(f"合格率{word}98.5%")
            assert [(q.value, q.comparator) for q in found] == [(98.5, comparator)], word
        for word in table[f"{kind}_after"]:
            found = find_quantities(f"新增就业300人{word}")
            assert [(q.value, q.comparator) for q in found] == [(300, comparator)], word
    for text, comparator in (("不低于98.5%", ">="), ("低于98.5%", "<="), ("不少于30个", ">="), ("少于30个", "<="),
                             ("不小于95%", ">="), ("小于95%", "<="), ("不超过10%", "<="), ("超过10%", ">="),
                             ("不高于5%", "<="), ("高于5%", ">="), ("5%以上", ">="), ("5%以下", "<="),
                             ("5%以内", "<="), ("约300人", "~"), ("300人左右", "~"), ("300人", None)):
        assert [q.comparator for q in find_quantities(text)] == [comparator], text
