-- 0.4: the run that loaded each row (ingest_runs.run_id), as dlt stamps its load id:
-- which ingest or rebuild brought a document and its tasks. Rows loaded before this
-- file was applied carry NULL until `etl rebuild`.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS run_id VARCHAR;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS run_id VARCHAR;
