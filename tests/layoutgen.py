"""Layout generator for issue 14: the same task records rendered into every layout
family (marker styles × field placement × distractors × table shapes) and every
format (txt, docx, html in UTF-8 and GBK, xlsx, pdf), each with the records a
reader of the notice would write down (../shared/corpus/GOLD-FORMAT.md).

Family names say their dimension: m_ marker styles, f_ field placement, d_
distractor lists before the tasks, c_ combinations seen in real notices, t_
table shapes. A family builds an abstract `Doc` (title, paragraphs, grids) with
its expected records; a renderer turns the Doc into one format's bytes, and
`render(family, fmt)` does both. Keeping the two apart lets every family go into
every format it makes sense in without re-deriving the expectations. The task texts are adapted from the shared corpus's gold
files, copied here so the tests need nothing outside the checkout.
"""
from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Callable

YEAR = 2024
PLAN_TITLE = "2024年县民生实事项目"
PROGRESS_TITLE = "2024年县民生实事项目进展情况"
INTRO = "为切实解决群众急难愁盼问题，县政府确定今年集中力量办好一批民生实事，现将有关情况公布如下。"


# --- the task records ------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    name: str  # a short project name, for layouts that give a name and its report
    content: str
    targets: tuple[tuple[float, str], ...]
    units: tuple[str, ...]
    co_units: tuple[str, ...]
    lead: tuple[str, ...]
    deadline_text: str
    deadline: str  # ISO, as GOLD-FORMAT derives it from deadline_text
    progress: str
    status: str
    category: str


ITEMS = (
    Item("中小学学位扩容工程", "新建、改扩建中小学和幼儿园5所，新增学位3000个。", ((5, "所"), (3000, "个")),
         ("县教育局",), ("县发展改革局", "县自然资源局"), ("副县长李华",), "2024年12月底", "2024-12-31",
         "已开工4所，其中2所主体完工，新增学位1200个。", "正在推进", "社会事业"),
    Item("养老服务提升工程", "新增养老家庭照护床位200张，改造提升社区养老服务站6处。", ((200, "张"), (6, "处")),
         ("县民政局",), ("各乡镇人民政府",), ("副县长王明",), "2024年11月30日", "2024-11-30",
         "已建成家庭照护床位150张，4处服务站完成改造。", "正在推进", "社会事业"),
    Item("居民健康体检", "为城乡居民免费开展健康体检3万人次。", ((30000, "人次"),),
         ("县卫生健康局",), (), ("副县长王明",), "2024年12月31日", "2024-12-31",
         "已完成体检31250人次。", "已完成", "社会事业"),
    Item("就业创业促进", "城镇新增就业2600人，开展职业技能培训1500人次。", ((2600, "人"), (1500, "人次")),
         ("县人力资源社会保障局",), ("县财政局", "县总工会"), ("副县长李华",), "2024年12月底", "2024-12-31",
         "城镇新增就业2815人，完成职业技能培训1620人次。", "超额完成", "社会事业"),
    Item("农村公路建设", "新改建农村公路120公里，实施危桥改造15座。", ((120, "公里"), (15, "座")),
         ("县交通运输局",), ("县财政局",), ("副县长赵强",), "2024年10月底", "2024-10-31",
         "已完成新改建农村公路86公里，危桥改造9座。", "正在推进", "城乡建设"),
    Item("老旧小区改造", "改造城镇老旧小区12个，惠及居民3500户。", ((12, "个"), (3500, "户")),
         ("县住房城乡建设局",), ("各街道办事处",), ("副县长赵强",), "2024年9月30日", "2024-09-30",
         "12个小区已全部开工，完工7个。", "正在推进", "城乡建设"),
    Item("停车设施建设", "新建城市公共停车位800个，建设公共充电桩100个。", ((800, "个"), (100, "个")),
         ("县城市管理局",), ("县公安局交警大队", "县供电公司"), ("副县长赵强",), "2024年12月底", "2024-12-31",
         "已建成停车位520个，充电桩60个。", "正在推进", "城乡建设"),
)


@dataclass(frozen=True)
class Indicator:
    """A row of an indicator table: name with its unit in brackets, a bare target."""

    name: str
    value: int
    unit: str
    units: tuple[str, ...]
    achieved: str


INDICATORS = (
    Indicator("城镇新增就业(人)", 2600, "人", ("县人力资源社会保障局",), "2815"),
    Indicator("城镇失业人员再就业(人)", 800, "人", ("县人力资源社会保障局",), "912"),
    Indicator("新增中小学学位(个)", 3000, "个", ("县教育局",), "1200"),
    Indicator("新增养老家庭照护床位(张)", 200, "张", ("县民政局",), "150"),
    Indicator("新改建农村公路(公里)", 120, "公里", ("县交通运输局",), "86"),
)

FIELDS = ("seq", "content", "units", "co_units", "lead_officials", "deadline", "deadline_text", "status",
          "progress", "section", "targets")


def record(seq: int, content: str, *, units=(), co_units=(), lead=(), deadline=None, deadline_text=None,
           status=None, progress=None, section=None, targets=(), list_no: int = 0) -> dict:
    """One expected task in the gold shape; fields a layout does not print stay empty."""
    return {"list": list_no, "seq": seq, "content": content, "units": list(units), "co_units": list(co_units),
            "lead_officials": list(lead), "deadline": deadline, "deadline_text": deadline_text, "status": status,
            "progress": progress, "section": section,
            "targets": [{"value": v, "unit": u} for v, u in targets]}


# --- the abstract document ---------------------------------------------------------

@dataclass
class Para:
    text: str
    heading: bool = False  # bold in DOCX/PDF, <strong> in HTML: how sub-headings look
    # automatic numbering: Word's List Number style in DOCX and <ol><li> in HTML carry
    # the number outside the text; a text dump or a PDF prints it as "N."
    number: int | None = None

    @property
    def printed(self) -> str:
        return f"{self.number}.{self.text}" if self.number else self.text


@dataclass
class Grid:
    """A table: rows of cell texts ("\\n" separates a cell's paragraphs); a merge
    (r0, c0, r1, c1) spans inclusive rows and columns, its text in the top-left
    cell and None in the cells it covers."""

    rows: list[list[str | None]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class Doc:
    title: str
    blocks: list[Para | Grid]
    expected: list[dict]

    @property
    def tables_only(self) -> bool:
        return all(isinstance(b, Grid) for b in self.blocks)


def _prose(title: str, paras: list[str | Para], expected: list[dict], intro: bool = True) -> Doc:
    blocks = [Para(INTRO)] if intro else []
    blocks += [p if isinstance(p, Para) else Para(p) for p in paras]
    return Doc(title, blocks, expected)


def _plain(i: int, item: Item, **fields) -> dict:
    """Expected record of a task printed with its content only."""
    return record(i, item.content, targets=item.targets, **fields)


# --- marker styles (content only, as most real plans print them) -------------------

CN_NUM = "一二三四五六七八九十"


def _numbered(fmt: Callable[[int, str], str], start: int = 1) -> Doc:
    """One task per paragraph; a list that does not start at 1 is an excerpt of a
    longer one and, like wuhan's part 2, has no intro of its own."""
    paras = [fmt(i, it.content) for i, it in enumerate(ITEMS, start)]
    return _prose(PLAN_TITLE, paras, [_plain(i, it) for i, it in enumerate(ITEMS, start)], intro=start == 1)


def _inline(lead_in: str, fmt: Callable[[int, str], str]) -> Doc:
    """All tasks in one paragraph after a lead-in (gangu "(1)…。(2)…。", lanzhou 一是…)."""
    text = lead_in + "".join(fmt(i, it.content) for i, it in enumerate(ITEMS, 1))
    return _prose(PLAN_TITLE, [text], [_plain(i, it) for i, it in enumerate(ITEMS, 1)])


def _auto_numbered() -> Doc:
    """Numbers made by the editor (Word list numbering, <ol>), not typed in the text."""
    paras = [Para(it.content, number=i) for i, it in enumerate(ITEMS, 1)]
    return _prose(PLAN_TITLE, paras, [_plain(i, it) for i, it in enumerate(ITEMS, 1)])


def _bullets(glyph: str) -> Doc:
    return _prose(PLAN_TITLE, ["今年重点办好以下民生实事："] + [glyph + it.content for it in ITEMS],
                  [_plain(i, it) for i, it in enumerate(ITEMS, 1)])


def _unnumbered() -> Doc:
    """One paragraph per task after a lead-in: seq is the order."""
    return _prose(PLAN_TITLE, ["县政府确定2024年重点办好以下民生实事："] + [it.content for it in ITEMS],
                  [_plain(i, it) for i, it in enumerate(ITEMS, 1)])


MARKERS: dict[str, Callable[[], Doc]] = {
    "m_dunhao": lambda: _numbered(lambda i, c: f"{i}、{c}"),
    "m_dot": lambda: _numbered(lambda i, c: f"{i}.{c}"),
    "m_fullstop": lambda: _numbered(lambda i, c: f"{i}。{c}"),
    "m_paren": lambda: _numbered(lambda i, c: f"({i}){c}"),
    "m_paren_inline": lambda: _inline("2024年县政府将为民办好以下实事：", lambda i, c: f"({i}){c}"),
    "m_circled": lambda: _numbered(lambda i, c: f"{'①②③④⑤⑥⑦⑧⑨⑩'[i - 1]}{c}"),
    "m_yishi": lambda: _numbered(lambda i, c: f"{CN_NUM[i - 1]}是{c}"),
    "m_yishi_inline": lambda: _inline("2024年，县政府为民兴办7件实事：", lambda i, c: f"{CN_NUM[i - 1]}是{c}"),
    "m_diyixiang": lambda: _numbered(lambda i, c: f"第{CN_NUM[i - 1]}项：{c}"),
    "m_bullet_dot": lambda: _bullets("●"),
    "m_bullet_square": lambda: _bullets("■"),
    "m_bullet_diamond": lambda: _bullets("◆"),
    "m_bullet_check": lambda: _bullets("☑"),
    "m_cn_paren": lambda: _numbered(lambda i, c: f"（{CN_NUM[i - 1]}）{c}"),
    "m_auto_number": _auto_numbered,
    "m_unnumbered": _unnumbered,
    "m_from116": lambda: _numbered(lambda i, c: f"{i}.{c}", start=116),
}


# --- field placement ------------------------------------------------------------------

def _names(names: tuple[str, ...], sep: str = "、") -> str:
    return sep.join(names)


def f_lines() -> Doc:
    """Labelled lines under each task; 责任单位 beside 牵头单位 is co_units."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        paras += [f"{i}.{it.content}", f"牵头领导：{_names(it.lead)}", f"牵头单位：{_names(it.units)}"]
        if it.co_units:
            paras.append(f"责任单位：{_names(it.co_units)}")
        paras.append(f"完成时限：{it.deadline_text}")
        expected.append(_plain(i, it, units=it.units, co_units=it.co_units, lead=it.lead, deadline=it.deadline,
                               deadline_text=it.deadline_text))
    return _prose(PLAN_TITLE, paras, expected)


def f_lines_progress() -> Doc:
    """A progress report in labelled lines; a 责任单位 standing alone is units."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        paras += [f"{i}、{it.content}", f"责任单位：{_names(it.units)}", f"完成时限：{it.deadline_text}",
                  f"进展情况：{it.progress}"]
        expected.append(_plain(i, it, units=it.units, deadline=it.deadline, deadline_text=it.deadline_text,
                               progress=it.progress))
    return _prose(PROGRESS_TITLE, paras, expected)


def _bracketed(marker: Callable[[int], str], fields: Callable[[Item], str], roles: Callable[[Item], dict]) -> Doc:
    """Fields in brackets after the task's sentence; the brackets leave the content."""
    paras = [f"{marker(i)}{it.content}{fields(it)}" for i, it in enumerate(ITEMS, 1)]
    return _prose(PLAN_TITLE, paras, [_plain(i, it, **roles(it)) for i, it in enumerate(ITEMS, 1)])


def _lead_and_co(it: Item) -> str:
    return f"牵头单位:{_names(it.units)}" + (f";责任单位:{_names(it.co_units)}" if it.co_units else "")


def f_bracket_round() -> Doc:  # wuhan: 116.…。(牵头单位:X;责任单位:A、B)
    return _bracketed(lambda i: f"{i}.", lambda it: f"({_lead_and_co(it)})",
                      lambda it: {"units": it.units, "co_units": it.co_units})


def f_bracket_square() -> Doc:  # jiayu: (一)…。[牵头单位:X;责任单位:A,B]
    return _bracketed(lambda i: f"({CN_NUM[i - 1]})",
                      lambda it: "[" + _lead_and_co(it).replace("、", ",") + "]",
                      lambda it: {"units": it.units, "co_units": it.co_units})


def f_bracket_alone() -> Doc:  # [责任单位:X] with no 牵头单位: units
    return _bracketed(lambda i: f"{i}.", lambda it: f"[责任单位:{_names(it.units)}]", lambda it: {"units": it.units})


def f_fuze() -> Doc:  # （X负责）: the body that is responsible
    return _bracketed(lambda i: f"{i}、", lambda it: f"（{_names(it.units)}负责）", lambda it: {"units": it.units})


def f_name_report() -> Doc:
    """chongqing: unnumbered "名称。report" paragraphs; content is the name sentence."""
    paras = [f"{it.name}。{it.progress}" for it in ITEMS]
    expected = [record(i, f"{it.name}。", progress=it.progress) for i, it in enumerate(ITEMS, 1)]
    return _prose(PROGRESS_TITLE, paras, expected)


def f_name_report_numbered() -> Doc:
    """"1、类别：report": the name, then the report after the colon."""
    paras = [f"{i}、{it.name}：{it.progress}" for i, it in enumerate(ITEMS, 1)]
    expected = [record(i, it.name, progress=it.progress) for i, it in enumerate(ITEMS, 1)]
    return _prose(PROGRESS_TITLE, paras, expected)


def f_fangmian() -> Doc:
    """henan-2021: "●X方面:report" bullets; the framing 方面: is not content."""
    paras = [f"●{it.name}方面:{it.progress}" for it in ITEMS]
    expected = [record(i, it.name, progress=it.progress) for i, it in enumerate(ITEMS, 1)]
    return _prose(PROGRESS_TITLE, paras, expected)


def f_check_progress() -> Doc:
    """xishan: ☑ names under status headings, each followed by its report paragraph;
    the headings group one list, so seq runs through both and they are sections."""
    done = [it for it in ITEMS if it.status in ("已完成", "超额完成")]
    going = [it for it in ITEMS if it not in done]
    paras: list[str | Para] = []
    expected = []
    for heading, group in (("已完工项目", done), ("已启动实施项目", going)):
        paras.append(Para(heading, heading=True))
        for it in group:
            paras += [f"☑{it.name}", it.progress]
            expected.append(record(len(expected) + 1, it.name, progress=it.progress, section=heading))
    return _prose(PROGRESS_TITLE, paras, expected)


def f_sections() -> Doc:
    """一、 headings over 1、 tasks numbered through: section is the heading as printed."""
    paras: list[str | Para] = []
    expected = []
    heading, headings = None, 0
    for i, it in enumerate(ITEMS, 1):
        if heading is None or not heading.endswith(it.category):
            heading = f"{CN_NUM[headings]}、{it.category}"
            headings += 1
            paras.append(Para(heading, heading=True))
        paras += [f"{i}、{it.content}", f"牵头单位：{_names(it.units)}"]
        expected.append(_plain(i, it, units=it.units, section=heading))
    return _prose(PLAN_TITLE, paras, expected)


FIELD_PLACEMENTS: dict[str, Callable[[], Doc]] = {
    "f_lines": f_lines,
    "f_lines_progress": f_lines_progress,
    "f_bracket_round": f_bracket_round,
    "f_bracket_square": f_bracket_square,
    "f_bracket_alone": f_bracket_alone,
    "f_fuze": f_fuze,
    "f_name_report": f_name_report,
    "f_name_report_numbered": f_name_report_numbered,
    "f_fangmian": f_fangmian,
    "f_check_progress": f_check_progress,
    "f_sections": f_sections,
}


# --- distractors: a numbered list that is not tasks, before the tasks ------------------

COVER = "县人民政府办公室关于印发2024年县民生实事项目的通知"
SIGNATURE = ["县人民政府办公室", "2024年3月15日"]


def _attachment_tasks(marker: str = "{i}.") -> tuple[list[str], list[dict]]:
    """The attachment's list: tasks with a 牵头单位 line each."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        paras += [marker.format(i=i) + it.content, f"牵头单位：{_names(it.units)}"]
        expected.append(_plain(i, it, units=it.units))
    return paras, expected


def d_attachments() -> Doc:
    """qinxian/jiayu: a numbered 附件 list in the covering notice."""
    tasks, expected = _attachment_tasks()
    paras = ["各乡镇人民政府，县政府各部门：", "现将《2024年县民生实事项目》等文件印发给你们，请认真组织实施。",
             "附件：1.2024年县民生实事项目", "2.2024年县民生实事项目联系人名单", *SIGNATURE,
             "附件1", Para(PLAN_TITLE, heading=True), *tasks]
    return _prose(COVER, paras, expected, intro=False)


def d_requirements() -> Doc:
    """qinxian: the covering notice's own 一、二、三、 requirements are not tasks."""
    tasks, expected = _attachment_tasks("{i}、")
    paras = ["各乡镇人民政府，县政府各部门：", "现将《2024年县民生实事项目》印发给你们，并提出如下要求。",
             "一、提高思想认识。各单位要把民生实事作为重要政治任务，主要负责同志亲自抓。",
             "二、压实工作责任。牵头单位要制定实施方案，明确时间节点，配合单位要主动对接。",
             "三、强化督查考核。县政府督查室将定期督查，结果纳入年度绩效考核。", *SIGNATURE,
             "附件", Para(PLAN_TITLE, heading=True), *tasks]
    return _prose(COVER, paras, expected, intro=False)


def d_ranking() -> Doc:
    """A ranking of towns in a progress report is a numbered list, not tasks."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        paras += [f"{i}、{it.content}", f"牵头单位：{_names(it.units)}", f"进展情况：{it.progress}"]
        expected.append(_plain(i, it, units=it.units, progress=it.progress))
    ranking = ["综合考评排名前五的乡镇依次为：", "1、城关镇；", "2、龙泉镇；", "3、新华镇；", "4、东风镇；", "5、石桥镇。",
               "各项目进展情况如下："]
    return _prose(PROGRESS_TITLE, ranking + paras, expected)


DISTRACTORS: dict[str, Callable[[], Doc]] = {
    "d_attachments": d_attachments,
    "d_requirements": d_requirements,
    "d_ranking": d_ranking,
}


# --- combinations seen in real notices -------------------------------------------------

def c_wuhan() -> Doc:
    """wuhan: numbering from 116 and both bracket styles in one list; 责任单位 is
    co_units beside a 牵头单位 and units where it stands alone."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 116):
        if it.co_units:
            paras.append(f"{i}.{it.content}({_lead_and_co(it)})")
            expected.append(_plain(i, it, units=it.units, co_units=it.co_units))
        else:
            paras.append(f"{i}.{it.content}(责任单位:{_names(it.units)})")
            expected.append(_plain(i, it, units=it.units))
    return _prose(PLAN_TITLE, paras, expected, intro=False)


def c_keywork() -> Doc:
    """key-work/lingbi: tasks numbered （一）（二） with labelled lines under each;
    配合单位 is co_units whatever stands beside it."""
    paras, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        paras += [f"（{CN_NUM[i - 1]}）{it.content}", f"牵头单位：{_names(it.units)}"]
        if it.co_units:
            paras.append(f"配合单位：{_names(it.co_units)}")
        paras.append(f"完成时限：{it.deadline_text}")
        expected.append(_plain(i, it, units=it.units, co_units=it.co_units, deadline=it.deadline,
                               deadline_text=it.deadline_text))
    return _prose(PLAN_TITLE, paras, expected)


def c_two_lists() -> Doc:
    """xiangtan: two lists under 一、/二、 headings, each numbered from 1 again."""
    paras: list[str | Para] = []
    expected = []
    halves = (("一、省市重点民生实事项目：", ITEMS[:3]), ("二、县重点民生实事项目：", ITEMS[3:]))
    for list_no, (heading, items) in enumerate(halves):
        paras.append(Para(heading, heading=True))
        for i, it in enumerate(items, 1):
            paras.append(f"{i}、{it.content}")
            expected.append(_plain(i, it, section=heading, list_no=list_no))
    return _prose(PLAN_TITLE, paras, expected)


COMBINED: dict[str, Callable[[], Doc]] = {
    "c_wuhan": c_wuhan,
    "c_keywork": c_keywork,
    "c_two_lists": c_two_lists,
}


# --- table shapes ------------------------------------------------------------------------

def _table(title: str, rows: list[list[str | None]], expected: list[dict], merges=()) -> Doc:
    return Doc(title, [Grid(rows, list(merges))], expected)


def t_header() -> Doc:
    rows = [["序号", "任务内容", "牵头单位", "完成时限", "进展情况"]]
    rows += [[str(i), it.content, _names(it.units), it.deadline_text, it.progress] for i, it in enumerate(ITEMS, 1)]
    expected = [_plain(i, it, units=it.units, deadline=it.deadline, deadline_text=it.deadline_text,
                       progress=it.progress) for i, it in enumerate(ITEMS, 1)]
    return _table(PROGRESS_TITLE, rows, expected)


def t_no_header() -> Doc:
    """pingyang: seq | content | unit | progress | status with no header row."""
    rows = [[str(i), it.content, _names(it.units), it.progress, it.status] for i, it in enumerate(ITEMS, 1)]
    expected = [_plain(i, it, units=it.units, progress=it.progress, status=it.status)
                for i, it in enumerate(ITEMS, 1)]
    return _table(PROGRESS_TITLE, rows, expected)


def t_num_in_name() -> Doc:
    """putuo: the seq inside the name cell ("3、名称"); 责任单位 alone is units."""
    rows = [["项目名称", "责任单位", "完成时限"]]
    rows += [[f"{i}、{it.content}", _names(it.units), it.deadline_text] for i, it in enumerate(ITEMS, 1)]
    expected = [_plain(i, it, units=it.units, deadline=it.deadline, deadline_text=it.deadline_text)
                for i, it in enumerate(ITEMS, 1)]
    return _table(PLAN_TITLE, rows, expected)


def t_category() -> Doc:
    """A merged 类别 column spanning its tasks' rows is their section."""
    rows = [["类别", "序号", "任务内容", "牵头单位", "配合单位"]]
    merges, expected = [], []
    for i, it in enumerate(ITEMS, 1):
        first = i == 1 or ITEMS[i - 2].category != it.category
        rows.append([it.category if first else None, str(i), it.content, _names(it.units), _names(it.co_units)])
        if first:
            span = len(list(takewhile(lambda x: x.category == it.category, ITEMS[i - 1:])))
            if span > 1:
                merges.append((i, 0, i + span - 1, 0))
        expected.append(_plain(i, it, units=it.units, co_units=it.co_units, section=it.category))
    return _table(PLAN_TITLE, rows, expected, merges)


def t_remark_status() -> Doc:
    """A 备注 column holding status words (已完成, 超额完成) is status."""
    rows = [["序号", "任务内容", "责任单位", "进展情况", "备注"]]
    rows += [[str(i), it.content, _names(it.units), it.progress, it.status] for i, it in enumerate(ITEMS, 1)]
    expected = [_plain(i, it, units=it.units, progress=it.progress, status=it.status)
                for i, it in enumerate(ITEMS, 1)]
    return _table(PROGRESS_TITLE, rows, expected)


def t_two_rows() -> Doc:
    """Task 1 split over two rows (seq and unit cells merged over both): content and
    deadline_text join with "\\n", deadline is the later date."""
    first, rest = ITEMS[0], ITEMS[1:]
    part1, part2 = first.content.split("，", 1)
    rows = [["序号", "任务内容", "牵头单位", "完成时限"],
            ["1", part1 + "，", _names(first.units), "2024年8月底"],
            [None, part2, None, first.deadline_text]]
    rows += [[str(i), it.content, _names(it.units), it.deadline_text] for i, it in enumerate(rest, 2)]
    expected = [record(1, f"{part1}，\n{part2}", units=first.units, deadline=first.deadline,
                       deadline_text=f"2024年8月底\n{first.deadline_text}", targets=first.targets)]
    expected += [_plain(i, it, units=it.units, deadline=it.deadline, deadline_text=it.deadline_text)
                 for i, it in enumerate(rest, 2)]
    return _table(PLAN_TITLE, rows, expected, [(1, 0, 2, 0), (1, 2, 2, 2)])


def t_target_col() -> Doc:
    """meishan: a bare target number whose unit is in brackets in the name."""
    rows = [["序号", "指标名称", "年度目标", "完成情况", "责任部门"]]
    rows += [[str(i), x.name, str(x.value), x.achieved, _names(x.units)] for i, x in enumerate(INDICATORS, 1)]
    expected = [record(i, f"{x.name}\n{x.value}", units=x.units, progress=x.achieved, targets=((x.value, x.unit),))
                for i, x in enumerate(INDICATORS, 1)]
    return _table(PROGRESS_TITLE, rows, expected)


TABLES: dict[str, Callable[[], Doc]] = {
    "t_header": t_header,
    "t_no_header": t_no_header,
    "t_num_in_name": t_num_in_name,
    "t_category": t_category,
    "t_remark_status": t_remark_status,
    "t_two_rows": t_two_rows,
    "t_target_col": t_target_col,
}

FAMILIES: dict[str, Callable[[], Doc]] = {**MARKERS, **FIELD_PLACEMENTS, **DISTRACTORS, **COMBINED, **TABLES}


# --- formats ---------------------------------------------------------------------------

def _cell_grid(grid: Grid) -> list[list[str]]:
    return [[c or "" for c in row] for row in grid.rows]


def render_txt(doc: Doc) -> bytes:
    """A text dump: one paragraph per line, table rows tab-separated (a merged
    cell's text only in its first row, as a copy from a viewer gives it)."""
    lines = [doc.title, ""]
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.printed)
        else:
            lines += ["\t".join(c.replace("\n", " ") for c in row) for row in _cell_grid(block)]
            lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_html(doc: Doc, charset: str = "utf-8") -> bytes:
    """A plain government page: <h1> title, <p> paragraphs, bold sub-headings,
    tables with rowspan/colspan. GBK pages declare it and escape what GBK lacks."""
    parts = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
             f"<title>{html.escape(doc.title)}</title></head><body>",
             '<div class="article">', f"<h1>{html.escape(doc.title)}</h1>"]
    in_list = False
    for block in doc.blocks:
        numbered = isinstance(block, Para) and block.number is not None
        if numbered != in_list:
            parts.append("<ol>" if numbered else "</ol>")
            in_list = numbered
        if numbered:
            parts.append(f"<li>{html.escape(block.text)}</li>")
        elif isinstance(block, Para):
            text = html.escape(block.text)
            parts.append(f"<p><strong>{text}</strong></p>" if block.heading else f"<p>{text}</p>")
        else:
            parts.append(_html_table(block))
    parts.append("</ol></div></body></html>" if in_list else "</div></body></html>")
    codec = "gbk" if charset.lower() in ("gbk", "gb2312") else "utf-8"
    return "\n".join(parts).encode(codec, errors="xmlcharrefreplace")


def _spans(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    return {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in grid.merges}


def _html_table(grid: Grid) -> str:
    spans = _spans(grid)
    out = ['<table border="1">']
    for r, row in enumerate(grid.rows):
        cells = []
        for c, text in enumerate(row):
            if text is None:
                continue  # covered by a span
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cells.append(f"<td{attrs}>{'<br/>'.join(html.escape(p) for p in text.split(chr(10)))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_docx(doc: Doc) -> bytes:
    """Word: a bold centred title, paragraphs, bold headings, real Word tables
    with merged cells."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    title = document.add_paragraph()
    title.add_run(doc.title).bold = True
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in doc.blocks:
        if isinstance(block, Para):
            p = document.add_paragraph(style="List Number" if block.number else None)
            p.add_run(block.text).bold = block.heading
        else:
            _docx_table(document, block)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _docx_table(document, grid: Grid) -> None:
    table = document.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if text is not None:
                _docx_cell_text(table.cell(r, c), text)
    for r0, c0, r1, c1 in grid.merges:  # merge after filling: covered cells are empty
        merged = table.cell(r0, c0).merge(table.cell(r1, c1))
        _docx_cell_text(merged, grid.rows[r0][c0])


def _docx_cell_text(cell, text: str) -> None:
    """One Word paragraph per line of the cell text."""
    lines = text.split("\n")
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def render_xlsx(doc: Doc) -> bytes:
    """A 汇总表 sheet: the title merged over the first row, then the table; digit-only
    cells written as numbers, as a spreadsheet holds them."""
    import openpyxl

    assert doc.tables_only, "XLSX holds tables only"
    wb = openpyxl.Workbook()
    ws = wb.active
    width = max(len(row) for b in doc.blocks for row in b.rows)
    ws.append([doc.title] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for grid in doc.blocks:
        offset = ws.max_row
        for row in grid.rows:
            ws.append([int(c) if c and c.isdigit() else c for c in row])
        for r0, c0, r1, c1 in grid.merges:
            ws.merge_cells(start_row=offset + r0 + 1, start_column=c0 + 1, end_row=offset + r1 + 1,
                           end_column=c1 + 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_FONT = "STSong-Light"


def render_pdf(doc: Doc) -> bytes:
    """A text PDF (reportlab, the Adobe CJK font every reportlab has): paragraphs
    wrap as a printed notice's do; tables drawn with a grid and SPAN styles."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    body = ParagraphStyle("body", fontName=_FONT, fontSize=11, leading=17, wordWrap="CJK", spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, spaceAfter=12)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=13, spaceAfter=0)
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=20)  # the CID font has no bold face

    def para(text: str, style) -> Paragraph:
        return Paragraph("<br/>".join(html.escape(t) for t in text.split("\n")), style)

    story = [para(doc.title, title)]
    for block in doc.blocks:
        if isinstance(block, Para):
            story.append(para(block.printed, heading if block.heading else body))
        else:
            rows = [[para(c, cell) if c else "" for c in row] for row in block.rows]
            width = 480 / len(rows[0])
            style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in block.merges]
            story.append(Table(rows, colWidths=[width] * len(rows[0]), style=style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


RENDERERS: dict[str, tuple[str, Callable[[Doc], bytes]]] = {
    "txt": (".txt", render_txt),
    "html": (".html", render_html),
    "html-gbk": (".html", lambda doc: render_html(doc, "gbk")),
    "docx": (".docx", render_docx),
    "xlsx": (".xlsx", render_xlsx),
    "pdf": (".pdf", render_pdf),
}


def render(family: str, fmt: str) -> tuple[bytes, str, list[dict]]:
    """The family's notice as file bytes in `fmt`, a file name, and the expected records."""
    doc = FAMILIES[family]()
    suffix, renderer = RENDERERS[fmt]
    return renderer(doc), f"{family}{suffix}", doc.expected
