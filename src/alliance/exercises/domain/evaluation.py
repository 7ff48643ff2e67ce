"""Expected actions checked against what a team really did: a pure function of the package's expected
actions, the team's record (facts of its sandbox) and the exercise clock. No database, no request, no policy:
selectors/team_record.py gathers the facts, selectors/evaluation.py calls this.

Each check kind of the vocabulary (domain/scenario_package/vocabulary.py, CHECKS) has one rule below; each
result is met, not met or not yet (the run still going and the window still open), with the moment it was
decided and a plain reason an evaluator can read aloud at the hot wash. docs/exercise-evaluation.md lists
the rules; change both.

Time: facts before the exercise's start are the scenario's seeded world, not the team's doing, and never
count. Scenario minutes are counted from the start by the clock the run gives (`minutes_at`: pauses and
pace); without one, real minutes. `within_minutes` counts from the start, or with `after_inject` from that
inject's release; done before the limit is met, even before the inject (early is not late).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MET, NOT_MET, NOT_YET = "met", "not_met", "not_yet"
# An indicator of "Other" says nothing specific: it never stands in for another catalogue's indicator.
_VAGUE_METHODS = frozenset({"Other"})
_REFERRALS = ("referral", "transfer")
_ACCEPTED = ("accepted", "done")


@dataclass(frozen=True)
class TeamRecord:
    """What one team's sandbox holds, as facts (cases/selectors/exercise_record.py and
    screening/selectors/exercise_record.py); `organisations` names the world's agencies for the reasons."""

    realm_id: int
    screenings: tuple = ()
    cases: tuple = ()
    consents: tuple = ()
    shares: tuple = ()
    nrm_events: tuple = ()
    methods_of_control: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    organisations: Mapping[int, str] = field(default_factory=dict)
    # Who did what, for `by_role`: the account behind each fact (keys from fact_key), and the roles of
    # roles.yaml each account plays in this team (its TeamSeat rows). Empty `roles_of`: a sandbox without a
    # run's seats, where nobody is known to play a role and `by_role` cannot be checked.
    done_by: Mapping[tuple, int] = field(default_factory=dict)
    roles_of: Mapping[int, frozenset[str]] = field(default_factory=dict)
    role_names: Mapping[str, str] = field(default_factory=dict)


def fact_key(kind: str, fact: Any) -> tuple:
    """The key of a fact in TeamRecord.done_by: screenings, cases and shares by id, NRM steps (which have
    none in the record) by case, step and moment."""
    if kind == "nrm":
        return ("nrm", fact.case_id, fact.transition, fact.at)
    return (kind, fact.id)


@dataclass(frozen=True)
class Clock:
    """The exercise's time: its start, now, whether it has finished, the injects released so far."""

    start: dt.datetime
    now: dt.datetime
    finished: bool = False
    releases: Mapping[str, dt.datetime] = field(default_factory=dict)
    minutes_at: Callable[[dt.datetime], float] | None = None

    def minutes(self, when: dt.datetime) -> float:
        if self.minutes_at is not None:
            return self.minutes_at(when)
        return (when - self.start).total_seconds() / 60

    def stamp(self, when: dt.datetime) -> str:
        """Scenario time as HH:MM, the way the MSEL and the console show it."""
        total = max(0, int(self.minutes(when)))
        return f"{total // 60:02d}:{total % 60:02d}"

    def after_minutes(self, origin: dt.datetime, minutes: float) -> dt.datetime:
        # Without a run's clock a scenario minute is a real minute; with one, found by stepping (the clock
        # is monotonic), so paused time does not eat into a team's window.
        if self.minutes_at is None:
            return origin + dt.timedelta(minutes=minutes)
        target = self.minutes(origin) + minutes
        low, high = origin, origin + dt.timedelta(minutes=minutes)
        while self.minutes(high) < target:
            high += high - low + dt.timedelta(minutes=1)
        for _step in range(40):
            middle = low + (high - low) / 2
            low, high = (middle, high) if self.minutes(middle) < target else (low, middle)
        return high


@dataclass(frozen=True)
class Result:
    action_id: str
    objective: str
    capability_target: str
    kind: str
    status: str
    at: dt.datetime | None
    stamp: str  # scenario time of `at`, or ""
    reason: str

    @property
    def met(self) -> bool:
        return self.status == MET


@dataclass(frozen=True)
class Tally:
    met: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0


@dataclass(frozen=True)
class Score:
    met: int
    total: int
    by_objective: dict[str, Tally]
    by_capability_target: dict[str, Tally]


# -- what happened, when: one finder per check kind -----------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    at: dt.datetime
    what: str  # the reason's middle: "referral accepted by New Start house (ngo)"
    key: tuple = ()  # the fact it rests on (fact_key), for `by_role`


def _org(record: TeamRecord, organisation_id: int | None, sector: str) -> str:
    name = record.organisations.get(organisation_id) or _("organisation %(id)s") % {"id": organisation_id}
    return f"{name} ({sector})" if sector else name


def _case_number(record: TeamRecord, case_id: int) -> str:
    return next((c.number for c in record.cases if c.id == case_id), str(case_id))


def holds_indicator(screening: Any, catalogue: str, indicator: str,
                    methods: Mapping[tuple[str, str], frozenset[str]]) -> bool:
    """Answered "yes" to that indicator of that catalogue; or, when the screening did not ask that catalogue
    at all (the interview asks the ILO/EC operational, child and mixed-migration indicators, not ILO-11), "yes"
    to an indicator sharing one of its HTCDS methods of control (the crosswalk of indicators.md)."""
    if (catalogue, indicator) in screening.yes:
        return True
    if catalogue in screening.catalogues:
        return False
    wanted = methods.get((catalogue, indicator), frozenset()) - _VAGUE_METHODS
    return bool(wanted) and any(wanted & methods.get(key, frozenset()) for key in screening.yes)


def _screening_completed(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    catalogue, wanted = check["catalogue"], list(check["indicators"])
    return [_Found(s.received_at, _("screening %(id)s holds %(indicators)s (%(catalogue)s)") % {
                "id": s.id, "indicators": ", ".join(wanted), "catalogue": catalogue}, fact_key("screening", s))
            for s in record.screenings
            if all(holds_indicator(s, catalogue, i, record.methods_of_control) for i in wanted)]


def _screening_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    catalogue, wanted = check["catalogue"], list(check["indicators"])
    screenings = [s for s in record.screenings if s.received_at >= clock.start]
    if not screenings:
        return _("no screening was submitted")
    best = max(screenings, key=lambda s: sum(holds_indicator(s, catalogue, i, record.methods_of_control)
                                             for i in wanted))
    missing = [i for i in wanted if not holds_indicator(best, catalogue, i, record.methods_of_control)]
    return _("no screening holds every indicator; the closest (screening %(id)s) lacks %(missing)s") % {
        "id": best.id, "missing": ", ".join(missing)}


def _case_opened(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    wanted = check["exploitation_type"]
    return [_Found(max(c.opened_at, c.exploitation_types_at or c.opened_at),
                   _("case %(number)s names %(type)s") % {"number": c.number, "type": wanted}, fact_key("case", c))
            for c in record.cases if c.opened_at >= clock.start and wanted in c.exploitation_types]


def _case_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    opened = [c for c in record.cases if c.opened_at >= clock.start]
    if not opened:
        return _("no case was opened")
    named = sorted({t for c in opened for t in c.exploitation_types}) or [_("no type")]
    return _("no case names %(type)s (the team's cases name %(named)s)") % {
        "type": check["exploitation_type"], "named": ", ".join(named)}


def _referral_accepted(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    sector = check["sector"]
    return [_Found(s.responded_at, _("referral of case %(number)s accepted by %(org)s") % {
                "number": _case_number(record, s.case_id), "org": _org(record, s.organisation_id, s.sector)},
                   fact_key("share", s))
            for s in record.shares
            if s.kind in _REFERRALS and s.status in _ACCEPTED and s.sector == sector and s.responded_at]


def _referral_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    sent = [s for s in record.shares if s.kind in _REFERRALS and s.sector == check["sector"]
            and s.granted_at >= clock.start]
    if not sent:
        return _("no referral was sent to an organisation of sector %(sector)s") % {"sector": check["sector"]}
    return _("a referral to sector %(sector)s was sent but is %(status)s") % {
        "sector": check["sector"], "status": sent[-1].status}


def _child_procedure(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    step = check["step"]
    return [_Found(e.at, _("%(step)s recorded on case %(number)s") % {
                "step": step, "number": _case_number(record, e.case_id)}, fact_key("nrm", e))
            for e in record.nrm_events if e.transition == step]


def _child_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    return _("no case records %(step)s") % {"step": check["step"]}


def _financial(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    return [_Found(s.granted_at, _("case %(number)s sent (%(kind)s) to %(org)s") % {
                "number": _case_number(record, s.case_id), "kind": s.kind,
                "org": _org(record, s.organisation_id, s.sector)}, fact_key("share", s))
            for s in record.shares if s.sector == "fiu"]


def _financial_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    return _("no case was shared with or referred to the financial intelligence unit (fiu)")


def _reasonable_grounds(check: Mapping, record: TeamRecord, clock: Clock) -> list[_Found]:
    outcome = check["outcome"]
    return [_Found(e.at, _("%(outcome)s reasonable-grounds decision on case %(number)s") % {
                "outcome": outcome, "number": _case_number(record, e.case_id)}, fact_key("nrm", e))
            for e in record.nrm_events if e.transition == "reasonable_grounds" and e.outcome == outcome]


def _reasonable_grounds_missing(check: Mapping, record: TeamRecord, clock: Clock) -> str:
    other = [e for e in record.nrm_events if e.transition == "reasonable_grounds" and e.at >= clock.start]
    if other:
        return _("the reasonable-grounds decision was %(outcome)s, not %(wanted)s") % {
            "outcome": other[0].outcome, "wanted": check["outcome"]}
    return _("no reasonable-grounds decision was recorded")


# -- consent before sharing: a rule over the order of events, not a single fact ------------------------------

def consent_covers(consent: Any, share: Any) -> bool:
    """A consent recorded at or before the share, to share with that organisation or its sector, and not
    withdrawn before the share's day (cases.models.Consent.covers, in time)."""
    if consent.case_id != share.case_id or consent.recorded_at > share.granted_at:
        return False
    if consent.withdrawn_on is not None and consent.withdrawn_on < share.granted_at.date():
        return False
    if consent.purpose == "share_organisation":
        return consent.organisation_id == share.organisation_id
    return consent.purpose == "share_sector" and consent.sector == share.sector


def sharing_breaches(record: TeamRecord, start: dt.datetime) -> list[Any]:
    """The team's shares, referrals and transfers that no earlier consent covered, in the order made. A
    child's case sent to social services under the child procedure rests on the law, not on consent, and is
    no breach (cases/services/register.py, CHILD_PROCEDURE)."""
    return [s for s in record.shares if s.granted_at >= start and s.basis != "child_procedure"
            and not any(consent_covers(c, s) for c in record.consents)]


def _consent_result(action: Mapping, record: TeamRecord, clock: Clock) -> tuple[str, dt.datetime | None, str]:
    made = [s for s in record.shares if s.granted_at >= clock.start]
    breaches = sharing_breaches(record, clock.start)
    if breaches:
        first = breaches[0]
        return NOT_MET, first.granted_at, _(
            "case %(number)s was sent (%(kind)s) to %(org)s at %(stamp)s before any consent to it") % {
            "number": _case_number(record, first.case_id), "kind": first.kind,
            "org": _org(record, first.organisation_id, first.sector), "stamp": clock.stamp(first.granted_at)}
    if not made:
        if clock.finished:
            return NOT_MET, None, _("no share or referral was made, so no consent was ever put before one")
        return NOT_YET, None, _("no share or referral yet")
    first = made[0]
    limit = _limit(action["check"], clock)
    if limit is not None and first.granted_at > limit:
        return NOT_MET, first.granted_at, _("the first consented share came at %(stamp)s, after the limit of "
                                            "%(limit)s") % {"stamp": clock.stamp(first.granted_at),
                                                            "limit": clock.stamp(limit)}
    return MET, made[-1].granted_at, _("all %(n)d shares and referrals came after a consent covering them") % {
        "n": len(made)}


_FINDERS: dict[str, tuple[Callable, Callable]] = {
    "screening_completed": (_screening_completed, _screening_missing),
    "case_opened": (_case_opened, _case_missing),
    "referral_accepted_by_sector": (_referral_accepted, _referral_missing),
    "child_procedure_started": (_child_procedure, _child_missing),
    "financial_investigation_requested": (_financial, _financial_missing),
    "reasonable_grounds_decided": (_reasonable_grounds, _reasonable_grounds_missing),
}
CHECKED_KINDS = frozenset(_FINDERS) | {"consent_before_sharing"}


def _limit(check: Mapping, clock: Clock) -> dt.datetime | None:
    """The latest moment the check may be met, or None when it has no limit or its inject is not out yet."""
    within = check.get("within_minutes")
    if within is None:
        return None
    inject = check.get("after_inject")
    origin = clock.releases.get(inject) if inject else clock.start
    return None if origin is None else clock.after_minutes(origin, within)


def _by_role(action: Mapping, record: TeamRecord, found: list[_Found]) -> tuple[list[_Found], str]:
    """The facts done by an account playing the action's `by_role`, and, when others did it instead, why
    their doing does not count. Unchecked where the record knows no seats (see TeamRecord.roles_of)."""
    role = action.get("by_role")
    if not role or not record.roles_of or not found:
        return found, ""
    right = [f for f in found if role in record.roles_of.get(record.done_by.get(f.key), frozenset())]
    if right:
        return right, ""
    played = sorted({r for f in found for r in record.roles_of.get(record.done_by.get(f.key), frozenset())})
    names = ", ".join(record.role_names.get(r, r) for r in played) or _("an account playing no role of the team")
    first = found[0]
    return [], _("done by the wrong role: %(what)s was done by %(who)s, not by the %(role)s") % {
        "what": first.what, "who": names, "role": record.role_names.get(role, role)}


def _timed_result(action: Mapping, record: TeamRecord, clock: Clock) -> tuple[str, dt.datetime | None, str]:
    check = action["check"]
    find, missing = _FINDERS[check["kind"]]
    found = sorted((f for f in find(check, record, clock) if f.at >= clock.start and f.at <= clock.now),
                   key=lambda f: f.at)
    found, wrong_role = _by_role(action, record, found)
    limit = _limit(check, clock)
    inject = check.get("after_inject")
    if found:
        first = found[0]
        if limit is not None and first.at > limit:
            return NOT_MET, first.at, _("done at %(stamp)s (%(what)s), after the limit of %(limit)s") % {
                "stamp": clock.stamp(first.at), "what": first.what, "limit": clock.stamp(limit)}
        # Done before its inject is out (limit None) is met all the same: early is not late.
        return MET, first.at, first.what
    why = wrong_role or missing(check, record, clock)
    if clock.finished:
        if inject and check.get("within_minutes") is not None and inject not in clock.releases:
            return NOT_MET, None, _("%(why)s; %(inject)s was never released") % {"why": why, "inject": inject}
        return NOT_MET, None, why
    if limit is not None and clock.now > limit:
        return NOT_MET, limit, _("%(why)s by %(limit)s") % {"why": why, "limit": clock.stamp(limit)}
    if inject and check.get("within_minutes") is not None and inject not in clock.releases:
        return NOT_YET, None, _("%(why)s; %(inject)s not released yet") % {"why": why, "inject": inject}
    if limit is not None:
        return NOT_YET, None, _("%(why)s yet; the limit is %(limit)s") % {"why": why, "limit": clock.stamp(limit)}
    return NOT_YET, None, _("%(why)s yet") % {"why": why}


def evaluate_action(action: Mapping, record: TeamRecord, clock: Clock) -> Result:
    """One expected action (a mapping as in expected_actions.yaml) against one team's record."""
    kind = action["check"]["kind"]
    if kind == "consent_before_sharing":
        status, at, what = _consent_result(action, record, clock)
    elif kind in _FINDERS:
        status, at, what = _timed_result(action, record, clock)
    else:  # the validator refuses unknown kinds; a package from a newer version is never silently met
        status, at, what = NOT_MET, None, _("the platform cannot check %(kind)s") % {"kind": kind}
    stamp = clock.stamp(at) if at is not None else ""
    label = {MET: _("met"), NOT_MET: _("not met"), NOT_YET: _("not yet")}[status]
    reason = (_("%(status)s at %(stamp)s: %(what)s") % {"status": label, "stamp": stamp, "what": what} if stamp
              else f"{label}: {what}")
    return Result(action_id=action["id"], objective=action["objective"],
                  capability_target=action["capability_target"], kind=kind, status=status, at=at, stamp=stamp,
                  reason=reason)


def evaluate(expected_actions: Iterable[Mapping], record: TeamRecord, clock: Clock) -> list[Result]:
    return [evaluate_action(action, record, clock) for action in expected_actions]


def score(results: Iterable[Result]) -> Score:
    """One point per expected action met; tallied by learning objective and by capability target."""
    results = list(results)
    by_objective: dict[str, list[int]] = {}
    by_target: dict[str, list[int]] = {}
    for r in results:
        for table, key in ((by_objective, r.objective), (by_target, r.capability_target)):
            tally = table.setdefault(key, [0, 0])
            tally[0] += r.met
            tally[1] += 1
    return Score(met=sum(r.met for r in results), total=len(results),
                 by_objective={k: Tally(*v) for k, v in by_objective.items()},
                 by_capability_target={k: Tally(*v) for k, v in by_target.items()})


# -- inject releases from the MSEL, where the run gives none -------------------------------------------------

def _event_times(event: str, narrow: Mapping, record: TeamRecord) -> list[dt.datetime]:
    sector, catalogue = narrow.get("sector"), narrow.get("catalogue")
    shares = [s for s in record.shares if sector is None or s.sector == sector]
    times = {
        "screening_completed": [s.received_at for s in record.screenings
                                if catalogue is None or catalogue in s.catalogues],
        "case_opened": [c.opened_at for c in record.cases],
        "consent_recorded": [c.recorded_at for c in record.consents],
        "case_shared": [s.granted_at for s in shares if s.kind == "share"],
        "referral_sent": [s.granted_at for s in shares if s.kind in _REFERRALS],
        "referral_accepted": [s.responded_at for s in shares if s.kind in _REFERRALS and s.status in _ACCEPTED
                              and s.responded_at],
        "referral_declined": [s.responded_at for s in shares if s.status == "declined" and s.responded_at],
        "reasonable_grounds_decided": [e.at for e in record.nrm_events if e.transition == "reasonable_grounds"],
        "child_procedure_started": [e.at for e in record.nrm_events if e.transition == "appoint_guardian"],
    }
    return sorted(times.get(event, []))


def releases_from_msel(injects: Iterable[Mapping], record: TeamRecord, clock: Clock) -> dict[str, dt.datetime]:
    """When each inject was (or would have been) released by the MSEL's own rules, for a team whose run
    records no releases: `at` from the start, a trigger from the first event of the team's record after the
    start, `after:` from the other inject; manual ones only as the clock's releases say. Releases the clock
    already holds win. Only releases up to now are returned."""
    by_id = {i["id"]: i for i in injects}
    found: dict[str, dt.datetime | None] = dict(clock.releases)

    def release(inject_id: str, seen: frozenset[str]) -> dt.datetime | None:
        if inject_id in found:
            return found[inject_id]
        inject = by_id.get(inject_id)
        when = None
        if inject is None or inject_id in seen:
            return None  # unknown, or a cycle (the validator refuses both)
        if inject.get("at"):
            hours, minutes = (int(p) for p in str(inject["at"]).split(":"))
            when = clock.after_minutes(clock.start, hours * 60 + minutes)
        elif inject.get("trigger"):
            trigger = inject["trigger"]
            delay = trigger.get("minutes", 0)
            if "after" in trigger:
                origin = release(trigger["after"], seen | {inject_id})
            elif trigger.get("event") in (None, "manual"):
                origin = None
            else:
                origin = next((t for t in _event_times(trigger["event"], trigger, record) if t >= clock.start),
                              None)
            when = clock.after_minutes(origin, delay) if origin is not None else None
        found[inject_id] = when
        return when

    for inject_id in by_id:
        release(inject_id, frozenset())
    return {k: v for k, v in found.items() if v is not None and v <= clock.now}


# -- the debrief's timeline -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Moment:
    at: dt.datetime
    stamp: str
    what: str


def timeline(record: TeamRecord, clock: Clock) -> list[Moment]:
    """The team's key decisions in scenario time, for the debrief: what the tools recorded, in order (the
    expected actions' results sit beside it, so the hot wash sees what was done against what was expected)."""
    moments: list[tuple[dt.datetime, str]] = []
    moments += [(s.received_at, _("screening %(id)s submitted") % {"id": s.id}) for s in record.screenings]
    moments += [(c.opened_at, _("case %(number)s opened") % {"number": c.number}) for c in record.cases]
    moments += [(c.exploitation_types_at, _("case %(number)s: exploitation types set to %(types)s") % {
        "number": c.number, "types": ", ".join(sorted(c.exploitation_types)) or "-"})
        for c in record.cases if c.exploitation_types_at]
    moments += [(c.recorded_at, _("consent recorded on case %(number)s (%(purpose)s)") % {
        "number": _case_number(record, c.case_id), "purpose": c.purpose}) for c in record.consents]
    for s in record.shares:
        basis = {"consent": _("on consent"), "child_procedure": _("under the child procedure"),
                 "legal_basis": _("without consent, on a stated legal basis")}.get(s.basis, s.basis)
        moments.append((s.granted_at, _("case %(number)s sent (%(kind)s) to %(org)s, %(basis)s") % {
            "number": _case_number(record, s.case_id), "kind": s.kind,
            "org": _org(record, s.organisation_id, s.sector), "basis": basis}))
        if s.responded_at:
            moments.append((s.responded_at, _("%(org)s answered: %(status)s") % {
                "org": _org(record, s.organisation_id, s.sector), "status": s.status}))
    moments += [(e.at, _("NRM step %(step)s%(outcome)s on case %(number)s") % {
        "step": e.transition, "outcome": f" ({e.outcome})" if e.outcome else "",
        "number": _case_number(record, e.case_id)}) for e in record.nrm_events]
    return [Moment(at=at, stamp=clock.stamp(at), what=what)
            for at, what in sorted(moments, key=lambda m: m[0]) if clock.start <= at <= clock.now]
