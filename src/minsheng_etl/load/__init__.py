"""The load half: parsed files into the DuckDB warehouse.

Stages, in the order a run goes through them (ARCHITECTURE.md has the map):

- store.py      the raw store (every file by content hash) and the parse cache
- run/          a run: ingest.py (files in), rebuild.py (the warehouse again from
                the raw store), pool.py (parse workers, results in input order),
                taken.py (the files a warehouse took), summary of the run
- rows.py       one parsed file → its rows for every table, written in batches
- derive/       what comes from all documents: canonical body names, task chains
                and links, notice versions and revisions
- warehouse/    the DuckDB file: schema, writers, runs and rejects
"""
