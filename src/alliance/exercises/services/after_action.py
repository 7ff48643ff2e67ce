"""After the exercise: the trainees' feedback, the improvement plan, attendance, certificates and the
after-action report's snapshot. Each action is decided by core/policy/after_action.py, validated before
anything is written, done in one transaction and audited with field names only."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import NotFound, ValidationFailed
from alliance.directory.models import Organisation, User
from alliance.exercises.domain.after_action import CERTIFICATE_CODE_ALPHABET, CERTIFICATE_CODE_LENGTH
from alliance.exercises.models import (
    AfterActionSnapshot,
    AttendanceMark,
    Certificate,
    ExerciseRun,
    FeedbackResponse,
    ImprovementItem,
)
from alliance.exercises.models.after_action import FEEDBACK_CODES
from alliance.exercises.selectors import after_action as read

MAX_TEXT = 5000
Status = ExerciseRun.Status
ItemStatus = ImprovementItem.Status


def feedback_submit(
    *, actor: Actor, run_id: int, ratings: dict, worked: str = "", improve: str = "",
) -> FeedbackResponse:
    """A trainee's feedback on the run: created the first time, changed after, until the run is archived."""
    run = read.run_for(actor=actor, run_id=run_id, may=policy.is_trainee_of)
    if not policy.may_give_feedback(actor, run):
        raise ValidationFailed(_("Feedback is open from the start of the exercise until it is archived."))
    errors: dict[str, list[str]] = {}
    values = {}
    for code in FEEDBACK_CODES:
        value = (ratings or {}).get(code)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if type(value) is not int or not 1 <= value <= 5:
            errors[code] = [_("Choose a rating from 1 to 5.")]
        values[code] = value
    worked = clean_text(worked, "worked", required=False, max_length=MAX_TEXT, errors=errors)
    improve = clean_text(improve, "improve", required=False, max_length=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, created = FeedbackResponse.objects.select_for_update().update_or_create(
            run=run, trainee_id=actor.user_id,
            defaults={**values, "worked": worked or None, "improve": improve or None})
        audit.record(actor=actor, action="create" if created else "update", object_type="feedback_response",
                     object_id=row.pk, fields=[*FEEDBACK_CODES, "worked", "improve"])
    return row


# -- the improvement plan --------------------------------------------------------------------------------------

def _package_ids(run: ExerciseRun, key: str) -> set[str]:
    return {x["id"] for x in (run.scenario.content.get("package.yaml") or {}).get(key, [])}


def _date(value):
    """A date, or an ISO date string as the API sends it (parsed here, after the permission check, so a
    caller who may not keep the plan learns nothing from a date's errors); anything else is left to fail."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _clean_item(run: ExerciseRun, data: dict, *, before: ImprovementItem | None) -> dict:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    out = {"finding": clean_text(data.get("finding"), "finding", required=True, max_length=MAX_TEXT, errors=errors),
           "corrective_action": clean_text(data.get("corrective_action"), "corrective_action", required=True,
                                           max_length=MAX_TEXT, errors=errors),
           "objective": (data.get("objective") or "").strip(),
           "capability_target": (data.get("capability_target") or "").strip()}
    if out["objective"] and out["objective"] not in _package_ids(run, "learning_objectives"):
        errors["objective"] = [_("Choose a learning objective of this scenario.")]
    if out["capability_target"] and out["capability_target"] not in _package_ids(run, "capability_targets"):
        errors["capability_target"] = [_("Choose a capability target of this scenario.")]
    organisation_id, owner_id = data.get("organisation_id"), data.get("owner_id")
    organisation = owner = None
    if organisation_id is not None:
        # A live agency of the directory: a sandbox's agencies go with its purge and are fictitious.
        organisation = (Organisation.objects.filter(pk=organisation_id, sandbox__isnull=True).first()
                        if type(organisation_id) is int else None)
        if organisation is None:
            errors["organisation"] = [_("Choose an organisation of the live directory.")]
    if owner_id is not None:
        owner = (User.objects.filter(pk=owner_id, is_active=True, memberships__is_active=True,
                                     memberships__organisation__sandbox__isnull=True).distinct().first()
                 if type(owner_id) is int else None)
        if owner is None:
            errors["owner"] = [_("Choose a person with an active account in a live organisation.")]
    if organisation_id is None and owner_id is None:
        errors["organisation"] = [_("Name the responsible organisation, the person, or both.")]
    due_on = _date(data.get("due_on"))
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("Give the due date.")]
    elif due_on < today and (before is None or before.due_on != due_on):
        errors["due_on"] = [_("The due date cannot be in the past.")]
    status = data.get("status") or ItemStatus.OPEN
    completed_on = _date(data.get("completed_on"))
    if status not in ItemStatus.values:
        errors["status"] = [_("Choose open, in progress or done.")]
    elif status == ItemStatus.DONE:
        completed_on = completed_on or today
        if not isinstance(completed_on, dt.date):
            errors["completed_on"] = [_("Give the completion date as a calendar date.")]
        elif completed_on > today:
            errors["completed_on"] = [_("The completion date cannot be in the future.")]
        elif completed_on < run.created_at.date():
            errors["completed_on"] = [_("The completion date cannot be before the exercise.")]
    else:
        completed_on = None
    if errors:
        raise ValidationFailed(errors)
    return {**out, "organisation": organisation, "owner": owner, "due_on": due_on, "status": status,
            "completed_on": completed_on}


def improvement_item_create(*, actor: Actor, run_id: int, data: dict) -> ImprovementItem:
    run = read.run_for(actor=actor, run_id=run_id, may=policy.may_keep_improvement_plan)
    values = _clean_item(run, data, before=None)
    with transaction.atomic():
        item = ImprovementItem.objects.create(run=run, created_by_id=actor.user_id, **values)
        audit.record(actor=actor, action="create", object_type="improvement_item", object_id=item.pk,
                     fields=sorted(values), reason=f"run {run.pk}")
    return item


def _item_for(actor: Actor, item_id) -> ImprovementItem:
    item = (ImprovementItem.objects.select_related("run__scenario").filter(pk=item_id).first()
            if type(item_id) is int else None)
    if item is None or not policy.may_keep_improvement_plan(actor, item.run):
        audit.record(actor=actor, action="denied", object_type="improvement_item", object_id=item_id,
                     reason="improvement.keep")
        raise NotFound("improvement_item")
    return item


def improvement_item_update(*, actor: Actor, item_id: int, data: dict) -> ImprovementItem:
    """Change an item; `data` holds the whole item as the form shows it (absent keys keep their value)."""
    with transaction.atomic():
        item = _item_for(actor, item_id)
        current = {"finding": item.finding, "corrective_action": item.corrective_action,
                   "objective": item.objective, "capability_target": item.capability_target,
                   "organisation_id": item.organisation_id, "owner_id": item.owner_id, "due_on": item.due_on,
                   "status": item.status, "completed_on": item.completed_on}
        values = _clean_item(item.run, {**current, **data}, before=item)
        changed = [k for k, v in values.items() if getattr(item, k) != v]
        for key, value in values.items():
            setattr(item, key, value)
        item.save()
        audit.record(actor=actor, action="update", object_type="improvement_item", object_id=item.pk,
                     fields=changed, reason=f"run {item.run_id}")
    return item


def improvement_item_delete(*, actor: Actor, item_id: int) -> None:
    with transaction.atomic():
        item = _item_for(actor, item_id)
        audit.record(actor=actor, action="delete", object_type="improvement_item", object_id=item.pk,
                     reason=f"run {item.run_id}")
        item.delete()


# -- attendance and certificates --------------------------------------------------------------------------------

def attendance_mark(*, actor: Actor, run_id: int, trainee_id: int, present: bool | None) -> None:
    """A controller's mark (None clears it: the sandbox's activity decides again). Marking a trainee absent
    withdraws a certificate already issued to them: certificates are for those who attended."""
    run = read.run_for(actor=actor, run_id=run_id, may=policy.may_keep_improvement_plan)
    if type(trainee_id) is not int or not run.teams.filter(trainees__pk=trainee_id).exists():
        raise ValidationFailed({"trainee": [_("Choose a trainee of this run.")]})
    if present is not None and not isinstance(present, bool):
        raise ValidationFailed({"present": [_("Mark present or absent.")]})
    with transaction.atomic():
        if present is None:
            AttendanceMark.objects.filter(run=run, trainee_id=trainee_id).delete()
        else:
            AttendanceMark.objects.update_or_create(run=run, trainee_id=trainee_id,
                                                    defaults={"present": present, "marked_by_id": actor.user_id})
        audit.record(actor=actor, action="update", object_type="attendance", object_id=run.pk,
                     fields=["present"], reason=f"trainee {trainee_id}")
        if not read.attendance_row_attended(run=run, trainee_id=trainee_id):
            withdrawn = Certificate.objects.filter(run=run, trainee_id=trainee_id)
            for certificate in withdrawn:
                audit.record(actor=actor, action="delete", object_type="certificate", object_id=certificate.pk,
                             reason="not attended")
            withdrawn.delete()


def _code() -> str:
    while True:
        code = "".join(secrets.choice(CERTIFICATE_CODE_ALPHABET) for _i in range(CERTIFICATE_CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificates_issue(*, actor: Actor, run_id: int) -> list[Certificate]:
    """A certificate for every trainee who attended a run that has finished; one already issued keeps its
    code (and is not issued twice)."""
    run = read.run_for(actor=actor, run_id=run_id, may=policy.may_keep_improvement_plan)
    if run.status not in (Status.FINISHED, Status.ARCHIVED):
        raise ValidationFailed(_("Certificates are issued once the exercise has finished."))
    attendees = [row for row in read.attendance_of(run=run) if row["attended"]]
    now = timezone.now()
    with transaction.atomic():
        have = set(Certificate.objects.filter(run=run).values_list("trainee_id", flat=True))
        new = [Certificate(run=run, team=row["team"], trainee=row["user"], issued_at=now, issued_by_id=actor.user_id,
                           trainee_name=row["user"].display_name or row["user"].email, code=_code())
               for row in attendees if row["user"].pk not in have]
        Certificate.objects.bulk_create(new)
        audit.record(actor=actor, action="create", object_type="certificate", object_id=run.pk,
                     fields=["trainee_name", "code"], reason=f"{len(new)} issued, {len(have)} already issued")
    return list(Certificate.objects.filter(run=run))


def after_action_snapshot_take(*, actor: Actor, run: ExerciseRun) -> AfterActionSnapshot:
    """The report's per-team part, kept before the sandboxes go. Called by run_purge inside its transaction,
    after it has checked the actor may purge the run; a second purge cannot happen (the run is archived)."""
    sections = read.team_sections(actor=actor, run=run)
    snapshot, _created = AfterActionSnapshot.objects.update_or_create(run=run, defaults={"data": {"teams": sections}})
    audit.record(actor=actor, action="create", object_type="after_action", object_id=run.pk,
                 fields=["teams"], reason="snapshot before purge")
    return snapshot
