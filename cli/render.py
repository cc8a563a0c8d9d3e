"""Rich tables for people (``--json`` prints the models themselves).

``print_simulation(report)`` is reusable by anything that runs ``engine.simulate`` and wants
the same summary (``make run``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cli.common import out, table, term
from console.labels import CLOSURE_MODES, label
from domain.calendar import COURT_ZONE

if TYPE_CHECKING:
    from domain.state import CaseState
    from engine.records import HistoryEntry
    from engine.simulate import SimulationReport
    from projections.audit_view import AuditedTermination
    from projections.metrics import Metrics
    from projections.watch import WatchItem
    from workflows.messages import ActRecord, ActResult
    from workflows.status import CaseStatus

RATES = ("执结率", "执行完毕率", "实际执结率", "执行到位率", "终本率", "终本合格率",
         "法定期限内结案率", "结收比", "平均执行天数", "案款发放及时率", "异议审查及时率")


def yuan(value: Decimal | None) -> str:
    return "" if value is None else f"¥{value:,.2f}"


def rate(value: Decimal | None, unit: str = "%") -> str:
    return "—" if value is None else f"{value}{unit}"


def origin(imported: bool) -> str:
    """How a case or an event came into the record (docs/legacy-format.md)."""
    return "imported" if imported else "live"


def print_events(number: str, events: Sequence[HistoryEntry]) -> None:
    table(f"{number} — {len(events)} events (replayed from the event store)",
          ["v", "business time", "event", "actor", "basis"],
          [[e.version, e.recorded_at.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M"),
            e.event + (" (imported)" if e.imported else ""), f"{e.actor_id} ({e.role})",
            e.basis] for e in events])


def print_state(state: CaseState, as_of: str) -> None:
    assets = [f"{a.finding.asset_id} {a.finding.kind.value} {a.control.value}"
              for a in state.assets.values()]
    table(f"{state.case_number} {as_of} (version {state.version})", ["", ""], [
        ["origin", origin(state.imported)],
        ["phase", term("phase", state.phase.value)], ["category", state.category.value],
        ["filed on", state.filed_on], ["claim", yuan(state.claim_total)],
        ["recovered", yuan(state.recovered)], ["outstanding", yuan(state.outstanding)],
        ["held for payout", yuan(state.undisbursed)],
        ["assets", "; ".join(assets) or "none"],
        ["notice served", state.notice_served_on or "no"],
        ["property report", state.report_status.value if state.report_status else "none"],
        ["restriction", state.restriction_on or "no"],
        ["postponed until", state.postponement.until if state.postponement else None],
        ["bound guarantors", ", ".join(state.bound_persons) or None],
        ["closure", f"{term('closure', state.closure_mode.value)} on {state.closed_on}"
         if state.closure_mode else "open"],
        ["resumed as", state.resumed_as],
        ["last act", state.last_recorded_at.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M")
         if state.last_recorded_at else None]])


def print_status(status: CaseStatus) -> None:
    table(f"{status.case_number} — live status (get_status)", ["", ""], [
        ["stage", term("stage", status.stage)], ["phase", term("phase", status.phase)],
        ["outstanding", yuan(status.outstanding)], ["held for payout", yuan(status.undisbursed)],
        ["closure deadline", status.closure_deadline],
        ["postponed until (暂缓执行)", status.postponed_until],
        ["bound guarantors", ", ".join(status.bound_persons) or None],
        ["application period", "passed before the application (the debtor may object)"
         if status.application_period_passed else "kept"],
        ["limitation objection", status.limitation_objection],
        ["monitoring round", status.monitoring_round], ["resumed as", status.resumed_as]])
    if status.deadlines:
        table("open deadlines", ["due on", "deadline", "source"],
              [[f"{d.due_on}{BEYOND if d.beyond_calendar else ''}", d.name, d.source]
               for d in status.deadlines])
    if status.approvals_due:
        table("waiting for people (send with `enforce case do`)",
              ["update", "reason", "since", "by", "source"],
              [[d.update, d.reason, d.since, d.by, d.source] for d in status.approvals_due])
    if status.agenda:
        table("the workflow's agenda", ["when", "task", "key"],
              [[p.when.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M"), p.task, p.key]
               for p in status.agenda])
    if status.problems:
        table("refusals met by the workflow or by signals", ["on", "step", "code", "message",
                                                             "source"],
              [[p.on, p.step, p.code, p.message, p.source] for p in status.problems])


def print_act_record(record: ActRecord) -> None:
    who = f"{record.actor.id} ({record.actor.role.value})"
    when = f"received {record.received_at.isoformat()} by {who} via {record.via}"
    if record.state == "applied" and record.result is not None:
        written = ", ".join(record.result.events) or "no new event"
        out.print(f"{record.act} {record.key}: applied — {written} ({when})")
    elif record.state == "refused":
        out.print(f"{record.act} {record.key}: refused — {record.code}: {record.message}"
                  + (f" [{record.source}]" if record.source else "") + f" ({when})")
    else:
        out.print(f"{record.act} {record.key}: received, not yet decided ({when})")


def print_act(result: ActResult, kind: str) -> None:
    written = ", ".join(result.events) or "no new event"
    again = " (already applied: nothing new written)" if result.duplicate else ""
    out.print(f"{kind} applied to {result.case_number}{again}: {written}; phase "
              f"{term('phase', result.phase)}, outstanding {yuan(result.outstanding)}")
    if result.approval_id:
        out.print(f"approval request {result.approval_id}: the approver gives it with "
                  f"give_approval --field approval_id={result.approval_id}; the measure names "
                  f"it with --field approval_id={result.approval_id}")


def print_audit(audited: Sequence[AuditedTermination], summary: dict[str, int] | None = None
                ) -> None:
    if not audited:
        out.print("终本 audit: no 终本 in the record" + (" matches" if summary is None else ""))
    else:
        _audit_table(audited)
    if summary is not None:
        out.print("  ".join(f"{label} {n}" for label, n in summary.items()))


def _audit_table(audited: Sequence[AuditedTermination]) -> None:
    table(f"终本 audit — {len(audited)} 终本", ["case", "ruled on", "class", "findings"],
          [[a.case_number + (" (imported)" if a.imported else ""), a.ruled_on, a.label,
            "\n".join(f"{f.code}{'[' + f.subject + ']' if f.subject else ''}: {f.message} "
                      f"({f.source})" for f in a.findings) or "—"] for a in audited])


def print_metrics(metrics: Sequence[Metrics], title: str) -> None:
    groups = [" ".join(x for x in (m.kind, m.court, m.officer) if x)
              + (" (imported)" if m.imported else "") for m in metrics]
    rows: list[list[Any]] = [
        ["new / carried over", *(f"{m.new} / {m.carried_over}" for m in metrics)],
        ["closed (执行完毕 / 终本)", *(f"{m.closed} ({m.actually_closed} / {m.terminated})"
                                   for m in metrics)],
        ["applied", *(yuan(m.applied) for m in metrics)],
        ["recovered", *(yuan(m.recovered) for m in metrics)]]
    for name in RATES:
        unit = " days" if name == "平均执行天数" else "%"
        rows.append([name, *(rate(m.rates()[name], unit) for m in metrics)])
    table(title, ["metric", *groups], rows)


BEYOND = " (holidays unknown)"
"""Marks a date counted in a year the holiday calendar does not cover (docs/rules.md §1.14)."""


def print_watch(items: Sequence[WatchItem], as_of: str, within: int) -> None:
    table(f"due by {as_of} + {within} days (overdue first)",
          ["due on", "days left", "what", "case", "subject", "source"],
          [[f"{i.due_on}{BEYOND if i.beyond_calendar else ''}", i.days_left, i.watch,
            i.case_number + (" (imported)" if i.imported else ""), i.subject, i.source]
           for i in items])


def print_simulation(report: SimulationReport) -> None:
    """The summary of a ``engine.simulate.SimulationReport``."""
    table(f"simulated {report.docket_cases} docket cases from {report.filed_on} to "
          f"{report.ended_on} (virtual time) in {report.seconds} s",
          ["case", "category", "closure", "closed on", "claim", "recovered", "outstanding",
           "monitoring rounds", "events", "chain"],
          [[c.case_number, c.category, term("closure", c.closure_mode) or "open", c.closed_on,
            yuan(c.claim),
            yuan(c.recovered), yuan(c.outstanding), c.monitoring_rounds, c.events,
            "ok" if c.chain_ok else "BROKEN"] for c in report.cases])
    out.print("closures: " + ", ".join(f"{mode} {n}" for mode, n in
                                       sorted(report.closures.items())))
    out.print("closure modes: " + ", ".join(
        f"{mode} = {label('closure', mode)}" for mode in CLOSURE_MODES
        if mode in report.closures))  # the legend of make run's demo, as the console says it
    print_audit(report.audit, report.audit_summary)
    print_metrics([line.metrics for line in report.metrics],
                  f"quality metrics {report.metrics_from} – {report.metrics_to}")
    out.print(f"store: {report.out} (audit it: enforce --data-dir {report.out} audit …)")
