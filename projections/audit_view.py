"""The TerminationAuditView: one row per 终本 with its class, one row per finding."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel

from projections.audit import AuditClass, audit_findings, classify
from projections.facts import CaseFacts, Finding
from projections.read_store import ReadModelStore
from projections.schema import CaseProjection, Rows, Table, columns, day_of, iso
from projections.settings import ProjectionSettings

AUDIT = Table("termination_audit", columns(
    "case_id TEXT, case_number TEXT, kind TEXT, court TEXT, officer TEXT, imported INTEGER, "
    "filed_on TEXT, ruled_on TEXT, via TEXT, ruling_number TEXT, audit_class TEXT, "
    "label TEXT, findings INTEGER, codes TEXT"), ("case_id",),
    indexes=(("audit_class",), ("court", "ruled_on")))
FINDINGS = Table("audit_findings", columns(
    "case_id TEXT, seq INTEGER, case_number TEXT, category TEXT, code TEXT, subject TEXT, "
    "message TEXT, source TEXT"), ("case_id", "seq"), indexes=(("code",),))


class TerminationAuditProjection(CaseProjection):
    """Classifies every 终本 合规/不合规/待完善/误报结 with its findings (docs/rules.md §2)."""

    name: ClassVar[str] = "termination_audit"
    tables: ClassVar[tuple[Table, ...]] = (AUDIT, FINDINGS)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        t = facts.termination
        if t is None:
            return {}
        findings = audit_findings(facts, settings)
        cls = classify(findings)
        return {
            "termination_audit": [(
                facts.case_id, facts.case_number, facts.kind, facts.court, facts.officer,
                int(facts.imported), iso(facts.filed_on), iso(t.ruled_on), t.via,
                t.ruling_number, cls.value, cls.label, len(findings),
                "; ".join(f.code + (f"[{f.subject}]" if f.subject else "") for f in findings))],
            "audit_findings": [(facts.case_id, seq, facts.case_number, f.category, f.code,
                                f.subject, f.message, f.source)
                               for seq, f in enumerate(findings, start=1)],
        }


class AuditedTermination(BaseModel):
    """One audited 终本 with every missing or violated condition."""

    case_number: str
    kind: str
    court: str
    officer: str
    imported: bool
    filed_on: date | None
    ruled_on: date
    via: str
    ruling_number: str | None
    audit_class: AuditClass
    label: str
    findings: list[Finding]


def termination_audit(store: ReadModelStore, *, classes: Sequence[AuditClass] = (),
                      court: str | None = None, imported: bool | None = None,
                      limit: int | None = None, offset: int = 0
                      ) -> list[AuditedTermination]:
    """The audited 终本 cases (optionally of some classes / one court / imported or live),
    by case number; ``limit``/``offset``: one page of them."""
    where, params = ["1 = 1"], list[Any]()
    if classes:
        where.append(f"audit_class IN ({','.join('?' * len(classes))})")
        params.extend(c.value for c in classes)
    if court is not None:
        where.append("court = ?")
        params.append(court)
    if imported is not None:
        where.append("imported = ?")
        params.append(int(imported))
    condition = " AND ".join(where)
    rows = store.query(
        "SELECT case_id, case_number, kind, court, officer, imported, filed_on, ruled_on, via, "
        f"ruling_number, audit_class, label FROM termination_audit WHERE {condition} "
        "ORDER BY case_number" + (f" LIMIT {int(limit)} OFFSET {int(offset)}"
                                  if limit is not None else ""), params)
    if limit is not None:  # the findings of this page's cases only
        ids = [r[0] for r in rows]
        which, chosen = f"case_id IN ({','.join('?' * len(ids))})", list[Any](ids)
    else:
        which = f"case_id IN (SELECT case_id FROM termination_audit WHERE {condition})"
        chosen = params
    found: dict[str, list[Finding]] = {}
    for case_id, _, category, code, subject, message, source in (store.query(
            "SELECT case_id, seq, category, code, subject, message, source FROM audit_findings "
            f"WHERE {which} ORDER BY case_id, seq", chosen) if not limit or rows else []):
        found.setdefault(case_id, []).append(Finding(category=category, code=code,
                                                     subject=subject, message=message,
                                                     source=source))
    return [AuditedTermination(
        case_number=r[1], kind=r[2], court=r[3], officer=r[4], imported=bool(r[5]),
        filed_on=day_of(r[6]), ruled_on=day_of(r[7]), via=r[8], ruling_number=r[9],
        audit_class=AuditClass(r[10]), label=r[11], findings=found.get(r[0], []))
        for r in rows]


def audit_summary(store: ReadModelStore) -> dict[AuditClass, int]:
    """How many 终本 fall in each class (every class present, zero if none)."""
    counts = dict.fromkeys(AuditClass, 0)
    for cls, n in store.query("SELECT audit_class, COUNT(*) FROM termination_audit "
                              "GROUP BY audit_class"):
        counts[AuditClass(cls)] = n
    return counts
