-- 0.2: one notice in several formats, how far along each task is, body names.

-- A notice is what was issued; a document is one file of it (its PDF, its DOCX).
CREATE TABLE IF NOT EXISTS notices (
    notice_id       VARCHAR PRIMARY KEY,
    title           VARCHAR NOT NULL,
    region          VARCHAR,
    period          VARCHAR,
    doc_number      VARCHAR,
    first_seen      TIMESTAMP NOT NULL
);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS notice_id VARCHAR;

-- How far along: see measures.py. status stays the notice's words (任务进度).
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS as_of DATE;              -- the date the report speaks for
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS status_inferred VARCHAR; -- completed, in_progress, not_started
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS status_basis VARCHAR;    -- notice, numbers, stated_share, progress, list_kind
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS overdue BOOLEAN;         -- deadline before as_of, not completed
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS stated_share DOUBLE;     -- 完成任务的40% → 40

ALTER TABLE targets ADD COLUMN IF NOT EXISTS comparator VARCHAR;    -- >=, <=, ~
ALTER TABLE targets ADD COLUMN IF NOT EXISTS noun VARCHAR;          -- what it counts
ALTER TABLE targets ADD COLUMN IF NOT EXISTS text VARCHAR;          -- as printed

CREATE TABLE IF NOT EXISTS achievements (
    task_id         VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    comparator      VARCHAR,
    noun            VARCHAR,
    text            VARCHAR,
    target_position INTEGER,           -- the target it reports on (targets.position), if matched
    ratio           DOUBLE              -- value / target value
);

-- Canonical body names (parsers/body_aliases.toml), set after every run by derive.py;
-- known = the alias table has the name.
ALTER TABLE task_units ADD COLUMN IF NOT EXISTS known BOOLEAN;

-- Derived after every ingest and rebuild from the tasks above (links.py).
CREATE TABLE IF NOT EXISTS task_chains (
    task_id         VARCHAR PRIMARY KEY,
    chain_id        VARCHAR NOT NULL,  -- the first report's task_id of this task
    chain_pos       INTEGER NOT NULL   -- 1 = earliest report
);
CREATE TABLE IF NOT EXISTS task_links (
    kind            VARCHAR NOT NULL,  -- same_task (across reports of a year), recurring (next year)
    task_id         VARCHAR NOT NULL,
    other_task_id   VARCHAR NOT NULL,
    similarity      DOUBLE NOT NULL
);
