"""Targets, achievements and status: quantities with their nouns, achievements
matched to targets on the seeds (hand-checked), as-of dates, inferred status."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import SAMPLES, rows

from minsheng_etl.fields.periods import as_of_date, period_end
from minsheng_etl.fields.quantities import find_quantities
from minsheng_etl.measures import (
    measure_task,
    stated_share,
    status_from_words,
    strip_point_numbers,
)
from minsheng_etl.models import DocumentFacts, Task
from minsheng_etl.pipeline import parse_file

# --- quantities: value, unit, comparator and the noun counted (texts from the corpus) ---

@pytest.mark.parametrize("text, expected", [
    ("新增200张养老家庭照护床位。", [(200, "张", None, "养老家庭照护床位")]),
    ("加强住房保障，建设筹集保障性住房4000套。", [(4000, "套", None, "保障性住房")]),
    ("截至6月底，已建设筹集保障性住房2809套。", [(2809, "套", None, "保障性住房")]),
    ("征集就业岗位2万个", [(20000, "个", None, "就业岗位")]),
    ("截至6月底，征集各类就业岗位1.5万个", [(15000, "个", None, "就业岗位")]),
    ("组织开展招聘活动不少于200场", [(200, "场", ">=", "招聘活动")]),
    ("利用人防工程向社会提供500个停车位", [(500, "个", None, "停车位")]),
    ("已利用人防工程新增停车位450个。", [(450, "个", None, "停车位")]),
    ("为225名残疾儿童提供个性化康复训练", [(225, "名", None, "残疾儿童")]),
    ("截至6月底，已完工33条，在施19条。", [(33, "条", None, None), (19, "条", None, "在施")]),
    ("启动2个乡村振兴示范村和6个提升村建设工作", [(2, "个", None, "乡村振兴示范村"), (6, "个", None, "提升村")]),
    ("全面一体化管理率达到70%以上", [(70, "%", ">=", "全面一体化管理率")]),
    ("策划并组织60余场经典剧目演出", [(60, "场", ">=", "经典剧目演出")]),
    ("新建、翻建专项活动场地10余处", [(10, "处", ">=", "专项活动场地")]),
    ("预计增加安葬穴位（格位）约1088个", [(1088, "个", "~", None)]),
    ("组织重点行业领域从业人员开展消防基本技能实操实训1.8万人", [(18000, "人", None, "消防基本技能实操实训")]),
    ("参与群众62.6万人次", [(626000, "人次", None, "参与群众")]),
    ("完成3.5万平方米以上防空地下室维护任务", [(35000, "平方米", ">=", "防空地下室维护")]),
    ("开通不少于50条通学公交线路", [(50, "条", ">=", "通学公交线路")]),
    ("辖区内银行发放养老产业贷款共计2.4亿。", [(2.4, "亿", None, "养老产业贷款")]),  # a bare 亿 stays the unit
    ("一般公共预算收入完成104亿元。", [(104, "亿元", None, "一般公共预算收入")]),
    ("较2024年增长了6.6个百分点", [(6.6, "个百分点", None, None)]),
    # not quantities: dates, ages, codes, hotlines, ranks, fixed phrases
    ("2025年6月11日，市级验收组进行现场验收指导。", []),
    ("为60岁以上老年人家庭配备", []),
    ("西红门DX04-1002-6003小学已竣工。", []),
    ("12345市民服务热线物业类投诉量市级前100名的小区", []),
    ("打造一刻钟便民生活圈", []),
    ("第二批“永定河望悠田园”示范片区", []),
])
def test_quantities_with_nouns(text, expected):
    got = [(q.value, q.unit, q.comparator, q.noun) for q in find_quantities(text)]
    assert got == [(float(v), u, c, n) for v, u, c, n in expected]


def test_point_numbers_are_not_read_as_decimals():
    text = "1.2处社区养老配建已交接使用。\n2.对已运营5家进行调度部署。\n3.已完成500张床位建设。"
    assert strip_point_numbers(text).startswith("2处社区养老配建")
    assert strip_point_numbers("1.5万人次参与") == "1.5万人次参与"  # one line: a decimal, not a point number


@pytest.mark.parametrize("text, share", [
    ("已利用人防工程新增停车位200个，完成任务的40%。", 40.0),
    ("累计促进3285名重点群体就业，完成指标任务的27.37%。", 27.37),
    ("目前任务完成率85%", 85.0),
    ("合格率98.5%", None),
])
def test_stated_share(text, share):
    found = stated_share(text)
    assert (found[0] if found else None) == share


# --- as-of dates ---------------------------------------------------------------------

@pytest.mark.parametrize("period, year, expected", [
    ("截至6月底", 2025, dt.date(2025, 6, 30)),
    ("一季度", 2024, dt.date(2024, 3, 31)),
    ("三季度", 2025, dt.date(2025, 9, 30)),
    ("第二季度", 2025, dt.date(2025, 6, 30)),
    ("1-11月", 2024, dt.date(2024, 11, 30)),
    ("截至3月20日", 2024, dt.date(2024, 3, 20)),
    ("上半年", 2023, dt.date(2023, 6, 30)),
    ("全年", 2023, dt.date(2023, 12, 31)),
    ("本期", 2023, None),
])
def test_period_end(period, year, expected):
    assert period_end(period, year) == expected


def test_as_of_by_list_kind():
    published = dt.date(2023, 3, 3)
    assert as_of_date(period=None, year=2023, list_kind="completion", published=None) == dt.date(2023, 12, 31)
    assert as_of_date(period=None, year=2023, list_kind="plan", published=published) == published
    assert as_of_date(period=None, year=2025, list_kind="progress", published=dt.date(2025, 9, 20)) == \
        dt.date(2025, 9, 20)
    assert as_of_date(period="三季度", year=2025, list_kind="progress", published=dt.date(2025, 9, 20)) == \
        dt.date(2025, 9, 30)


# --- status -------------------------------------------------------------------------------

@pytest.mark.parametrize("words, status", [
    ("正在推进", "in_progress"), ("已完成", "completed"), ("未完成", "in_progress"), ("尚未启动", "not_started"),
    ("序时推进", "in_progress"), ("", None),
])
def test_status_words(words, status):
    assert status_from_words(words) == status


def task(content, progress=None, status=None, kind="progress", deadline=None):
    return Task(list=0, year=2025, list_kind=kind, seq=1, content=content, progress=progress, status=status,
                deadline=deadline)


DOC = DocumentFacts(title="t", period="截至6月底")


@pytest.mark.parametrize("t, status, basis, overdue", [
    (task("建设筹集保障性住房4000套。", "已建设筹集保障性住房2809套。"), "in_progress", "numbers", False),
    (task("建设筹集保障性住房4000套。", "已建设筹集保障性住房4100套。"), "completed", "numbers", False),
    (task("建设筹集保障性住房4000套。", "正在推进", "已完成"), "completed", "notice", False),
    (task("提供500个停车位", "已新增停车位200个，完成任务的40%。", deadline=dt.date(2025, 5, 31)),
     "in_progress", "numbers", True),
    (task("整治裸土小路", "已完成对裸土小路整治工作。", deadline=dt.date(2025, 5, 31)), "completed", "progress", False),
    (task("整治裸土小路", "完成第一批家改申请与审核工作"), "in_progress", "progress", False),
    (task("整治裸土小路", "目前尚未启动"), "not_started", "progress", False),
    (task("新增学位3000个", "共扩充学位4226个", kind="completion"), "completed", "numbers", False),
    (task("推进智慧养老", None, kind="plan"), "not_started", "list_kind", False),
])
def test_inferred_status(t, status, basis, overdue):
    m = measure_task(t, DOC)
    assert (m.status, m.status_basis, m.overdue) == (status, basis, overdue)


# --- achievements matched to targets, on the seeds (each pair checked by hand) ---------------

def pairs_of(path):
    parsed = parse_file(path)
    found = {}
    for t in parsed.notice.tasks:
        m = measure_task(t, parsed.notice.document)
        for a in m.achievements:
            if a.target_position:
                target = m.targets[a.target_position - 1]
                found.setdefault(t.seq, []).append((a.value, a.unit, target.value, target.unit))
    return found


HALF_YEAR = [  # daxing-2025-h1-summary: (seq, achieved, unit, target, unit)  # 8: 新开1条、调整4条 lines add up
    (1, 2, "处", 2, "处"), (1, 500, "张", 200, "张"), (8, 5, "条", 5, "条"),
    (2, 15000, "个", 20000, "个"), (2, 148, "场", 200, "场"), (2, 2231, "人", 3800, "人"),
    (3, 2880, "个", 2880, "个"), (4, 66, "%", 70, "%"), (5, 2809, "套", 4000, "套"), (7, 26, "个", 30, "个"),
    (10, 450, "个", 500, "个"), (11, 130, "个", 185, "个"), (11, 185, "人", 330, "人"), (11, 225, "名", 225, "名"),
    (13, 33, "条", 52, "条"), (18, 4024, "场", 1300, "场"), (18, 341, "场", 800, "场"), (19, 60, "场", 100, "场"),
    (20, 6, "个", 8, "个"), (20, 9687, "套", 1000, "套"), (20, 16223, "人", 18000, "人"),
    (21, 98.5, "%", 98.5, "%"), (21, 100, "%", 99, "%"),
]
FIRST_QUARTER = [  # daxing-2024-q1-progress
    (2, 3285, "名", 12000, "人次"), (6, 19, "部", 30, "部"), (8, 405, "套", 6000, "套"), (9, 200, "个", 500, "个"),
    (20, 92, "场", 1300, "场"), (20, 15, "场", 800, "场"),
]


@pytest.mark.parametrize("name, expected", [("daxing-2025-h1-summary.txt", HALF_YEAR),
                                            ("daxing-2024-q1-progress.txt", FIRST_QUARTER)])
def test_achievements_match_their_targets(name, expected):
    found = pairs_of(SAMPLES / name)
    for seq, got, unit, target, target_unit in expected:
        assert (float(got), unit, float(target), target_unit) in found.get(seq, []), (seq, got, found.get(seq))
    # and nothing else: 乡村振兴 villages are not 项目, a restated target (100个候车亭) is not progress
    assert sorted((seq, *p) for seq, ps in found.items() for p in ps) == \
        sorted((s, float(g), u, float(t), tu) for s, g, u, t, tu in expected)


def test_target_vs_achieved_view(sample_warehouse):
    got = rows(sample_warehouse, """SELECT seq, target, unit, achieved, ratio FROM target_vs_achieved
                                    WHERE region = '北京市大兴区' AND year = 2025 AND seq IN (5, 10) ORDER BY seq""")
    share = rows(sample_warehouse, """SELECT DISTINCT stated_share FROM target_vs_achieved
                                      WHERE region = '北京市大兴区' AND year = 2024 AND seq = 9""")
    statuses = rows(sample_warehouse, """SELECT status_now, count(*) FROM tasks_flat WHERE year = 2025
                                         AND region = '北京市大兴区' GROUP BY 1 ORDER BY 1""")
    assert got == [(5, 4000.0, "套", 2809.0, 0.7023), (10, 500.0, "个", 450.0, 0.9)]
    assert share == [(40.0,)]
    assert statuses == [("completed", 1), ("in_progress", 21)]


# --- parts added up; a year-end report's word for the whole task ---------------------

@pytest.mark.parametrize("target, progress, kind, achieved, text, status", [
    # parts of one thing, one sentence, an enumeration: added up (67 against at least 60)
    ("举办文化惠民演出活动不少于60场。", "举办惠民演出进基层活动17场、百姓周末大舞台活动50场，丰富群众文化生活。",
     "completion", 67.0, "17场+50场", "completed"),
    ("优化调整5条公交线路。", "新开1条境内公交线路、调整4条境内公交线路。", "progress", 5.0, "1条+4条", "completed"),
    # 其中: the later figure is a part of the earlier, not another part
    ("新建养老床位200张。", "新建养老床位120张，其中护理型床位60张。", "progress", 120.0, "120张", "in_progress"),
    # 累计: a total already, nothing to add
    ("新建养老床位200张。", "累计新建养老床位120张、护理型床位60张。", "progress", 120.0, "120张", "in_progress"),
    # another sentence: not parts of one enumeration
    ("新建养老床位200张。", "新建养老床位120张。下半年计划建设护理型床位60张。", "progress", 120.0, "120张",
     "in_progress"),
])
def test_parts_of_one_thing_are_added_up(target, progress, kind, achieved, text, status):
    m = measure_task(task(target, progress, kind=kind), DOC)
    matched = [a for a in m.achievements if a.target_position == 1]
    assert [(a.value, a.text) for a in matched] == [(achieved, text)]
    assert m.status == status


@pytest.mark.parametrize("progress, kind, status, basis", [
    # a completion report says the whole task is done: that outranks one figure short of its target
    ("全面完成年度任务，新建养老床位180张。", "completion", "completed", "year_end_wording"),
    ("超额完成，新建养老床位180张。", "completion", "completed", "year_end_wording"),
    ("新建养老床位180张，已完成。", "completion", "completed", "year_end_wording"),
    # the word followed by a figure is that figure; a negated word says the opposite
    ("已完成180张。", "completion", "in_progress", "numbers"),
    ("未全面完成，新建养老床位180张。", "completion", "in_progress", "numbers"),
    ("尚未完成，新建养老床位180张。", "completion", "in_progress", "numbers"),
    # a mid-year report: the figure stands
    ("全面完成前期工作，新建养老床位180张。", "progress", "in_progress", "numbers"),
])
def test_year_end_wording_outranks_a_partial_figure(progress, kind, status, basis):
    m = measure_task(task("新建养老床位200张。", progress, kind=kind), DOC)
    assert (m.status, m.status_basis) == (status, basis)


def test_the_completion_sample_reads_completed(sample_warehouse):
    # 东城 2023 #15: 17场 + 50场 against 不少于60场
    assert rows(sample_warehouse, """SELECT achieved, achieved_text, status_now FROM target_vs_achieved
                                     WHERE region = '北京市东城区' AND year = 2023 AND seq = 15""") == [
        (67.0, "17场+50场", "completed")]
