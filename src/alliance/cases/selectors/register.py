"""Every read of case data: narrowed by the policy and the realm, limited to the shared fields, audited."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.nrm import Stage
from alliance.cases.models import Case, CaseClock, Consent
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.encryption import blind_index_candidates
from alliance.core.errors import Forbidden, NotFound, ValidationFailed

PERSON_FIELDS = ("given_name", "family_name", "identity_number", "birth_date")
CASE_FIELDS = ("id", "number", "status", "pseudonym", "owner_organisation", "created_at", "summary")
ALL_FIELDS = CASE_FIELDS + PERSON_FIELDS
# What a list shows: never names (SECURITY.md, 14.2.6).
LIST_FIELDS = ("id", "number", "status", "pseudonym", "owner_organisation", "created_at")


@dataclass(frozen=True)
class CaseView:
    case: Case
    fields: dict[str, object]
    scope: str  # "full" or "limited"

    @property
    def withheld(self) -> list[str]:
        return [f for f in ALL_FIELDS if f not in self.fields]


def _values(case: Case, allowed: frozenset[str] | None) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in ALL_FIELDS:
        if allowed is not None and name not in allowed:
            continue
        if name == "owner_organisation":
            out[name] = case.owner_organisation.name
        elif name in PERSON_FIELDS:
            out[name] = getattr(case.person, name)
        else:
            out[name] = getattr(case, name)
    return out


def _scoped(actor: Actor, action: str) -> QuerySet:
    return policy.CASE.scope(actor, action, Case.objects.select_related("owner_organisation"))


@dataclass(frozen=True)
class CaseAccess:
    """A case the gate let through and the policy relation that lets the actor in (own, shared, override)."""
    case: Case
    relation: policy.Relation

    @property
    def full(self) -> bool:
        return self.relation.field_scope == policy.FULL


def case_access_or_none(*, actor: Actor, case_id: object, action: str, need_full: bool = False,
                        lock: bool = False, related: tuple[str, ...] = ()) -> CaseAccess | None:
    """The gate's decision without the refusal, for the gate of a part of a case (a task, a document),
    which audits its own refusal, and for pages that show an action only to those who may take it."""
    if type(case_id) is not int:
        return None
    cases = Case.objects.select_related(*related) if related else Case.objects.all()
    if lock:
        # The row is locked as it is read, and the decision below is made after, so it sees the shares and
        # overrides as they are once the row is ours (a share revoked meanwhile wins).
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("locking a case needs a transaction")
        cases = cases.select_for_update(of=("self",))
    found = list(cases.filter(pk=case_id, realm_id=actor.realm_id)[:1])  # [:1]: no ORDER BY, unlike first()
    # A missing case is asked the same questions as a forbidden one, on a stand-in that no one owns, so the
    # two refusals cost the same queries and cannot be told apart by their timing.
    case = found[0] if found else Case(pk=case_id, realm_id=actor.realm_id)
    relation = policy.CASE.relation(actor, action, case)
    if not found or relation is None or (need_full and relation.field_scope != policy.FULL):
        return None
    return CaseAccess(case=case, relation=relation)


def _refuse(actor: Actor, case_id: object, reason: str) -> NoReturn:
    audit.record(actor=actor, action="denied", object_type="case", object_id=case_id, reason=reason[:200])
    raise NotFound("case")


def case_access_for(*, actor: Actor, case_id: object, action: str, need_full: bool = False, lock: bool = False,
                    what: str = "", related: tuple[str, ...] = ()) -> CaseAccess:
    """The one gate of the Case type: every read and write of one case passes here.

    Missing, in another realm, forbidden, or (with need_full) shared with a limited scope are all "not
    found", and every refusal is audited (reason: `what`, else the action). A missing and a forbidden case
    cost the same work: the same queries (the row, then the policy's relations), then the audit row. An id
    that is not an
    integer is "not found" too, never an error. lock=True locks the row inside the caller's transaction
    before deciding; a refusal's audit row then shares that transaction's fate, so a write that is a
    transaction of its own uses case_locked_for, which records the refusal after the rollback.
    """
    access = case_access_or_none(actor=actor, case_id=case_id, action=action, need_full=need_full, lock=lock,
                                 related=related)
    if access is None:
        _refuse(actor, case_id, what or action)
    return access


@contextlib.contextmanager
def case_locked_for(*, actor: Actor, case_id: object, action: str, need_full: bool = False, what: str = "",
                    related: tuple[str, ...] = ()) -> Iterator[CaseAccess]:
    """The gate under the row lock, as a transaction: the body runs with the case locked and the access
    decided after the lock was taken. A refusal leaves the transaction first, so its audit row stays."""
    with transaction.atomic():
        access = case_access_or_none(actor=actor, case_id=case_id, action=action, need_full=need_full,
                                     lock=True, related=related)
        if access is not None:
            yield access
            return
    _refuse(actor, case_id, what or action)


def case_of_part_for(*, actor: Actor, part: str, part_id: object, case_id: int | None, action: str,
                     need_full: bool = False, what: str = "") -> Case:
    """The gate for one part of a case (a task, a consent, a share): the case's gate for `action`. A
    missing part and a forbidden one are both "not found" under the part's name, both audited, and both
    cost one scoped query."""
    access = case_access_or_none(actor=actor, case_id=case_id if case_id is not None else 0, action=action,
                                 need_full=need_full)
    if access is None or case_id is None:
        audit.record(actor=actor, action="denied", object_type=part, object_id=part_id,
                     reason=(what or action)[:200])
        raise NotFound(part)
    return access.case


def consent_get_for(*, actor: Actor, consent_id: object, action: str, what: str = "") -> Consent:
    """The gate of one consent: its case's gate for `action` (case_of_part_for). A missing consent, one in
    another realm and a forbidden one are all "not found" under the consent's name, audited, at the same
    cost; a non-integer id is not found too."""
    consent = (Consent.objects.select_related("case").filter(pk=consent_id, case__realm_id=actor.realm_id).first()
               if type(consent_id) is int else None)
    case_of_part_for(actor=actor, part="consent", part_id=consent_id, case_id=consent.case_id if consent else None,
                     action=action, what=what)
    return consent


def case_get_for(*, actor: Actor, case_id: object, action: str, need_full: bool = False, lock: bool = False,
                 what: str = "", related: tuple[str, ...] = ()) -> Case:
    """The case behind the gate (case_access_for), for callers that need no more than the row."""
    return case_access_for(actor=actor, case_id=case_id, action=action, need_full=need_full, lock=lock,
                           what=what, related=related).case


def case_view_for(*, actor: Actor, case_id: object, reason: str = "") -> CaseView:
    """The case page's and the API's view of one case: the fields its scope allows, the read audited."""
    access = case_access_for(actor=actor, case_id=case_id, action=R.CASE_VIEW, what="case.view",
                             related=("owner_organisation", "person"))
    case, allowed = access.case, policy.fields_of_scope(access.relation.field_scope)
    values = _values(case, allowed)
    audit.record(
        actor=actor,
        action="view",
        object_type="case",
        object_id=case.pk,
        fields=values.keys(),
        reason=reason or ("emergency override" if access.relation.name == "override" else ""),
    )
    return CaseView(case=case, fields=values, scope="limited" if allowed is not None else "full")


LIST_BOXES = ("all", "mine", "shared", "overdue")


def case_list_for(*, actor: Actor, status: str | None = None, box: str = "all", stage: str | None = None) -> QuerySet:
    """Cases the actor may list, newest first. The caller pages it and then calls case_list_audit.

    Boxes: mine (owned by the actor's organisation), shared (shared with or referred to it and accepted or
    pending), overdue (a running NRM clock past its date; only where the actor sees the full file, since
    deadlines are outside a limited share)."""
    if not policy.may(actor, R.CASE_LIST):
        raise Forbidden(R.CASE_LIST)
    queryset = _scoped(actor, R.CASE_LIST).order_by("-created_at", "-id")
    if box == "mine":
        queryset = queryset.filter(owner_organisation_id=actor.organisation_id)
    elif box == "shared":
        queryset = queryset.exclude(owner_organisation_id=actor.organisation_id)
    elif box == "overdue":
        overdue = CaseClock.objects.filter(case_id=OuterRef("pk"), stopped_on__isnull=True,
                                           due_on__lt=timezone.localdate())
        queryset = (policy.CASE.with_field_scope(actor, R.CASE_LIST, queryset)
                    .filter(full_scope=True).filter(Exists(overdue)))
    if status:
        queryset = queryset.filter(status=status)
    if stage:
        queryset = queryset.filter(nrm_stage=stage)
    return queryset


def shown_cases(*, ids) -> str:
    """Which cases a list, search or export showed, so that a breach or a consultation can be traced to
    the people concerned (GDPR Art. 33, LED Art. 25). Ids only; the hash chain covers them."""
    ids = list(ids)
    return f"{len(ids)} cases: " + ",".join(str(i) for i in ids)


def case_list_audit(*, actor: Actor, ids: list[int]) -> None:
    audit.record(actor=actor, action="list", object_type="case", fields=LIST_FIELDS, reason=shown_cases(ids=ids))


def list_row(*, case: Case) -> dict[str, object]:
    return _values(case, frozenset(LIST_FIELDS))


_ROW_COLUMNS = ("id", "number", "status", "pseudonym", "owner_organisation__name", "created_at")


def as_rows(*, queryset: QuerySet) -> QuerySet:
    """Lists read plain columns, not model instances: a page of 50 cost 10 ms in objects (profiled)."""
    return queryset.values_list(*_ROW_COLUMNS)


def rows_of(*, values: list[tuple]) -> list[dict[str, object]]:
    return [dict(zip(LIST_FIELDS, row, strict=True)) for row in values]


def case_count_for(*, actor: Actor) -> int:
    if not policy.may(actor, R.CASE_LIST):
        return 0
    return _scoped(actor, R.CASE_LIST).count()


SEARCH_CRITERIA = ("name", "identity_number", "number", "status", "nrm_stage", "organisation", "opened_from",
                   "opened_to")


def case_search_for(
    *, actor: Actor, name: str = "", identity_number: str = "", number: str = "", status: str = "",
    nrm_stage: str = "", organisation: int | None = None, opened_from: dt.date | None = None,
    opened_to: dt.date | None = None,
) -> list[dict[str, object]]:
    """Exact search on blind indexes (after normalisation and transliteration) or the case number, narrowed by
    status, NRM stage, owning organisation and opening dates. A name or an identity number searches only the
    cases whose full file the actor sees: otherwise a limited share, or a referral not yet answered, would
    tell by what it finds whose case it holds. The other criteria are fields a limited share sees."""
    if not policy.may(actor, R.CASE_SEARCH):
        raise Forbidden(R.CASE_SEARCH)
    texts = {k: v.strip() for k, v in {"name": name, "identity_number": identity_number, "number": number,
                                        "status": status, "nrm_stage": nrm_stage}.items() if v and v.strip()}
    criteria = sorted([*texts, *(k for k, v in (("organisation", organisation), ("opened_from", opened_from),
                                                 ("opened_to", opened_to)) if v)])
    if not criteria:
        raise ValidationFailed({"__all__": [_("Give at least one criterion: a name, an identity number, a case "
                                              "number, a status, a stage, an organisation or dates.")]})
    errors: dict[str, list[str]] = {}
    if opened_from and opened_to and opened_from > opened_to:
        errors["opened_to"] = [_("The end date is before the start date.")]
    if "status" in texts and texts["status"] not in Case.Status.values:
        errors["status"] = [_("Unknown status.")]
    if "nrm_stage" in texts and texts["nrm_stage"] not in Stage.values:
        errors["nrm_stage"] = [_("Unknown NRM stage.")]
    queryset = _scoped(actor, R.CASE_SEARCH)
    if "name" in texts or "identity_number" in texts:
        queryset = policy.CASE.with_field_scope(actor, R.CASE_SEARCH, queryset).filter(full_scope=True)
    if "name" in texts:
        keys = blind_index_candidates(texts["name"], kind="name")
        if not keys:
            errors["name"] = [_("The name has no letters or digits to search for.")]
        queryset = queryset.filter(person__full_name_index__in=keys)
    if "identity_number" in texts:
        keys = blind_index_candidates(texts["identity_number"], kind="document")
        if not keys:
            errors["identity_number"] = [_("The identity number has no letters or digits.")]
        queryset = queryset.filter(person__identity_number_index__in=keys)
    if errors:
        raise ValidationFailed(errors)
    if "number" in texts:
        queryset = queryset.filter(number=texts["number"].upper())
    if "status" in texts:
        queryset = queryset.filter(status=texts["status"])
    if "nrm_stage" in texts:
        queryset = queryset.filter(nrm_stage=texts["nrm_stage"])
    if organisation:
        queryset = queryset.filter(owner_organisation_id=organisation)
    if opened_from:
        queryset = queryset.filter(created_at__date__gte=opened_from)
    if opened_to:
        queryset = queryset.filter(created_at__date__lte=opened_to)
    rows = rows_of(values=as_rows(queryset=queryset.order_by("-created_at", "-id"))[:SEARCH_LIMIT])
    audit.record(actor=actor, action="search", object_type="case", fields=criteria,
                 reason=shown_cases(ids=(row["id"] for row in rows)))
    return rows


SEARCH_LIMIT = 100


def case_export_for(*, actor: Actor) -> tuple[list[str], list[list[object]]]:
    """Every visible case, each limited to its shared fields; withheld fields stay empty."""
    if not policy.may(actor, R.CASE_EXPORT):
        raise Forbidden(R.CASE_EXPORT)
    rows, exported = [], []
    queryset = policy.CASE.with_field_scope(
        actor, R.CASE_EXPORT, _scoped(actor, R.CASE_EXPORT).select_related("person").order_by("id")
    )
    for case in queryset.iterator(chunk_size=1000):
        values = _values(case, None if case.full_scope else policy.CASE_LIMITED_FIELDS)
        rows.append([values.get(name, "") for name in ALL_FIELDS])
        exported.append(case.pk)
    audit.record(actor=actor, action="export", object_type="case", fields=ALL_FIELDS,
                 reason=shown_cases(ids=exported))
    return list(ALL_FIELDS), rows
