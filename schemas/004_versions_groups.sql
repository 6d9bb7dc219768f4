-- 0.3: versions of a notice, collective names, what a revision changed.

-- The records' fingerprint (versions.py): equal for the renderings of one version of
-- a notice (its PDF and its DOCX), different for a corrected re-issue.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;

-- 各单位, 各街道办事处, 相关属地: a group of bodies, not one (parsers/bodies.toml [collective]).
ALTER TABLE task_units ADD COLUMN IF NOT EXISTS collective BOOLEAN;

-- Derived after every run (derive.py): each field a newer version of a notice changed,
-- against the version before it.
CREATE TABLE IF NOT EXISTS revisions (
    notice_id       VARCHAR NOT NULL,
    version         INTEGER NOT NULL,  -- the newer version (notice_versions.version)
    doc_id          VARCHAR NOT NULL,  -- its primary document
    previous_doc_id VARCHAR NOT NULL,
    list            INTEGER,
    seq             INTEGER,
    field           VARCHAR NOT NULL,  -- content, deadline, units, co_units, status, progress, task
    old_value       VARCHAR,
    new_value       VARCHAR
);
