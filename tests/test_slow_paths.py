"""Slow paths: the per-file time limit fires wherever the time goes, and the
similarity work stays near-linear. Checked structurally (calls counted, a small
limit), never by wall time."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hostile

from minsheng_etl import limits, pipeline, textnorm
from minsheng_etl.load.derive import chains as links
from minsheng_etl.load.derive.chains import TaskRow, build_chains, recurring_pairs
from minsheng_etl.load.run import pool as parse_pool


@pytest.fixture
def small_time_limit():
    previous = limits.current()
    limits.apply(limits.Limits(max_seconds=0.5))
    yield
    limits.apply(previous)


def test_the_time_limit_fires_while_measuring(tmp_path, monkeypatch, small_time_limit):
    """Measuring ran outside the timer: a file slow there was stopped only by the
    fallback kill a minute past the limit."""
    def slow_measure(task, document, targets):
        while True:  # pure Python: the signal gets in between bytecodes
            sum(range(1000))

    monkeypatch.setattr(pipeline, "measure_task", slow_measure)
    path = tmp_path / "good.txt"
    path.write_text(hostile.good_text(), encoding="utf-8")
    record = parse_pool.parse_path(parse_pool.Target(str(path), "good.txt", "0" * 64), "test-version")
    assert record.error is not None and record.error.stage == "limits"
    assert "longer than 0.5 s" in record.error.reason


def test_a_worker_stuck_in_a_c_call_ends_itself_past_the_limit(tmp_path):
    """A long C call (here pbkdf2, which never returns to Python in between) keeps
    the signal handler from running; faulthandler's watchdog is a C thread."""
    path = tmp_path / "good.txt"
    path.write_text(hostile.good_text(), encoding="utf-8")
    script = textwrap.dedent(f"""
        import hashlib
        from minsheng_etl import limits
        from minsheng_etl.load.run import pool as parse_pool
        limits.apply(limits.Limits(max_seconds=0.5))
        parse_pool._in_worker = True
        parse_pool.HARD_STOP_GRACE = 0.5
        parse_pool.parse_record = lambda *a, **k: hashlib.pbkdf2_hmac("sha256", b"x", b"salt", 10 ** 10)
        parse_pool.parse_path(parse_pool.Target({str(path)!r}, "good.txt", "0" * 64), "v")
        print("returned")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "returned" not in proc.stdout


def _rows(n: int, notice: str, *, year: int = 2025) -> list[TaskRow]:
    # the worst case for an index: every task reads nearly the same
    return [TaskRow(f"{notice}:{i}", notice, "北京市大兴区", year, "progress", None, i,
                    f"推进老旧小区综合整治，完成第{i}批改造任务，新增停车位和养老服务设施") for i in range(1, n + 1)]


@pytest.mark.parametrize("n", [200, 800])
def test_chains_compare_each_task_with_a_bounded_number_of_candidates(monkeypatch, n):
    calls = {"dice": 0}

    def counted(a, b):
        calls["dice"] += 1
        return textnorm.dice(a, b)

    monkeypatch.setattr(links, "dice", counted)
    chains = build_chains(_rows(n, "plan") + _rows(n, "q1") + _rows(n, "h1"))
    assert sum(len(c.tasks) for c in chains) == 3 * n
    # each task meets at most the index's top 20 and the chains of its own number
    assert calls["dice"] <= 2 * n * 21
    calls["dice"] = 0
    recurring_pairs(build_chains(_rows(n, "a", year=2024) + _rows(n, "b", year=2025)))
    assert calls["dice"] <= n * 20 + 2 * n * 21


def test_bigrams_are_computed_once_per_text_not_once_per_pair():
    """measures compares every target of a task with every figure of its progress
    text: the pairs are many, the texts few."""
    textnorm.bigrams.cache_clear()
    targets = [f"目标{i}号任务的名称" for i in range(100)]
    figures = [f"已完成第{i}项工作的进展" for i in range(300)]
    for t in targets:
        for f in figures:
            textnorm.similarity(t, f)
    info = textnorm.bigrams.cache_info()
    assert info.misses <= len(set(targets) | set(figures))
    assert info.hits + info.misses == 2 * len(targets) * len(figures)
