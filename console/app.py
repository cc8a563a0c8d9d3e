"""The console's web application (FastAPI, Jinja2 templates rendered on the server, no
script): login, the officer's worklist, the case page, acts through forms of the act models.

It reads only through the :class:`~engine.facade.Engine` facade (which reads the event store
and the read models, and queries the running cases) and acts only through ``Engine.act`` with
the principal of the logged-in account, vouched for by the console as its host system
(docs/operations.md "The console"). Every POST carries the session's CSRF token; one without it
is refused (403) before anything is read or written.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from cli import accounts
from console import format as fmt
from console.auth import COOKIE, LOGIN_COOKIE, Sessions, Who, same
from console.charts import bars, card
from console.forms import ACTS, field_errors, filled, form_fields, payload
from console.labels import AUDIT_CLASSES, Lang, deadline_label, label, lang_of
from console.worklist import BUCKETS, worklist
from console.xlsx import workbook
from domain.calendar import COURT_ZONE
from domain.errors import EnforcementError, InvalidInputError, NotPermittedError
from domain.values import Role
from engine.errors import SOURCE
from engine.facade import Engine, EngineUnavailableError
from engine.key_ring import read_ring
from projections.campaign import CampaignReport
from projections.csv_cells import csv_row
from projections.metrics import Metrics, periods
from workflows.principals import HostSystem, IdentityError

HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY"}
"""Every answer: nothing but this origin's own resources, no script at all, never framed."""
AUDIT_ROWS = 200
"""终本 listed on one page of the audit (by case number; the next page follows)."""
NAV: list[tuple[str, str]] = [("/audit", "audit"), ("/metrics", "metrics"),
                               ("/campaign", "campaign")]
"""Pages beside the worklist in the header: (path, word)."""
HOST_NAME = "court-console"
"""The host system the console is: recorded with every act it sends (``vouched_by``)."""


@dataclass
class ConsoleConfig:
    """How a console runs (``enforce console`` options)."""

    data_dir: Path
    host_name: str = HOST_NAME
    identity_header: str | None = None
    trusted_proxies: frozenset[str] = frozenset()
    secure_cookies: bool = False
    offline: bool = False
    """The records only (``Engine.offline``): audit, metrics, campaign, case pages without
    their live status; acts are refused (``engine.offline``)."""


class EngineDoor:
    """The console's one Engine, connected on first need (the worker may start after the
    console) and closed with the application."""

    def __init__(self, config: ConsoleConfig,
                 connect: Callable[[], Awaitable[Engine]] | None = None) -> None:
        self.config = config
        self._connect = connect or self._default
        self.engine: Engine | None = None

    async def _default(self) -> Engine:
        data = self.config.data_dir
        if self.config.offline:
            return Engine.offline(data)
        return await Engine.connect(data_dir=data,
                                    host=HostSystem(self.config.host_name, read_ring(data)))

    async def get(self) -> Engine:
        if self.engine is None:
            self.engine = await self._connect()
        return self.engine

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.close()
            self.engine = None


def today() -> date:
    return datetime.now(COURT_ZONE).date()


def create_app(config: ConsoleConfig,
               connect: Callable[[], Awaitable[Engine]] | None = None) -> FastAPI:
    """The console for the engine whose data directory ``config`` names."""
    door = EngineDoor(config, connect)
    sessions = Sessions(config.data_dir, config.identity_header, config.trusted_proxies)
    app = FastAPI(title="enforcement console", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.sessions = sessions
    app.state.door = door

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                      ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.router.add_event_handler("shutdown", door.close)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")

    def lang(request: Request) -> Lang:
        return lang_of(request.query_params.get("lang"))

    def url(request: Request, path: str, **params: Any) -> str:
        given = {k: v for k, v in params.items() if v is not None and v != ""}
        if lang(request) == "en":
            given["lang"] = "en"
        return path + ("?" + urlencode(given) if given else "")

    def render(request: Request, name: str, who: Who | None, code: int = 200,
               **context: Any) -> HTMLResponse:
        chosen = lang(request)

        def t(word: str) -> str:
            return label("word", word, chosen)

        def lab(table: str, code: str | None) -> str:
            return label(table, code, chosen)

        def deadline(name: str) -> str:
            return deadline_label(name, chosen)

        params = {k: v for k, v in request.query_params.items() if k != "lang"}
        if chosen == "zh":
            params["lang"] = "en"
        other = request.url.path + ("?" + urlencode(params) if params else "")
        response = templates.TemplateResponse(request, name, {
            "lang": chosen, "other_lang": other, "extra_nav": NAV, "t": t, "label": lab, "deadline": deadline,
            "money": fmt.money, "day": fmt.day, "percent": fmt.percent, "who": who,
            "url": lambda path, **p: url(request, path, **p),
            "csrf": who.session.csrf if who else "", **context}, status_code=code)
        response.headers["Cache-Control"] = "no-store"
        return response

    def set_session(response: Response, token: str) -> None:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=config.secure_cookies, path="/")

    def current(request: Request) -> tuple[Who | None, str | None]:
        """The request's account, and a new session token when a trusted proxy named it."""
        who = sessions.who(request.cookies.get(COOKIE))
        if who is not None:
            return who, None
        name = sessions.from_header(request.client.host if request.client else None,
                                    request.headers.get(config.identity_header or "")
                                    if config.identity_header else None)
        if name is None:
            return None, None
        token, _ = sessions.start(name)
        return sessions.who(token), token

    async def posted(request: Request, who: Who | None) -> dict[str, str]:
        """The posted form, if it carries the session's CSRF token (else 403)."""
        form = await request.form()
        values = {k: str(v) for k, v in form.items()}
        if who is None or not same(who.session.csrf, values.get("csrf")):
            raise HTTPException(403, "missing or wrong CSRF token: nothing was done")
        return values

    async def page(request: Request, build: Callable[[Who], Awaitable[Response]]) -> Response:
        who, token = current(request)
        if who is None:
            return RedirectResponse(url(request, "/login"), status_code=303)
        try:
            response = await build(who)
        except EnforcementError as err:
            response = render(request, "error.html", who, code=_status(err), error=err)
        if token:
            set_session(response, token)
        return response

    # --- login -----------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        return _login_page(request, None, 200)

    def _login_page(request: Request, message: str | None, status: int) -> Response:
        token = secrets.token_urlsafe(32)
        response = render(request, "login.html", None, code=status, login_csrf=token,
                          message=message)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                            secure=config.secure_cookies, path="/login")
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        given = str(form.get("csrf", ""))
        if not same(request.cookies.get(LOGIN_COOKIE, ""), given):
            raise HTTPException(403, "missing or wrong CSRF token: nothing was done")
        try:
            found = accounts.check_login(config.data_dir, str(form.get("account", "")),
                                         str(form.get("password", "")),
                                         datetime.now(UTC).isoformat(timespec="seconds"))
        except IdentityError as err:
            word = "locked" if err.code == "identity.locked" else "bad_login"
            return _login_page(request, label("word", word, lang(request)), 401)
        token, _ = sessions.start(found.name)
        response = RedirectResponse(url(request, "/"), status_code=303)
        set_session(response, token)
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        who, _ = current(request)
        await posted(request, who)
        sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse(url(request, "/login"), status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # --- the worklist ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request, scope: str | None = None) -> Response:
        async def build(who: Who) -> Response:
            engine = await door.get()
            on = today()
            chosen = scope if scope in ("mine", "team", "all") else \
                "mine" if who.role is Role.OFFICER else "all"
            team = accounts.team_of(config.data_dir, who.name)
            found = await worklist(engine, on, who.name if chosen == "mine" else
                                   team if chosen == "team" else None)
            if scope is None and chosen == "mine" and not found.total:
                chosen = "all"  # an officer with no case of their own yet sees the court's
                found = await worklist(engine, on)
            return render(request, "worklist.html", who, items=found.items, buckets=BUCKETS,
                          cases=found.cases, total=found.total, more=found.more,
                          problems=found.problems,
                          today=on, scope=chosen, team=team)
        return await page(request, build)

    # --- the case page ---------------------------------------------------------------------------
    @app.get("/case", response_class=HTMLResponse)
    async def case_page(request: Request, number: str, on: date | None = None,
                        version: int | None = None, applied: str | None = None,
                        events: str | None = None, verify: bool = False) -> Response:
        async def build(who: Who) -> Response:
            engine = await door.get()
            summary = await engine.case(number)
            history = await engine.history(number, on=on, version=version) \
                if on is not None or version is not None else None
            state = history.state if history else await engine.state(number)
            status, status_error = None, None
            if not summary.imported and summary.closed_on is None:
                try:
                    status = await engine.status(number)
                except EnforcementError as err:
                    status_error = err
            verification = await engine.verify(number) if verify else None
            parties = [(side, p.name, p.kind.value, str(p.document.type),
                        fmt.id_number(p.document.number, who.role))
                       for side, group in (("applicants", state.applicants),
                                           ("respondents", state.respondents)) for p in group]
            return render(
                request, "case.html", who, summary=summary, state=state, status=status,
                status_error=status_error, parties=parties, ledger=await engine.ledger(number),
                timeline=[e for e in await engine.timeline(number)
                          if history is None or e.version <= history.version],
                verification=verification,
                history=history, acts=sorted(ACTS), number=number, applied=applied,
                events=events)
        return await page(request, build)

    # --- acts --------------------------------------------------------------------------------------
    @app.get("/act", response_class=HTMLResponse)
    async def act_form(request: Request, number: str, kind: str) -> Response:
        model = _model(kind)

        given = {k: v for k, v in request.query_params.items() if k not in ("number", "kind")}

        async def build(who: Who) -> Response:
            return render(request, "act.html", who, number=number, kind=kind,
                          fields=filled(model, {f.name: given.get(f.name, f.default)
                                                for f in form_fields(model)}, {}),
                          request_id=f"console-{secrets.token_hex(8)}", refusal=None,
                          invalid=False, doc=(model.__doc__ or "").strip())
        return await page(request, build)

    @app.post("/act", response_class=HTMLResponse)
    async def act(request: Request) -> Response:
        who, _ = current(request)
        form = await posted(request, who)
        assert who is not None
        number, kind = form.get("number", ""), form.get("kind", "")
        model = _model(kind)

        def again(status: int, errors: dict[str, list[str]],
                  refusal: EnforcementError | None) -> Response:
            return render(request, "act.html", who, code=status, number=number, kind=kind,
                          fields=filled(model, form, errors), request_id=form.get("request_id"),
                          refusal=refusal, invalid=bool(errors),
                          general=errors.get("", []), doc=(model.__doc__ or "").strip())

        data, errors = payload(model, form)
        if errors:
            return again(422, errors, None)
        data["actor"] = {"id": who.name, "role": who.role.value}
        data["request_id"] = form.get("request_id") or None
        try:
            checked = model.model_validate(data)
        except ValidationError as err:
            return again(422, field_errors(err), None)
        try:
            engine = await door.get()
            if engine.host is None:
                raise EngineUnavailableError("engine.offline", "this console reads the "
                                             "records only (enforce console --offline): acts "
                                             "need the running engine", SOURCE)
            result = await engine.act(number, checked,
                                      principal=engine.host.vouch(who.name, who.role))
        except EnforcementError as err:
            return again(_status(err), {}, err)
        return RedirectResponse(url(request, "/case", number=number, applied=kind,
                                    events=",".join(result.events)), status_code=303)

    # --- auditors and supervisors ---------------------------------------------------------------
    async def period(engine: Engine, start: date | None, end: date | None) -> tuple[date, date]:
        return await engine.metrics_period(start, end)

    @app.get("/audit", response_class=HTMLResponse)
    async def audit(request: Request, cls: str | None = None, court: str | None = None,
                    page_no: int = 0) -> Response:
        async def build(who: Who) -> Response:
            engine = await door.get()
            found = await engine.termination_audit(
                classes=[cls] if cls else (), court=court or None, limit=AUDIT_ROWS + 1,
                offset=max(page_no, 0) * AUDIT_ROWS)
            return render(request, "audit.html", who, audited=found[:AUDIT_ROWS],
                          more=len(found) > AUDIT_ROWS, page_no=max(page_no, 0),
                          cls=cls or "",
                          court=court or "", summary=await engine.audit_summary(),
                          classes=list(AUDIT_CLASSES))
        return await page(request, build)

    @app.get("/metrics", response_class=HTMLResponse)
    async def metrics(request: Request, start: date | None = None, end: date | None = None,
                      by: str = "officer") -> Response:
        group = by if by in ("officer", "court") else "officer"

        async def build(who: Who) -> Response:
            engine = await door.get()
            first, last = await period(engine, start, end)
            chosen = lang(request)
            by_group = await engine.metrics(first, last, by=[group])
            groups = merged(by_group)
            officers = [m for m in by_group if not m.imported]
            closures = await engine.closures(first, last)
            unit, spans = trend_periods(first, last)
            trend = [(span[0].isoformat(), n)
                     for span, n in zip(spans, await engine.closed_counts(spans), strict=True)]
            figures = [
                bars(label("metric", "执结率", chosen),
                     [(f"{getattr(m, group) or '—'} ({m.kind})", m.closure_rate)
                      for m in officers],
                     "%",
                     "chart-closure-rate"),
                bars(label("metric", "执行到位率", chosen),
                     [(f"{getattr(m, group) or '—'} ({m.kind})", m.recovery_rate)
                      for m in officers],
                     "%",
                     "chart-recovery-rate"),
                bars(label("word", "closures", chosen),
                     [(label("closure", mode, chosen), n)
                      for mode, n in closures.items()], "", "chart-closures"),
                bars(label("word", f"trend_{unit}", chosen), trend, "", "chart-trend")]
            return render(request, "metrics.html", who, start=first, end=last, groups=groups,
                          officers=officers, charts=figures, group=group)
        return await page(request, build)

    @app.get("/campaign", response_class=HTMLResponse)
    async def campaign(request: Request, start: date | None = None, end: date | None = None
                       ) -> Response:
        async def build(who: Who) -> Response:
            engine = await door.get()
            first, last = await period(engine, start, end)
            report = await engine.campaign(first, last)
            return render(request, "campaign.html", who, report=report,
                          rows=campaign_rows(report, lang(request), fmt.money))
        return await page(request, build)

    async def campaign_file(request: Request, start: date | None, end: date | None,
                            kind: str, media: str, disposition: str,
                            make: Callable[[Any, Lang, date, date], bytes | str]) -> Response:
        """The campaign report of ``[start, end]`` as a file (``make`` writes its body)."""
        async def build(who: Who) -> Response:
            engine = await door.get()
            first, last = await period(engine, start, end)
            body = make(await engine.campaign(first, last), lang(request), first, last)
            name = f"campaign-{first.isoformat()}-{last.isoformat()}.{kind}"
            return Response(body, media_type=media, headers={
                "Content-Disposition": f'{disposition}; filename="{name}"'})
        return await page(request, build)

    def csv_body(report: Any, chosen: Lang, first: date, last: date) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(csv_row([label("word", "subject", chosen),
                                 label("word", "value", chosen)]))
        for row in campaign_rows(report, chosen, str):
            writer.writerow(csv_row(list(row)))
        return "\ufeff" + out.getvalue()

    def xlsx_body(report: Any, chosen: Lang, first: date, last: date) -> bytes:
        rows = [(label("word", "subject", chosen), label("word", "value", chosen)),
                *campaign_rows(report, chosen, str)]
        return workbook(label("word", "campaign", chosen), rows)

    def svg_body(report: Any, chosen: Lang, first: date, last: date) -> str:
        return card(f"{label('word', 'campaign', chosen)} {first.isoformat()} – "
                    f"{last.isoformat()}", campaign_rows(report, chosen, fmt.money))

    @app.get("/campaign.csv")
    async def campaign_csv(request: Request, start: date | None = None,
                           end: date | None = None) -> Response:
        return await campaign_file(request, start, end, "csv", "text/csv; charset=utf-8",
                                   "attachment", csv_body)

    @app.get("/campaign.xlsx")
    async def campaign_xlsx(request: Request, start: date | None = None,
                            end: date | None = None) -> Response:
        return await campaign_file(
            request, start, end, "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment",
            xlsx_body)

    @app.get("/campaign.svg")
    async def campaign_image(request: Request, start: date | None = None,
                             end: date | None = None) -> Response:
        return await campaign_file(request, start, end, "svg", "image/svg+xml", "inline",
                                   svg_body)

    return app


def merged(groups: list[Metrics]) -> list[Metrics]:
    """Groups of one kind and origin (live or imported) added up: the metrics of the whole
    court from those per officer or per court."""
    found: dict[tuple[str, bool], Metrics] = {}
    for m in groups:
        key = (m.kind, m.imported)
        if key not in found:
            found[key] = Metrics(kind=m.kind, imported=m.imported, start=m.start, end=m.end)
        into = found[key]
        for name in COUNTS:
            setattr(into, name, getattr(into, name) + getattr(m, name))
    return [found[k] for k in sorted(found)]


COUNTS = ("new", "carried_over", "closed", "completed", "actually_closed", "terminated",
          "audited", "compliant", "on_time", "applied", "recovered", "days", "payouts_due",
          "payouts_on_time", "objections_answered", "objections_on_time")
"""The additive fields of ``Metrics``."""
TREND_SPANS = 12
"""Bars of the trend chart at most."""


def trend_periods(first: date, last: date) -> tuple[str, list[tuple[date, date]]]:
    """The trend chart's periods over [first, last]: weeks (Monday to Sunday) for up to 12
    weeks, else months, quarters or years from ``first`` — the last ``TREND_SPANS`` of them,
    the last one cut at ``last``."""
    days = (last - first).days
    if days < 7 * TREND_SPANS:
        monday = first - timedelta(days=first.weekday())
        spans = []
        while monday <= last:
            spans.append((max(monday, first), min(monday + timedelta(days=6), last)))
            monday += timedelta(days=7)
        return "week", spans
    unit, months = ("month", 1) if days <= 366 else ("quarter", 3) if days <= 3 * 366 \
        else ("year", 12)
    spans = [(start, min(end, last)) for start, end in periods(first, last, months)]
    return unit, spans[-TREND_SPANS:]


def campaign_rows(report: CampaignReport, chosen: Lang,
                  money: Callable[[Decimal], str]) -> list[tuple[str, str]]:
    """The campaign report's figures as (label, value) rows."""
    def w(word: str) -> str:
        return label("word", word, chosen)
    rows = [(w("period"), f"{report.start.isoformat()} – {report.end.isoformat()}"),
            (w("handled"), str(report.handled)), (w("new"), str(report.new)),
            (w("closed"), str(report.closed))]
    rows += [(f"{w('closed')}: {label('closure', mode, chosen)}", str(n))
             for mode, n in report.closures.items()]
    rows += [(w("settlements"), str(report.settlements)),
             (w("detentions"), str(report.detentions)), (w("fines"), str(report.fines)),
             (w("fined"), money(report.fined)), (w("applied_total"), money(report.applied)),
             (w("recovered"), money(report.recovered)),
             (label("metric", "执行到位率", chosen), fmt.percent(report.recovery_rate))]
    return rows


def _model(kind: str) -> Any:
    model = ACTS.get(kind)
    if model is None:
        raise HTTPException(404, f"no act {kind!r}")
    return model


def _status(err: EnforcementError) -> int:
    if isinstance(err, InvalidInputError):
        return 422
    if isinstance(err, NotPermittedError):
        return 403
    if err.code.startswith("engine."):
        return 503
    if err.code.startswith("case.unknown"):
        return 404
    return 409
