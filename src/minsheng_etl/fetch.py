"""Notices from the web: `etl ingest https://…` and `--urls FILE`.

A government site is somebody else's server: every request has a timeout, a
bounded number of redirects and a size limit (the file limit, max_file_mb), is
retried with backoff when the server or the network fails for a moment (never
for a 404), waits its turn per host (a polite interval), and says who is asking
(User-Agent). Only http and https.

A notice is often a page that only links to its attachment (附件1.doc, 任务清单.xlsx):
the page's links to files the readers take, on the same host, are followed one
level; the page itself is kept only when it reads as a notice of its own.

The bytes go to files in a private folder; ingest takes them like any file and
records the URL as the document's source.
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import regex
from bs4 import BeautifulSoup

from . import __version__, readers
from . import limits as file_limits
from .limits import setting as _setting

USER_AGENT = f"minsheng-etl/{__version__} (ETL of public livelihood-project notices; python-httpx)"
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# what a fetched body is saved as when its URL names no file type
_TYPE_SUFFIX = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
                "text/plain": ".txt", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                "application/rtf": ".rtf", "text/rtf": ".rtf", "application/ofd": ".ofd"}
_PAGE_SUFFIXES = readers.PAGE_SUFFIXES | {"", ".jsp", ".asp", ".aspx", ".php"}
_UNSAFE_NAME = regex.compile(r"[^\w.\-\u3000-\u9fff（）()]+")
URL = regex.compile(r"^https?://", regex.IGNORECASE)


class FetchError(Exception):
    """A URL that gave no file, with the reason a user can act on."""


def is_url(text: str) -> bool:
    return bool(URL.match(text.strip()))


@dataclass(frozen=True)
class Policy:
    timeout: float = 30.0  # seconds to connect, and between bytes read
    max_redirects: int = 5
    retries: int = 3  # attempts after the first, for timeouts, dropped connections and 429/5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    per_host: float = 1.0  # seconds between two requests to one host
    max_bytes: int | None = None  # None: the file limit (MINSHENG_MAX_FILE_MB)

    @classmethod
    def from_env(cls) -> Policy:
        """The defaults, or MINSHENG_FETCH_TIMEOUT / MINSHENG_FETCH_RETRIES /
        MINSHENG_FETCH_INTERVAL (seconds between two requests to one host)."""
        settings = {}
        for name, key, whole in (("MINSHENG_FETCH_TIMEOUT", "timeout", False),
                                 ("MINSHENG_FETCH_RETRIES", "retries", True),
                                 ("MINSHENG_FETCH_INTERVAL", "per_host", False)):
            raw = os.environ.get(name)
            if raw is not None and raw.strip():
                settings[key] = _setting(name, raw, whole=whole, zero=True)
        return cls(**settings)

    @property
    def size_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else int(file_limits.current().max_file_mb * 2**20)


@dataclass
class Fetched:
    """One URL's outcome: a file, or the reason there is none."""

    url: str
    path: Path | None = None
    final_url: str | None = None  # after redirects
    content_type: str | None = None
    error: str | None = None
    linked_from: str | None = None  # the page whose attachment it is
    attachments: list[str] = field(default_factory=list)  # for a page: the files it links to


class Fetcher:
    def __init__(self, policy: Policy | None = None, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.policy = policy or Policy()
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.client = httpx.Client(
            follow_redirects=True, max_redirects=self.policy.max_redirects, transport=transport,
            timeout=httpx.Timeout(self.policy.timeout), headers={"User-Agent": USER_AGENT},
            trust_env=False)  # no proxy or .netrc from the environment: the request goes where it says

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            due = self._last.get(host, 0.0) + self.policy.per_host - time.monotonic()
            if due > 0:
                self._sleep(due)
            self._last[host] = time.monotonic()

    def get(self, url: str) -> tuple[bytes, httpx.Response]:
        """The body of `url` (after redirects), retried as the policy says; FetchError
        with the reason otherwise."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError("not an http(s) URL")
        delay = self.policy.backoff
        for attempt in range(self.policy.retries + 1):
            self._wait_turn(parts.hostname)
            try:
                return self._get_once(url)
            except _Retry as exc:
                if attempt == self.policy.retries:
                    raise FetchError(f"{exc} (tried {attempt + 1} times)") from None
                self._sleep(max(delay, exc.retry_after or 0.0))
                delay *= 2
        raise AssertionError("unreachable")

    def _get_once(self, url: str) -> tuple[bytes, httpx.Response]:
        limit = self.policy.size_limit
        try:
            with self.client.stream("GET", url) as response:
                final = str(response.url)
                if urllib.parse.urlsplit(final).scheme not in ("http", "https"):
                    raise FetchError(f"redirected to {final}, not an http(s) URL")
                if response.status_code in RETRY_STATUS:
                    raise _Retry(f"HTTP {response.status_code} {response.reason_phrase}",
                                 _retry_after(response.headers.get("Retry-After")))
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(_too_big(int(declared), limit))
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise FetchError(_too_big(len(body), limit, more=True))
                return bytes(body), response
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {self.policy.max_redirects} redirects") from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"redirected to a URL that is not http(s) ({exc})") from None
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.policy.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retry(f"cannot connect ({type(exc).__name__}: {exc or 'no detail'})") from None

    def fetch_one(self, url: str, folder: Path, *, linked_from: str | None = None) -> Fetched:
        """One URL's file in `folder`; for a page, the documents it links to are listed
        in `attachments` (not fetched)."""
        try:
            body, response = self.get(url)
        except FetchError as exc:
            return Fetched(url, error=str(exc), linked_from=linked_from)
        got = Fetched(url, final_url=str(response.url), content_type=_mime(response), linked_from=linked_from)
        got.path = _save(folder, got.final_url, got.content_type, body)
        if _is_page(got):
            got.attachments = attachment_links(body, got.final_url, response.encoding)
        return got

    def fetch(self, url: str, folder: Path) -> Iterator[Fetched]:
        """The files of one URL: the file itself, or a page then its attachments (one
        level, same host). Whether a page with attachments is a notice of its own is
        for its parse to say (ingest passes over one that is not)."""
        page = self.fetch_one(url, folder)
        yield page
        for link in page.attachments:
            yield self.fetch_one(link, folder, linked_from=page.final_url)


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(value: str | None, cap: float = 60.0) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), at most `cap`."""
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), cap))


def _too_big(size: int, limit: int, more: bool = False) -> str:
    return (f"the response is {'over ' if more else ''}{size / 2**20:.1f} MB, over the limit of "
            f"{limit / 2**20:g} MB (MINSHENG_MAX_FILE_MB)")


def _mime(response: httpx.Response) -> str | None:
    value = response.headers.get("Content-Type")
    return value.split(";")[0].strip().lower() if value else None


def _suffix(url: str) -> str:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).suffix.lower()


def _is_page(got: Fetched) -> bool:
    return got.content_type in ("text/html", "application/xhtml+xml") or (
        got.content_type is None and _suffix(got.final_url or got.url) in _PAGE_SUFFIXES)


def _save(folder: Path, url: str, content_type: str | None, body: bytes) -> Path:
    """The body in `folder`, named after the URL's last segment (附件1.doc), with a
    suffix from the content type when the URL has none; unique per URL."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    name = _UNSAFE_NAME.sub("_", Path(path).name).strip("._") or "index"
    if not Path(name).suffix or Path(name).suffix.lower() in (".jsp", ".asp", ".aspx", ".php"):
        name += _TYPE_SUFFIX.get(content_type or "", ".html" if content_type is None else "")
    tag = hashlib.sha256(url.encode()).hexdigest()[:8]
    target = folder / tag / name[-120:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return target


def attachment_links(page: bytes, base_url: str, encoding: str | None = None,
                     suffixes: frozenset[str] | None = None) -> list[str]:
    """The page's links to documents a reader takes (.pdf, .docx, .xlsx, .doc, .ofd …;
    not images, which on a page are its logos and icons), on the page's own host, in
    page order, each once."""
    wanted = suffixes if suffixes is not None else readers.SUFFIXES - _PAGE_SUFFIXES - readers.IMAGE_SUFFIXES
    host = urllib.parse.urlsplit(base_url).hostname
    soup = BeautifulSoup(page, "lxml", from_encoding=encoding)
    base = soup.find("base", href=True)
    root = urllib.parse.urljoin(base_url, base["href"]) if base else base_url
    seen, links = set(), []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urllib.parse.urljoin(root, href)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != host or _suffix(url) not in wanted:
            continue
        url = urllib.parse.urlunsplit(parts._replace(fragment=""))
        if url not in seen:
            seen.add(url)
            links.append(url)
    return links


def read_url_list(path: Path) -> list[str]:
    """`--urls FILE`: one URL per line; blank lines and # comments skipped."""
    urls = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls
