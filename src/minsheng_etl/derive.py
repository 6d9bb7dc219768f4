"""What the warehouse derives from its tasks after every ingest and rebuild:
canonical body names, and task chains and links."""
from __future__ import annotations

from collections.abc import Iterator

from . import canonical
from .links import TaskRow, build_chains, recurring_pairs
from .textnorm import similarity
from .warehouse import bulk_insert, transaction


def refresh_canonical_names(con) -> int:
    """Resolve every body name against parsers/body_aliases.toml: new names, and old
    ones when the table changed. Returns the number of names resolved before whose
    canonical name changed (the alias table was edited).
    The work is one lookup per distinct name, so it simply runs after every run."""
    aliases = canonical.load()
    names = con.execute("""SELECT DISTINCT d.region, u.name, u.canonical_name, u.known FROM task_units u
                           JOIN tasks t USING (task_id) JOIN documents d USING (doc_id)
                           WHERE u.role <> 'official'""").fetchall()
    updates, renamed = [], 0
    for region, name, old, old_known in names:
        r = aliases.resolve(name, region)
        if (r.canonical, r.known) != (old, old_known):
            updates.append([region, name, r.canonical, r.known])
            renamed += old_known is not None and old != r.canonical  # resolved before: the table changed
    if updates:  # one statement for all: an UPDATE per name took seconds at a few thousand names
        con.execute("""UPDATE task_units u SET canonical_name = m.canonical, known = m.known
                       FROM (SELECT unnest($1::VARCHAR[]) AS region, unnest($2::VARCHAR[]) AS name,
                                    unnest($3::VARCHAR[]) AS canonical, unnest($4::BOOLEAN[]) AS known) m,
                            tasks t, documents d
                       WHERE u.task_id = t.task_id AND t.doc_id = d.doc_id AND u.role <> 'official'
                         AND u.name = m.name AND d.region IS NOT DISTINCT FROM m.region""",
                    [list(col) for col in zip(*updates)])
    return renamed


_REGION_TASKS = """
SELECT t.task_id, d.notice_id, d.region, t.year, t.list_kind, t.as_of, t.seq, t.content,
       (SELECT list(DISTINCT u.canonical_name) FROM task_units u
         WHERE u.task_id = t.task_id AND u.role = 'lead') AS bodies
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
            row = TaskRow(*r[:8], bodies=frozenset(r[8] or ()))
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


def refresh(con, *, regions: set | None = None) -> None:
    """After a run: canonical names everywhere (the alias table may have changed),
    then links for the regions whose tasks changed (None: all; an empty set: none),
    or everywhere if a canonical name changed."""
    with transaction(con):
        renamed = refresh_canonical_names(con)
        if renamed:
            regions = None
        if regions is None or regions:
            refresh_links(con, regions)
