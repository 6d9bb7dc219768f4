-- Analyst views. Recreated on every open, so a view can change without a rebuild.

CREATE OR REPLACE VIEW tasks_flat AS
SELECT
    t.task_id, d.title, d.region, d.period, d.published, t.year, t.list_kind, t.list, t.section,
    t.seq, t.source_ref, t.content,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'lead') AS units,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'co') AS co_units,
    (SELECT string_agg(u.name, '、' ORDER BY u.position) FROM task_units u
      WHERE u.task_id = t.task_id AND u.role = 'official') AS lead_officials,
    t.deadline, t.deadline_text, t.status, t.progress,
    d.source_name, d.format, t.ref, t.doc_id
FROM tasks t JOIN documents d USING (doc_id);

CREATE OR REPLACE VIEW targets_flat AS
SELECT t.task_id, d.region, t.year, t.seq, t.content, g.position, g.value, g.unit, d.source_name
FROM targets g JOIN tasks t USING (task_id) JOIN documents d USING (doc_id);
