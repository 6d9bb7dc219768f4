"""What the warehouse holds (`etl status`, `etl status --json`): one dict, two ways
of showing it."""
from __future__ import annotations


def _when(value) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


def warehouse_status(con, *, runs: int = 5, rejects: int = 20) -> dict:
    q = lambda sql, params=None: con.execute(sql, params or []).fetchall()
    (docs, notices), = q("SELECT count(*), count(DISTINCT notice_id) FROM documents")
    (tasks, reports, overdue, late, no_news), = q(
        """SELECT count(*), coalesce(sum(reports), 0), count(*) FILTER (WHERE overdue),
                  count(*) FILTER (WHERE overdue_kind = 'reported_late'),
                  count(*) FILTER (WHERE overdue_kind = 'no_news') FROM tasks_flat""")
    (bodies, unknown), = q("""SELECT count(DISTINCT canonical_name), count(DISTINCT name) FILTER (WHERE NOT known)
                             FROM task_units WHERE role <> 'official'""")
    return {
        "notices": notices, "documents": docs, "tasks": tasks, "report_rows": int(reports), "bodies": bodies,
        "unknown_body_names": unknown,
        "overdue": {"total": overdue, "reported_late": late, "no_news": no_news},
        "formats": dict(q("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 1")),
        "runs": [{"run": run, "command": command, "started": _when(started), "finished": _when(finished),
                  "files": files, "loaded": loaded, "unchanged": unchanged, "failed": failed}
                 for run, command, started, finished, files, loaded, unchanged, failed in q(
                     """SELECT run_id, command, started_at, finished_at, files_seen, loaded, unchanged, failed
                        FROM ingest_runs ORDER BY started_at DESC LIMIT ?""", [int(runs)])],
        "rejected_files": [{"file": name, "stage": stage, "reason": reason, "when": _when(when)}
                           for name, stage, reason, when in q(
                               """SELECT source_name, stage, reason, rejected_at FROM rejects
                                  WHERE record_ref IS NULL ORDER BY rejected_at DESC LIMIT ?""", [int(rejects)])],
    }


def units_sql(unknown: bool = False) -> str:
    """Responsible bodies as written (`etl units`), their canonical names and the tasks
    naming them, most used first (unknown: only names the alias table does not know)."""
    return f"""SELECT d.region, u.name, u.canonical_name, u.known, count(DISTINCT u.task_id) AS tasks
              FROM task_units u JOIN tasks t USING (task_id) JOIN documents d USING (doc_id)
              WHERE u.role <> 'official' {"AND NOT u.known" if unknown else ""}
              GROUP BY ALL ORDER BY tasks DESC, d.region, u.name"""
