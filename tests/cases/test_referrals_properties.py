"""Property: random sequences of refer, accept, decline, revoke, done and consent withdrawal, by random roles of
random organisations, never reach an invalid state and never succeed outside the actor's rights; a refused
step changes nothing."""

from __future__ import annotations

from django.test import TestCase
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from alliance.cases.models import Case, CaseShare, Consent, Notification
from alliance.cases.services import case_create, consent_record, consent_withdraw
from alliance.cases.services.referrals import (
    TABLE,
    case_refer,
    referral_accept,
    referral_decline,
    referral_done,
    referral_revoke,
)
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from tests import factories

ORGS = ("police", "shelter", "refuge", "social")
# Every role that can touch a case, plus ones that cannot (an auditor; a trainer, rightless in the live realm).
ROLES = [R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR, R.PROSECUTOR, R.COMPETENT_AUTHORITY, R.AUDITOR,
         R.TRAINER]
FINAL = {"declined", "revoked", "done"}
REFUSED = (Forbidden, NotFound, ValidationFailed)
# Half the draws come from the roles that can act, half from every role, so that sequences get far enough.
ROLE = st.one_of(st.sampled_from([R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR]), st.sampled_from(ROLES))
LEGAL_BASIS = "Immediate danger to the person's life, owner's duty of care"


class ReferralMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        sectors = {"police": "law_enforcement", "shelter": "ngo", "refuge": "ngo", "social": "social_services"}
        self.orgs = {key: factories.organisation(sector=sector) for key, sector in sectors.items()}
        self.actors: dict = {}
        self.case = case_create(actor=self.actor("police", R.CASE_WORKER), given_name="Prop", family_name="Erty")
        for key in ("shelter", "refuge"):  # the person agreed to these two; not to social services
            consent_record(actor=self.actor("police", R.CASE_WORKER), case_id=self.case.pk,
                           purpose="share_organisation", organisation_id=self.orgs[key].pk, language="en")
        self.owner = self.orgs["police"].pk
        # One referral waits from the start, so that answers have something to act on at once.
        case_refer(actor=self.actor("police", R.CASE_WORKER), case_id=self.case.pk,
                   organisation_id=self.orgs["shelter"].pk, scope="limited", purpose="p")

    def actor(self, org: str, role: str):
        if (org, role) not in self.actors:
            self.actors[org, role] = factories.actor(factories.member(self.orgs[org], [role]))
        return self.actors[org, role]

    def snapshot(self):
        case = Case.objects.get(pk=self.case.pk)
        shares = CaseShare.objects.filter(case=case).order_by("pk")
        return (case.owner_organisation_id,
                [(s.pk, s.status, s.revoked_at, s.organisation_id, s.response_reason) for s in shares],
                Consent.objects.filter(case=case, withdrawn_on__isnull=True).count(), Notification.objects.count())

    def pick(self, index: int) -> CaseShare:
        """Mostly one still in force (index 0-19), sometimes any (index 20-29)."""
        shares = list(CaseShare.objects.filter(case=self.case).order_by("pk"))
        live = [s for s in shares if s.revoked_at is None] if index < 20 else []
        return (live or shares)[index % len(live or shares)]

    def org_key(self, organisation_id: int | None) -> str:
        return next(key for key, org in self.orgs.items() if org.pk == organisation_id)

    @rule(who=st.one_of(st.just("owner"), st.sampled_from(ORGS)), role=ROLE, to=st.sampled_from(ORGS),
          kind=st.sampled_from(["referral", "transfer", "transfer", "share"]),
          scope=st.sampled_from(["full", "limited"]), with_basis=st.booleans())
    def refer(self, who, role, to, kind, scope, with_basis):
        org = self.org_key(self.owner) if who == "owner" else who
        actor, before = self.actor(org, role), self.snapshot()
        active_before = set(CaseShare.objects.filter(case=self.case, revoked_at__isnull=True)
                            .values_list("organisation_id", flat=True))
        try:
            share = case_refer(actor=actor, case_id=self.case.pk, organisation_id=self.orgs[to].pk, kind=kind,
                               scope=scope, purpose="p", legal_basis=LEGAL_BASIS if with_basis else "")
        except REFUSED:
            assert self.snapshot() == before, "a refused referral changed something"
            return
        # It went through: only the owner's staff who may share, to someone else, once at a time, on a basis.
        assert self.orgs[org].pk == self.owner and R.CASE_SHARE in actor.actions
        assert self.orgs[to].pk != self.owner and self.orgs[to].pk not in active_before
        assert kind in ("referral", "transfer") and (kind == "referral" or scope == "full")
        assert share.consent_id is not None or (with_basis and R.CASE_OVERRIDE in actor.actions)
        assert share.status == "pending" and share.respond_by is not None
        event(f"sent {kind}")

    # Actors come from the referral's two sides more often than from anywhere; any organisation still comes up.
    @rule(who=st.one_of(st.sampled_from(["receiver", "sender"]), st.sampled_from(["owner", *ORGS])), role=ROLE,
          index=st.integers(0, 30), step=st.sampled_from(["accept", "decline", "revoke", "done"]),
          reason=st.sampled_from(["", "Because", "Because"]))
    def answer(self, who, role, index, step, reason):
        share = self.pick(index)
        org = {"receiver": share.organisation_id, "sender": share.from_organisation_id, "owner": self.owner}.get(who)
        org = self.org_key(org) if who in ("receiver", "sender", "owner") else who
        actor, before = self.actor(org, role), self.snapshot()
        owner_before, status_before = self.owner, share.status
        calls = {"accept": lambda: referral_accept(actor=actor, share_id=share.pk),
                 "decline": lambda: referral_decline(actor=actor, share_id=share.pk, reason=reason),
                 "revoke": lambda: referral_revoke(actor=actor, share_id=share.pk, reason=reason),
                 "done": lambda: referral_done(actor=actor, share_id=share.pk, reason=reason)}
        try:
            done = calls[step]()
        except REFUSED:
            assert self.snapshot() == before, "a refused step changed something"
            return
        assert step in TABLE[(share.kind, status_before)], "a step outside the transition table went through"
        if step == "revoke":
            assert self.orgs[org].pk in {share.from_organisation_id, owner_before} and R.CASE_SHARE in actor.actions
        else:
            assert self.orgs[org].pk == share.organisation_id and policy.may_answer(actor.actions)
        if step in ("decline", "revoke"):
            assert reason
        if share.kind == "transfer" and step == "accept":
            self.owner = share.organisation_id
        assert done.status == TABLE[(share.kind, status_before)][step]
        event(f"{share.kind} {step}")

    @rule(to=st.sampled_from(["shelter", "refuge"]))
    def consent_again(self, to):
        """The person agrees (again) to one of the two NGOs, recorded by the owner's case worker."""
        org = self.org_key(self.owner)
        consent_record(actor=self.actor(org, R.CASE_WORKER), case_id=self.case.pk, purpose="share_organisation",
                       organisation_id=self.orgs[to].pk, language="en")

    @rule(who=st.sampled_from(["owner", *ORGS]), role=ROLE, index=st.integers(0, 5))
    def withdraw_consent(self, who, role, index):
        org = self.org_key(self.owner) if who == "owner" else who
        consents = list(Consent.objects.filter(case=self.case, withdrawn_on__isnull=True).order_by("pk"))
        if not consents:
            return
        actor, before = self.actor(org, role), self.snapshot()
        try:
            consent_withdraw(actor=actor, consent_id=consents[index % len(consents)].pk)
        except REFUSED:
            assert self.snapshot() == before
            return
        assert self.orgs[org].pk == self.owner and R.CASE_SHARE in actor.actions

    @invariant()
    def ownership_moves_only_on_an_accepted_transfer(self):
        assert Case.objects.get(pk=self.case.pk).owner_organisation_id == self.owner

    @invariant()
    def every_share_is_in_a_valid_state(self):
        active = []
        for share in CaseShare.objects.filter(case=self.case):
            ended = share.revoked_at is not None
            if share.status in FINAL or (share.kind == "transfer" and share.status == "accepted"):
                assert ended, f"{share.kind} {share.status} still in force"
            else:
                assert not ended and share.status in ("pending", "accepted")
                active.append(share.organisation_id)
            assert (share.status == "done") == (share.done_at is not None)
            if share.status in ("accepted", "declined", "done"):
                assert share.responded_at is not None and share.responded_by_id is not None
            assert share.kind != "share" or share.status in ("accepted", "revoked")
            assert share.kind != "transfer" or share.scope == "full"
        assert len(active) == len(set(active)), "two active shares with one organisation"
        assert self.owner not in active, "the owner holds a share of its own case"
        assert CaseShare.objects.filter(case=self.case, kind="transfer", status="pending").count() <= 1


class TestReferralWorkflows(TestCase):
    def test_random_referral_workflows(self):
        run_state_machine_as_test(ReferralMachine, settings=settings(
            max_examples=60, stateful_step_count=30, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
