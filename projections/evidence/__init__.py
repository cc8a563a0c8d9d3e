"""How each stored event changes a case's facts: one handler per event class, registered in
``projections.evidence.registry`` by the modules of this package (``inquiry``: filing, notice,
report, inquiry; ``assets``: control, valuation, auction, money; ``measures``: sanctions,
closure; ``security``: security, postponement, refusal to enforce; ``objections``: objections
and outsiders' claims), imported here so that the registry is complete when ``apply`` runs.

Handlers are total: an irregular imported history (a lead verified that was never submitted, an
asset controlled that was never found) still yields facts, never an error.
"""

from __future__ import annotations

from datetime import date

from domain import events as ev
from domain.calendar import legal_date
from projections.evidence import assets as _assets  # noqa: F401  (registers its handlers)
from projections.evidence import measures as _measures  # noqa: F401
from projections.evidence import objections as _objections  # noqa: F401
from projections.evidence import security as _security  # noqa: F401
from projections.evidence.inquiry import filed, placeholder
from projections.evidence.registry import HANDLERS, Step
from projections.facts import CaseFacts
from projections.masking import scrub_text
from projections.settings import ProjectionSettings

__all__ = ["HANDLERS", "IGNORED", "apply"]


def apply(facts: CaseFacts | None, event: ev.CaseEvent, settings: ProjectionSettings,
          day: date | None = None) -> CaseFacts:
    """The case's facts after ``event`` (a new case's facts for its CaseFiled); ``day`` is the
    event's business date if the caller has it already."""
    day = day or legal_date(event.recorded_at)
    if isinstance(event, ev.CaseFiled):
        facts = filed(event)
    else:
        facts = facts or placeholder(event)
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(facts, event, Step(settings, day))
    facts.events += 1
    facts.last_day = day
    if not facts.officer and event.actor.role.value in settings.officer_roles:
        facts.officer = scrub_text(event.actor.id)  # ids recorded before the id rule
    return facts


IGNORED: frozenset[type[ev.CaseEvent]] = frozenset({
    ev.CaseFiled,  # starts the facts (``filed``)
    ev.DelayInterestAssessed,  # the amount applied for is the claim at filing (docs/rules.md §3)
    ev.LivingAllowanceAdjusted, ev.BidPlaced,  # no read model needs them beyond the timeline
    ev.GarnishmentOrdered, ev.GarnisheeStopped,  # the timeline; remittances are FundsReceived
    ev.ForfeitedDepositApplied,  # its money arrives as FundsReceived
    ev.ActRefused,  # a refusal changes nothing; the timeline shows it with its rule and source
    # an approval's request and decision: the measure resting on it carries the approval as
    # recorded (approver, role, date); the timeline shows each act with its actor
    ev.ApprovalRequested, ev.ApprovalGiven, ev.ApprovalRefused,
    # links to a 参与分配 plan: the money its share brings arrives and leaves as FundsReceived
    # and FundsPaidOut (docs/rules.md §12); the plan itself is read from its own events
    ev.DistributionJoined, ev.DistributionSharePaid, ev.DistributionLeft,
})
"""Events that change no facts (they still appear in the timeline)."""
