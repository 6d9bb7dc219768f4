"""The pure parts of the load half, each tested on its own: the raw store's one
hash per file, parsing in order across workers, rows of one file, notice
identity, chains and links."""
from __future__ import annotations

import hashlib

import hostile

from minsheng_etl.load import store as store_module
from minsheng_etl.load.store import RawStore
from minsheng_etl.pipeline import parse_record


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
