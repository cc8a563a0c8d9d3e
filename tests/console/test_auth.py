"""The console's doors without an engine: login with the engine's accounts and their argon2
passwords, the lock-out after five wrong passwords (recorded in the accounts store, lifted by
``enforce users enable``), CSRF on every POST, logout, and an identity header trusted only when
configured."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cli import accounts
from console.app import ConsoleConfig, create_app
from console.auth import COOKIE
from engine.facade import Engine
from workflows.principals import IdentityError

PASSWORD = "correct horse battery"


async def no_engine() -> Engine:
    raise AssertionError("these tests never reach the engine")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    accounts.add(tmp_path, "officer-3", "officer", None, "2026-01-01T00:00:00+00:00")
    accounts.set_password(tmp_path, "officer-3", PASSWORD)
    return tmp_path


def client(data: Path, **config: object) -> TestClient:
    return TestClient(create_app(ConsoleConfig(data_dir=data, **config), no_engine),  # type: ignore[arg-type]
                      follow_redirects=False)


def login_token(web: TestClient) -> str:
    page = web.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def log_in(web: TestClient, password: str = PASSWORD, account: str = "officer-3") -> int:
    token = login_token(web)
    return web.post("/login", data={"csrf": token, "account": account,
                                    "password": password}).status_code


def test_the_password_is_stored_as_an_argon2_hash_only(data: Path) -> None:
    with sqlite3.connect(data / "accounts.sqlite") as db:
        (stored,) = db.execute("SELECT password_hash FROM accounts").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_sets_an_httponly_strict_session_cookie_and_logout_ends_it(data: Path) -> None:
    web = client(data)
    assert web.get("/").headers["location"] == "/login"
    assert log_in(web) == 303
    cookie = next(h for h in web.cookies.jar if h.name == COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert (cookie.get_nonstandard_attr("SameSite") or "").lower() == "strict"
    token = cookie.value
    assert web.app.state.sessions.who(token).name == "officer-3"  # type: ignore[attr-defined]
    assert web.post("/logout", data={}).status_code == 403  # no CSRF token: still logged in
    assert web.app.state.sessions.who(token) is not None  # type: ignore[attr-defined]
    csrf = web.app.state.sessions.who(token).session.csrf  # type: ignore[attr-defined]
    assert web.post("/logout", data={"csrf": csrf}).status_code == 303
    assert web.app.state.sessions.who(token) is None  # type: ignore[attr-defined]


def test_every_answer_forbids_scripts_framing_and_other_origins(data: Path) -> None:
    answer = client(data).get("/login")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_login_without_its_csrf_token_is_refused(data: Path) -> None:
    web = client(data)
    web.get("/login")
    refused = web.post("/login", data={"account": "officer-3", "password": PASSWORD})
    assert refused.status_code == 403 and COOKIE not in refused.cookies


def test_five_wrong_passwords_lock_the_login_until_an_administrator_enables_it(
        data: Path) -> None:
    web = client(data)
    assert [log_in(web, "wrong password!") for _ in range(5)] == [401] * 5
    assert accounts.account(data, "officer-3").locked
    assert log_in(web) == 401  # the right password no longer opens it
    with sqlite3.connect(data / "accounts.sqlite") as db:
        assert db.execute("SELECT failed_logins, locked_at IS NOT NULL FROM accounts "
                          "").fetchone() == (5, 1)
    accounts.enable(data, "officer-3")
    assert log_in(web) == 303


def test_a_right_password_resets_the_count_of_wrong_ones(data: Path) -> None:
    web = client(data)
    assert [log_in(web, "wrong password!") for _ in range(4)] == [401] * 4
    assert log_in(web) == 303
    assert [log_in(web, "wrong password!") for _ in range(4)] == [401] * 4
    assert not accounts.account(data, "officer-3").locked


def test_an_unknown_account_and_a_disabled_one_answer_like_a_wrong_password(data: Path) -> None:
    web = client(data)
    assert log_in(web, account="nobody") == 401
    accounts.disable(data, "officer-3")
    assert log_in(web) == 401


def test_every_post_route_refuses_a_request_without_the_csrf_token(data: Path) -> None:
    web = client(data)
    assert log_in(web) == 303
    posts = [r.path for r in web.app.routes  # type: ignore[attr-defined]
             if isinstance(r, APIRoute) and "POST" in r.methods]
    assert {"/login", "/logout", "/act"} <= set(posts)
    for path in posts:
        assert web.post(path, data={"number": "(2026)甘0402执1号", "kind": "record_payment",
                                    "amount": "1.00"}).status_code == 403, path


def test_an_identity_header_is_ignored_unless_configured_and_from_a_trusted_proxy(
        data: Path) -> None:
    plain = client(data)
    assert plain.get("/", headers={"X-Remote-User": "officer-3"}).status_code == 303
    proxied = client(data, identity_header="X-Remote-User",
                     trusted_proxies=frozenset({"10.0.0.1"}))
    assert proxied.get("/", headers={"X-Remote-User": "officer-3"}).status_code == 303
    sessions = proxied.app.state.sessions  # type: ignore[attr-defined]
    assert sessions.from_header("10.0.0.1", "officer-3") == "officer-3"
    assert sessions.from_header("10.0.0.2", "officer-3") is None
    assert sessions.from_header("10.0.0.1", "nobody") is None


def test_a_team_is_its_accounts_and_an_account_without_one_is_alone(data: Path) -> None:
    accounts.add(data, "officer-4", "officer", None, "2026-01-01T00:00:00+00:00")
    accounts.add(data, "judge-2", "judge", None, "2026-01-01T00:00:00+00:00")
    assert accounts.team_of(data, "officer-3") == ["officer-3"]
    for name in ("officer-3", "officer-4"):
        accounts.set_team(data, name, "执行一庭")
    assert accounts.team_of(data, "officer-4") == ["officer-3", "officer-4"]
    assert accounts.team_of(data, "judge-2") == ["judge-2"]
    assert accounts.account(data, "officer-3").team == "执行一庭"
    with pytest.raises(IdentityError):
        accounts.set_team(data, "officer-3", "a\nb")
