"""The real notices (../shared/corpus/real) saved in the other forms sites publish them
in, by LibreOffice's own Save As: a Word file printed to PDF or saved as a web page, a
web page saved as Word, a spreadsheet saved as a web page (its title and caption rows
merged across the table). Each must give the records of its gold, as the original does:
the same notice in any format gives the same records."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lo_convert
from test_end_to_end import score

# (the originals' suffix, what LibreOffice saves them as)
FORMS = [(".docx", "pdf"), (".docx", "html:XHTML Writer File:UTF8"), (".html", "docx:MS Word 2007 XML"),
         (".xlsx", "html")]


@pytest.fixture(scope="module")
def real_renderings(corpus, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("real-renderings")
    docs, profile = base / "docs", base / "profile"
    docs.mkdir()
    for suffix, target in FORMS:
        originals = sorted((corpus / "real" / "docs").glob(f"*{suffix}"))
        if suffix == ".docx":  # a .docx whose twin PDF is in the corpus already prints the same
            originals = [p for p in originals if not p.with_suffix(".pdf").exists()]
        outdir = base / target.split(":")[0] / suffix.lstrip(".")
        outdir.mkdir(parents=True)
        for made in lo_convert(originals, target, outdir, profile):
            made.rename(docs / made.name)
    (base / "gold").symlink_to(corpus / "real" / "gold")
    return base


def test_real_notices_in_other_forms_give_the_records_of_their_gold(real_renderings):
    assert len(list((real_renderings / "docs").iterdir())) == 22  # 4 PDFs, 4 + 3 web pages, 11 Word files
    summary = score(real_renderings)
    assert summary["inputs_failed"] == 0 and summary["tasks_gold"] >= 160
    assert summary["recall"] == 1.0 and summary["precision"] == 1.0
    assert summary["field_accuracy"] >= 0.98  # the originals: 0.989 (one unsure section)
    assert summary["targets_f1"] == 1.0


def _copied_as_text(path: Path) -> str:
    """What an analyst gets copying a page out of a browser or a Word file: paragraphs a
    line each, a table row a line of tab-separated cells, a rowspan's cell given once."""
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines += ["\t".join(c.text.replace("\n", " ") for c in row.cells) for row in table.rows]
        return "\n".join(lines)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    for tag in soup(["script", "style", "title"]):
        tag.decompose()
    for table in soup.find_all("table"):
        table.replace_with("\n".join("\t".join(td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"]))
                                     for tr in table.find_all("tr")))
    return soup.get_text("\n")


def test_real_notices_copied_as_text_keep_their_tasks(corpus, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted((corpus / "real" / "docs").glob("*")):
        if path.suffix in (".html", ".docx") and not (docs / f"{path.stem}.txt").exists():
            (docs / f"{path.stem}.txt").write_text(_copied_as_text(path), encoding="utf-8")
    (tmp_path / "gold").symlink_to(corpus / "real" / "gold")
    summary = score(tmp_path)
    assert summary["inputs_failed"] == 0 and summary["tasks_gold"] >= 110
    assert summary["recall"] == 1.0 and summary["precision"] == 1.0
    assert summary["field_accuracy"] >= 0.97  # 0.974: a bold line that is a section is plain text here
    assert summary["targets_f1"] >= 0.99
