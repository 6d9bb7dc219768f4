"""The pure parts of the load half, each tested on its own: the raw store's one
hash per file, parsing in order across workers, rows of one file, notice
identity, chains and links."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import hostile

from minsheng_etl.load import store as store_module
from minsheng_etl.load import warehouse
from minsheng_etl.load.derive.chains import TaskRow, build_chains, recurring_pairs
from minsheng_etl.load import rows
from minsheng_etl.load.rows import NoticeIndex, choose_notice, document_rows, notice_key, write_batch
from minsheng_etl.load.run.pool import Target, parse_in_order
from minsheng_etl.load.store import RawStore
from minsheng_etl.pipeline import parse_record
from minsheng_etl.validate import NO_DEADLINE, UNKNOWN_BODY


def test_the_store_reads_a_file_once_and_names_it_by_its_sha256(tmp_path, monkeypatch):
    path = tmp_path / "notice.txt"
    path.write_text(hostile.good_text(), encoding="utf-8")
    opened = []
    real_open = open

    def counting(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(store_module, "open", counting, raising=False)
    store = RawStore(tmp_path / "raw")
    sha, raw = store.keep(path)
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    assert raw.read_bytes() == path.read_bytes() and raw.name == f"{sha}.txt"
    again, same = store.keep(path)  # held already: the copy is dropped, the manifest not grown
    assert (again, same) == (sha, raw)
    assert opened.count(str(path)) == 2  # once per keep: hashed while copied, never read again to hash
    assert not list((tmp_path / "raw" / "tmp").iterdir())
    assert len(store.manifest.read_text().splitlines()) == 1


def test_a_parse_takes_the_sha256_it_is_given():
    data = hostile.good_text().encode()
    given = "f" * 64
    assert parse_record(data, "n.txt", sha256=given).sha256 == given
    assert parse_record(data, "n.txt").sha256 == hashlib.sha256(data).hexdigest()


# --- rows of one file -----------------------------------------------------------------

NOTICE = """北京市大兴区2025年重要民生实事项目三季度进展情况

序号\t任务内容\t主责单位\t完成时限\t进展情况
1\t新增200张养老家庭照护床位。\t区人保局、各街道\t2025年12月31日\t已完成150张。
2\t完成3所中小学建设，增加学位1440个。\t区未知机构\t\t2所已完工。
"""


def _rows_of(text: str, doc_id: str = "a" * 64, run_id: str = "run1", repeat: bool = False):
    record = parse_record(text.encode(), "n.txt")
    assert record.error is None
    if repeat:  # the last task again under its number, reworded (a re-issued row)
        record.notice.tasks.append(record.notice.tasks[-1].model_copy(update={"content": "改写的任务"}))
        record.measures.append(record.measures[-1])
        record.warnings.append([])
    return record, document_rows(record, doc_id=doc_id, source_name="n.txt", source_path="in/n.txt",
                                 raw_path="raw/n.txt", run_id=run_id, now=dt.datetime(2025, 10, 1))


def test_rows_are_built_resolved_and_stamped_with_their_run():
    record, built = _rows_of(NOTICE, repeat=True)
    tasks = built.tables["tasks"]
    assert [row[6] for row in tasks] == [1, 2] and built.tasks == 2  # number 2 given twice: its last row
    assert tasks[1][8] == "改写的任务" and built.document[13] == 2
    document = dict(zip(rows._COLUMNS["documents"], built.document))
    assert {row[-1] for row in tasks} == {"run1"} and document["run_id"] == "run1"
    assert document["source_url"] is None and document["source_page"] is None  # a file from disk
    units = {row[3]: row[4:] for row in built.tables["task_units"]}
    # written resolved: the alias table's canonical name with its level word, the group flagged
    assert units["区人保局"] == ["区人力资源和社会保障局", True, False]
    assert units["各街道"][1:] == [False, True]
    assert built.notice_key == notice_key(record.notice) and built.notice_id is None  # set when written
    assert (0, 2) in built.task_texts
    # the run's warnings: the parse's (shipped in the record) and the names the alias table lacks
    kinds = {(seq, w.kind, w.text) for seq, w in built.warnings}
    assert (2, UNKNOWN_BODY, "区未知机构") in kinds and (1, UNKNOWN_BODY, "各街道") in kinds
    assert any(seq == 2 and kind == NO_DEADLINE for seq, kind, _ in kinds)
    assert [t.position for t in record.notice.tasks[0].targets] == [1]  # targets: one record, from extraction
    assert [row[1:4] for row in built.tables["targets"]][:1] == [[1, 200.0, "张"]]


# --- notice identity ------------------------------------------------------------------

def test_the_same_facts_give_the_same_notice_key():
    a, _ = _rows_of(NOTICE)
    b, _ = _rows_of(NOTICE.replace("三季度进展情况", "三季度 进展情况"))  # a layout space in the title
    c, _ = _rows_of(NOTICE.replace("三季度", "二季度"))
    assert notice_key(a.notice) == notice_key(b.notice) != notice_key(c.notice)


def test_choose_notice():
    ours = {(0, 1): "新增200张养老家庭照护床位", (0, 2): "完成3所中小学建设"}
    other = {(0, 1): "建设社区食堂10个", (0, 2): "改造老旧小区20个"}
    assert choose_notice("k", "d" * 64, ours, []) == "k"  # a new notice
    assert choose_notice("k", "d" * 64, ours, [("k", dict(ours))]) == "k"  # another file of it
    assert choose_notice("k", "d" * 64, ours, [("k", None)]) == "k"  # its only file is this one
    assert choose_notice("k", "d" * 64, ours, [("k", other)]) == "k:dddddddd"  # same title, other tasks
    assert choose_notice("k", "d" * 64, ours, [("k", other), ("k:eeeeeeee", ours)]) == "k:eeeeeeee"
    assert choose_notice("k", "d" * 64, ours, [("k:eeeeeeee", other)]) == "k"


def test_two_files_of_one_notice_in_one_batch_are_one_notice_without_a_flush(tmp_path):
    con = warehouse.connect(tmp_path / "m.duckdb")
    index = NoticeIndex(con)
    _, pdf = _rows_of(NOTICE, doc_id="a" * 64)
    _, docx = _rows_of(NOTICE.replace("已完成150张。", "已完成150张"), doc_id="b" * 64)
    _, reissue = _rows_of(NOTICE.replace("养老家庭照护床位", "社区食堂").replace("中小学", "公园"), doc_id="c" * 64)
    with warehouse.transaction(con):
        write_batch(con, [pdf, docx, reissue], index)
    assert pdf.notice_id == docx.notice_id == pdf.notice_key
    assert reissue.notice_id == f"{pdf.notice_key}:cccccccc"
    assert con.execute("SELECT doc_id, notice_id, run_id FROM documents ORDER BY doc_id").fetchall() == [
        ("a" * 64, pdf.notice_key, "run1"), ("b" * 64, pdf.notice_key, "run1"), ("c" * 64, reissue.notice_id, "run1")]
    # a later batch meets them in the warehouse
    _, again = _rows_of(NOTICE, doc_id="d" * 64)
    with warehouse.transaction(con):
        write_batch(con, [again], NoticeIndex(con))
    assert again.notice_id == pdf.notice_key
    con.close()


# --- chains and links -----------------------------------------------------------------

def _task(tid, notice, seq, content, *, kind="progress", year=2025, region="北京市大兴区", bodies=("区民政局",),
          as_of=None):
    return TaskRow(tid, notice, region, year, kind, as_of, seq, content, frozenset(bodies))


def test_a_task_is_followed_through_the_reports_of_its_year():
    plan = [_task("p1", "plan", 1, "新增200张养老家庭照护床位", kind="plan"),
            _task("p2", "plan", 2, "完成3所中小学建设，增加学位1440个", kind="plan")]
    q1 = [_task("q2", "q1", 2, "完成3所中小学建设，增加学位1440个。已开工", as_of=dt.date(2025, 3, 31)),
          _task("q1", "q1", 1, "新增200张养老家庭照护床位", as_of=dt.date(2025, 3, 31))]
    h1 = [_task("h1", "h1", 1, "新增养老家庭照护床位200张", as_of=dt.date(2025, 6, 30)),  # reworded, same number
          _task("h3", "h1", 3, "建设社区食堂10个", as_of=dt.date(2025, 6, 30))]  # new in this report
    other_region = [_task("x1", "other", 1, "新增200张养老家庭照护床位", region="北京市东城区")]
    chains = {c.chain_id: [t.task_id for t in c.tasks] for c in build_chains(h1 + q1 + plan + other_region)}
    assert chains == {"p1": ["p1", "q1", "h1"], "p2": ["p2", "q2"], "h3": ["h3"], "x1": ["x1"]}


def test_a_task_recurring_next_year_is_paired_by_body_and_text():
    this_year = [_task("a1", "n24", 1, "新增500个公共停车位", year=2024),
                 _task("a2", "n24", 2, "改造老旧小区20个", year=2024, bodies=("区住建委",))]
    next_year = [_task("b1", "n25", 1, "新增800个公共停车位", year=2025),
                 _task("b2", "n25", 2, "改造老旧小区30个", year=2025, bodies=("区城管委",))]  # another body
    pairs = recurring_pairs(build_chains(this_year + next_year))
    assert [(a, b) for a, b, _ in pairs] == [("a1", "b1")]
    assert all(0.6 <= sim <= 1 for _, _, sim in pairs)


# --- ordered parallel parsing ---------------------------------------------------------

def test_parallel_parsing_yields_in_input_order(tmp_path):
    """Files of very different sizes (the small ones finish first) and jobs that need
    no parse, in between: the records come back in the order given, each its own."""
    jobs = []
    for i in range(7):
        path = tmp_path / f"n{i}.txt"
        body = hostile.good_text(n=100 + i) + ("\n" + "说明文字。" * 4000 if i % 3 == 0 else "")
        path.write_text(body, encoding="utf-8")
        jobs.append((i, path, hashlib.sha256(path.read_bytes()).hexdigest()))

    def needs_parse(job):
        i, path, sha = job
        return None if i == 4 else Target(str(path), path.name, sha)

    serial = list(parse_in_order(jobs, needs_parse=needs_parse, version="v", workers=0))
    parallel = list(parse_in_order(jobs, needs_parse=needs_parse, version="v", workers=2))
    assert [job for job, _ in parallel] == jobs
    assert [record is None for _, record in parallel] == [i == 4 for i in range(7)]
    assert [r.sha256 for _, r in parallel if r] == [sha for i, _, sha in jobs if i != 4]
    assert [r.notice.tasks[0].content if r else None for _, r in parallel] == \
           [r.notice.tasks[0].content if r else None for _, r in serial]
    assert [r.notice.tasks[0].targets[0].value for _, r in parallel if r] == [100 + i for i in range(7) if i != 4]


def test_each_file_is_heard_of_when_parsed_then_when_loaded(tmp_path):
    """The run tells of a file as soon as its parse ends (a display moves then), and
    again when its batch is written: all the parses come before the one batch here."""
    from minsheng_etl.load.run.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"n{n}.txt").write_text(NOTICE.replace("新建", f"第{n}批新建"), encoding="utf-8")
    heard: list[tuple[str, str]] = []
    summary = ingest([folder], db_path=tmp_path / "w.duckdb", raw_root=tmp_path / "raw",
                     on_file=lambda o: heard.append((o.status, Path(str(o.path)).name)))
    assert heard == [("parsed", "n1.txt"), ("parsed", "n2.txt"), ("parsed", "n3.txt"),
                     ("loaded", "n1.txt"), ("loaded", "n2.txt"), ("loaded", "n3.txt")]
    assert [o.status for o in summary.outcomes] == ["loaded"] * 3  # the summary holds outcomes only
