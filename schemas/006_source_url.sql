-- 0.5: notices fetched from the web (`etl ingest https://…`): the URL each file's bytes
-- came from (after redirects), and the page that linked to it when it was a notice's
-- attachment (附件). NULL for files ingested from disk.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS source_url VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS source_page VARCHAR;
