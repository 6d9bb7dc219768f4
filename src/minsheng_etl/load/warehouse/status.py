"""What the warehouse holds, as data for `etl status` and `etl units` to print."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Status:
    documents: int
    notices: int
    tasks: int  # each task once (tasks_flat)
    reports: int  # report rows of those tasks (task_reports)
    overdue: int  # today
    reported_late: int
    no_news: int
    bodies: int  # canonical names of responsible bodies
    unknown: int  # names the alias table does not know
    formats: list[tuple[str, int]]  # (format, documents)
    runs: list[tuple]  # (run, command, started, finished, files, loaded, unchanged, failed), latest first
    rejects: list[tuple]  # (file, stage, reason, when): rejected files, latest first


def status(con, runs: int = 5, rejects: int = 20) -> Status:
    q = lambda sql: con.execute(sql).fetchall()
    (docs, notices), = q("SELECT count(*), count(DISTINCT notice_id) FROM documents")
    (tasks, reports, overdue, late, no_news), = q(
        """SELECT count(*), coalesce(sum(reports), 0), count(*) FILTER (WHERE overdue),
                  count(*) FILTER (WHERE overdue_kind = 'reported_late'),
                  count(*) FILTER (WHERE overdue_kind = 'no_news') FROM tasks_flat""")
    (bodies, unknown), = q("""SELECT count(DISTINCT canonical_name), count(DISTINCT name) FILTER (WHERE NOT known)
                             FROM task_units WHERE role <> 'official'""")
    return Status(
        docs, notices, tasks, reports, overdue, late, no_news, bodies, unknown,
        formats=q("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 1"),
        runs=q(f"""SELECT run_id, command, strftime(started_at, '%Y-%m-%d %H:%M:%S'),
                   coalesce(strftime(finished_at, '%Y-%m-%d %H:%M:%S'), 'did not finish'),
                   files_seen, loaded, unchanged, failed FROM ingest_runs ORDER BY started_at DESC
                   LIMIT {int(runs)}"""),
        rejects=q(f"""SELECT source_name, stage, reason, strftime(rejected_at, '%Y-%m-%d %H:%M:%S') FROM rejects
                      WHERE record_ref IS NULL ORDER BY rejected_at DESC LIMIT {int(rejects)}"""))


def units_sql(unknown: bool = False) -> str:
    """Responsible bodies as written, their canonical names and the tasks naming them,
    most used first (unknown: only the names the alias table does not know)."""
    return f"""SELECT d.region, u.name, u.canonical_name, u.known, count(DISTINCT u.task_id) AS tasks
              FROM task_units u JOIN tasks t USING (task_id) JOIN documents d USING (doc_id)
              WHERE u.role <> 'official' {"AND NOT u.known" if unknown else ""}
              GROUP BY ALL ORDER BY tasks DESC, d.region, u.name"""
