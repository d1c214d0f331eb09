"""The dashboard over HTTP (a real uvicorn on 127.0.0.1, httpx as the browser): sessions and
their cookie, the form tokens, every page's content for a monitored project, escaping of
hostile names, the security headers, and the pages' errors. The same pages in a real browser:
test_dashboard_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from tests.service._dashboard import (
    DAYS,
    EVIL,
    EVIL_RULE,
    PASSWORD,
    USER,
    Dashboard,
    login,
)

PAGES = ["/", "/projects/credit", "/projects/credit/alerts", "/api/docs"]


@pytest.fixture(scope="module")
def dash(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    served = Dashboard(tmp_path_factory.mktemp("dashboard"))
    try:
        yield served
    finally:
        served.close()


def window_links(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/projects/credit/windows/[^"]+)"', html)))


@pytest.mark.parametrize("path", [*PAGES, "/projects/credit/windows/2026-03-02T00:00:00Z"])
def test_every_page_sends_a_stranger_to_the_login_page(dash: Dashboard, path: str) -> None:
    answer = dash.anonymous.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2F")
    assert "credit" not in answer.text


def test_a_session_cookie_is_httponly_samesite_and_ends_at_logout(dash: Dashboard) -> None:
    with httpx.Client(base_url=dash.url) as client:
        answer = login(client, USER, PASSWORD, next_url="/projects/credit")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/projects/credit"
        cookie = answer.headers["set-cookie"]
        assert "ds_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert client.get("/").status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
        assert token is not None
        assert client.post("/logout", data={"csrf": "forged-token-value"}).status_code == 403
        assert client.get("/").status_code == 200  # a forged logout changed nothing
        session = client.cookies["ds_session"]
        assert client.post("/logout", data={"csrf": token.group(1)}).status_code == 303
        client.cookies.set("ds_session", session)  # the old cookie, replayed
        assert client.get("/").status_code == 303


def test_a_wrong_password_or_a_forged_login_form_starts_no_session(dash: Dashboard) -> None:
    with httpx.Client(base_url=dash.url) as client:
        wrong = login(client, USER, "not-the-password")
        assert wrong.status_code == 401
        assert "Wrong username or password" in wrong.text
        assert "ds_session" not in client.cookies
        nobody = login(client, "nobody", PASSWORD)
        assert nobody.status_code == 401
        assert "ds_session" not in client.cookies
    with httpx.Client(base_url=dash.url) as client:  # no login-form cookie: a cross-site post
        forged = client.post(
            "/login", data={"token": "x" * 32, "username": USER, "password": PASSWORD}
        )
        assert forged.status_code == 403
        assert "ds_session" not in client.cookies


def test_oversized_or_odd_forms_are_refused_before_they_are_read(dash: Dashboard) -> None:
    with httpx.Client(base_url=dash.url) as client:
        huge = client.post("/login", data={"username": "a" * 40_000, "password": "x"})
        assert huge.status_code == 413
        assert "over the limit" in huge.text
        many = client.post("/login", data={f"f{n}": "x" for n in range(50)})
        assert many.status_code == 400
        as_json = client.post("/login", json={"username": USER, "password": PASSWORD})
        assert as_json.status_code == 400
        assert "ds_session" not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_the_site(dash: Dashboard, target: str) -> None:
    with httpx.Client(base_url=dash.url) as client:
        assert login(client, USER, PASSWORD, next_url=target).headers["location"] == "/"


def test_repeated_failed_sign_ins_are_refused_for_a_while(dash: Dashboard) -> None:
    from driftscope.auth import create_user
    from driftscope.auth.throttle import MAX_FAILURES

    create_user(dash.store, "carol", PASSWORD)
    with httpx.Client(base_url=dash.url) as client:
        answers = [login(client, "carol", f"guess-{n}").status_code for n in range(MAX_FAILURES)]
        assert answers == [401] * MAX_FAILURES
        locked = login(client, "CAROL", PASSWORD)  # even the right password, any case
        assert locked.status_code == 429
        assert "Too many failed sign-ins" in locked.text
        assert "ds_session" not in client.cookies


def test_a_disabled_account_loses_its_session(dash: Dashboard) -> None:
    from driftscope.auth import create_user

    create_user(dash.store, "bob", PASSWORD)
    with httpx.Client(base_url=dash.url) as client:
        assert login(client, "bob", PASSWORD).status_code == 303
        assert client.get("/").status_code == 200
        dash.store.set_user_disabled("bob", True)
        assert client.get("/").status_code == 303
        assert login(client, "bob", PASSWORD).status_code == 401


def test_the_overview_shows_the_project_health(dash: Dashboard) -> None:
    page = dash.client.get("/")
    assert page.status_code == 200
    text = page.text
    assert 'href="/projects/credit"' in text
    assert f"{DAYS} windows" in text
    assert "major drift" in text  # the last window drifted
    assert "roc_auc" in text
    assert "estimated" in text
    assert 'class="strip"' in text
    assert text.count("<rect") == DAYS


def test_the_project_page_draws_the_heat_map_and_the_charts(dash: Dashboard) -> None:
    page = dash.client.get("/projects/credit")
    assert page.status_code == 200
    heat = page.text[page.text.index('<svg class="heat"') :]
    heat = heat[: heat.index("</svg>")]
    columns = 4  # x, city, the hostile one and the model's score
    assert heat.count("<rect") == columns * DAYS
    assert heat.index("score (model)") < heat.index(">x<")  # the model's columns first
    assert len(window_links(heat)) == DAYS
    assert heat.count('class="l2"') >= 4  # x and the hostile column drift from day 6
    assert heat.count('class="l0"') >= 10
    charts = page.text.count('<svg class="chart"')
    assert charts == 2  # the metric chart (drift_share) and performance
    assert 'class="band"' in page.text  # the estimate's band
    assert "x-drift" in page.text  # the open alert of the rule


def test_filters_choose_the_time_range_column_and_metric(dash: Dashboard) -> None:
    ranged = dash.client.get(
        "/projects/credit", params={"since": "2026-03-03", "until": "2026-03-05"}
    )
    heat = ranged.text[ranged.text.index('<svg class="heat"') :]
    assert len(window_links(heat[: heat.index("</svg>")])) == 3  # days 3, 4 and 5
    one = dash.client.get("/projects/credit", params={"column": "x", "metric": "severity"})
    heat = one.text[one.text.index('<svg class="heat"') :]
    assert heat[: heat.index("</svg>")].count("<rect") == DAYS  # the one column
    assert "severity of x" in one.text
    assert "x-drift &lt;script&gt;alert(2)&lt;/script&gt;: above 1.5" in one.text  # threshold
    assert 'class="span"' in one.text  # the alert's open span
    bad = dash.client.get("/projects/credit", params={"since": "yesterday"})
    assert bad.status_code == 400
    assert "since must be an RFC 3339 time" in bad.text


def test_a_window_link_opens_that_window_report(dash: Dashboard) -> None:
    links = window_links(dash.client.get("/projects/credit").text)
    page = dash.client.get(links[-1])
    assert page.status_code == 200
    assert "Drift report" in page.text
    assert "2026-03-10T00:00:00Z" in page.text
    assert 'href="/projects/credit"' in page.text  # back to the dashboard
    missing = dash.client.get("/projects/credit/windows/2025-01-01T00:00:00Z")
    assert missing.status_code == 404
    assert "no report is kept" in missing.text


def test_the_alert_history_and_an_alert_timeline(dash: Dashboard) -> None:
    history = dash.client.get("/projects/credit/alerts")
    assert history.status_code == 200
    ids = re.findall(r'href="/projects/credit/alerts/(\d+)"', history.text)
    assert ids
    alert = dash.client.get(f"/projects/credit/alerts/{ids[0]}")
    assert alert.status_code == 200
    assert "Timeline: severity of" in alert.text
    assert 'class="span"' in alert.text
    assert 'class="threshold"' in alert.text
    assert window_links(alert.text)
    assert dash.client.get("/projects/credit/alerts/99999").status_code == 404
    assert dash.client.get("/projects/credit/alerts", params={"state": "x"}).status_code == 400


def test_hostile_names_are_escaped_on_every_page(dash: Dashboard) -> None:
    alert_ids = re.findall(
        r'href="/projects/credit/alerts/(\d+)"', dash.client.get("/projects/credit/alerts").text
    )
    paths = [
        *PAGES[:3],
        "/projects/credit?column=" + EVIL,
        *(f"/projects/credit/alerts/{i}" for i in alert_ids),
    ]
    for path in paths:
        text = dash.client.get(path).text
        assert EVIL not in text, path
        assert "<script>alert" not in text, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in dash.client.get("/projects/credit").text
    assert (
        EVIL_RULE.replace("<", "&lt;").replace(">", "&gt;")
        in dash.client.get("/projects/credit/alerts").text
    )


def test_pages_carry_the_security_headers(dash: Dashboard) -> None:
    headers = dash.client.get("/projects/credit").headers
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_compute_now_needs_the_form_token(dash: Dashboard) -> None:
    refused = dash.client.post("/projects/credit/run", data={"csrf": "forged-token-value"})
    assert refused.status_code == 403
    assert "token is missing or stale" in refused.text
    done = dash.client.post("/projects/credit/run", data={"csrf": dash.csrf("/projects/credit")})
    assert done.status_code == 303
    assert done.headers["location"] == "/projects/credit?ran=0"
    assert "Computed 0 new windows" in dash.client.get(done.headers["location"]).text


def test_compute_now_says_when_another_run_holds_the_project(dash: Dashboard) -> None:
    token = dash.csrf("/projects/credit")
    with dash.store.lock("credit"):  # a monitor run elsewhere, mid-way
        done = dash.client.post("/projects/credit/run", data={"csrf": token})
    assert done.headers["location"] == "/projects/credit?run=busy"
    assert (
        "Another run is computing this project" in dash.client.get("/projects/credit?run=busy").text
    )


def test_unknown_projects_and_pages_are_html_errors(dash: Dashboard) -> None:
    page = dash.client.get("/projects/nope")
    assert page.status_code == 404
    assert "no project &#39;nope&#39; here" in page.text
    assert page.headers["content-type"].startswith("text/html")
    api = dash.client.get("/api/v1/projects/nope/windows")
    assert api.status_code == 401
    assert api.json()["error"]


def test_api_docs_come_from_the_service_not_a_cdn(dash: Dashboard) -> None:
    page = dash.client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "https://" not in page.text
    scripts = re.findall(r'src="([^"]+)"', page.text)
    assert scripts
    assert all(s.startswith("/static/docs/") for s in scripts)
    for asset in (*scripts, *re.findall(r'href="(/static/docs/[^"]+)"', page.text)):
        assert dash.client.get(asset).status_code == 200
    schema = dash.client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/v1/projects/{project}/logs"]["post"]["security"] == [{"token": []}]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
