"""The console in headless Chromium against the real engine (issue 15's acceptance): an officer
logs in, sees the worklist, records a payment through the form and sees the timeline take it; a
field error is shown at its field; a clerk's attempt at a judge's act is refused in the page
with its source and writes nothing; a POST without the CSRF token is refused; five wrong
passwords lock the account. Screenshots go to data/artefacts/console/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.console.conftest import Console, log_in, shot
from tests.workflows.dockets import case
from workflows.docket import World

NUMBER = "(2026)甘0402执871号"


@pytest.fixture(scope="module")
def filed(console: Console, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("case") / "case.json"
    path.write_text(case(NUMBER, World(), principal="120000.00").model_dump_json(), "utf-8")
    done = console.enforce("case", "file", path)
    assert done.code == 0, done.err
    return NUMBER


def act_form(page: Page, console: Console, kind: str) -> None:
    page.goto(f"{console.url}/case?number={NUMBER}")
    page.select_option("#act-kind", kind)
    page.click("#act-chooser button")
    expect(page.locator("#act-form")).to_be_visible()


def test_an_officer_sees_the_worklist_and_records_a_payment_through_the_form(
        console: Console, filed: str, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, console, "officer-3")
    expect(page.locator("#account")).to_have_text("officer-3")
    expect(page.locator("#cases")).to_contain_text(filed)
    expect(page.locator("#bucket-overdue")).to_contain_text("已逾期")
    shot(page, "worklist")

    act_form(page, console, "record_payment")
    before = console.enforce.events()
    page.fill("#in-amount", "-5")
    page.click("#act-submit")
    expect(page.locator("#field-amount .error")).to_contain_text("no sign is written")
    assert console.enforce.events() == before

    page.fill("#in-amount", "12345.60")
    page.click("#act-submit")
    expect(page.locator("#applied")).to_contain_text("FundsReceived")
    expect(page.locator("#timeline")).to_contain_text("FundsReceived")
    expect(page.locator("#timeline")).to_contain_text("¥12,345.60")
    expect(page.locator("#outstanding")).to_contain_text("¥107,654.40")
    expect(page.locator("#ledger")).to_contain_text("¥12,345.60")
    assert console.enforce.events() > before
    page.click("#verify")  # the hash chain, recomputed on demand
    expect(page.locator("#chain")).to_contain_text("完整 (3)")
    shot(page, "case")
    page.goto(f"{console.url}/")  # the case is the officer's now: their first act on it
    expect(page.locator("#scope b")).to_have_text("我的案件")
    expect(page.locator("#cases")).to_contain_text(filed)
    page.goto(f"{console.url}/case?number={NUMBER}&version=1")  # the case as filed
    expect(page.locator("#outstanding")).to_contain_text("¥120,000.00")
    expect(page.locator("#timeline")).to_contain_text("CaseFiled")
    expect(page.locator("#timeline")).not_to_contain_text("FundsReceived")
    page.goto(f"{console.url}/case?number={NUMBER}&lang=en")
    expect(page.locator("#phase")).not_to_contain_text("财产调查")
    page.close()


def test_a_clerks_attempt_at_a_judges_act_is_refused_in_the_page_and_writes_nothing(
        console: Console, filed: str, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, console, "officer-3")
    act_form(page, console, "request_reward")
    page.click("#act-submit")
    expect(page.locator("#applied")).to_contain_text("RewardRequested")
    page.close()

    for name in ("officer-3", "clerk-9"):
        assert console.enforce("users", "team", name, "执行一庭").code == 0
    page = browser.new_page()
    log_in(page, console, "clerk-9")
    page.click("#scope-team")  # the team's cases: officer-3's
    expect(page.locator("#scope")).to_contain_text("clerk-9, officer-3")
    expect(page.locator("#cases")).to_contain_text(filed)
    act_form(page, console, "decide_reward")
    page.check("#in-granted")
    before = console.enforce.events()
    page.click("#act-submit")
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("role.not_permitted")
    expect(refusal).to_contain_text("a clerk may not give DecideReward")
    expect(refusal).to_contain_text("permissions table (docs/design.md, Actor)")
    assert console.enforce.events() == before
    shot(page, "refusal")
    history = console.enforce("audit", "history", NUMBER, "--json").json()
    assert [e["actor"]["id"] for e in history if e["event"] == "RewardRequested"] == \
        ["officer-3"]
    page.close()


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(
        console: Console, filed: str, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, console, "officer-3")
    expect(page.locator("#account")).to_have_text("officer-3")
    before = console.enforce.events()
    answer = page.request.post(f"{console.url}/act", form={
        "number": NUMBER, "kind": "record_payment", "amount": "100.00"})
    assert answer.status == 403
    assert console.enforce.events() == before
    page.close()


def test_an_approval_is_requested_and_given_in_the_console_by_the_people_concerned(
        console: Console, filed: str, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, console, "officer-3")
    act_form(page, console, "request_approval")
    page.select_option("#in-measure", "restriction")
    page.fill("#in-approval_id", "restriction-1")
    page.click("#act-submit")
    expect(page.locator("#applied")).to_contain_text("ApprovalRequested")
    page.close()

    page = browser.new_page()
    log_in(page, console, "president-1")
    expect(page.locator("#bucket-today a", has_text="不予批准")).to_have_count(1)
    due = page.locator("#bucket-today a", has_text="批准").filter(has_not_text="不予")
    expect(due).to_have_count(1)
    due.click()
    expect(page.locator("#in-approval_id")).to_have_value("restriction-1")
    page.click("#act-submit")
    expect(page.locator("#applied")).to_contain_text("ApprovalGiven")
    page.close()
    history = console.enforce("audit", "history", NUMBER, "--json").json()
    assert [(e["event"], e["actor"]["id"]) for e in history
            if e["event"].startswith("Approval")] == [("ApprovalRequested", "officer-3"),
                                                      ("ApprovalGiven", "president-1")]


def test_five_wrong_passwords_lock_the_account(console: Console, browser: Browser) -> None:
    page = browser.new_page()
    for _ in range(5):
        log_in(page, console, "president-1", "not the password")
        expect(page.locator("#login-error")).to_contain_text("账号或密码错误")
    log_in(page, console, "president-1")
    expect(page.locator("#login-error")).to_contain_text("锁定")
    shot(page, "locked")
    listed = console.enforce("users", "list", "--json").json()
    assert [a["locked"] for a in listed if a["name"] == "president-1"] == [True]
    assert console.enforce("users", "enable", "president-1").code == 0
    log_in(page, console, "president-1")
    expect(page.locator("#account")).to_have_text("president-1")
    page.close()
