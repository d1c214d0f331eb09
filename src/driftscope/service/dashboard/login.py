"""The login and logout pages: a username and password (argon2-checked) start a session
held in an HttpOnly, SameSite=Lax cookie; logging out ends it in the store. Failed sign-ins
are limited per account and per address (:mod:`driftscope.auth.throttle`): 429 beyond."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from driftscope.service.api.common import Service
from driftscope.service.dashboard.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    form_fields,
    person,
    render,
    safe_next,
)


def router(service: Service) -> APIRouter:
    """The login page, the login form's post and the logout."""
    routes = APIRouter(include_in_schema=False)
    store = service.store
    from driftscope.auth.throttle import LoginThrottle

    throttle = LoginThrottle()

    def form(request: Request, next_url: str, error: str | None, status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        page = render("login.html", status, token=token, next_url=safe_next(next_url), error=error)
        page.set_cookie(
            LOGIN_COOKIE,
            token,
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return page

    @routes.get("/login")
    async def login_page(request: Request, next: str = "/") -> Response:
        return form(request, next, None)

    @routes.post("/login")
    async def login_post(request: Request) -> Response:
        from driftscope.auth import login
        from driftscope.auth.sessions import start_session

        fields = await form_fields(request)
        next_url = safe_next(fields.get("next"))
        expected = request.cookies.get(LOGIN_COOKIE)
        given = fields.get("token", "")
        if not expected or not secrets.compare_digest(expected.encode(), given.encode()):
            return form(request, next_url, "The form expired: please sign in again.", 403)
        username, password = fields.get("username", ""), fields.get("password", "")
        address = request.client.host if request.client else None
        wait = throttle.wait(username, address)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            text = f"Too many failed sign-ins: try again in {minutes} minute(s)."
            return form(request, next_url, text, 429)
        user = await asyncio.to_thread(login, store, username, password) if username else None
        if user is None:
            throttle.failed(username, address)
            return form(request, next_url, "Wrong username or password.", 401)
        throttle.succeeded(username)
        started = await asyncio.to_thread(start_session, store, user.username, datetime.now(UTC))
        answer = RedirectResponse(next_url, status_code=303)
        answer.set_cookie(
            SESSION_COOKIE,
            started.cookie,
            expires=started.expires_at,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        answer.delete_cookie(LOGIN_COOKIE)
        return answer

    @routes.post("/logout")
    async def logout(request: Request) -> Response:
        from driftscope.auth.sessions import end_session
        from driftscope.service.dashboard.web import checked_form

        session = await person(request, store)
        await checked_form(request, session)
        await asyncio.to_thread(end_session, store, request.cookies.get(SESSION_COOKIE))
        answer = RedirectResponse("/login", status_code=303)
        answer.delete_cookie(SESSION_COOKIE)
        return answer

    return routes
