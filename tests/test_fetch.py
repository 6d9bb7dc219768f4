"""Fetching notices from a web server (fetch.py), against a local site."""
from __future__ import annotations

import pytest
from webserver import serve

from minsheng_etl.fetch import USER_AGENT, Fetcher, FetchError, Policy, attachment_links, read_url_list

FAST = Policy(timeout=1.0, retries=2, backoff=0.01, per_host=0.0)


@pytest.fixture(scope="module")
def site():
    with serve() as (base, site):
        yield base, site


def test_a_notice_page_is_saved_with_its_type(site, tmp_path):
    base, _ = site
    with Fetcher(FAST) as f:
        (got,) = list(f.fetch(f"{base}/notice.html", tmp_path))
    assert got.error is None and got.path.suffix == ".html" and got.path.stat().st_size > 1000
    assert got.content_type == "text/html" and got.final_url == f"{base}/notice.html"


def test_redirects_are_followed_and_bounded(site, tmp_path):
    base, _ = site
    with Fetcher(FAST) as f:
        (got,) = list(f.fetch(f"{base}/redirect", tmp_path))
        assert got.error is None and got.final_url == f"{base}/notice.html"
        (loop,) = list(f.fetch(f"{base}/loop", tmp_path))
        assert loop.error == "more than 5 redirects"
        (ftp,) = list(f.fetch(f"{base}/to-ftp", tmp_path))
        assert "not http(s)" in ftp.error


def test_a_404_is_an_error_at_once(site, tmp_path):
    base, server = site
    before = len(server.requests)
    with Fetcher(FAST) as f:
        (got,) = list(f.fetch(f"{base}/gone.html", tmp_path))
    assert got.error == "HTTP 404 Not Found" and got.path is None
    assert len(server.requests) == before + 1  # not retried


def test_a_slow_server_times_out_after_retries(site, tmp_path):
    base, _ = site
    with Fetcher(Policy(timeout=0.3, retries=1, backoff=0.01, per_host=0.0)) as f:
        (got,) = list(f.fetch(f"{base}/slow", tmp_path))
    assert got.error == "no answer within 0.3 s (tried 2 times)"


def test_an_oversized_response_is_cut_off(site, tmp_path):
    base, _ = site
    with Fetcher(Policy(timeout=2, retries=0, per_host=0.0, max_bytes=1 * 2**20)) as f:
        (got,) = list(f.fetch(f"{base}/big", tmp_path))
    assert got.error.startswith("the response is over 1.") and "over the limit of 1 MB" in got.error
    assert not list(tmp_path.rglob("*"))  # nothing half written


def test_a_busy_server_is_retried_with_backoff(site, tmp_path):
    base, server = site
    server.flaky_left = 2
    waits = []
    with Fetcher(Policy(timeout=1, retries=3, backoff=0.05, per_host=0.0), sleep=waits.append) as f:
        (got,) = list(f.fetch(f"{base}/flaky.html", tmp_path))
    assert got.error is None
    assert waits == [0.05, 0.1]  # doubled each time


def test_requests_say_who_asks_and_wait_their_turn_per_host(site, tmp_path):
    base, server = site
    waits = []
    with Fetcher(Policy(per_host=5.0), sleep=waits.append) as f:
        f.get(f"{base}/notice.html")
        f.get(f"{base}/notice.html")
    assert server.requests[-1][1] == USER_AGENT and USER_AGENT.startswith("minsheng-etl/")
    assert len(waits) == 1 and 4.0 < waits[0] <= 5.0


def test_only_http_and_https(tmp_path):
    with Fetcher(FAST) as f:
        for url in ("ftp://example.org/a.pdf", "file:///etc/passwd", "https:///nohost"):
            with pytest.raises(FetchError, match="not an http"):
                f.get(url)


def test_a_landing_page_gives_its_attachments_on_the_same_host(site, tmp_path):
    base, _ = site
    with Fetcher(FAST) as f:
        page, *got = list(f.fetch(f"{base}/landing.html", tmp_path))
    # the page, then its two attachments (not the other host's file, not the image, the repeat once)
    assert page.attachments == [g.url for g in got]
    assert [g.url for g in got] == [f"{base}/files/%E9%99%84%E4%BB%B61.docx", f"{base}/files/summary.xlsx"]
    assert [g.path.name for g in got] == ["附件1.docx", "summary.xlsx"]
    assert all(g.linked_from == f"{base}/landing.html" and g.error is None for g in got)


def test_attachment_links_in_page_order_once():
    page = b"""<html><body><a href="a.pdf">1</a><a href="/x/b.DOCX">2</a><a href="a.pdf#p2">1 again</a>
               <a href="https://other.gov.cn/c.pdf">3</a><a href="javascript:void(0)">4</a><a href="d.jpg">5</a>
               </body></html>"""
    assert attachment_links(page, "http://gov.cn/n/index.html") == ["http://gov.cn/n/a.pdf", "http://gov.cn/x/b.DOCX"]


def test_url_list_file(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("\ufeff# today's notices\nhttps://a.gov.cn/1.html\n\n  https://a.gov.cn/2.pdf  \n", encoding="utf-8")
    assert read_url_list(listing) == ["https://a.gov.cn/1.html", "https://a.gov.cn/2.pdf"]
