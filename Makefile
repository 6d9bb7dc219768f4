# minsheng-etl: common tasks. Every target works from a fresh clone (it sets up .venv first).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DB      ?= data/curated/minsheng.duckdb
SHARED  ?= ../shared
N       ?= 1000
SCALE   ?= 3

.PHONY: setup demo rebuild status report test score bench bench-pdf schema clean

$(BIN)/etl: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

setup: $(BIN)/etl

demo: setup  ## ingest the bundled sample notices, then summarise them
	$(BIN)/etl ingest data/raw/samples --db $(DB)
	$(BIN)/etl query "SELECT region, year, list_kind, format, count(*) AS tasks FROM tasks_flat GROUP BY ALL ORDER BY ALL" --db $(DB)

rebuild: setup  ## re-derive the warehouse from the raw store (what the nightly job runs)
	$(BIN)/etl rebuild --db $(DB)

status: setup
	$(BIN)/etl status --db $(DB)

report: setup  ## the HTML report of the warehouse
	$(BIN)/etl report --db $(DB) --output data/curated/report.html

bench: setup  ## speed and memory against bare-library baselines (N=1000 and N×SCALE; ~35 min on 2 cores)
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench.py --n $(N) --scale $(SCALE)

bench-pdf: setup  ## PDF speed and memory against pdfplumber on a small corpus (~1 min)
	SHARED=$(SHARED) $(BIN)/python benchmarks/bench_pdf.py --n 120

test: setup
	$(BIN)/python -m pytest

score: setup  ## the scorer over the shared development corpus
	$(BIN)/python $(SHARED)/tools/score.py --corpus $(SHARED)/corpus --cmd "$(BIN)/etl inspect --json {file}" -v

schema: setup  ## re-export the record contract's JSON Schema
	$(BIN)/etl schema --write

clean:
	rm -rf $(VENV) .pytest_cache data/curated/*.duckdb data/curated/*.wal data/curated/*.lock data/curated/*.tmp
