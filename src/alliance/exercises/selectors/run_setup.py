"""Reads for the run set-up pages: the scenario versions and programme editions a co-ordinator may use, the
people who may play (selected applicants who hold an account, accounts named by e-mail), a prepared run's
people. Each needs RUN_MANAGE; each read of an applicant's or account holder's details is audited."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden
from alliance.directory.models import User
from alliance.exercises.models import Applicant, Edition, ExerciseRun, RunStaff, ScenarioPackage, TeamSeat
from alliance.exercises.selectors.runs import run_get_for


def _manager(actor: Actor) -> None:
    if not policy.may_manage_runs(actor):
        audit.record(actor=actor, action="denied", object_type="exercise_run", object_id=None, reason="run.manage")
        raise Forbidden("run.manage")


def scenarios_for_runs(*, actor: Actor) -> QuerySet[ScenarioPackage]:
    _manager(actor)
    return ScenarioPackage.objects.defer("sources").order_by("slug", "-imported_at")


def editions_for_runs(*, actor: Actor) -> QuerySet[Edition]:
    _manager(actor)
    if not policy.may(actor, R.PROGRAMME_MANAGE):
        return Edition.objects.none()
    return (Edition.objects.filter(programme__in=policy.PROGRAMME.scope(actor, R.PROGRAMME_MANAGE))
            .select_related("programme").order_by("-starts_on", "id"))


def edition_trainees_for(*, actor: Actor, edition_id: int) -> list[dict]:
    """The edition's selected applicants who hold an active account under the e-mail they applied with, in
    the order of the selection: [{"user": User, "name": "Given Family"}]. One audited list read."""
    edition = editions_for_runs(actor=actor).filter(pk=edition_id).first() if type(edition_id) is int else None
    if edition is None:
        return []
    selected = list(policy.APPLICANT.scope(actor, R.APPLICATION_REVIEW).filter(
        call__edition=edition, decision=Applicant.Decision.SELECTED, erased_at__isnull=True)
        .order_by("rank", "id"))
    by_email = {(a.email or "").strip().lower(): a for a in selected if a.email}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=list(by_email), is_active=True)}
    audit.record(actor=actor, action="list", object_type="applicant", object_id=edition.pk,
                 fields=["given_name", "family_name", "email"],
                 reason=f"run set-up, edition {edition.pk}: {len(selected)} selected, {len(users)} with accounts")
    return [{"user": users[email], "name": f"{a.given_name} {a.family_name}".strip()}
            for email, a in by_email.items() if email in users]


def accounts_by_email(*, actor: Actor, emails: list[str]) -> tuple[dict[str, User], list[str]]:
    """Active accounts named by exact e-mail address (no browsing of the directory): (found, unknown)."""
    _manager(actor)
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    found = {u.email.lower(): u for u in User.objects.filter(email__in=wanted, is_active=True)}
    if wanted:
        audit.record(actor=actor, action="view", object_type="user", object_id=None, fields=["email"],
                     reason=f"run set-up: {len(found)} of {len(wanted)} accounts found")
    return found, [e for e in wanted if e not in found]


def run_people_for(*, actor: Actor, run_id: int) -> dict:
    """A run's staff and each team's trainees with their seats, for the staff page."""
    _manager(actor)
    run: ExerciseRun = run_get_for(actor=actor, run_id=run_id, what=policy.RUN_CONTROL)
    staff = list(RunStaff.objects.filter(run=run).select_related("user").order_by("part", "user__email"))
    teams = []
    for team in run.teams.all():
        seats = {s.user_id: s for s in TeamSeat.objects.filter(team=team).exclude(user=None)}
        teams.append({"team": team, "trainees": [{"user": u, "seat": seats.get(u.pk)}
                                                 for u in team.trainees.order_by("email")]})
    cards = {c["id"]: c for c in run.scenario.content.get("roleplayers.yaml", {}).get("cards", [])}
    audit.record(actor=actor, action="view", object_type="exercise_run", object_id=run.pk, fields=["staff", "trainees"])
    return {"run": run, "staff": staff, "teams": teams, "cards": cards}


def coordinator_summary_for(*, actor: Actor) -> dict:
    """Figures for the co-ordinator's home card: runs in preparation and running, open calls and how many
    applied to them (counts only: no applicant is read)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from alliance.exercises.models import Call

    _manager(actor)
    S = ExerciseRun.Status
    runs = policy.run_scope(actor, policy.RUN_VIEW, ExerciseRun.objects.all())
    summary = {"preparing": runs.filter(status__in=[S.PREPARING, S.PREPARED]).count(),
               "running": runs.filter(status__in=[S.RUNNING, S.PAUSED]).count(), "calls": 0, "applicants": 0}
    if policy.may(actor, R.PROGRAMME_MANAGE):
        calls = (Call.objects.filter(published=True, deadline__gt=timezone.now(),
                                     edition__programme__in=policy.PROGRAMME.scope(actor, R.PROGRAMME_MANAGE))
                 .annotate(n=Count("applicants", filter=Q(applicants__confirmed_at__isnull=False))))
        summary["calls"] = len(calls)
        summary["applicants"] = sum(c.n for c in calls)
    return summary
