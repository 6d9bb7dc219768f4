-- Analyst views. Re-applied whenever this file changes, after the table files, so a
-- view can change without a rebuild. Each is documented in README.md with an example.

-- A figure as a reader writes it: 10个, not 10.0个; 98.5% stays.
CREATE OR REPLACE MACRO figure(v) AS CASE WHEN v = trunc(v) THEN v::BIGINT::VARCHAR ELSE v::VARCHAR END;

-- Each notice's versions. Files with the same records (its PDF and its DOCX) are one
-- version; a corrected re-issue is a newer one: by publication date when every version
-- has one, else by when it was first ingested.
CREATE OR REPLACE VIEW notice_versions AS
WITH v AS (
    SELECT notice_id, coalesce(fingerprint, '') AS fingerprint, max(published) AS published,
           min(ingested_at) AS first_ingested, count(*) AS documents, arg_min(source_name, ingested_at) AS source_name
    FROM documents GROUP BY ALL),
dated AS (
    SELECT *, count(published) OVER (PARTITION BY notice_id) = count(*) OVER (PARTITION BY notice_id) AS all_dated
    FROM v)
SELECT notice_id, row_number() OVER (PARTITION BY notice_id ORDER BY CASE WHEN all_dated THEN published END,
           first_ingested, fingerprint) AS version,
       count(*) OVER (PARTITION BY notice_id) AS versions, published, first_ingested, documents, source_name,
       fingerprint
FROM dated;

-- Each notice's files. The best file of a version has most tasks, then the format that
-- reads most faithfully; the primary file is the best of the newest version.
CREATE OR REPLACE VIEW notice_documents AS
WITH ranked AS (
    SELECT d.notice_id, d.doc_id, d.source_name, d.format, d.task_count, d.published, d.ingested_at, v.version,
           v.version = v.versions AS is_current,
           row_number() OVER (PARTITION BY d.notice_id, v.version ORDER BY d.task_count DESC,
               CASE WHEN d.format IN ('docx', 'doc', 'rtf') THEN 1 WHEN d.format IN ('xlsx', 'xls') THEN 2
                    WHEN d.format = 'html' THEN 3 WHEN d.format = 'text' THEN 4 ELSE 5 END,
               d.ingested_at, d.doc_id) = 1 AS best_of_version
    FROM documents d JOIN notice_versions v
      ON v.notice_id IS NOT DISTINCT FROM d.notice_id AND v.fingerprint = coalesce(d.fingerprint, ''))
SELECT *, best_of_version AND is_current AS is_primary FROM ranked;

-- The tasks of each notice once (from its primary file).
CREATE OR REPLACE VIEW primary_tasks AS
SELECT t.task_id FROM tasks t JOIN notice_documents n ON n.doc_id = t.doc_id AND n.is_primary;

-- Overdue on `day`: the deadline has passed and the task is not completed. Either the
-- latest report, made on or after the deadline, says it is not done ('reported_late'),
-- or no report has come since the deadline ('no_news').
CREATE OR REPLACE MACRO overdue_kind(deadline, as_of, status_now, day) AS
CASE WHEN deadline < day AND status_now IS DISTINCT FROM 'completed'
     THEN CASE WHEN as_of >= deadline THEN 'reported_late' ELSE 'no_news' END END;

-- Every report's row of every task (plan, 一季度, 上半年, 年底...): a task is a chain of
-- rows (task_chains), chain_pos 1 the earliest; is_latest marks the row the views show.
CREATE OR REPLACE VIEW task_reports AS
SELECT
    t.task_id, coalesce(c.chain_id, t.task_id) AS chain_id, coalesce(c.chain_pos, 1) AS chain_pos,
    coalesce(c.chain_pos, 1) = max(coalesce(c.chain_pos, 1)) OVER (PARTITION BY coalesce(c.chain_id, t.task_id))
        AS is_latest,
    count(*) OVER (PARTITION BY coalesce(c.chain_id, t.task_id)) AS reports,
    d.notice_id, d.title, d.region, d.period, d.published, t.as_of, t.year, t.list_kind, t.list,
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
    t.status,                        -- the notice's own words (任务进度), or NULL
    t.status_inferred AS status_now, -- completed / in_progress / not_started
    t.status_basis,
    t.overdue AS late_at_report,     -- the deadline had passed on the report's own as-of, not completed
    t.stated_share,
    (SELECT string_agg(figure(g.value) || g.unit, ' ' ORDER BY g.position) FROM targets g
      WHERE g.task_id = t.task_id) AS targets,
    t.progress,
    (SELECT string_agg(o.source_name, ', ' ORDER BY o.source_name) FROM documents o
      WHERE o.notice_id = d.notice_id) AS sources,
    d.source_name, d.source_url, d.format, t.page, t.ref, t.doc_id
FROM tasks t JOIN documents d USING (doc_id) JOIN primary_tasks p USING (task_id)
LEFT JOIN task_chains c USING (task_id);

-- Each task once, as its latest report up to `cutoff` says (as-of date, then
-- publication), overdue as of `day`. The two views an analyst uses:
--   tasks_flat                         every report so far, overdue today
--   tasks_as_of(DATE '2025-06-30')     the reports up to that day, overdue on it
CREATE OR REPLACE MACRO task_standing(cutoff, day) AS TABLE
SELECT task_id, notice_id, title, region, period, published, as_of, year, list_kind, list, section, seq, source_ref,
       content, units, units_canonical, co_units, lead_officials, deadline, deadline_text, status, status_now,
       status_basis,
       overdue_kind(deadline, as_of, status_now, day) IS NOT NULL AS overdue,
       overdue_kind(deadline, as_of, status_now, day) AS overdue_kind,
       CASE WHEN overdue_kind(deadline, as_of, status_now, day) IS NOT NULL THEN day - deadline END AS days_late,
       stated_share, targets, progress, sources, source_name, source_url, format, page, ref, doc_id, chain_id,
       count(*) OVER (PARTITION BY chain_id) AS reports
FROM task_reports
WHERE as_of IS NULL OR as_of <= cutoff
QUALIFY row_number() OVER (PARTITION BY chain_id ORDER BY chain_pos DESC) = 1;

CREATE OR REPLACE VIEW tasks_flat AS SELECT * FROM task_standing(DATE '9999-12-31', current_date);

CREATE OR REPLACE MACRO tasks_as_of(day) AS TABLE SELECT * FROM task_standing(day, day);

-- Tasks per canonical body and year (lead bodies: 主责/牵头单位), each task once, with how
-- they stand today. collective: a group (各单位, 各街道办事处), not one body: keep it out
-- of rankings (WHERE NOT collective).
CREATE OR REPLACE VIEW tasks_by_body AS
SELECT f.region, f.year, u.canonical_name AS body, bool_or(coalesce(u.collective, false)) AS collective,
       count(DISTINCT f.task_id) AS tasks,
       count(DISTINCT f.task_id) FILTER (WHERE f.status_now = 'completed') AS completed,
       count(DISTINCT f.task_id) FILTER (WHERE f.status_now = 'in_progress') AS in_progress,
       count(DISTINCT f.task_id) FILTER (WHERE f.overdue) AS overdue,
       count(DISTINCT f.task_id) FILTER (WHERE f.overdue_kind = 'reported_late') AS reported_late,
       count(DISTINCT f.task_id) FILTER (WHERE f.overdue_kind = 'no_news') AS no_news,
       string_agg(DISTINCT u.name, '、' ORDER BY u.name) AS written_as
FROM task_units u JOIN tasks_flat f USING (task_id)
WHERE u.role = 'lead'
GROUP BY ALL;

-- Overdue today, each task once: reported late (its latest report, on or after the
-- deadline, says not done) or no news since the deadline; days late as of today.
CREATE OR REPLACE VIEW overdue_tasks AS
SELECT task_id, region, year, title, period, as_of, seq, content, units, deadline, status, status_now,
       overdue_kind, days_late, progress, source_name, ref
FROM tasks_flat WHERE overdue;

-- Overdue on a given day: each task as its latest report up to that day says.
--   SELECT * FROM overdue_on(DATE '2025-12-01')
CREATE OR REPLACE MACRO overdue_on(day) AS TABLE
SELECT task_id, chain_id, region, year, title, period, as_of, seq, content, units, deadline, status, status_now,
       overdue_kind, days_late, source_name, ref
FROM tasks_as_of(day)
WHERE overdue
ORDER BY region, year, seq;

-- One task across the reports of its year (plan, Q1, half-year, ...) in report order.
CREATE OR REPLACE VIEW task_history AS
SELECT r.chain_id, r.chain_pos, r.region, r.year, r.as_of, r.period, r.list_kind, r.title, r.seq, r.content,
       r.status, r.status_now, r.stated_share,
       (SELECT string_agg(figure(a.value) || a.unit || '/' || figure(g.value) || g.unit, ' ' ORDER BY a.position)
          FROM achievements a JOIN targets g ON g.task_id = a.task_id AND g.position = a.target_position
         WHERE a.task_id = r.task_id) AS achieved_of_target,
       r.progress, r.task_id, r.source_name, r.reports, r.is_latest
FROM task_reports r;

-- The same body and nearly the same task in consecutive years.
CREATE OR REPLACE VIEW recurring_tasks AS
SELECT a.region, a.year, a.seq, a.content, a.units_canonical AS units,
       b.year AS next_year, b.seq AS next_seq, b.content AS next_content, b.units_canonical AS next_units,
       l.similarity, a.task_id, b.task_id AS next_task_id
FROM task_links l  -- a recurring link joins two chains; a chain_id is its first task's task_id
JOIN tasks_flat a ON a.chain_id = l.task_id JOIN tasks_flat b ON b.chain_id = l.other_task_id
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
