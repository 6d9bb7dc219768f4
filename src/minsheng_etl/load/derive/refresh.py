"""The derived tables, refreshed after every ingest and rebuild: canonical body
names, task chains and links, and what each newer version of a notice changed."""
from __future__ import annotations

from collections.abc import Iterator

from ...textnorm import similarity
from ..warehouse import bulk_insert, transaction
from . import canonical, versions
from .chains import TaskRow, build_chains, recurring_pairs


def refresh_canonical_names(con) -> int:
    """Resolve every body name again (canonical.resolve_body) where the tables changed
    since its rows were built: an analyst edited parsers/body_aliases.toml or the
    [collective] names of parsers/bodies.toml, which re-parses nothing. Rows are
    written resolved, so after an ordinary run nothing changes. Returns the number
    of names whose canonical name changed. The work is one lookup per distinct name
    (memoised), so it simply runs after every run."""
    names = con.execute("""SELECT DISTINCT d.region, u.name, u.canonical_name, u.known, u.collective FROM task_units u
                           JOIN tasks t USING (task_id) JOIN documents d USING (doc_id)
                           WHERE u.role <> 'official'""").fetchall()
    updates, renamed = [], 0
    for region, name, old, old_known, old_collective in names:
        resolved = canonical.resolve_body(name, region)
        if resolved != (old, old_known, old_collective):
            updates.append([region, name, *resolved])
            renamed += old_known is not None and old != resolved[0]  # resolved before: the table changed
    if updates:  # one statement for all: an UPDATE per name took seconds at a few thousand names
        con.execute("""UPDATE task_units u SET canonical_name = m.canonical, known = m.known, collective = m.collective
                       FROM (SELECT unnest($1::VARCHAR[]) AS region, unnest($2::VARCHAR[]) AS name,
                                    unnest($3::VARCHAR[]) AS canonical, unnest($4::BOOLEAN[]) AS known,
                                    unnest($5::BOOLEAN[]) AS collective) m,
                            tasks t, documents d
                       WHERE u.task_id = t.task_id AND t.doc_id = d.doc_id AND u.role <> 'official'
                         AND u.name = m.name AND d.region IS NOT DISTINCT FROM m.region""",
                    [list(col) for col in zip(*updates)])
    return renamed


_REGION_TASKS = """
SELECT t.task_id, d.notice_id, d.region, t.year, t.list_kind, t.as_of, t.seq, t.content,
       (SELECT list(DISTINCT u.canonical_name) FROM task_units u
         WHERE u.task_id = t.task_id AND u.role = 'lead') AS bodies, d.published
FROM tasks t JOIN documents d USING (doc_id) JOIN primary_tasks p USING (task_id)
{where}
ORDER BY d.region NULLS FIRST
"""


def _tasks_by_region(con, regions: set | None, chunk: int = 5000) -> Iterator[list[TaskRow]]:
    """Primary tasks, one region at a time (chains and recurring pairs never cross
    a region), fetched in chunks: memory holds the largest region, not the warehouse."""
    where, params = "", []
    if regions is not None:
        where = "WHERE list_contains(?, coalesce(d.region, ''))"
        params = [sorted(r or "" for r in regions)]
    cursor = con.execute(_REGION_TASKS.format(where=where), params)
    block: list[TaskRow] = []
    while fetched := cursor.fetchmany(chunk):
        for r in fetched:
            row = TaskRow(*r[:8], bodies=frozenset(r[8] or ()), published=r[9])
            if block and row.region != block[-1].region:
                yield block
                block = []
            block.append(row)
    if block:
        yield block


def refresh_links(con, regions: set | None = None) -> tuple[int, int]:
    """Rebuild task_chains and task_links, for the given regions (None: all).
    Returns (chains over several reports, recurring pairs)."""
    if regions is None:
        con.execute("DELETE FROM task_chains")
        con.execute("DELETE FROM task_links")
    else:
        stale = """SELECT t.task_id FROM tasks t JOIN documents d USING (doc_id)
                   WHERE list_contains(?, coalesce(d.region, ''))"""
        keys = [sorted(r or "" for r in regions)]
        con.execute(f"DELETE FROM task_chains WHERE task_id IN ({stale}) OR task_id NOT IN (SELECT task_id FROM tasks)",
                    keys)
        con.execute(f"DELETE FROM task_links WHERE task_id IN ({stale}) OR task_id NOT IN (SELECT task_id FROM tasks)",
                    keys)
    chain_rows, link_rows = [], []
    several = recurring = 0
    for tasks in _tasks_by_region(con, regions):
        chains = build_chains(tasks)
        pairs = recurring_pairs(chains)
        several += sum(1 for c in chains if len(c.tasks) > 1)
        recurring += len(pairs)
        chain_rows += [(t.task_id, c.chain_id, pos) for c in chains for pos, t in enumerate(c.tasks, start=1)]
        link_rows += [("same_task", a.task_id, b.task_id, round(similarity(a.content, b.content), 4))
                      for c in chains for a, b in zip(c.tasks, c.tasks[1:])]
        link_rows += [("recurring", a, b, sim) for a, b, sim in pairs]
    # written once the cursor is spent: a statement run on this connection while it is
    # being read would replace its result (the rows are ids, small beside the texts read)
    bulk_insert(con, "task_chains", ("task_id", "chain_id", "chain_pos"), chain_rows)
    bulk_insert(con, "task_links", ("kind", "task_id", "other_task_id", "similarity"), link_rows)
    return several, recurring


_VERSION_TASKS = """
SELECT t.list, t.seq, any_value(t.content) AS content, any_value(t.deadline) AS deadline,
       any_value(t.status) AS status, any_value(t.progress) AS progress,
       list(u.name ORDER BY u.position) FILTER (WHERE u.role = 'lead') AS units,
       list(u.name ORDER BY u.position) FILTER (WHERE u.role = 'co') AS co_units,
       list(u.name ORDER BY u.position) FILTER (WHERE u.role = 'official') AS lead_officials
FROM tasks t LEFT JOIN task_units u USING (task_id)
WHERE t.doc_id = ? GROUP BY t.list, t.seq
"""


def refresh_revisions(con, notices: set[str] | None = None) -> int:
    """What each newer version of a notice changed against the version before it
    (versions.changes on their best files), for the notices a run brought files to
    (None: all). A notice's versions change only when its files do, and the
    comparison reads names as written, not the alias table: the others' rows stand.
    Returns the number of changes written."""
    scope = sorted(n for n in notices if n) if notices is not None else None
    if scope is None:
        con.execute("DELETE FROM revisions")
    elif not scope:
        return 0
    else:
        con.execute("DELETE FROM revisions WHERE list_contains($1, notice_id)", [scope])
    best = con.execute("""SELECT n.notice_id, n.version, n.doc_id FROM notice_documents n
                          JOIN notice_versions v ON v.notice_id = n.notice_id AND v.version = n.version
                          WHERE n.best_of_version AND v.versions > 1
                            AND ($1::VARCHAR[] IS NULL OR list_contains($1, n.notice_id))
                          ORDER BY n.notice_id, n.version""", [scope]).fetchall()
    rows, tasks = [], {}

    def tasks_of(doc_id: str) -> list[dict]:
        if doc_id not in tasks:
            cur = con.execute(_VERSION_TASKS, [doc_id])
            names = [c[0] for c in cur.description]
            tasks[doc_id] = [dict(zip(names, r)) for r in cur.fetchall()]
        return tasks[doc_id]

    for (nid, _, old_doc), (next_nid, version, new_doc) in zip(best, best[1:]):
        if nid != next_nid:
            continue
        rows += [[nid, version, new_doc, old_doc, c.list, c.seq, c.field, c.old, c.new]
                 for c in versions.changes(tasks_of(old_doc), tasks_of(new_doc))]
    bulk_insert(con, "revisions", ("notice_id", "version", "doc_id", "previous_doc_id", "list", "seq", "field",
                                   "old_value", "new_value"), rows)
    return len(rows)


def revision_notes(con, doc_ids: list[str], shown: int = 5) -> list[str]:
    """One line per version of a notice this run brought (a newer one, or an older one
    arriving late): which file supersedes which, and what changed (the run summary's)."""
    notes = []
    for new_name, old_name, title, changed in con.execute("""
            SELECT (SELECT source_name FROM documents WHERE doc_id = r.doc_id),
                   (SELECT source_name FROM documents WHERE doc_id = r.previous_doc_id),
                   (SELECT title FROM notices WHERE notice_id = r.notice_id),
                   list((r.list, r.seq, r.field, r.old_value, r.new_value) ORDER BY r.list, r.seq, r.field)
            FROM revisions r WHERE list_contains($1, r.doc_id) OR list_contains($1, r.previous_doc_id)
            GROUP BY ALL ORDER BY ALL""", [doc_ids]).fetchall():
        described = [versions.Change(*c).describe() for c in changed]
        more = f"; … {len(described) - shown} more (SELECT * FROM revisions)" if len(described) > shown else ""
        notes.append(f"revised: {new_name} supersedes {old_name} ({title}): {'; '.join(described[:shown])}{more}")
    return notes


def refresh(con, *, regions: set | None = None, notices: set | None = None) -> None:
    """After a run: canonical names everywhere (the alias table may have changed),
    then links for the regions whose tasks changed (None: all; an empty set: none),
    or everywhere if a canonical name changed; revisions of the notices the run
    brought files to (None: all)."""
    with transaction(con):
        renamed = refresh_canonical_names(con)
        if renamed:
            regions = None
        if regions is None or regions:
            refresh_links(con, regions)
        refresh_revisions(con, notices)
