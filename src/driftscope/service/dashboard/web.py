"""What every dashboard page shares: the templates, the security headers, the signed-in
person (a session cookie, else a redirect to the login page) and the form-token check.

Pages are rendered by Jinja2 with autoescaping on, so every string from a user (project,
column and rule names, values) is escaped; the only unescaped inserts are the SVG charts of
:mod:`.charts`, which escape their own texts. The Content-Security-Policy allows scripts,
styles and images from the service itself only, and no inline script or style.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

if TYPE_CHECKING:
    from jinja2 import Environment

    from driftscope.monitor.store.base import SessionRecord, Store

SESSION_COOKIE = "ds_session"
LOGIN_COOKIE = "ds_login"
"""The login form's own token (a double-submit cookie): a login posted from another site
fails."""
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class LoginRequiredError(Exception):
    """The request has no live session: answered by a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class BadFormError(Exception):
    """A posted form without the session's form token: answered 403."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates, loaded once, autoescaped, with the dashboard's filters."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("driftscope.service.dashboard", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters["num"] = number
    env.filters["when"] = when
    env.filters["q"] = lambda text: quote(str(text), safe="")
    return env


def render(name: str, code: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context``, answered with status ``code`` and the
    security headers."""
    text = environment().get_template(name).render(**context)
    return HTMLResponse(text, status_code=code, headers=HEADERS)


def number(value: float | int | None, digits: int = 4) -> str:
    """A figure for a page: ``—`` for none or NaN, thousands separated for whole numbers.

    >>> number(1234567.0), number(0.123456), number(float("nan")), number(None)
    ('1,234,567', '0.1235', '—', '—')
    """
    if value is None or not math.isfinite(value):
        return "—"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:.{digits}g}"


def when(moment: datetime | None) -> str:
    """A time for a page, in UTC: the date alone at midnight."""
    from driftscope.service.dashboard.charts import day_text

    if moment is None:
        return "—"
    text = day_text(moment)
    return text if len(text) == 10 else text + " UTC"


async def person(request: Request, store: Store) -> SessionRecord:
    """The request's live session, or :class:`LoginRequiredError`."""
    from driftscope.auth.sessions import session_of

    cookie = request.cookies.get(SESSION_COOKIE)
    found = await asyncio.to_thread(session_of, store, cookie, datetime.now(UTC))
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target)
    return found


FORM_LIMIT = 16 * 1024
"""The largest form body a page takes (bytes): the dashboard's forms hold a few short fields."""


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's fields (URL-encoded, as browsers post them; the last of repeated
    fields): 413 over :data:`FORM_LIMIT` bytes, 400 for more than 20 fields or a body that is
    not a form, before anything is parsed."""
    from urllib.parse import parse_qs

    from driftscope.service.api.common import ApiError, read_body

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ApiError(400, "a form must be posted as application/x-www-form-urlencoded")
    body = await read_body(request, FORM_LIMIT)
    try:
        parsed = parse_qs(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20
        )
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "the form cannot be read") from None
    return {name: values[-1] for name, values in parsed.items()}


async def checked_form(request: Request, session: SessionRecord) -> dict[str, str]:
    """The posted form's fields (:func:`form_fields`), once its ``csrf`` field is the
    session's form token; :class:`BadFormError` otherwise."""
    from driftscope.auth.sessions import form_token_ok

    fields = await form_fields(request)
    if not form_token_ok(session, fields.get("csrf")):
        raise BadFormError("the form's token is missing or stale: reload the page and try again")
    return fields


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never ``//host`` or a URL).

    >>> safe_next("/projects/a?b=1"), safe_next("//evil.example"), safe_next("https://x")
    ('/projects/a?b=1', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_redirect(exc: LoginRequiredError) -> Response:
    """The answer to a page asked for without a session."""
    return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)
