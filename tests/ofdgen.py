"""Small OFD (GB/T 33190) files written by the tests: pages of TextObjects and
PathObjects, as converters and OFD printers write them, and an OFD print of a PDF
(each line of characters one TextObject with its advances, each ruling line a
PathObject), so a corpus notice can be read from OFD and scored."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
MM_PER_PT = 25.4 / 72


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def deltas(values: list[float]) -> str:
    """DeltaX text, runs of one value written "g N value" as OFD writers do."""
    out, i = [], 0
    while i < len(values):
        j = i
        while j < len(values) and abs(values[j] - values[i]) < 1e-3:
            j += 1
        out.append(f"g {j - i} {_num(values[i])}" if j - i > 2 else " ".join(_num(v) for v in values[i:j]))
        i = j
    return " ".join(out)


@dataclass
class Page:
    width: float = 210.0  # mm
    height: float = 297.0
    objects: list[str] = field(default_factory=list)
    next_id: int = 100

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, x: float, baseline: float, text: str, size: float = 5.6, advances: list[float] | None = None,
             ctm: str | None = None, font: int = 2) -> None:
        """A TextObject whose box starts at (x, baseline - size): one TextCode, its
        baseline at `size` inside the box, advances given or one em each."""
        advances = advances if advances is not None else [size] * (len(text) - 1)
        width = sum(advances) + size
        ctm_attr = f' CTM="{ctm}"' if ctm else ""
        self.objects.append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{_num(x)} {_num(baseline - size)} {_num(width)} '
            f'{_num(size * 1.3)}" Font="{font}" Size="{_num(size)}"{ctm_attr}><ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{_num(size)}" DeltaX="{deltas(advances)}">{escape(text)}</ofd:TextCode>'
            f'</ofd:TextObject>')

    def raw(self, xml: str) -> None:
        self.objects.append(xml)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.25) -> None:
        left, top = min(x0, x1), min(y0, y1)
        self.objects.append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{_num(left)} {_num(top)} {_num(abs(x1 - x0) + width)} '
            f'{_num(abs(y1 - y0) + width)}" LineWidth="{_num(width)}"><ofd:AbbreviatedData>M {_num(x0 - left)} '
            f'{_num(y0 - top)} L {_num(x1 - left)} {_num(y1 - top)}</ofd:AbbreviatedData></ofd:PathObject>')

    def grid(self, xs: list[float], ys: list[float]) -> None:
        """A ruled table: every row and column line across the whole grid."""
        for y in ys:
            self.line(xs[0], y, xs[-1], y)
        for x in xs:
            self.line(x, ys[0], x, ys[-1])


def build(pages: list[Page], *, doc_dir: str = "Doc_0", absolute: bool = False, extra: dict[str, bytes] | None = None,
          ofd_xml: str | None = None) -> bytes:
    """The OFD package: OFD.xml → Doc_0/Document.xml → Doc_0/Pages/Page_N/Content.xml.
    `absolute` writes page locations from the package root ("/Doc_0/Pages/...")."""
    files: dict[str, bytes] = {}
    files["OFD.xml"] = (ofd_xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
        f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID><ofd:Creator>tests/ofdgen.py</ofd:Creator>'
        f'</ofd:DocInfo><ofd:DocRoot>{doc_dir}/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')).encode()
    entries = []
    for n, page in enumerate(pages):
        location = f"/{doc_dir}/Pages/Page_{n}/Content.xml" if absolute else f"Pages/Page_{n}/Content.xml"
        entries.append(f'<ofd:Page ID="{n + 1}" BaseLoc="{location}"/>')
        files[f"{doc_dir}/Pages/Page_{n}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>0 0 '
            f'{_num(page.width)} {_num(page.height)}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="{n + 50}">'
            + "".join(page.objects) + "</ofd:Layer></ofd:Content></ofd:Page>").encode()
    files[f"{doc_dir}/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f'<ofd:MaxUnitID>100000</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
        f'</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>'
        + "".join(entries) + "</ofd:Pages></ofd:Document>").encode()
    files[f"{doc_dir}/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>').encode()
    files.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def from_pdf(pdf_bytes: bytes) -> bytes:
    """An OFD print of a PDF: each run of characters on one baseline a TextObject
    (its advances from the characters' positions), each ruling line a PathObject."""
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for p in pdf.pages:
            page = Page(float(p.width) * MM_PER_PT, float(p.height) * MM_PER_PT)
            for run in _runs(p.chars, float(p.height)):
                xs = [c["x0"] * MM_PER_PT for c in run]
                size = run[0]["size"] * MM_PER_PT
                baseline = (float(p.height) - run[0]["matrix"][5]) * MM_PER_PT
                page.text(xs[0], baseline, "".join(c["text"] for c in run), size,
                          [b - a for a, b in zip(xs, xs[1:])])
            for e in p.edges:
                x0, x1, top, bottom = (e[k] * MM_PER_PT for k in ("x0", "x1", "top", "bottom"))
                if e["orientation"] == "h":
                    page.line(x0, top, x1, top)
                else:
                    page.line(x0, top, x0, bottom)
            pages.append(page)
    return build(pages)


def _runs(chars: list[dict], height: float) -> list[list[dict]]:
    """Characters in content order cut into runs that share a baseline and a size."""
    runs: list[list[dict]] = []
    for ch in chars:
        last = runs[-1][-1] if runs else None
        if (last is not None and abs(last["matrix"][5] - ch["matrix"][5]) < 0.5 and last["size"] == ch["size"]
                and 0 <= ch["x0"] - last["x0"] <= 3 * ch["size"]):
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return runs
