-- Analyst views. Re-applied whenever this file changes, after the table files, so a
-- view can change without a rebuild. Each is documented in README.md with an example.

-- Each notice's best file: most tasks, then the format that reads most faithfully.
CREATE OR REPLACE VIEW notice_documents AS
SELECT d.notice_id, d.doc_id, d.source_name, d.format, d.task_count, d.ingested_at,
       row_number() OVER (PARTITION BY d.notice_id ORDER BY d.task_count DESC,
           CASE WHEN d.format IN ('docx', 'doc') THEN 1 WHEN d.format IN ('xlsx', 'xls') THEN 2
                WHEN d.format = 'html' THEN 3 WHEN d.format = 'text' THEN 4 ELSE 5 END,
           d.ingested_at, d.doc_id) = 1 AS is_primary
FROM documents d;

-- The tasks of each notice once (from its best file).
CREATE OR REPLACE VIEW primary_tasks AS
SELECT t.task_id FROM tasks t JOIN notice_documents n ON n.doc_id = t.doc_id AND n.is_primary;

-- One row per task: bodies joined, document facts alongside, how far along it is.
CREATE OR REPLACE VIEW tasks_flat AS
SELECT
    t.task_id, d.notice_id, d.title, d.region, d.period, d.published, t.as_of, t.year, t.list_kind, t.list,
    t.section, t.seq, t.source_ref, t.content,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'lead') AS units,
    (SELECT string_agg(u.canonical_name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'lead') AS units_canonical,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'co') AS co_units,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'official') AS lead_officials,
    t.deadline, t.deadline_text,
    t.status,                      -- the notice's own words (任务进度), or NULL
    t.status_inferred AS status_now, -- completed / in_progress / not_started
    t.status_basis, t.overdue, t.stated_share,
    (SELECT string_agg(g.value::VARCHAR || g.unit, ' ' ORDER BY g.position) FROM targets g
      WHERE g.task_id = t.task_id) AS targets,
    t.progress,
    (SELECT string_agg(o.source_name, ', ' ORDER BY o.source_name) FROM documents o
      WHERE o.notice_id = d.notice_id) AS sources,
    d.source_name, d.format, t.page, t.ref, t.doc_id
FROM tasks t JOIN documents d USING (doc_id) JOIN primary_tasks p USING (task_id);

-- Tasks per canonical body and year (lead bodies: 主责/牵头单位), with how they stand.
CREATE OR REPLACE VIEW tasks_by_body AS
SELECT d.region, t.year, u.canonical_name AS body,
       count(DISTINCT t.task_id) AS tasks,
       count(DISTINCT t.task_id) FILTER (WHERE t.status_inferred = 'completed') AS completed,
       count(DISTINCT t.task_id) FILTER (WHERE t.status_inferred = 'in_progress') AS in_progress,
       count(DISTINCT t.task_id) FILTER (WHERE t.overdue) AS overdue,
       string_agg(DISTINCT u.name, '、' ORDER BY u.name) AS written_as
FROM task_units u JOIN tasks t USING (task_id) JOIN documents d USING (doc_id) JOIN primary_tasks p USING (task_id)
WHERE u.role = 'lead'
GROUP BY ALL;

-- Overdue as each report says: deadline before the report's as-of date, not completed.
CREATE OR REPLACE VIEW overdue_tasks AS
SELECT task_id, region, year, title, period, as_of, seq, content, units, deadline, status, status_now, progress,
       as_of - deadline AS days_late, source_name, ref
FROM tasks_flat WHERE overdue;

-- Overdue on a given day: each task as its latest report up to that day says.
--   SELECT * FROM overdue_on(DATE '2025-12-01')
CREATE OR REPLACE MACRO overdue_on(day) AS TABLE
WITH latest AS (
    SELECT f.*, c.chain_id,
           row_number() OVER (PARTITION BY c.chain_id ORDER BY f.as_of DESC NULLS LAST, c.chain_pos DESC) AS k
    FROM tasks_flat f JOIN task_chains c USING (task_id)
    WHERE f.as_of IS NULL OR f.as_of <= day
)
SELECT task_id, chain_id, region, year, title, period, as_of, seq, content, units, deadline, status, status_now,
       day - deadline AS days_late, source_name, ref
FROM latest
WHERE k = 1 AND deadline < day AND status_now IS DISTINCT FROM 'completed'
ORDER BY region, year, seq;

-- One task across the reports of its year (plan, Q1, half-year, ...) in report order.
CREATE OR REPLACE VIEW task_history AS
SELECT c.chain_id, c.chain_pos, f.region, f.year, f.as_of, f.period, f.list_kind, f.title, f.seq, f.content,
       f.status, f.status_now, f.stated_share,
       (SELECT string_agg(a.value::VARCHAR || a.unit || '/' || g.value::VARCHAR || g.unit, ' ' ORDER BY a.position)
          FROM achievements a JOIN targets g ON g.task_id = a.task_id AND g.position = a.target_position
         WHERE a.task_id = f.task_id) AS achieved_of_target,
       f.progress, f.task_id, f.source_name,
       count(*) OVER (PARTITION BY c.chain_id) AS reports
FROM task_chains c JOIN tasks_flat f USING (task_id);

-- The same body and nearly the same task in consecutive years.
CREATE OR REPLACE VIEW recurring_tasks AS
SELECT a.region, a.year, a.seq, a.content, a.units_canonical AS units,
       b.year AS next_year, b.seq AS next_seq, b.content AS next_content, b.units_canonical AS next_units,
       l.similarity, a.task_id, b.task_id AS next_task_id
FROM task_links l  -- a recurring link joins two chains; a chain_id is its first task's task_id
JOIN tasks_flat a ON a.task_id = l.task_id JOIN tasks_flat b ON b.task_id = l.other_task_id
WHERE l.kind = 'recurring';

-- Targets per task (every quantity in the task's content).
CREATE OR REPLACE VIEW targets_flat AS
SELECT f.task_id, f.region, f.year, f.period, f.seq, f.content, g.position, g.value, g.unit, g.comparator, g.noun,
       g.text, f.source_name
FROM targets g JOIN tasks_flat f USING (task_id);

-- Target vs achieved: each target with what the progress text reports against it.
CREATE OR REPLACE VIEW target_vs_achieved AS
SELECT f.task_id, f.region, f.year, f.period, f.as_of, f.seq, f.content, f.status_now,
       g.position AS target_position, g.value AS target, g.unit, g.comparator, g.noun AS counts,
       a.value AS achieved, a.unit AS achieved_unit, a.text AS achieved_text, a.ratio,
       f.stated_share, f.source_name
FROM targets g JOIN tasks_flat f USING (task_id)
LEFT JOIN achievements a ON a.task_id = g.task_id AND a.target_position = g.position;
