-- Core warehouse tables. Applied in order by warehouse.py; each file's number is
-- recorded in schema_version. Never edit an applied file: add a new one.

CREATE TABLE IF NOT EXISTS documents (
    doc_id          VARCHAR PRIMARY KEY,   -- sha256 of the file's bytes
    source_name     VARCHAR NOT NULL,      -- file name as ingested
    source_path     VARCHAR,               -- where it was ingested from
    raw_path        VARCHAR NOT NULL,      -- its copy in the raw store
    format          VARCHAR NOT NULL,      -- pdf, docx, html, xlsx, text
    title           VARCHAR NOT NULL,
    issuer          VARCHAR,               -- 发文机关
    doc_number      VARCHAR,               -- 发文字号
    region          VARCHAR,
    published       DATE,
    period          VARCHAR,               -- 一季度, 截至6月底, ...
    parser_version  VARCHAR NOT NULL,
    pages           INTEGER,
    task_count      INTEGER NOT NULL,
    ingested_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS tasks (
    task_id         VARCHAR PRIMARY KEY,   -- doc_id:list:seq
    doc_id          VARCHAR NOT NULL,
    list            INTEGER NOT NULL,
    year            INTEGER,
    list_kind       VARCHAR NOT NULL,      -- plan, progress, completion
    section         VARCHAR,
    seq             INTEGER NOT NULL,
    source_ref      VARCHAR,
    content         VARCHAR NOT NULL,
    deadline        DATE,
    deadline_text   VARCHAR,
    status          VARCHAR,               -- 任务进度 as written
    progress        VARCHAR,
    ref             VARCHAR,               -- provenance, readable: "p3 t1 r5"
    page            INTEGER,
    table_no        INTEGER,
    row_no          INTEGER,
    line_no         INTEGER
);

CREATE TABLE IF NOT EXISTS task_units (
    task_id         VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,      -- lead (主责/牵头), co (协办/配合), official (牵头领导)
    position        INTEGER NOT NULL,
    name            VARCHAR NOT NULL,      -- as written
    canonical_name  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS targets (
    task_id         VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id          VARCHAR PRIMARY KEY,
    command         VARCHAR NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    parser_version  VARCHAR NOT NULL,
    files_seen      INTEGER DEFAULT 0,
    loaded          INTEGER DEFAULT 0,
    unchanged       INTEGER DEFAULT 0,
    failed          INTEGER DEFAULT 0
);

-- The dead-letter table: every file or record that could not be loaded, and why.
CREATE TABLE IF NOT EXISTS rejects (
    run_id          VARCHAR NOT NULL,
    rejected_at     TIMESTAMP NOT NULL,
    source_name     VARCHAR NOT NULL,
    source_path     VARCHAR,
    raw_path        VARCHAR,
    sha256          VARCHAR,
    stage           VARCHAR NOT NULL,      -- read, extract, validate, load
    record_ref      VARCHAR,               -- for a rejected record: where it was
    field           VARCHAR,
    value           VARCHAR,
    reason          VARCHAR NOT NULL
);
