"""Auditors: replay a case from its events, verify the hash chains, audit every 终本, compute the
quality metrics, export the read models, rebuild them. Reads only: no identity needed, no
Temporal either: every command calls the records side of the ``Engine`` facade
(``Engine.offline``, ``cli.common.records``) and renders its answer."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from cli import render
from cli.common import (
    BAD_INPUT,
    JsonFlag,
    UserError,
    case_number,
    error_line,
    friendly,
    out,
    parse_date,
    print_json,
    records,
    run,
    table,
)
from cli.terminal import printable
from domain.errors import CipherKeyError
from domain.state import CaseState
from projections.audit import AuditClass
from projections.auditor import READ_MODELS, StoreVerification
from projections.csv_cells import csv_row
from projections.ledger import PayeeTimeliness
from projections.metrics import GROUPS, Metrics

if TYPE_CHECKING:
    from domain.anchor_export import AnchorExport
    from domain.anchors import Head
    from domain.tamper import CaseVerification
    from engine.facade import CaseHistory
    from engine.records import AnchorCheck, ReadModelsRun
    from projections.audit_view import AuditedTermination

audit_app = typer.Typer(help="Auditors: replay, verify, audit 终本, metrics, exports.",
                        no_args_is_help=True, rich_markup_mode="markdown")
anchors_app = typer.Typer(help="The anchor log: export signed heads, verify against an export.",
                          no_args_is_help=True, rich_markup_mode="markdown")
audit_app.add_typer(anchors_app, name="anchors")
projections_app = typer.Typer(help="Read models: catch up or rebuild from the event log.",
                              no_args_is_help=True, rich_markup_mode="markdown")
CLASSES = {**{c.value: c for c in AuditClass}, **{c.label: c for c in AuditClass}}


# --- history, verify ------------------------------------------------------------------------

@audit_app.command("history")
@friendly
def audit_history(case: Annotated[str, typer.Argument(help="Case number.")],
                  at: Annotated[str | None, typer.Option(
                      help="The case as it stood at the end of this business date "
                      "(YYYY-MM-DD).")] = None,
                  version: Annotated[int | None, typer.Option(
                      min=1, help="The case right after event VERSION.")] = None,
                  as_json: JsonFlag = False) -> None:
    """A case's events, or its state at a date or a version, replayed from its events.

    Replayed from the event store: never from a read model or a snapshot.
    """
    number = case_number(case)
    on = parse_date(at, "--at")
    if on is not None and version is not None:
        raise UserError("give --at or --version, not both", BAD_INPUT)
    history = run(_history(number, on, version))
    if on is None and version is None:
        if as_json:
            print_json([{"event": e.event, **e.data} for e in history.events])
        else:
            render.print_events(number, history.events)
        return
    if as_json:
        print_json(state_json(history.state))
    else:
        render.print_state(history.state, f"at the end of {on}" if on else
                           f"at version {version}")


async def _history(number: str, on: date | None, version: int | None) -> CaseHistory:
    async with records() as door:
        return await door.history(number, on=on, version=version)


def state_json(state: CaseState) -> dict[str, Any]:
    """The replayed state with its derived figures (the command bookkeeping left out)."""
    data = state.model_dump(mode="json", exclude={"commands", "command_versions"})
    data.update({k: str(getattr(state, k)) for k in ("claim_total", "recovered", "outstanding",
                                                      "undisbursed")})
    return data


@audit_app.command("verify")
@friendly
def audit_verify(case: Annotated[str | None, typer.Argument(
                     help="Case number (default: every case in the store).")] = None,
                 as_json: JsonFlag = False) -> None:
    """Recompute the keyed hash chain of one case or of every case and check them against the
    anchor log (truncated, deleted, rolled-back cases named); exit 1 if anything is wrong.

    `--json`: one case's verification, or every case's head beside its anchored head.
    """
    number = case_number(case) if case is not None else None
    try:
        data, names = run(_verify(number))
    except CipherKeyError as exc:
        if exc.code != "cipher.key_missing":
            raise
        _verify_heads_only(exc, as_json, number)
        return
    if isinstance(data, StoreVerification):
        broken, cases, count = data.broken, data.cases, data.events
        store_findings = data.findings
    else:
        broken, cases, count, store_findings = ([data] if not data.ok else []), 1, \
            data.events, []
    if as_json:
        print_json(data)
    else:
        for finding in store_findings:
            error_line(f"TAMPERED: the store: {finding.code}: {finding.message} "
                       f"[{finding.source}]")
        for b in broken:
            where = b.first_break
            if where is not None:
                error_line(f"TAMPERED: case {names[b.case_id]}: version {where.version} "
                           f"({where.topic}): {where.problem}")
            for finding in b.findings:
                if finding.breaks:
                    error_line(f"TAMPERED: case {names[b.case_id]}: {finding.code}: "
                               f"{finding.message} [{finding.source}]")
        out.print(f"{cases - len(broken)} of {cases} case(s) verify ({count} events); "
                  f"{len(broken)} broken" + (f"; {len(store_findings)} finding(s) about the "
                                             "store" if store_findings else "") + ".")
    if broken or any(f.breaks for f in store_findings):
        raise typer.Exit(1)


async def _verify(number: str | None
                  ) -> tuple[CaseVerification | StoreVerification, dict[Any, str]]:
    """One case's verification (named by its number), or the whole store's (the broken cases
    named by their numbers)."""
    async with records() as door:
        if number is not None:
            one = await door.verify(number)
            return one, {one.case_id: number}
        report = await door.verify_all()
        return report, await door.case_numbers([b.case_id for b in report.broken])


def _verify_heads_only(why: CipherKeyError, as_json: bool, number: str | None) -> None:
    """Without the cipher key: every case's (or one case's) version against the anchor log
    (truncated, deleted, rolled back named); no chain verified, so never a success (exit 1)."""
    report = run(_heads(number))
    names = {b.case_id: number or str(b.case_id) for b in report.broken}
    if as_json:
        print_json({**report.model_dump(mode="json"), "ok": False, "chains_verified": False})
    else:
        for b in report.broken:
            for finding in b.findings:
                if finding.breaks:
                    error_line(f"TAMPERED: case {names[b.case_id]}: {finding.code}: "
                               f"{finding.message} [{finding.source}]")
        for finding in report.findings:
            error_line(f"TAMPERED: the store: {finding.code}: {finding.message} "
                       f"[{finding.source}]")
        error_line(f"anchor.chain_unchecked: versions of {report.cases} case(s) checked against "
                   f"the anchor log; no hash chain verified ({why.code}: the events cannot be "
                   "decrypted here) [docs/operations.md, Anchors]")
        out.print(f"{len(report.broken)} case(s) behind their anchored heads; chains not "
                  "verified.")
    raise typer.Exit(1)


async def _heads(number: str | None) -> StoreVerification:
    async with records() as door:
        return await door.verify_heads(number)


# --- anchors --------------------------------------------------------------------------------

@anchors_app.command("export")
@friendly
def anchors_export(file: Annotated[Path | None, typer.Argument(
                       help="File to write (default: print the JSON).")] = None) -> None:
    """The anchor log's global head and every case's head, signed with the anchor key
    (docs/operations.md, Anchors): hand the file to a third party."""
    export = run(_export_anchors())
    text = export.model_dump_json(indent=2)
    if file is None:
        print(text)
        return
    file.write_text(text + "\n", encoding="utf-8")
    out.print(f"exported {len(export.heads)} case head(s) and the global head after "
              f"{export.entries} anchor entries to {file}")


@anchors_app.command("verify")
@friendly
def anchors_verify(against: Annotated[Path, typer.Option(
                       "--against", help="An export written by `audit anchors export`.")],
                   as_json: JsonFlag = False) -> None:
    """Check the store against an exported file: names every case behind the export; exit 1
    if any."""
    try:
        text = against.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {against}: {exc.strerror or exc}", BAD_INPUT) from None
    checked, names = run(_check_anchors(text, str(against)))
    export, found = checked.export, checked.findings
    if as_json:
        print_json({"ok": not found, "exported_at": export.exported_at.isoformat(),
                    "cases": len(export.heads),
                    "findings": [f.model_dump(mode="json") for f in found]})
    else:
        for f in found:
            who = f"case {names[f.case_id]}" if f.case_id is not None else "the anchor log"
            error_line(f"BEHIND THE EXPORT: {who}: {f.code}: {f.message} [{f.source}]")
        when = export.exported_at.strftime("%Y-%m-%d %H:%M")
        out.print(f"{len(export.heads)} exported case head(s) of {when} UTC checked; "
                  f"{len(found)} finding(s).")
    if found:
        raise typer.Exit(1)


@anchors_app.command("adopt")
@friendly
def anchors_adopt(as_json: JsonFlag = False) -> None:
    """Anchor the cases (or events) the anchor log does not hold yet: a store written before
    the anchor log, or whose log was lost. Refused while any chain is broken. Stop the workers
    first."""
    heads = run(_adopt_anchors())
    if as_json:
        print_json([{"case_id": str(h.case_id), "version": h.version, "chain": h.chain}
                    for h in heads])
    else:
        out.print(f"anchored {len(heads)} case head(s) (docs/operations.md, Anchors)")


async def _export_anchors() -> AnchorExport:
    async with records() as door:
        return await door.export_anchors()


async def _check_anchors(text: bytes, origin: str) -> tuple[AnchorCheck, dict[Any, str]]:
    async with records() as door:
        checked = await door.check_anchors(text, origin=origin)
        return checked, await door.case_numbers(
            [f.case_id for f in checked.findings if f.case_id is not None])


async def _adopt_anchors() -> list[Head]:
    async with records() as door:
        return await door.adopt_anchors()


# --- 终本 audit, metrics -------------------------------------------------------------------

@audit_app.command("termination")
@friendly
def audit_termination(
        cls: Annotated[list[str] | None, typer.Option(
            "--class", help="compliant|non_compliant|pending|misreported or "
            "合规|不合规|待完善|误报结 (repeat).")] = None,
        court: Annotated[str | None, typer.Option(help="Court code, e.g. 甘0402.")] = None,
        imported: Annotated[bool | None, typer.Option(
            "--imported/--live", help="Only imported (legacy) or only live cases.")] = None,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
        as_json: JsonFlag = False) -> None:
    """Every 终本 classified 合规/不合规/待完善/误报结 with each missing condition and its source."""
    unknown = [c for c in cls or [] if c not in CLASSES]
    if unknown:
        raise UserError(f"invalid --class {unknown[0]!r}: choose from "
                        f"{', '.join(CLASSES)}", BAD_INPUT)
    if as_csv and as_json:
        raise UserError("give --csv or --json, not both", BAD_INPUT)
    audited, summary = run(_termination(cls or [], court, imported))
    if as_json:
        print_json(audited)
    elif as_csv:
        write_audit_csv(audited)
    else:
        render.print_audit(audited, summary if not (cls or court or imported is not None)
                           else None)


async def _termination(classes: list[str], court: str | None, imported: bool | None
                       ) -> tuple[list[AuditedTermination], dict[str, int]]:
    async with records() as door:
        return (await door.termination_audit(classes=classes, court=court, imported=imported),
                await door.audit_summary())


def write_audit_csv(audited: list[AuditedTermination]) -> None:
    """The 终本 audit as CSV on stdout: formula prefixes neutralised, unsafe characters escaped
    (it may be read on a terminal; docs/operations.md "Exports: CSV cells")."""
    writer = csv.writer(_EscapingStdout())
    writer.writerow(["case_number", "court", "officer", "kind", "imported", "filed_on",
                     "ruled_on", "via", "ruling_number", "audit_class", "label", "codes",
                     "findings"])
    for a in audited:
        writer.writerow(csv_row([a.case_number, a.court, a.officer, a.kind, int(a.imported), a.filed_on,
                         a.ruled_on, a.via, a.ruling_number or "", a.audit_class.value, a.label,
                         "; ".join(f.code + (f"[{f.subject}]" if f.subject else "")
                                   for f in a.findings),
                         " | ".join(f"{f.message} ({f.source})" for f in a.findings)]))


class _EscapingStdout:
    """stdout for csv.writer: each written line with its unsafe characters escaped."""

    def write(self, text: str) -> int:
        line = text.removesuffix("\r\n")  # csv.writer's own line terminator stays
        return sys.stdout.write(printable(line) + text[len(line):])


@audit_app.command("metrics")
@friendly
def audit_metrics(court: Annotated[str | None, typer.Option(
                      help="Only this court (code, e.g. 甘0402).")] = None,
                  start: Annotated[str | None, typer.Option(
                      "--from", help="First day (default: the first filing).")] = None,
                  end: Annotated[str | None, typer.Option(
                      "--to", help="Last day (default: the last filing or closure).")] = None,
                  by: Annotated[list[str] | None, typer.Option(
                      help="Group also by court and/or officer (repeat).")] = None,
                  imported: Annotated[bool | None, typer.Option(
                      "--imported/--live", help="Only imported (legacy) or only live cases "
                      "(both by default, always counted apart).")] = None,
                  by_payee: Annotated[bool, typer.Option(
                      help="案款发放及时率 per kind of payee (applicant, court fee, refund to "
                      "the debtor) of the live cases instead.")] = False,
                  as_json: JsonFlag = False) -> None:
    """Quality metrics (执结率, 执行到位率, 终本合格率 …) per kind of case over a period.

    Imported legacy cases are counted apart from live ones (docs/legacy-format.md)."""
    groups = list(dict.fromkeys([*(by or []), *(["court"] if court else [])]))
    if set(groups) - set(GROUPS):
        raise UserError(f"invalid --by: choose from {', '.join(GROUPS)}", BAD_INPUT)
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first is not None and last is not None and last < first:
        raise UserError(f"invalid period: --to {last} is before --from {first}", BAD_INPUT)
    if by_payee:
        _timeliness(first, last, court, as_json)
        return
    first, last, found = run(_metrics(first, last, groups))
    found = [m for m in found if (court is None or m.court == court)
             and (imported is None or m.imported == imported)]
    if as_json:
        print_json(metrics_json(found))
    else:
        render.print_metrics(found, f"quality metrics {first} – {last}"
                             + (f", court {court}" if court else ""))


def _timeliness(first: date | None, last: date | None, court: str | None,
                as_json: bool) -> None:
    async def read() -> tuple[date, date, list[PayeeTimeliness]]:
        async with records() as door:
            start, end = await door.metrics_period(first, last)
            return start, end, await door.payout_timeliness(start, end, court=court)

    start, end, rows = run(read())
    if as_json:
        print_json([{"payee_kind": r.payee_kind, "due": r.due, "on_time": r.on_time,
                     "rate": None if r.rate is None else str(r.rate)} for r in rows])
        return
    table(f"案款发放及时率 per payee {start} – {end}" + (f", court {court}" if court else ""),
          ["payee", "due", "on time", "rate"],
          [[r.payee_kind, r.due, r.on_time, "" if r.rate is None else f"{r.rate}%"]
           for r in rows])


async def _metrics(first: date | None, last: date | None, groups: list[str]
                   ) -> tuple[date, date, list[Metrics]]:
    """The metrics over [first, last], by default the record's period (first filing to last
    filing or closure)."""
    async with records() as door:
        first, last = await door.metrics_period(first, last)
        return first, last, await door.metrics(first, last, by=groups)


def metrics_json(metrics: list[Metrics]) -> list[dict[str, Any]]:
    return [{"metrics": m.model_dump(mode="json"), "rates": m.rates()} for m in metrics]


# --- exports and read models ---------------------------------------------------------------

@audit_app.command("export")
@friendly
def audit_export(name: Annotated[str, typer.Argument(
                     help=f"A read model ({', '.join(sorted(READ_MODELS))}) or 'all'.")] = "all",
                 to: Annotated[Path, typer.Option("--to", help="Directory to write.")] = Path(
                     "export"),
                 fmt: Annotated[str, typer.Option("--format", help="csv | json")] = "csv",
                 as_json: JsonFlag = False) -> None:
    """Every table of a read model (or all) as CSV (UTF-8 with BOM) or JSON files."""
    if fmt not in ("csv", "json"):
        raise UserError(f"invalid --format {fmt!r}: csv or json", BAD_INPUT)
    if name != "all" and name not in READ_MODELS:
        raise UserError(f"unknown read model {name!r}: choose from "
                        f"{', '.join(sorted(READ_MODELS))} or all", BAD_INPUT)
    kind: Literal["csv", "json"] = "csv" if fmt == "csv" else "json"
    written = run(_export(to, kind, None if name == "all" else name))
    if as_json:
        print_json(written)
    else:
        table(f"exported to {to}", ["file", "rows"], [[p, n] for p, n in written.items()])


async def _export(to: Path, kind: Literal["csv", "json"], name: str | None) -> dict[str, int]:
    async with records() as door:
        return await door.export(to, fmt=kind, read_model=name)


@projections_app.command("rebuild")
@friendly
def projections_rebuild(as_json: JsonFlag = False) -> None:
    """Rebuild every read model from the first event (stop other projection runners first)."""
    report = run(_read_models(rebuild=True, progress=not as_json))
    if as_json:
        print_json({"events": report.events, "position": report.position,
                    "seconds": report.seconds, "store": report.store})
    else:
        out.print(f"rebuilt {report.store}: {report.events:,} events in "
                  f"{report.seconds:.1f} s ({report.events_per_second:,.0f} events/s), "
                  f"position {report.position}")


@projections_app.command("catch-up")
@friendly
def projections_catch_up(as_json: JsonFlag = False) -> None:
    """Apply every event recorded since the last run to the read models."""
    report = run(_read_models(rebuild=False, progress=not as_json))
    if as_json:
        print_json({"applied": report.events, "position": report.position})
    else:
        out.print(f"caught up: {report.events:,} events applied, position {report.position}")


async def _read_models(*, rebuild: bool, progress: bool) -> ReadModelsRun:
    async with records() as door:
        if rebuild:
            return await door.rebuild_read_models(progress=progress)
        return await door.refresh_read_models(progress=progress)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
    app.add_typer(projections_app, name="projections")
