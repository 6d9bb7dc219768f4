"""A small government site on 127.0.0.1 for the URL tests: notices, a page that only
links to its attachments, redirects, a 404, a slow page, an oversized response and
a server that fails once before it answers."""
from __future__ import annotations

import threading
import time
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "raw" / "samples"

LANDING = """<html><head><meta charset="utf-8"><title>关于印发2025年民生实事任务的通知</title></head><body>
<h1>关于印发2025年民生实事任务的通知</h1><p>各有关单位：现将有关材料印发给你们，请认真贯彻落实。</p>
<p>附件：<a href="/files/%E9%99%84%E4%BB%B61.docx">附件1.docx</a>
<a href="files/summary.xlsx">任务汇总表</a>
<a href="http://elsewhere.example/other.pdf">另一网站</a>
<a href="/images/logo.png">logo</a>
<a href="/files/%E9%99%84%E4%BB%B61.docx#top">附件1（重复）</a></p></body></html>"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (timeout tests): not news
        pass


class Site:
    def __init__(self):
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self.flaky_left = 0
        self.routes = {
            "/notice.html": ("text/html; charset=utf-8", (SAMPLES / "beijing-civil-affairs-2025-q3.html").read_bytes()),
            "/landing.html": ("text/html; charset=utf-8", LANDING.encode("utf-8")),
            "/files/附件1.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                (SAMPLES / "daxing-2023-task-division.docx").read_bytes()),
            "/files/summary.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                    (SAMPLES / "daxing-2025-h1-summary.xlsx").read_bytes()),
            "/plain": ("text/html; charset=utf-8", "<html><body><p>网站首页</p><p>欢迎访问</p></body></html>".encode()),
            "/flaky.html": ("text/html; charset=utf-8", (SAMPLES / "daxing-2024-q1-progress.html").read_bytes()),
        }

    def handler(site):  # noqa: N805 - the handler class closes over the site
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain", headers: dict | None = None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
                site.requests.append((path, self.headers.get("User-Agent", "")))
                if path == "/redirect":
                    return self._send(302, headers={"Location": "/notice.html"})
                if path == "/loop":
                    return self._send(302, headers={"Location": "/loop"})
                if path == "/to-ftp":
                    return self._send(302, headers={"Location": "ftp://127.0.0.1/notice.txt"})
                if path == "/slow":
                    time.sleep(3)
                    return self._send(200, b"late")
                if path == "/big":  # says nothing of its size, then sends 3 MB
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    for _ in range(48):
                        self.wfile.write(b"x" * 65536)
                    return None
                if path == "/flaky.html" and site.flaky_left > 0:
                    site.flaky_left -= 1
                    return self._send(503, b"busy", headers={"Retry-After": "0"})
                if path in site.routes:
                    ctype, body = site.routes[path]
                    return self._send(200, body, ctype)
                return self._send(404, b"not found")

        return Handler


@contextmanager
def serve() -> tuple[str, Site]:
    site = Site()
    server = _Server(("127.0.0.1", 0), site.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()
