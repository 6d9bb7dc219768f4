"""Validation stage: the record contract and its JSON Schema."""
import json

import pytest
from pydantic import ValidationError

from minsheng_etl.extract.assemble import assemble
from minsheng_etl.extract.draft import TaskDraft
from minsheng_etl import DocumentFacts, Notice, Task
from minsheng_etl.validate import json_schema
from minsheng_etl.profiles import schemas_dir


def task(**kw):
    base = dict(list=0, year=2024, list_kind="plan", seq=1, content="新建学校。")
    base.update(kw)
    return Task(**base)


def test_contract_is_strict():
    with pytest.raises(ValidationError):
        task(seq=0)
    with pytest.raises(ValidationError):
        task(list_kind="report")
    with pytest.raises(ValidationError):
        task(deadline="2024-13-40")
    with pytest.raises(ValidationError):
        task(units=["  "])
    with pytest.raises(ValidationError):
        task(colour="red")
    assert task(deadline="2024-12-31").deadline.isoformat() == "2024-12-31"


def test_gold_json_shape():
    notice = Notice(document={"title": "t"}, tasks=[task(targets=[{"value": 20000.0, "unit": "个"}])])
    data = notice.gold_json()
    assert set(data["tasks"][0]) == {"list", "year", "list_kind", "section", "seq", "source_ref", "content",
                                     "lead_officials", "units", "co_units", "deadline", "deadline_text", "status",
                                     "progress", "targets"}
    assert data["tasks"][0]["targets"] == [{"value": 20000, "unit": "个"}]
    assert set(data["document"]) == {"title", "issuer", "doc_number", "region", "published", "period"}


def test_a_record_that_breaks_the_contract_is_rejected_with_field_and_value():
    drafts = [TaskDraft(seq=1, content="新建学校。"), TaskDraft(seq=2, content="   ")]
    result = assemble(DocumentFacts(title="2024年项目"), drafts)
    assert [t.seq for t in result.notice.tasks] == [1]
    assert len(result.rejected) == 1
    bad = result.rejected[0]
    assert bad.seq == 2 and bad.field == "content"


def test_exported_json_schema_is_current():
    exported = json.loads((schemas_dir() / "notice.schema.json").read_text(encoding="utf-8"))
    assert exported == json_schema(), "run `etl schema --write` and commit schemas/notice.schema.json"
