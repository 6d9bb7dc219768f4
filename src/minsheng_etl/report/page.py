"""The report's page: the template with its style, script and data inlined, so the
one file opens anywhere, offline, and can be mailed. Nothing is fetched."""
from __future__ import annotations

import datetime as dt
import html
import json
from importlib import resources

from .. import __version__, wording


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _json_for_script(value) -> str:
    """JSON inside <script>: no "</script>" or "<!--" can end it early (\\u003c is
    still "<" to JSON.parse)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render(data: dict, *, db_name: str, lang: str = "zh", scope: dict | None = None,
           generated: dt.datetime | None = None, today: dt.date | None = None) -> str:
    words = wording.report_words(lang)
    generated = generated or dt.datetime.now()
    today = today or dt.date.today()
    payload = dict(data, words=words, lang=lang, today=today.isoformat(),
                   status=wording.codes(wording.STATUS, lang) | {"": wording.UNKNOWN[lang]},
                   overdue_kinds=wording.codes(wording.OVERDUE_KIND, lang),
                   list_kinds=wording.codes(wording.LIST_KIND, lang))
    scope_text = " · ".join(f"{words[k]}: {v}" for k, v in (scope or {}).items() if v is not None)
    fields = {f"w_{k}": html.escape(v) for k, v in words.items()}
    return _asset("template.html").format(
        lang="zh-CN" if lang == "zh" else "en", version=__version__, title=html.escape(words["title"]),
        generated=html.escape(words["generated"].format(db=db_name, when=f"{generated:%Y-%m-%d %H:%M}",
                                                        today=today.isoformat())),
        scope=f'<p class="scope">{html.escape(words["scope"])}: {html.escape(scope_text)}</p>' if scope_text else "",
        noscript=html.escape("本报告需要启用 JavaScript。" if lang == "zh" else "This report needs JavaScript."),
        css=_asset("report.css"), js=_asset("report.js"), data=_json_for_script(payload), **fields)
