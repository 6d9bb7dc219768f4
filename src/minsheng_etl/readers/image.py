"""Images of pages (PNG, JPEG, TIFF with one page a frame): each read by OCR into
the PDF reader's page geometry, so lines, paragraphs and ruled tables come out
as from a PDF. The image's resolution is its own (the dpi it records), else
that of an A4 page as wide as the image (a photo records none)."""
from __future__ import annotations

import io

from .. import limits as file_limits
from ..errors import ReadError
from ..layout import Layout

A4_WIDTH = 595.0  # points
KINDS = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}


def kind(data: bytes) -> str | None:
    """PNG, JPEG or TIFF by the file's signature; None for anything else."""
    return next((name for magic, name in KINDS.items() if data.startswith(magic)), None)


def read_image(data: bytes) -> Layout:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from .pdf import ocr, textlayer
    from .pdf.assembly import assemble, drop_furniture
    from .pdf.geometry import page_content

    name = kind(data) or "image"
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise file_limits.LimitExceeded(f"a {name} image too large to read ({exc})") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReadError(f"a {name} image that cannot be decoded ({exc})") from exc
    limit = file_limits.current().max_pages
    if frames > limit:
        raise file_limits.LimitExceeded(f"{frames:,} pages, over the limit of {limit:,} (MINSHENG_MAX_PAGES)")
    pages, blank = [], []
    try:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            picture, dpi = _fitted(frame, ocr.MAX_PIXELS)
            if textlayer.is_blank(_at_dpi(picture, dpi, textlayer.INK_DPI)):
                blank.append(number)  # the back of a sheet: nothing to read
                continue
            reading = ocr.read_scan(f"page {number} is an image", number, frames, lambda _dpi: picture, dpi)
            problem = textlayer.problem(reading)
            if problem:
                raise ReadError(problem.message)
            pages.append(page_content(reading))
    except (OSError, ValueError, SyntaxError) as exc:  # a frame that does not decode
        raise ReadError(f"a {name} image that cannot be decoded ({exc})") from exc
    if not pages:
        raise ReadError(f"a {name} image of a blank page (no writing, next to no ink)" if frames == 1 else
                        f"every page of the {name} image is blank (no writing, next to no ink)")
    drop_furniture(pages)
    return Layout(assemble(pages), source_format="image", pages=len(pages),
                  notes=[textlayer.passed_over(blank)] if blank else [])


def _at_dpi(picture, dpi: float, target: float):
    """The picture scaled to about `target` dpi (the blank test's scale)."""
    scale = target / max(dpi, 1.0)
    return picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))))


def _fitted(frame, max_pixels: int):
    """The frame at no more than max_pixels, and its resolution: as recorded
    when plausible, else an A4 page's as wide as the image."""
    recorded = frame.info.get("dpi")
    try:
        dpi = float(recorded[0]) if recorded else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if not 50 <= dpi <= 1200:
        dpi = frame.width / A4_WIDTH * 72
    shrink = (max_pixels / max(frame.width * frame.height, 1)) ** 0.5
    if shrink < 1:
        frame = frame.resize((max(1, int(frame.width * shrink)), max(1, int(frame.height * shrink))))
        dpi *= shrink
    return frame, dpi
