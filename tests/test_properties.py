"""Property-based tests (hypothesis) for the repair rules and the field parsers:
no exception on any string, repair idempotent, dates valid, quantities non-negative.

Strings are drawn from an alphabet weighted towards what notices hold (Chinese
numerals, units, dates' words, punctuation, digits, full-width forms), with any
Unicode character mixed in.
"""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng_etl.fields.blocks import normalize_block, split_glued_points
from minsheng_etl.fields.bodies import split_bodies, split_people
from minsheng_etl.fields.dates import (
    deadline_text,
    find_dates,
    parse_date,
    parse_deadline,
)
from minsheng_etl.fields.numerals import cn_to_int, to_int
from minsheng_etl.fields.periods import as_of_date, period_end
from minsheng_etl.fields.quantities import find_quantities, targets_from
from minsheng_etl.fields.seq import parse_seq, split_leading_number
from minsheng_etl.layout import Layout, Paragraph, Ref
from minsheng_etl.measures import measure_task
from minsheng_etl import DocumentFacts, Task
from minsheng_etl.repair import (
    fix_glyphs,
    repair,
    repair_text,
    split_content_progress,
    strip_leaked_html,
)
from minsheng_etl.textnorm import bigrams, dice, similarity, squash_all

NOTICE_CHARS = ("一二三四五六七八九十百千万亿零两年月日底季度上下半前中旬截至完成新增建设不少于以上约余个张所处"
                "项条家人次场套元%％万亿区市县委局办街道镇和、，。；：:;（）()《》第号〔〕—-～~ \t\n"
                "0123456789０１２３４５６７８９.．/／")
# lone surrogates (Cs) never come out of decoding a file, and the record contract refuses them
notice_text = st.text(alphabet=st.one_of(st.sampled_from(NOTICE_CHARS), st.characters(exclude_categories=("Cs",))),
                      max_size=300)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def valid_date(d) -> bool:
    return isinstance(d, dt.date) and 1900 <= d.year <= 2200


@SETTINGS
@given(notice_text)
def test_text_repair_never_fails_and_is_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once
    assert fix_glyphs(fix_glyphs(text)) == fix_glyphs(text)
    assert isinstance(strip_leaked_html(text), str)
    content, progress = split_content_progress(text)
    assert isinstance(content, str) and isinstance(progress, str)


@SETTINGS
@given(st.lists(notice_text, max_size=8))
def test_layout_repair_never_fails_and_is_idempotent(texts):
    layout = Layout([Paragraph(t, Ref(line=i)) for i, t in enumerate(texts, start=1)], source_format="text")
    once = repair(layout)
    twice = repair(Layout(list(once.blocks), source_format="text"))
    assert [b.text for b in twice.blocks] == [b.text for b in once.blocks]


@SETTINGS
@given(notice_text, st.one_of(st.none(), st.integers(1949, 2100)))
def test_dates_are_valid_dates(text, year):
    for d in find_dates(text, year):
        assert valid_date(d)
    for d in (parse_deadline(text, year), parse_date(text), period_end(text, year)):
        assert d is None or valid_date(d)
    for kind in ("plan", "progress", "completion"):
        d = as_of_date(period=text, year=year, list_kind=kind, published=None)
        assert d is None or valid_date(d)
    out = deadline_text(text)
    assert out is None or isinstance(out, str)


@SETTINGS
@given(notice_text)
def test_quantities_are_non_negative_numbers(text):
    for q in find_quantities(text):
        assert q.value >= 0 and q.value == q.value and q.value != float("inf")
        assert q.unit
        assert 0 <= q.start <= q.end <= len(text)
        assert q.noun is None or isinstance(q.noun, str)
    for value, unit in targets_from(text):
        assert value >= 0 and unit


@SETTINGS
@given(notice_text)
def test_numbers_sequence_and_names_never_fail(text):
    for n in (cn_to_int(text), to_int(text), parse_seq(text)):
        assert n is None or (isinstance(n, int) and n >= 0)
    number, rest = split_leading_number(text)
    assert number is None or number >= 0
    assert isinstance(rest, str)
    for names in (split_bodies(text), split_people(text)):
        assert all(isinstance(n, str) and n.strip() for n in names)
    assert isinstance(split_glued_points(text), str)
    block = normalize_block(text)
    assert block is None or isinstance(block, str)


@SETTINGS
@given(notice_text, notice_text)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == similarity(b, a)
    assert dice(bigrams(a), bigrams(a)) in (0.0, 1.0)
    assert isinstance(squash_all(a), str)


@SETTINGS
@given(notice_text, notice_text, st.one_of(st.none(), notice_text))
def test_measuring_any_task_gives_valid_measures(content, progress, period):
    task = Task(list=0, year=2025, list_kind="progress", seq=1, content=content or "任务", progress=progress or None)
    m = measure_task(task, DocumentFacts(title="通知", period=period))
    assert all(q.value >= 0 for q in find_quantities(task.content))
    assert all(a.value >= 0 and (a.ratio is None or a.ratio >= 0) for a in m.achievements)
    assert m.as_of is None or valid_date(m.as_of)
    assert m.status in (None, "completed", "in_progress", "not_started")
