"""minsheng-etl: Chinese government notices on 民生实事 and 重点工作 → DuckDB."""

__version__ = "0.2.0"
