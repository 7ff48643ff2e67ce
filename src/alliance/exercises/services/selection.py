"""The selection run of a call and the notifications that follow it.

The rules live in domain/selection.py; this module feeds them the confirmed applicants and the call, stores
every decision with its reason in one transaction, and tells each applicant in their own language.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed
from alliance.exercises.domain import selection as rules
from alliance.exercises.models import Applicant, SelectionRun
from alliance.exercises.models.programmes import PROFESSIONS
from alliance.exercises.selectors.programmes import PERSONAL_FIELDS, applicants_of_call, call_get_for

_PROFESSION_LABELS = dict(PROFESSIONS)


def _candidate(applicant: Applicant, call) -> tuple[rules.Candidate, bool]:
    call_rules = rules.CallRules(profiles=frozenset(call.profiles), min_years=call.min_years,
                                 nomination_required=call.nomination_required, language=call.edition.language)
    problems = rules.eligibility_problems(
        profession=applicant.profession, years=applicant.years_experience, nominated=applicant.nominated,
        languages=applicant.languages, rules=call_rules,
        profession_label=lambda code: str(_PROFESSION_LABELS.get(code, code)))
    score = rules.weighted_score(criteria=call.criteria, years=applicant.years_experience,
                                 nominated=applicant.nominated, languages=applicant.languages,
                                 language=call.edition.language, ratings=applicant.ratings)
    return rules.Candidate(key=applicant.pk, score=score, country=applicant.country,
                           profession=applicant.profession, gender=applicant.gender,
                           refusal=tuple(problems)), not problems


def selection_run(*, actor: Actor, call_id: object) -> SelectionRun:
    """Decide every confirmed applicant of the call: selected, waiting list, refused, each with its reason.
    Runs again from scratch each time (new ratings, late confirmations); refused once the deadline passed
    only in that applications still arriving would be decided without being seen."""
    call = call_get_for(actor=actor, call_id=call_id, action=R.APPLICATION_REVIEW)
    if timezone.now() < call.deadline:
        raise ValidationFailed(_("The call is still open: select after its deadline."))
    with transaction.atomic(), audit.deferred():
        # Selection reads no name, e-mail or free text: those columns are not even decrypted.
        applicants = list(applicants_of_call(actor=actor, call=call).defer(*PERSONAL_FIELDS)
                          .select_for_update(of=("self",)))
        candidates = {}
        for applicant in applicants:
            candidate, eligible = _candidate(applicant, call)
            candidates[applicant.pk] = (candidate, eligible)
        decided = rules.select([c for c, _ok in candidates.values()],
                               rules.rules_from(call.edition.capacity, call.quotas))
        now = timezone.now()
        for applicant in applicants:
            candidate, eligible = candidates[applicant.pk]
            decision = decided[applicant.pk]
            applicant.eligible = eligible
            applicant.score = candidate.score
            applicant.decision = decision.outcome
            applicant.rank = decision.rank
            applicant.reason = decision.reason
            applicant.decided_at = now
            applicant.notified_at = None
        Applicant.objects.bulk_update(applicants, ["eligible", "score", "decision", "rank", "reason", "decided_at",
                                                   "notified_at"])
        for applicant in applicants:
            audit.record(actor=actor, action="update", object_type="applicant", object_id=applicant.pk,
                         fields=["eligible", "score", "decision", "rank", "reason"], reason="selection run")
        counts = {outcome: sum(1 for a in applicants if a.decision == outcome)
                  for outcome in (rules.SELECTED, rules.WAITING, rules.REFUSED)}
        run = SelectionRun.objects.create(call=call, run_by_id=actor.user_id, run_at=now,
                                          selected=counts[rules.SELECTED], waiting=counts[rules.WAITING],
                                          refused=counts[rules.REFUSED])
        audit.record(actor=actor, action="create", object_type="selection_run", object_id=run.pk,
                     reason=f"call {call.pk}")
    return run


def _message(applicant: Applicant, edition) -> tuple[str, str]:
    with translation.override(applicant.language):
        title = edition.title
        if applicant.decision == rules.SELECTED:
            subject = _("You are selected: %(edition)s") % {"edition": title}
            body = _("Dear %(name)s,\n\nwe are glad to tell you that you are selected for %(edition)s (%(venue)s, "
                     "%(start)s to %(end)s). Administrative details follow.")
        elif applicant.decision == rules.WAITING:
            subject = _("Waiting list: %(edition)s") % {"edition": title}
            body = _("Dear %(name)s,\n\nthank you for applying to %(edition)s (%(venue)s, %(start)s to %(end)s). "
                     "All places are filled for now; you are on the waiting list at position %(rank)s and we will "
                     "write again if a place becomes free.")
        else:
            subject = _("Your application: %(edition)s") % {"edition": title}
            body = _("Dear %(name)s,\n\nthank you for applying to %(edition)s. We are sorry that we cannot offer "
                     "you a place: the call's requirements were not met.")
        body = body % {"name": applicant.given_name, "edition": title, "venue": edition.venue,
                       "start": edition.starts_on.isoformat(), "end": edition.ends_on.isoformat(),
                       "rank": applicant.rank}
    return subject, body


def applicants_notify(*, actor: Actor, call_id: object) -> int:
    """Mail every decided applicant not yet told, in their own language. Returns how many were told."""
    call = call_get_for(actor=actor, call_id=call_id, action=R.APPLICATION_REVIEW)
    told = 0
    with transaction.atomic(), audit.deferred():
        pending = list(applicants_of_call(actor=actor, call=call).select_for_update(of=("self",))
                       .exclude(decision="").filter(notified_at__isnull=True, erased_at__isnull=True))
        if not pending:
            raise ValidationFailed(_("Nobody is waiting to be told: run the selection first."))
        now = timezone.now()
        for applicant in pending:
            subject, body = _message(applicant, call.edition)
            email = applicant.email
            transaction.on_commit(lambda s=subject, b=body, e=email: send_mail(s, b, None, [e]))
            applicant.notified_at = now
            audit.record(actor=actor, action="view", object_type="applicant", object_id=applicant.pk,
                         fields=["given_name", "email"], reason="decision notified")
            told += 1
        Applicant.objects.bulk_update(pending, ["notified_at"])
        SelectionRun.objects.filter(call=call, notified_at__isnull=True).update(notified_at=now)
    return told
