"""The rules of each check kind (exercises/domain/evaluation.py), on facts built by hand: met and not met,
the edges of the time windows, the seeded world before the start, the ILO-11 crosswalk, and, with
Hypothesis, consent before sharing over every order of consents and shares."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from alliance.cases.selectors.exercise_record import CaseFact, ConsentFact, NrmFact, ShareFact
from alliance.exercises.domain.evaluation import (
    MET,
    NOT_MET,
    NOT_YET,
    Clock,
    TeamRecord,
    evaluate,
    evaluate_action,
    releases_from_msel,
    score,
)
from alliance.screening.selectors.exercise_record import ScreeningFact

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
FIU, SHELTER = 30, 20
ORGS = {SHELTER: "New Start house", FIU: "Dreamland FIU"}
METHODS = {("ilo-11", "deception"): frozenset({"FalsePromises"}),
           ("ilo-11", "debt-bondage"): frozenset({"DebtBondage"}),
           ("ilo-11", "abuse-of-vulnerability"): frozenset(),
           ("ilo-ec-operational", "dr-job-nature"): frozenset({"FalsePromises"}),
           ("ilo-ec-operational", "cd-debt"): frozenset({"DebtBondage"}),
           ("ilo-ec-operational", "cd-forced-tasks"): frozenset({"Other"})}


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def clock(now: float = 600, *, finished: bool = False, releases: dict | None = None, **kw) -> Clock:
    return Clock(start=START, now=at(now), finished=finished, releases={k: at(v) for k, v in (releases or {}).items()},
                 **kw)


def action(kind: str, **check) -> dict:
    return {"id": "ea-x", "objective": "lo-x", "capability_target": "ct-x", "check": {"kind": kind, **check}}


def case(minute: float = 5, types=("ForcedLabour",), changed: float | None = None, case_id: int = 1) -> CaseFact:
    return CaseFact(id=case_id, number=f"X1-2026-{case_id:06d}", opened_at=at(minute), owner_organisation_id=10,
                    is_child=False, exploitation_types=frozenset(types),
                    exploitation_types_at=at(changed) if changed is not None else None)


def screening(minute: float, yes, catalogues=("ilo-ec-operational",), screening_id: int = 1) -> ScreeningFact:
    return ScreeningFact(id=screening_id, received_at=at(minute), organisation_id=10,
                         catalogues=frozenset(catalogues), yes=frozenset(yes), is_child=False)


def share(minute: float, org: int = SHELTER, sector: str = "ngo", kind: str = "referral", status: str = "accepted",
          answered: float | None = None, basis: str = "consent", share_id: int = 1) -> ShareFact:
    return ShareFact(id=share_id, case_id=1, kind=kind, status=status, organisation_id=org, sector=sector,
                     granted_at=at(minute), responded_at=at(answered) if answered is not None else None,
                     consent_id=None, basis=basis)


def consent(minute: float, org: int | None = SHELTER, sector: str = "", purpose: str = "share_organisation",
            withdrawn: dt.date | None = None, consent_id: int = 1) -> ConsentFact:
    return ConsentFact(id=consent_id, case_id=1, purpose=purpose, organisation_id=org, sector=sector,
                       recorded_at=at(minute), withdrawn_on=withdrawn)


def record(**facts) -> TeamRecord:
    return TeamRecord(realm_id=7, methods_of_control=METHODS, organisations=ORGS, **facts)


def check(act: dict, rec: TeamRecord, clk: Clock | None = None):
    return evaluate_action(act, rec, clk or clock())


# -- screening_completed ---------------------------------------------------------------------------------------

SCREEN = action("screening_completed", catalogue="ilo-ec-operational", indicators=["dr-job-nature", "cd-debt"],
                within_minutes=90)


def test_a_screening_holding_every_indicator_is_met_at_its_time():
    result = check(SCREEN, record(screenings=(screening(42, {("ilo-ec-operational", "dr-job-nature"),
                                                               ("ilo-ec-operational", "cd-debt")}),)))
    assert (result.status, result.at, result.stamp) == (MET, at(42), "00:42")
    assert result.reason == "met at 00:42: screening 1 holds dr-job-nature, cd-debt (ilo-ec-operational)"


def test_a_screening_missing_one_indicator_is_not_met_and_says_which():
    rec = record(screenings=(screening(42, {("ilo-ec-operational", "dr-job-nature")}),))
    result = check(SCREEN, rec, clock(finished=True))
    assert result.status == NOT_MET and "lacks cd-debt" in result.reason
    # while running, inside the window: not yet
    assert check(SCREEN, rec, clock(now=60)).status == NOT_YET


def test_the_window_edge_exactly_at_the_limit_is_met_a_second_later_is_not():
    yes = {("ilo-ec-operational", "dr-job-nature"), ("ilo-ec-operational", "cd-debt")}
    assert check(SCREEN, record(screenings=(screening(90, yes),))).status == MET
    late = check(SCREEN, record(screenings=(screening(90 + 1 / 60, yes),)))
    assert late.status == NOT_MET and "after the limit of 01:30" in late.reason


def test_running_past_the_limit_with_nothing_done_is_not_met():
    result = check(SCREEN, record(), clock(now=91))
    assert result.status == NOT_MET and result.reason == "not met at 01:30: no screening was submitted by 01:30"


def test_a_screening_of_the_seeded_world_before_the_start_never_counts():
    yes = {("ilo-ec-operational", "dr-job-nature"), ("ilo-ec-operational", "cd-debt")}
    assert check(SCREEN, record(screenings=(screening(-5, yes),)), clock(finished=True)).status == NOT_MET


def test_ilo_11_indicators_are_recognised_through_the_htcds_crosswalk_when_not_asked():
    ilo = action("screening_completed", catalogue="ilo-11", indicators=["deception", "debt-bondage"])
    asked_operational = screening(10, {("ilo-ec-operational", "dr-job-nature"), ("ilo-ec-operational", "cd-debt")})
    assert check(ilo, record(screenings=(asked_operational,))).status == MET
    # A catalogue that was asked is answered directly: no crosswalk stands in for a "no".
    asked_ilo = screening(10, {("ilo-11", "deception"), ("ilo-ec-operational", "cd-debt")},
                          catalogues=("ilo-11", "ilo-ec-operational"))
    assert check(ilo, record(screenings=(asked_ilo,)), clock(finished=True)).status == NOT_MET
    # An indicator with no method of control, or "Other", is never crosswalked.
    vague = action("screening_completed", catalogue="ilo-11", indicators=["abuse-of-vulnerability"])
    other = screening(10, {("ilo-ec-operational", "cd-forced-tasks")})
    assert check(vague, record(screenings=(other,)), clock(finished=True)).status == NOT_MET


# -- case_opened ----------------------------------------------------------------------------------------------

def test_a_case_naming_the_type_is_met_from_when_its_types_last_changed():
    opened = action("case_opened", exploitation_type="ForcedLabour", within_minutes=60)
    result = check(opened, record(cases=(case(5, changed=20),)))
    assert (result.status, result.stamp) == (MET, "00:20")
    assert check(opened, record(cases=(case(5, changed=61),))).status == NOT_MET


def test_a_case_of_another_type_is_not_met_and_names_what_it_holds():
    opened = action("case_opened", exploitation_type="SexualExploitation")
    result = check(opened, record(cases=(case(5),)), clock(finished=True))
    assert result.status == NOT_MET and "ForcedLabour" in result.reason
    assert check(opened, record(cases=(case(-1, types=("SexualExploitation",)),)),
                 clock(finished=True)).status == NOT_MET  # seeded before the start


# -- referral_accepted_by_sector, after an inject ---------------------------------------------------------------

SHELTERED = action("referral_accepted_by_sector", sector="ngo", within_minutes=120, after_inject="inj-04")


def test_a_referral_accepted_by_the_sector_within_the_window_after_the_inject_is_met():
    rec = record(shares=(share(30, answered=42),), cases=(case(),))
    result = check(SHELTERED, rec, clock(releases={"inj-04": 10}))
    assert result.status == MET
    assert result.reason == ("met at 00:42: referral of case X1-2026-000001 accepted by New Start house (ngo)")


def test_the_window_runs_from_the_inject_release():
    rec = record(shares=(share(30, answered=131),))
    assert check(SHELTERED, rec, clock(releases={"inj-04": 10})).status == NOT_MET  # limit 02:10
    assert check(SHELTERED, rec, clock(releases={"inj-04": 11})).status == MET  # limit 02:11


def test_before_the_inject_is_out_nothing_done_is_not_yet_and_never_released_is_not_met():
    assert check(SHELTERED, record(), clock(now=500)).status == NOT_YET
    final = check(SHELTERED, record(), clock(finished=True))
    assert final.status == NOT_MET and "inj-04 was never released" in final.reason
    # done before the cue: early is not late
    assert check(SHELTERED, record(shares=(share(3, answered=4),)), clock(finished=True)).status == MET


def test_pending_declined_or_other_sector_referrals_do_not_count():
    for fact in (share(30, status="pending"), share(30, status="declined", answered=40),
                 share(30, sector="social_services", answered=40), share(30, kind="share", answered=40)):
        result = check(SHELTERED, record(shares=(fact,)), clock(finished=True, releases={"inj-04": 10}))
        assert result.status == NOT_MET, fact


# -- child procedure, financial investigation, reasonable grounds ------------------------------------------------

def test_child_procedure_step_and_the_other_step_is_not_it():
    guardian = action("child_procedure_started", step="appoint_guardian", within_minutes=120)
    assert check(guardian, record(nrm_events=(NrmFact(1, "appoint_guardian", "", at(50)),))).status == MET
    rec = record(nrm_events=(NrmFact(1, "best_interests_assessment", "", at(50)),))
    assert check(guardian, rec, clock(finished=True)).status == NOT_MET


def test_financial_investigation_is_any_share_or_referral_to_the_fiu():
    fiu = action("financial_investigation_requested", within_minutes=60, after_inject="inj-10")
    for kind in ("share", "referral"):
        rec = record(shares=(share(130, org=FIU, sector="fiu", kind=kind, status="pending"),))
        result = check(fiu, rec, clock(releases={"inj-10": 120}))
        assert result.status == MET and "Dreamland FIU (fiu)" in result.reason
    late = record(shares=(share(181, org=FIU, sector="fiu", kind="share"),))
    assert check(fiu, late, clock(releases={"inj-10": 120})).status == NOT_MET
    assert check(fiu, record(shares=(share(30),)), clock(finished=True)).status == NOT_MET


def test_reasonable_grounds_with_the_outcome_and_the_other_outcome_is_not_met():
    positive = action("reasonable_grounds_decided", outcome="positive")
    assert check(positive, record(nrm_events=(NrmFact(1, "reasonable_grounds", "positive", at(80)),))).status == MET
    negative = check(positive, record(nrm_events=(NrmFact(1, "reasonable_grounds", "negative", at(80)),)),
                     clock(finished=True))
    assert negative.status == NOT_MET and "was negative, not positive" in negative.reason


# -- consent before sharing --------------------------------------------------------------------------------------

CONSENT = action("consent_before_sharing")


def test_a_share_before_any_consent_is_not_met_and_says_when():
    rec = record(shares=(share(30, basis="legal_basis"),), consents=(consent(35),), cases=(case(),))
    result = check(CONSENT, rec)
    assert result.status == NOT_MET
    assert result.reason == ("not met at 00:30: case X1-2026-000001 was sent (referral) to New Start house (ngo) "
                             "at 00:30 before any consent to it")


def test_consent_to_the_sector_covers_and_to_another_organisation_does_not():
    assert check(CONSENT, record(shares=(share(30),), consents=(consent(20, org=None, sector="ngo",
                                                                        purpose="share_sector"),))).status == MET
    assert check(CONSENT, record(shares=(share(30),), consents=(consent(20, org=FIU),))).status == NOT_MET
    assert check(CONSENT, record(shares=(share(30),), consents=(consent(20, purpose="assistance"),))).status \
        == NOT_MET


def test_a_consent_withdrawn_before_the_share_does_not_cover_it():
    withdrawn = consent(20, withdrawn=(START - dt.timedelta(days=1)).date())
    assert check(CONSENT, record(shares=(share(30),), consents=(withdrawn,))).status == NOT_MET


def test_the_child_procedure_is_the_law_not_a_skipped_consent():
    rec = record(shares=(share(30, sector="social_services", kind="share", basis="child_procedure"),))
    assert check(CONSENT, rec).status == MET


def test_no_share_at_all_is_not_yet_while_running_and_not_met_at_the_end():
    assert check(CONSENT, record(), clock()).status == NOT_YET
    assert check(CONSENT, record(), clock(finished=True)).status == NOT_MET


EVENTS = st.lists(st.tuples(st.sampled_from(["consent", "share"]), st.sampled_from([SHELTER, FIU])),
                  min_size=1, max_size=8)


@given(EVENTS)
def test_consent_before_sharing_holds_exactly_when_every_share_follows_a_consent_to_its_organisation(events):
    consents, shares, given_to, expected = [], [], set(), True
    for minute, (what, org) in enumerate(events, start=1):
        if what == "consent":
            consents.append(consent(minute, org=org, consent_id=minute))
            given_to.add(org)
        else:
            shares.append(share(minute, org=org, sector="fiu" if org == FIU else "ngo", share_id=minute))
            expected = expected and org in given_to
    result = check(CONSENT, record(consents=tuple(consents), shares=tuple(shares)), clock(finished=True))
    if not shares:
        assert result.status == NOT_MET  # nothing shared: never put to the test
    else:
        assert (result.status == MET) == expected


# -- score, releases, the run's clock ----------------------------------------------------------------------------

def test_the_score_is_tallied_by_objective_and_capability_target():
    actions = [dict(action("case_opened", exploitation_type="ForcedLabour"), id="a", objective="lo-1",
                    capability_target="ct-1"),
               dict(action("reasonable_grounds_decided", outcome="positive"), id="b", objective="lo-1",
                    capability_target="ct-2")]
    tally = score(evaluate(actions, record(cases=(case(),)), clock(finished=True)))
    assert (tally.met, tally.total) == (1, 2)
    assert (tally.by_objective["lo-1"].met, tally.by_objective["lo-1"].total, tally.by_objective["lo-1"].percent) \
        == (1, 2, 50)
    assert tally.by_capability_target["ct-1"].met == 1 and tally.by_capability_target["ct-2"].met == 0


def test_releases_follow_the_msel_timing_triggers_and_chains():
    injects = [{"id": "inj-01", "at": "00:10"},
               {"id": "inj-04", "trigger": {"event": "screening_completed", "catalogue": "ilo-ec-operational"}},
               {"id": "inj-05", "trigger": {"after": "inj-04", "minutes": 30}},
               {"id": "inj-06", "trigger": {"event": "referral_accepted", "sector": "ngo", "minutes": 5}},
               {"id": "inj-09", "trigger": {"event": "manual"}},
               {"id": "inj-10", "at": "09:00"}]
    rec = record(screenings=(screening(-3, set()), screening(12, set())), shares=(share(20, answered=25),))
    found = releases_from_msel(injects, rec, clock(now=120))
    assert found == {"inj-01": at(10), "inj-04": at(12), "inj-05": at(42), "inj-06": at(30)}
    assert releases_from_msel(injects, rec, clock(now=120, releases={"inj-09": 50}))["inj-09"] == at(50)


def test_a_paused_clock_does_not_eat_into_the_window():
    # Paused from 00:30 to 01:30 real time: scenario minutes stand still meanwhile.
    def minutes_at(when: dt.datetime) -> float:
        real = (when - START).total_seconds() / 60
        return real if real <= 30 else max(30, real - 60)

    yes = {("ilo-ec-operational", "dr-job-nature"), ("ilo-ec-operational", "cd-debt")}
    paused = clock(now=600, minutes_at=minutes_at)
    result = check(SCREEN, record(screenings=(screening(140, yes),)), paused)  # scenario 01:20
    assert (result.status, result.stamp) == (MET, "01:20")
    assert check(SCREEN, record(screenings=(screening(151, yes),)), paused).status == NOT_MET  # scenario 01:31


def test_the_timeline_orders_the_teams_key_decisions_in_scenario_time():
    from alliance.exercises.domain.evaluation import timeline

    rec = record(cases=(case(5, changed=7),), consents=(consent(20),), shares=(share(30, answered=42),),
                 nrm_events=(NrmFact(1, "reasonable_grounds", "positive", at(80)),),
                 screenings=(screening(-1, set()), screening(3, set(), screening_id=2)))
    moments = timeline(rec, clock())
    assert [m.stamp for m in moments] == ["00:03", "00:05", "00:07", "00:20", "00:30", "00:42", "01:20"]
    assert "on consent" in moments[4].what and "(positive)" in moments[-1].what
