"""`etl report`: one self-contained HTML page on where the projects stand.

Per region and year, from each task's latest report (its chain's last link):
counts by status, the overdue list, tasks per responsible body, and target vs
achieved per task; every task names its source file and page. Charts are inline
SVG and the styles inline: the file opens anywhere, offline, and can be mailed.
Text is escaped; nothing is fetched (no scripts, fonts or images from outside).
"""
from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import profiles

STATUS_LABELS = {"completed": "completed 已完成", "in_progress": "in progress 推进中",
                 "not_started": "not started 未启动", None: "unknown 未知"}
STATUS_COLORS = {"completed": "#2e7d32", "in_progress": "#f9a825", "not_started": "#c62828", None: "#9e9e9e"}

_LATEST = """
SELECT task_id, region, year, seq, content, coalesce(units_canonical, '') AS bodies, deadline, status_now, overdue,
       as_of, source_name, page, ref, title, period
FROM tasks_flat
ORDER BY region NULLS LAST, year NULLS LAST, title, seq
"""

_TARGETS = """
SELECT task_id, target_position, target, unit, counts, achieved, ratio
FROM target_vs_achieved ORDER BY task_id, target_position
"""


@dataclass
class TaskLine:
    task_id: str
    seq: int
    content: str
    bodies: str
    deadline: dt.date | None
    status: str | None
    overdue: bool
    as_of: dt.date | None
    source: str
    title: str
    period: str | None
    targets: list[tuple] = field(default_factory=list)  # (position, target, unit, counts, achieved, ratio)


@dataclass
class Group:
    region: str | None
    year: int | None
    tasks: list[TaskLine] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.region or '(region unknown)'} · {self.year or '(year unknown)'}"


def source_label(source_name: str, page: int | None, ref: str | None) -> str:
    return f"{source_name} p{page}" if page else f"{source_name} {ref or ''}".strip()


def load_groups(con) -> list[Group]:
    groups: dict[tuple, Group] = {}
    by_id: dict[str, TaskLine] = {}
    for (tid, region, year, seq, content, bodies, deadline, status, overdue, as_of, source_name, page, ref, title,
         period) in con.execute(_LATEST).fetchall():
        group = groups.setdefault((region, year), Group(region, year))
        line = TaskLine(tid, seq, content, bodies, deadline, status, bool(overdue), as_of,
                        source_label(source_name, page, ref), title, period)
        group.tasks.append(line)
        by_id[tid] = line
    for tid, *target in con.execute(_TARGETS).fetchall():
        if tid in by_id:
            by_id[tid].targets.append(tuple(target))
    return list(groups.values())


# --- SVG charts ---------------------------------------------------------------------

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def status_chart(tasks: list[TaskLine]) -> str:
    counts = {s: sum(1 for t in tasks if t.status == s) for s in STATUS_LABELS}
    shown = [(s, n) for s, n in counts.items() if n]
    top = max((n for _, n in shown), default=1)
    bar_w, row_h, label_w = 320, 26, 170
    rows = []
    for i, (status, n) in enumerate(shown):
        y = i * row_h
        w = max(2, round(bar_w * n / top))
        rows.append(f'<text x="0" y="{y + 17}" class="lbl">{_e(STATUS_LABELS[status])}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="18" fill="{STATUS_COLORS[status]}" '
                    f'data-status="{status or "unknown"}"><title>{n}</title></rect>'
                    f'<text x="{label_w + w + 6}" y="{y + 17}" class="num">{n}</text>')
    height = max(row_h, row_h * len(shown))
    return (f'<svg class="chart status" role="img" aria-label="tasks by status" width="{label_w + bar_w + 50}" '
            f'height="{height}" viewBox="0 0 {label_w + bar_w + 50} {height}">{"".join(rows)}</svg>')


def body_chart(tasks: list[TaskLine], top_n: int = 12) -> str:
    """Tasks per single body: a group's name (各单位, 相关属地) is no body to rank."""
    group = profiles.load().body_collective
    per_body: dict[str, list[TaskLine]] = defaultdict(list)
    for t in tasks:
        for body in (t.bodies.split("、") if t.bodies else ["(no body named)"]):
            if not group.search(body):
                per_body[body].append(t)
    ranked = sorted(per_body.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top_n]
    top = max((len(v) for _, v in ranked), default=1)
    bar_w, row_h, label_w = 300, 24, 230
    rows = []
    for i, (body, items) in enumerate(ranked):
        y = i * row_h
        w = max(2, round(bar_w * len(items) / top))
        done = sum(1 for t in items if t.status == "completed")
        dw = round(w * done / len(items))
        rows.append(f'<text x="{label_w - 8}" y="{y + 16}" class="lbl" text-anchor="end">{_e(body[:16])}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="16" fill="#90caf9"/>'
                    + (f'<rect x="{label_w}" y="{y + 4}" width="{dw}" height="16" fill="#2e7d32"/>' if dw else "")
                    + f'<text x="{label_w + w + 6}" y="{y + 16}" class="num">{len(items)}'
                      f'{f" ({done} done)" if done else ""}</text>')
    height = max(row_h, row_h * len(ranked))
    more = f'<p class="note">{len(per_body) - top_n} more bodies not shown.</p>' if len(per_body) > top_n else ""
    return (f'<svg class="chart bodies" role="img" aria-label="tasks per responsible body" '
            f'width="{label_w + bar_w + 110}" height="{height}" viewBox="0 0 {label_w + bar_w + 110} {height}">'
            f'{"".join(rows)}</svg>{more}')


def target_bar(target: tuple) -> str:
    _pos, value, unit, counts, achieved, ratio = target
    width = 260
    label = f"{value:g}{unit}{(' ' + counts) if counts else ''}"
    if achieved is None:
        return (f'<div class="tgt"><span class="tlabel">{_e(label)}</span><svg class="bar" width="{width}" '
                f'height="14" viewBox="0 0 {width} 14"><rect x="0" y="0" width="{width}" height="14" '
                f'fill="#eeeeee"/></svg><span class="tval">no figure reported</span></div>')
    filled = round(width * min(ratio or 0, 1.0))
    color = "#2e7d32" if (ratio or 0) >= 1 else "#1976d2"
    return (f'<div class="tgt"><span class="tlabel">{_e(label)}</span><svg class="bar" width="{width}" height="14" '
            f'viewBox="0 0 {width} 14"><rect x="0" y="0" width="{width}" height="14" fill="#e3f2fd"/>'
            f'<rect x="0" y="0" width="{max(filled, 1)}" height="14" fill="{color}"/></svg>'
            f'<span class="tval">{achieved:g} / {value:g}{_e(unit)} ({(ratio or 0):.0%})</span></div>')


# --- the page -------------------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",
"Hiragino Sans GB",sans-serif;margin:2em auto;max-width:1100px;color:#212121;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #1976d2;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.4em}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #ddd;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#f5f5f5}.lbl,.num{font-size:13px;fill:#333}
.note,.src{color:#757575;font-size:.85em}.tgt{display:flex;align-items:center;gap:.6em;margin:2px 0}
.tlabel{width:260px;font-size:.85em}.tval{font-size:.85em}.task{margin:.8em 0;padding:.4em .6em;
border-left:4px solid #ddd}.task.overdue{border-left-color:#c62828}.toc li{margin:.2em 0}
.summary{display:flex;gap:2em;flex-wrap:wrap}.summary div{background:#f5f5f5;padding:.6em 1em;border-radius:4px}
"""


def render(groups: list[Group], *, db_name: str, generated: dt.datetime | None = None) -> str:
    generated = generated or dt.datetime.now()
    total = sum(len(g.tasks) for g in groups)
    overdue = sum(1 for g in groups for t in g.tasks if t.overdue)
    done = sum(1 for g in groups for t in g.tasks if t.status == "completed")
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
             f"<title>民生实事 / 重点工作: where the projects stand</title><style>{CSS}</style></head><body>",
             "<h1>民生实事 / 重点工作 — where the projects stand</h1>",
             f'<p class="note">From the warehouse {_e(db_name)}, {generated:%Y-%m-%d %H:%M}. Each task as its latest '
             f"report says.</p>",
             f'<div class="summary"><div><b>{len(groups)}</b> regions and years</div><div><b>{total}</b> tasks</div>'
             f"<div><b>{done}</b> completed</div><div><b>{overdue}</b> overdue</div></div>",
             '<ul class="toc">' + "".join(f'<li><a href="#g{i}">{_e(g.heading)}</a> ({len(g.tasks)} tasks)</li>'
                                         for i, g in enumerate(groups)) + "</ul>"]
    for i, g in enumerate(groups):
        parts.append(f'<section id="g{i}"><h2>{_e(g.heading)}</h2>')
        reports = sorted({(t.title, t.period or "") for t in g.tasks})
        parts.append('<p class="note">Reports: ' + "; ".join(_e(f"{title} {period}".strip())
                                                            for title, period in reports) + "</p>")
        parts.append("<h3>Tasks by status</h3>" + status_chart(g.tasks))
        late = [t for t in g.tasks if t.overdue]
        parts.append(f"<h3>Overdue ({len(late)})</h3>")
        if late:
            parts.append("<table><tr><th>#</th><th>task</th><th>responsible</th><th>deadline</th><th>as of</th>"
                         "<th>source</th></tr>" + "".join(
                             f"<tr><td>{t.seq}</td><td>{_e(t.content[:120])}</td><td>{_e(t.bodies)}</td>"
                             f"<td>{t.deadline or ''}</td><td>{t.as_of or ''}</td><td class=\"src\">{_e(t.source)}</td>"
                             f"</tr>" for t in late) + "</table>")
        else:
            parts.append('<p class="note">None.</p>')
        parts.append("<h3>Tasks per responsible body</h3>" + body_chart(g.tasks))
        with_targets = [t for t in g.tasks if t.targets]
        parts.append(f"<h3>Target vs achieved ({len(with_targets)} tasks with targets)</h3>")
        for t in with_targets:
            facts = " · ".join(x for x in (t.bodies, STATUS_LABELS.get(t.status, t.status), f"source {t.source}") if x)
            parts.append(f'<div class="task{" overdue" if t.overdue else ""}"><b>{t.seq}.</b> {_e(t.content[:100])}'
                         f' <span class="src">— {_e(facts)}</span>' + "".join(target_bar(x) for x in t.targets)
                         + "</div>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(con, output: Path, *, db_name: str) -> tuple[int, int]:
    """Write the report; (regions and years, tasks) in it."""
    groups = load_groups(con)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(render(groups, db_name=db_name), encoding="utf-8")
    tmp.replace(output)
    return len(groups), sum(len(g.tasks) for g in groups)
