"""The words a reader sees for the warehouse's codes, in Chinese and English: one
place for the report, the 汇总表 export (`etl export --zh`) and anything else that
shows a status to a person. The warehouse keeps the codes (completed, no_news)."""
from __future__ import annotations

LANGS = ("zh", "en")

STATUS = {
    "completed": {"zh": "已完成", "en": "completed"},
    "in_progress": {"zh": "推进中", "en": "in progress"},
    "not_started": {"zh": "未启动", "en": "not started"},
}
UNKNOWN = {"zh": "未知", "en": "unknown"}

OVERDUE_KIND = {
    # the latest report, made on or after the deadline, says not done
    "reported_late": {"zh": "逾期未完成", "en": "reported late"},
    # the deadline has passed and no report has come since
    "no_news": {"zh": "逾期未报", "en": "no news since the deadline"},
}

LIST_KIND = {
    "plan": {"zh": "计划", "en": "plan"},
    "progress": {"zh": "进展", "en": "progress"},
    "completion": {"zh": "完成情况", "en": "year-end"},
}


def figure(value) -> str:
    """A figure as a reader writes it: 2809, 98.5, 0.25 (never 2809.0 or 2.8e+03)."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def status(code: str | None, lang: str = "zh") -> str:
    return STATUS.get(code, UNKNOWN)[lang]


def overdue_kind(code: str | None, lang: str = "zh") -> str:
    return OVERDUE_KIND[code][lang] if code in OVERDUE_KIND else ""


def list_kind(code: str | None, lang: str = "zh") -> str:
    return LIST_KIND[code][lang] if code in LIST_KIND else (code or "")


def codes(table: dict, lang: str) -> dict[str, str]:
    """{code: label} of one table in one language (for the report's script)."""
    return {code: words[lang] for code, words in table.items()}


# The report's own words (headings, filters, column names), by key.
REPORT = {
    "title": {"zh": "民生实事 / 重点工作 进展报告", "en": "Livelihood projects and key tasks: progress report"},
    "generated": {"zh": "数据来源：{db}，生成于 {when}。每项任务按其最新一次报告统计；逾期按今天（{today}）计算。",
                  "en": "From the warehouse {db}, {when}. Each task as its latest report says; overdue as of "
                        "today ({today})."},
    "scope": {"zh": "范围", "en": "Scope"},
    "region": {"zh": "地区", "en": "Region"},
    "year": {"zh": "年度", "en": "Year"},
    "list": {"zh": "清单", "en": "List"},
    "body": {"zh": "责任单位", "en": "Responsible body"},
    "status": {"zh": "状态", "en": "Status"},
    "search": {"zh": "搜索任务内容、责任单位、进展…", "en": "Search tasks, bodies, progress…"},
    "all": {"zh": "全部", "en": "all"},
    "reset": {"zh": "清除筛选", "en": "Clear filters"},
    "overdue": {"zh": "逾期", "en": "overdue"},
    "shown": {"zh": "显示 {n} / {total} 项任务", "en": "{n} of {total} tasks"},
    "tasks": {"zh": "任务", "en": "tasks"},
    "summary": {"zh": "总体情况", "en": "Where the tasks stand"},
    "trend": {"zh": "历次报告对比", "en": "From report to report"},
    "trend_note": {"zh": "每个截至日期：各任务按当日之前最新一次报告的状态。",
                   "en": "At each as-of date: each task as its latest report up to that day says."},
    "as_of": {"zh": "截至", "en": "as of"},
    "one_report": {"zh": "所选任务只有一期报告，暂无对比。", "en": "One report so far: nothing to compare yet."},
    "overdue_list": {"zh": "逾期任务", "en": "Overdue tasks"},
    "days_late": {"zh": "逾期天数", "en": "days late"},
    "days": {"zh": "{n} 天", "en": "{n} days"},
    "kind": {"zh": "类别", "en": "kind"},
    "bodies": {"zh": "责任单位任务情况", "en": "Tasks per responsible body"},
    "bodies_note": {"zh": "“各单位”“相关属地”等集体名称不参与排名。点击单位名称可筛选其任务。",
                    "en": "Group names (各单位, 相关属地) are left out. Click a body to see its tasks."},
    "task_list": {"zh": "任务清单", "en": "Tasks"},
    "task_note": {"zh": "点击任务查看历次报告与来源；点击表头排序。",
                  "en": "Click a task for its reports and sources; click a heading to sort."},
    "seq": {"zh": "序号", "en": "#"},
    "content": {"zh": "任务内容", "en": "task"},
    "deadline": {"zh": "完成时限", "en": "deadline"},
    "figures": {"zh": "完成 / 目标", "en": "achieved / target"},
    "rate": {"zh": "完成率", "en": "share done"},
    "reports": {"zh": "报告数", "en": "reports"},
    "more": {"zh": "显示更多（还有 {n} 项）", "en": "Show more ({n} left)"},
    "none": {"zh": "无", "en": "none"},
    "progress": {"zh": "最新进展", "en": "latest progress"},
    "history": {"zh": "历次报告", "en": "Reports"},
    "report": {"zh": "报告", "en": "report"},
    "source": {"zh": "来源", "en": "source"},
    "files": {"zh": "同一通知的文件", "en": "files of the notice"},
    "page": {"zh": "第{n}页", "en": "p{n}"},
    "no_figure": {"zh": "未报告数字", "en": "no figure reported"},
    "stated_share": {"zh": "自报完成比例", "en": "stated share done"},
    "no_tasks": {"zh": "没有符合条件的任务。", "en": "No task matches."},
    "unknown_region": {"zh": "（地区不详）", "en": "(region unknown)"},
    "unknown_year": {"zh": "（年度不详）", "en": "(year unknown)"},
    "no_body": {"zh": "（未列责任单位）", "en": "(no body named)"},
}


def report_words(lang: str) -> dict[str, str]:
    return {key: words[lang] for key, words in REPORT.items()}


# The columns of an analyst's 汇总表 (`etl export --zh`), in its order.
SUMMARY_COLUMNS = {
    "seq": {"zh": "序号", "en": "no."},
    "content": {"zh": "任务内容", "en": "task"},
    "units": {"zh": "责任单位", "en": "responsible"},
    "deadline": {"zh": "完成时限", "en": "deadline"},
    "progress": {"zh": "进展情况", "en": "progress"},
    "status": {"zh": "状态", "en": "status"},
    "target": {"zh": "目标", "en": "target"},
    "achieved": {"zh": "完成", "en": "achieved"},
    "ratio": {"zh": "完成率", "en": "share done"},
    "source": {"zh": "来源", "en": "source"},
}
