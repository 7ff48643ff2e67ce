"""The after-action report of a run: every team against every expected action (each team's part is the
per-team debrief of selectors/evaluation.py, not a second evaluation), results by learning objective, the
timeline of key decisions against the expected times, observations (the decision log and the observers'
ratings), the trainees' feedback (anonymous), the improvement plan, attendance and the run's figures.

Before the run is archived the teams' parts are read from their sandboxes; an archived run's come from the
snapshot taken just before its sandboxes were purged (services/after_action.py), in the same shape, so the
page, the PDF and the JSON do not care which. Who may read it: core/policy/after_action.py.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from alliance.core import audit, policy
from alliance.core.actor import Actor, system_actor
from alliance.core.errors import NotFound
from alliance.core.models import AuditEvent
from alliance.exercises.domain import after_action as rules
from alliance.exercises.domain.scenario_package import text_in
from alliance.exercises.models import (
    AfterActionSnapshot,
    AttendanceMark,
    Certificate,
    DecisionLogEntry,
    ExerciseRun,
    FeedbackResponse,
    ImprovementItem,
    Team,
    TeamSeat,
)
from alliance.exercises.models.after_action import FEEDBACK_CODES
from alliance.exercises.selectors import evaluation

Status = ExerciseRun.Status
_PLAYED = (Status.RUNNING, Status.PAUSED, Status.FINISHED, Status.ARCHIVED)


MAX_OWNERS = 500


def improvement_choices() -> tuple[list, list]:
    """Who may be named responsible for an improvement item: the live agencies of the directory and the
    people with an active account in one (public directory data; a sandbox's agencies go with its purge)."""
    from alliance.directory.models import Organisation, User

    organisations = list(Organisation.objects.filter(sandbox__isnull=True).order_by("name"))
    owners = list(User.objects.filter(is_active=True, memberships__is_active=True,
                                      memberships__organisation__sandbox__isnull=True)
                  .distinct().order_by("display_name", "pk")[:MAX_OWNERS])
    return organisations, owners


def run_for(*, actor: Actor, run_id, may) -> ExerciseRun:
    """The run, when `may(actor, run)` holds; "not found" alike for a missing and a forbidden one."""
    run = ExerciseRun.objects.select_related("scenario").filter(pk=run_id).first() if type(run_id) is int else None
    if run is None or not may(actor, run):
        audit.record(actor=actor, action="denied", object_type="after_action", object_id=run_id,
                     reason=getattr(may, "__name__", "after_action"))
        raise NotFound("exercise_run")
    return run


def _evaluator(actor: Actor, run: ExerciseRun) -> Actor:
    """Who reads the sandboxes for the report. core/policy/after_action.py has granted the report to this
    actor; the run's controllers and observers and the training co-ordinators evaluate the run themselves
    (core/policy/evaluation.py), and for anyone else the report grants (a programme manager) the
    installation reads on their behalf, the report's own audit row naming them."""
    if policy.may_evaluate_run(actor, run):
        return actor
    return system_actor(realm_id=actor.realm_id, channel="job")


def team_section(*, actor: Actor, run: ExerciseRun, team: Team) -> dict:
    """One team's part of the report, as plain data (what the snapshot keeps)."""
    now = run.finished_at or timezone.now()
    debrief = evaluation.debrief_for(actor=actor, run_id=run.pk, team_id=team.pk, now=now)
    minutes_at = evaluation.played_minutes(run=run)
    releases = {k: minutes_at(v) for k, v in debrief.evaluation.releases.items()}
    actions = {a["id"]: a for a in evaluation.expected_actions_of(package=debrief.package)}
    results = []
    for r in debrief.evaluation.results:
        due = rules.expected_minutes(actions.get(r.action_id, {}).get("check", {}), releases)
        results.append({"action_id": r.action_id, "objective": r.objective, "capability_target": r.capability_target,
                        "status": r.status, "stamp": r.stamp, "reason": r.reason, "expected": rules.hhmm(due)})
    return {
        "number": team.number, "name": team.name,
        "met": debrief.evaluation.score.met, "total": debrief.evaluation.score.total,
        "by_objective": {k: {"met": v.met, "total": v.total} for k, v in debrief.evaluation.score.by_objective.items()},
        "results": results,
        "timeline": [{"stamp": m.stamp, "what": m.what} for m in debrief.timeline],
        "ratings": [{"capability_target": x.capability_target, "rating": x.rating, "notes": x.notes or ""}
                    for x in debrief.ratings],
        "log": [{"at": e.at.isoformat(), "kind": e.kind, "text": e.text} for e in debrief.log
                if e.team_id == team.pk],
        "active": sorted(_active_trainees(run, team)),
    }


def _active_trainees(run: ExerciseRun, team: Team) -> set[int]:
    """Trainees of the team with an audited action in its sandbox since the start (a page read counts)."""
    if team.realm_id is None or run.started_at is None:
        return set()
    trainees = list(team.trainees.values_list("pk", flat=True))
    return set(AuditEvent.objects.filter(realm_id=team.realm_id, user_id__in=trainees, at__gte=run.started_at)
               .exclude(action__in=["denied", "failed_login"]).values_list("user_id", flat=True).distinct())


def team_sections(*, actor: Actor, run: ExerciseRun) -> list[dict]:
    """Every team's part: from the snapshot once archived, else from the sandboxes (none before the start)."""
    kept = snapshot_sections(run=run)
    if kept is not None:
        return list(kept)
    if run.started_at is None or run.status not in _PLAYED:
        return []
    reader = _evaluator(actor, run)
    return [team_section(actor=reader, run=run, team=t) for t in run.teams.all() if t.realm_id is not None]


def _whole_run_log(run: ExerciseRun) -> list[dict]:
    """The decision log's entries about the whole exercise, not one team."""
    rows = DecisionLogEntry.objects.filter(run=run, team__isnull=True).order_by("at", "id")
    return [{"at": e.at.isoformat(), "kind": e.kind, "text": e.text} for e in rows]


def _package_texts(run: ExerciseRun) -> dict:
    content, lang = run.scenario.content, run.language
    meta = content.get("package.yaml") or {}
    return {
        "title": text_in(meta.get("title"), lang),
        "objectives": [{"id": o["id"], "text": text_in(o.get("text"), lang)}
                       for o in meta.get("learning_objectives", [])],
        "targets": [{"id": t["id"], "text": text_in(t.get("text"), lang)} for t in meta.get("capability_targets", [])],
        "actions": [{"id": a["id"], "objective": a["objective"], "capability_target": a["capability_target"],
                     "text": text_in(a.get("text"), lang)}
                    for a in (content.get("expected_actions.yaml") or {}).get("expected_actions", [])],
    }


def feedback_summary_for(*, run: ExerciseRun) -> dict:
    rows = [{**{q: getattr(f, q) for q in FEEDBACK_CODES}, "worked": f.worked, "improve": f.improve}
            for f in FeedbackResponse.objects.filter(run=run)]
    return rules.feedback_summary(rows, FEEDBACK_CODES)


def improvement_items_of(*, run: ExerciseRun) -> list[ImprovementItem]:
    today = timezone.localdate()
    items = list(ImprovementItem.objects.filter(run=run).select_related("organisation", "owner"))
    for item in items:
        item.overdue = rules.is_overdue(status=item.status, due_on=item.due_on, today=today)
    return items


def snapshot_sections(*, run: ExerciseRun) -> list[dict] | None:
    """The teams' parts kept at archive time, or None (not archived, or archived before snapshots)."""
    snapshot = AfterActionSnapshot.objects.filter(run=run).first() if run.status == Status.ARCHIVED else None
    return (snapshot.data or {}).get("teams") if snapshot is not None else None


def attendance_of(*, run: ExerciseRun, sections: list[dict] | None = None) -> list[dict]:
    """Every trainee of every team: attended or not, and why (a controller's mark, or sandbox activity).
    An archived run's activity is the snapshot's: its sandboxes, and their audit rows' realm, are gone."""
    sections = sections if sections is not None else snapshot_sections(run=run)
    marks = dict(AttendanceMark.objects.filter(run=run).values_list("trainee_id", "present"))
    active = {s["number"]: set(s.get("active") or ()) for s in (sections or [])}
    issued = set(Certificate.objects.filter(run=run).values_list("trainee_id", flat=True))
    # The accounts the run generated for seats no trainee took are nobody's attendance (gone at purge).
    generated = set(TeamSeat.objects.filter(team__run=run, generated=True).values_list("user_id", flat=True))
    rows = []
    for team in run.teams.prefetch_related("trainees"):
        acted = active[team.number] if team.number in active else _active_trainees(run, team)
        for user in team.trainees.exclude(pk__in=generated).order_by("display_name", "pk"):
            mark = marks.get(user.pk)
            rows.append({"team": team, "user": user, "active": user.pk in acted, "mark": mark,
                         "attended": run.started_at is not None and rules.attended(active=user.pk in acted, mark=mark),
                         "certificate": user.pk in issued})
    return rows


def attendance_row_attended(*, run: ExerciseRun, trainee_id: int) -> bool:
    return any(row["attended"] for row in attendance_of(run=run) if row["user"].pk == trainee_id)


def after_action_report_for(*, actor: Actor, run_id) -> dict:
    """The whole report of one run, for its page, its PDF and its JSON."""
    run = run_for(actor=actor, run_id=run_id, may=policy.may_view_after_action)
    texts = _package_texts(run)
    sections = team_sections(actor=actor, run=run)
    whole = _overall(sections, texts)
    ratings: dict[str, dict[str, int]] = {}
    for section in sections:
        for r in section["ratings"]:
            ratings.setdefault(r["capability_target"], {}).setdefault(r["rating"], 0)
            ratings[r["capability_target"]][r["rating"]] += 1
    report = {
        "run": run, **texts, "teams": sections, "overall": whole, "ratings_by_target": ratings,
        "log": _whole_run_log(run), "feedback": feedback_summary_for(run=run),
        "improvements": improvement_items_of(run=run), "attendance": attendance_of(run=run, sections=sections),
        "figures": run.figures or {}, "archived": run.status == Status.ARCHIVED,
        "provisional": run.status in (Status.RUNNING, Status.PAUSED),
        "may_keep": policy.may_keep_improvement_plan(actor, run),
    }
    audit.record(actor=actor, action="view", object_type="after_action", object_id=run.pk,
                 fields=["results", "ratings.notes", "decision_log.text", "feedback.worked", "feedback.improve",
                         "improvement.finding", "attendance"])
    return report


def _overall(sections: list[dict], texts: dict) -> dict:
    return rules.overall(sections, [o["id"] for o in texts["objectives"]], [a["id"] for a in texts["actions"]])


def improvement_plan_exported(*, actor: Actor, run: ExerciseRun) -> None:
    """The plan leaves as a file: audited as an export, beyond the report's view."""
    audit.record(actor=actor, action="export", object_type="improvement_item", object_id=run.pk,
                 fields=["finding", "corrective_action", "owner"], reason="csv")


def feedback_own_for(*, actor: Actor, run_id) -> tuple[ExerciseRun, FeedbackResponse | None]:
    """A trainee's own answers (to edit them); nobody reads another trainee's."""
    run = run_for(actor=actor, run_id=run_id, may=policy.is_trainee_of)
    own = FeedbackResponse.objects.filter(run=run, trainee_id=actor.user_id).first()
    if own is not None:
        audit.record(actor=actor, action="view", object_type="feedback_response", object_id=own.pk,
                     fields=["worked", "improve"])
    return run, own


def certificate_own_for(*, actor: Actor, run_id) -> Certificate:
    run = run_for(actor=actor, run_id=run_id, may=policy.is_trainee_of)
    certificate = Certificate.objects.filter(run=run, trainee_id=actor.user_id).first()
    if certificate is None:
        raise NotFound("certificate")
    audit.record(actor=actor, action="view", object_type="certificate", object_id=certificate.pk,
                 fields=["trainee_name", "code"])
    return certificate


def certificates_for(*, actor: Actor, run_id, trainee_id: int | None = None) -> list[Certificate]:
    """The run's issued certificates (or one trainee's), for its controllers and co-ordinators."""
    run = run_for(actor=actor, run_id=run_id, may=policy.may_keep_improvement_plan)
    rows = Certificate.objects.filter(run=run).select_related("run__scenario", "team")
    if trainee_id is not None:
        rows = rows.filter(trainee_id=trainee_id)
    found = list(rows)
    if trainee_id is not None and not found:
        raise NotFound("certificate")
    audit.record(actor=actor, action="export", object_type="certificate", object_id=run.pk,
                 fields=["trainee_name", "code"], reason=f"{len(found)} certificates")
    return found


def runs_of_trainee(*, actor: Actor) -> list[dict]:
    """The runs the actor played in as a trainee, with their feedback and certificate, for their own page."""
    if not actor.is_authenticated:
        return []
    teams = (Team.objects.filter(trainees__pk=actor.user_id).select_related("run__scenario")
             .filter(Q(run__status__in=[s.value for s in _PLAYED])).order_by("-run__created_at"))
    answered = set(FeedbackResponse.objects.filter(trainee_id=actor.user_id).values_list("run_id", flat=True))
    certified = set(Certificate.objects.filter(trainee_id=actor.user_id).values_list("run_id", flat=True))
    return [{"run": t.run, "team": t, "answered": t.run_id in answered, "certificate": t.run_id in certified,
             "open": policy.may_give_feedback(actor, t.run)}
            for t in teams if policy.trainee_team_of(actor, t.run) is not None]


def certificate_sheets(*, certificates: list[Certificate]) -> list[dict]:
    """What each certificate prints: the programme and edition (public once the call is out), the run and
    its scenario, the dates, the name as issued and the verification code. The caller has passed the gate."""
    from alliance.exercises.models import Edition

    editions = {e.pk: e for e in Edition.objects.filter(pk__in={c.run.edition_id for c in certificates})
                .select_related("programme")}
    sheets = []
    for c in certificates:
        run, edition = c.run, editions.get(c.run.edition_id)
        starts = edition.starts_on if edition else (run.started_at.date() if run.started_at else None)
        ends = edition.ends_on if edition else (run.finished_at.date() if run.finished_at else starts)
        sheets.append({"name": c.trainee_name or "", "code": c.code, "run": run.name,
                       "scenario": _package_texts(run)["title"], "team": c.team.name if c.team else "",
                       "programme": edition.programme.title if edition else "",
                       "edition": edition.title if edition else "", "venue": edition.venue if edition else "",
                       "starts_on": starts, "ends_on": ends, "issued_at": c.issued_at, "language": run.language})
    return sheets


def certificate_verified(*, actor: Actor, code: str) -> dict | None:
    """What the certificate with this code prints, or None when no certificate has it (never issued, or
    withdrawn). Every verification is audited, the code never (it is the certificate's secret)."""
    typed = rules.certificate_code_typed(code)
    if typed is None or not policy.may_verify_certificate(actor):
        return None
    certificate = Certificate.objects.select_related("run__scenario").filter(code=typed).first()
    audit.record(actor=actor, action="view" if certificate else "search", object_type="certificate",
                 object_id=certificate.pk if certificate else "", fields=["trainee_name"] if certificate else [],
                 reason="verification" if certificate else "verification: no such certificate")
    return certificate_sheets(certificates=[certificate])[0] if certificate else None
