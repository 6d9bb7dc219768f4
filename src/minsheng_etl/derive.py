"""What the warehouse derives from its tasks after every ingest and rebuild:
canonical body names, and task chains and links."""
from __future__ import annotations

from collections import defaultdict

from . import canonical
from .links import TaskRow, build_chains, recurring_pairs
from .textnorm import similarity
from .warehouse import bulk_insert, transaction


def refresh_canonical_names(con) -> int:
    """Resolve every body name against parsers/body_aliases.toml: new names, and old
    ones when the table changed. Returns the number of (region, name) pairs updated.
    The work is one lookup per distinct name, so it simply runs after every run."""
    aliases = canonical.load()
    names = con.execute("""SELECT DISTINCT d.region, u.name, u.canonical_name, u.known FROM task_units u
                           JOIN tasks t USING (task_id) JOIN documents d USING (doc_id)
                           WHERE u.role <> 'official'""").fetchall()
    updates = []
    for region, name, old, old_known in names:
        r = aliases.resolve(name, region)
        if (r.canonical, r.known) != (old, old_known):
            updates.append([region, name, r.canonical, r.known])
    if updates:  # one statement for all: an UPDATE per name took seconds at a few thousand names
        con.execute("""UPDATE task_units u SET canonical_name = m.canonical, known = m.known
                       FROM (SELECT unnest($1::VARCHAR[]) AS region, unnest($2::VARCHAR[]) AS name,
                                    unnest($3::VARCHAR[]) AS canonical, unnest($4::BOOLEAN[]) AS known) m,
                            tasks t, documents d
                       WHERE u.task_id = t.task_id AND t.doc_id = d.doc_id AND u.role <> 'official'
                         AND u.name = m.name AND d.region IS NOT DISTINCT FROM m.region""",
                    [list(col) for col in zip(*updates)])
    return len(updates)


def _task_rows(con) -> list[TaskRow]:
    bodies: dict[str, set[str]] = defaultdict(set)
    for tid, name in con.execute("""SELECT u.task_id, u.canonical_name FROM task_units u
                                    JOIN primary_tasks p USING (task_id) WHERE u.role = 'lead'""").fetchall():
        bodies[tid].add(name)
    rows = con.execute("""SELECT t.task_id, d.notice_id, d.region, t.year, t.list_kind, t.as_of, t.seq, t.content
                          FROM tasks t JOIN documents d USING (doc_id) JOIN primary_tasks p USING (task_id)""").fetchall()
    return [TaskRow(*r, bodies=frozenset(bodies.get(r[0], ()))) for r in rows]


def refresh_links(con) -> tuple[int, int]:
    """Rebuild task_chains and task_links. Returns (chains over several reports, recurring pairs)."""
    chains = build_chains(_task_rows(con))
    pairs = recurring_pairs(chains)
    chain_rows = [[t.task_id, c.chain_id, pos] for c in chains for pos, t in enumerate(c.tasks, start=1)]
    link_rows = [["same_task", a.task_id, b.task_id, round(similarity(a.content, b.content), 4)]
                 for c in chains for a, b in zip(c.tasks, c.tasks[1:])]
    link_rows += [["recurring", a, b, sim] for a, b, sim in pairs]
    con.execute("DELETE FROM task_chains")
    con.execute("DELETE FROM task_links")
    bulk_insert(con, "task_chains", ("task_id", "chain_id", "chain_pos"), chain_rows)
    bulk_insert(con, "task_links", ("kind", "task_id", "other_task_id", "similarity"), link_rows)
    return sum(1 for c in chains if len(c.tasks) > 1), len(pairs)


def refresh(con, *, tasks_changed: bool = True) -> None:
    """After a run. Links depend on the tasks and their bodies' canonical names, so
    they are recomputed only when either changed."""
    with transaction(con):
        renamed = refresh_canonical_names(con)
        if tasks_changed or renamed:
            refresh_links(con)
