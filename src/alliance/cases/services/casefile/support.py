"""The support plan (HTCDS spl_*: one per case) and the services delivered under it, by an organisation on
the platform or by a named provider outside it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import choice, clean_text, in_order
from alliance.cases.htcds.vocabulary import SupportType
from alliance.cases.models import Case, SupportPlan, SupportService
from alliance.cases.services.casefile.gate import KEEP, editable_case, editable_part
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed
from alliance.directory.selectors import organisation_in_realm

OBJECTIVES_MAX = 5_000
ACTION_PLAN_MAX = 10_000
DESCRIPTION_MAX = 2_000
PROVIDER_NAME_MAX = 200


def _check_end(case: Case, on: dt.date | None, field: str, errors: dict, *, not_future: bool) -> None:
    if on is None:
        return
    if on < case.created_at.date():
        errors.setdefault(field, []).append(_("The date is before the case was opened."))
    elif not_future and on > timezone.localdate():
        errors.setdefault(field, []).append(_("The plan cannot have ended on a future date."))


def support_plan_save(*, actor: Actor, case_id: int, objectives: str = "", action_plan: str = "",
                      support_types: list[str] | tuple[str, ...] = (), planned_end_on: dt.date | None = None,
                      actual_end_on: dt.date | None = None) -> SupportPlan:
    """Create the case's plan or replace what it says (the whole plan is given each time)."""
    case = editable_case(actor=actor, case_id=case_id, what="support plan")
    errors: dict[str, list[str]] = {}
    objectives = clean_text(objectives, "objectives", required=False, max_length=OBJECTIVES_MAX, errors=errors)
    action_plan = clean_text(action_plan, "action_plan", required=False, max_length=ACTION_PLAN_MAX,
                             errors=errors)
    types = list(dict.fromkeys(support_types or []))
    if any(t not in SupportType.values for t in types):
        errors["support_types"] = [_("Choose the types of support from the list.")]
    _check_end(case, planned_end_on, "planned_end_on", errors, not_future=False)
    _check_end(case, actual_end_on, "actual_end_on", errors, not_future=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        plan, created = SupportPlan.objects.select_for_update().get_or_create(case=case)
        plan.objectives, plan.action_plan = objectives or None, action_plan or None
        plan.support_types = [t for t in SupportType.values if t in types]  # HTCDS order, whatever was sent
        plan.planned_end_on, plan.actual_end_on, plan.updated_by_id = planned_end_on, actual_end_on, actor.user_id
        plan.save()
        audit.record(actor=actor, action="create" if created else "update", object_type="support_plan",
                     object_id=plan.pk, fields=["objectives", "action_plan", "support_types", "planned_end_on",
                                                "actual_end_on"], reason=f"case {case.pk}")
    return plan


def _check_service(*, realm_id: int, support_type: str, provider_id: int | None, provider_name: str, status: str,
                   starts_on: dt.date | None, ends_on: dt.date | None, errors: dict) -> None:
    choice(support_type, SupportType.values, "support_type", errors)
    choice(status, SupportService.Status.values, "status", errors)
    if provider_id is not None and provider_name:
        errors["provider"] = [_("Name either an organisation on the platform or an outside provider, not both.")]
    elif provider_id is None and not provider_name:
        errors["provider"] = [_("Name the provider: an organisation on the platform or an outside provider.")]
    elif provider_id is not None and organisation_in_realm(realm_id=realm_id, organisation_id=provider_id) is None:
        errors["provider"] = [_("No such organisation.")]
    in_order(starts_on, ends_on, "ends_on", errors, _("The end date is before the start date."))
    if status in (SupportService.Status.IN_PROGRESS, SupportService.Status.DELIVERED) and starts_on is not None \
            and starts_on > timezone.localdate():
        errors.setdefault("starts_on", []).append(_("A service that has started cannot start in the future."))


def support_service_add(*, actor: Actor, case_id: int, support_type: str, description: str = "",
                        provider_id: int | None = None, provider_name: str = "",
                        status: str = SupportService.Status.PLANNED, starts_on: dt.date | None = None,
                        ends_on: dt.date | None = None) -> SupportService:
    case = editable_case(actor=actor, case_id=case_id, what="support service")
    errors: dict[str, list[str]] = {}
    description = clean_text(description, "description", required=False, max_length=DESCRIPTION_MAX,
                             errors=errors)
    provider_name = clean_text(provider_name, "provider_name", required=False, max_length=PROVIDER_NAME_MAX,
                               errors=errors)
    _check_service(realm_id=case.realm_id, support_type=support_type, provider_id=provider_id,
                   provider_name=provider_name, status=status,
                   starts_on=starts_on, ends_on=ends_on, errors=errors)
    plan = SupportPlan.objects.filter(case=case).first()
    if plan is None:
        errors.setdefault("__all__", []).append(_("Save the support plan first."))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        service = SupportService.objects.create(
            plan=plan, support_type=support_type, provider_id=provider_id, provider_name=provider_name,
            description=description or None, status=status, starts_on=starts_on, ends_on=ends_on,
            created_by_id=actor.user_id,
        )
        audit.record(actor=actor, action="create", object_type="support_service", object_id=service.pk,
                     fields=["support_type", "provider", "description", "status", "starts_on", "ends_on"],
                     reason=f"case {case.pk}")
    return service


def support_service_update(*, actor: Actor, service_id: int, support_type=KEEP, description=KEEP,
                           provider_id=KEEP, provider_name=KEEP, status=KEEP, starts_on=KEEP,
                           ends_on=KEEP) -> SupportService:
    """Change what is given (KEEP leaves a field alone); the result is checked as a whole."""
    service = (SupportService.objects.select_related("plan").filter(pk=service_id, plan__case__realm_id=actor.realm_id)
               .first() if type(service_id) is int else None)
    editable_part(actor=actor, part="support_service", part_id=service_id,
                  case_id=service.plan.case_id if service else None, what="support service update")
    given = {name: value for name, value in (
        ("support_type", support_type), ("description", description), ("provider_id", provider_id),
        ("provider_name", provider_name), ("status", status), ("starts_on", starts_on), ("ends_on", ends_on),
    ) if value is not KEEP}
    errors: dict[str, list[str]] = {}
    for name in ("description", "provider_name"):
        if name in given:
            limit = DESCRIPTION_MAX if name == "description" else PROVIDER_NAME_MAX
            given[name] = clean_text(given[name], name, required=False, max_length=limit, errors=errors)
    # Naming one kind of provider replaces the other.
    if given.get("provider_id") is not None:
        given.setdefault("provider_name", "")
    if given.get("provider_name"):
        given.setdefault("provider_id", None)
    merged = {name: getattr(service, name) for name in ("support_type", "provider_id", "provider_name", "status",
                                                        "starts_on", "ends_on")}
    merged.update({k: v for k, v in given.items() if k != "description"})
    _check_service(realm_id=service.plan.case.realm_id, **merged, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(given)
    with transaction.atomic():
        for name, value in given.items():
            setattr(service, name, (value or None) if name == "description" else value)
        if changed:
            service.save(update_fields=[name.removesuffix("_id") if name == "provider_id" else name
                                        for name in changed])
            audit.record(actor=actor, action="update", object_type="support_service", object_id=service.pk,
                         fields=[name.removesuffix("_id") for name in changed], reason=f"case {service.plan.case_id}")
    return service
