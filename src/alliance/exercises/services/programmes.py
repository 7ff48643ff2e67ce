"""Programmes, editions and calls: created and published by the training co-ordinators of the running
organisation. Nothing here is personal data, but every write is still audited (who published what when)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CODES
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.exercises.domain.selection import criteria_problems, quota_problems
from alliance.exercises.models import Call, Edition, Programme
from alliance.exercises.models.programmes import GENDERS, LANGUAGES_OF_INSTRUCTION, PROFESSION_CODES
from alliance.exercises.selectors.programmes import programme_get_for

CUSTOM_FIELD_LIMIT = 10


def programme_create(*, actor: Actor, title: str, summary: str = "") -> Programme:
    if not policy.may_create_programme(actor):
        audit.record(actor=actor, action="denied", object_type="programme", reason="programme.create")
        raise Forbidden(R.PROGRAMME_MANAGE)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed({"title": [_("A title of 1 to 200 characters is required.")]})
    with transaction.atomic():
        if Programme.objects.filter(organisation_id=actor.organisation_id, title=title).exists():
            raise ValidationFailed({"title": [_("Your organisation already runs a programme of this title.")]})
        programme = Programme.objects.create(realm_id=actor.realm_id, organisation_id=actor.organisation_id,
                                             title=title, summary=summary or "")
        audit.record(actor=actor, action="create", object_type="programme", object_id=programme.pk,
                     fields=["title", "summary"])
    return programme


def edition_create(*, actor: Actor, programme_id: object, title: str, starts_on: dt.date, ends_on: dt.date,
                   venue: str, country: str, language: str, capacity: int, groups: int = 1, donors: str = "",
                   staff: str = "") -> Edition:
    programme = programme_get_for(actor=actor, programme_id=programme_id, action=R.PROGRAMME_MANAGE)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("A title is required.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The edition cannot end before it starts.")]
    if country not in COUNTRY_CODES:
        errors["country"] = [_("Not a known country code.")]
    if language not in dict(LANGUAGES_OF_INSTRUCTION):
        errors["language"] = [_("The language of instruction is English or Russian.")]
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        errors["capacity"] = [_("The capacity is a number of places from 1 to 1000.")]
    if not isinstance(groups, int) or groups < 1 or groups > 100:
        errors["groups"] = [_("The number of groups is from 1 to 100.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        edition = Edition.objects.create(programme=programme, title=title.strip(), starts_on=starts_on,
                                         ends_on=ends_on, venue=venue, country=country, language=language,
                                         capacity=capacity, groups=groups, donors=donors, staff=staff)
        audit.record(actor=actor, action="create", object_type="edition", object_id=edition.pk,
                     fields=["title", "starts_on", "ends_on", "venue", "country", "language", "capacity"])
    return edition


def _custom_field_problems(custom_fields: object) -> list[str]:
    if not isinstance(custom_fields, list) or len(custom_fields) > CUSTOM_FIELD_LIMIT:
        return [_("At most %(n)s custom fields, as a list.") % {"n": CUSTOM_FIELD_LIMIT}]
    problems, names = [], set()
    for item in custom_fields:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 40 or name in names:
            problems.append(_("Each custom field needs a distinct name of letters, digits and underscores."))
            continue
        names.add(name)
        if not isinstance(item.get("label"), str) or not item["label"].strip():
            problems.append(_("The custom field %(name)s needs a label.") % {"name": name})
    return problems


def call_save(*, actor: Actor, edition_id: object, deadline: dt.datetime, profiles: list[str],
              criteria: list[dict], quotas: dict | None = None, custom_fields: list[dict] | None = None,
              min_years: int = 0, nomination_required: bool = False, notification_date: dt.date | None = None,
              about: str = "", roles: str = "", storylines: str = "", learning_objectives: str = "",
              requirements: str = "") -> Call:
    """Create or replace the call of an edition (unpublished until call_publish)."""
    try:
        edition = Edition.objects.select_related("programme").get(pk=int(edition_id))
    except (Edition.DoesNotExist, TypeError, ValueError):
        edition = None
    programme_get_for(actor=actor, programme_id=edition.programme_id if edition else 0,
                      action=R.PROGRAMME_MANAGE)
    quotas = quotas or {}
    custom_fields = custom_fields or []
    errors: dict[str, list[str]] = {}
    if not isinstance(profiles, list) or not profiles or set(profiles) - PROFESSION_CODES:
        errors["profiles"] = [_("Choose one or more of the known professions.")]
    for name, problems in (("criteria", criteria_problems(criteria)),
                           ("quotas", quota_problems(quotas, capacity=edition.capacity)),
                           ("custom_fields", _custom_field_problems(custom_fields))):
        if problems:
            errors[name] = problems
    if isinstance(quotas, dict):
        named = set(quotas.get("min_per_profession") or {}) | set(quotas.get("max_per_profession") or {})
        if named - PROFESSION_CODES:
            errors.setdefault("quotas", []).append(_("Unknown profession in the quotas: %(codes)s.")
                                                   % {"codes": ", ".join(sorted(named - PROFESSION_CODES))})
        if set(quotas.get("min_share_gender") or {}) - set(dict(GENDERS)):
            errors.setdefault("quotas", []).append(_("Unknown gender in the quotas."))
    if not isinstance(min_years, int) or not 0 <= min_years <= 50:
        errors["min_years"] = [_("The minimum experience is from 0 to 50 years.")]
    if notification_date and notification_date < deadline.date():
        errors["notification_date"] = [_("Applicants cannot be told before the deadline.")]
    if errors:
        raise ValidationFailed(errors)
    values = {"deadline": deadline, "profiles": sorted(set(profiles)), "criteria": criteria, "quotas": quotas,
              "custom_fields": custom_fields, "min_years": min_years, "nomination_required": nomination_required,
              "notification_date": notification_date, "about": about, "roles": roles, "storylines": storylines,
              "learning_objectives": learning_objectives, "requirements": requirements}
    with transaction.atomic():
        call, created = Call.objects.update_or_create(edition=edition, defaults=values)
        audit.record(actor=actor, action="create" if created else "update", object_type="call", object_id=call.pk,
                     fields=sorted(values))
    return call


def call_publish(*, actor: Actor, call_id: object, published: bool = True) -> Call:
    try:
        call = Call.objects.select_related("edition").get(pk=int(call_id))
    except (Call.DoesNotExist, TypeError, ValueError):
        call = None
    programme_get_for(actor=actor, programme_id=call.edition.programme_id if call else 0,
                      action=R.PROGRAMME_MANAGE)
    with transaction.atomic():
        call.published = published
        call.save(update_fields=["published"])
        audit.record(actor=actor, action="update", object_type="call", object_id=call.pk, fields=["published"])
    return call
