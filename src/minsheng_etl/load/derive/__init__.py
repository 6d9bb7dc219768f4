"""What the warehouse derives from all its documents, after every run.

- canonical.py  one name per responsible body (parsers/body_aliases.toml)
- chains.py     one task followed through the reports of a year, and from one
                year to the next (pure: rows in, chains and pairs out)
- versions.py   a notice's versions by the fingerprint of its records, and what
                a newer version changed
- refresh.py    the warehouse tables these fill, refreshed after each run
"""
