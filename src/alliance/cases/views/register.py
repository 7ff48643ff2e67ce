"""Case pages: thin, calling selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from alliance.cases import services
from alliance.cases.forms.register import (
    CaseCreateForm,
    CaseSearchForm,
    CaseShareForm,
    ConsentForm,
    OverrideForm,
    TransitionForm,
)
from alliance.cases.models import Case
from alliance.cases.selectors import register as selectors
from alliance.cases.selectors.nrm import deadlines_for, nrm_view_for
from alliance.cases.views.panels import panels_for
from alliance.cases.views.tabs import DEFAULT_TAB, TABS, WHOLE_CASE, back_to_tab, tab_of
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.blank_forms import form_html
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.core.pagination import CappedPaginator
from alliance.core.spreadsheet import csv_attachment

LIST_PAGE_SIZE = 50
LIST_BOX_LABELS = (
    ("all", gettext_lazy("All I may see")),
    ("mine", gettext_lazy("My organisation's cases")),
    ("shared", gettext_lazy("Shared with my organisation")),
    ("overdue", gettext_lazy("Overdue deadlines")),
)

FIELD_LABELS = {
    "id": gettext_lazy("Internal id"),
    "number": gettext_lazy("Case number"),
    "pseudonym": gettext_lazy("Pseudonym"),
    "owner_organisation": gettext_lazy("Owning organisation"),
    "created_at": gettext_lazy("Opened"),
    "summary": gettext_lazy("Summary"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "identity_number": gettext_lazy("Identity or document number"),
    "birth_date": gettext_lazy("Birth date"),
}


def _display(name: str, value):
    if name == "status":
        return dict(Case.Status.choices).get(value, value)
    return value


def _flash_errors(request, error: ValidationFailed) -> None:
    """Forms posted from the case page come back to it with their errors as messages."""
    for field_messages in error.errors.values():
        for message in field_messages:
            messages.error(request, message)


@login_required
def case_list(request):
    box = request.GET.get("box") if request.GET.get("box") in selectors.LIST_BOXES else "all"
    queryset = selectors.case_list_for(actor=request.actor, status=request.GET.get("status") or None, box=box)
    page = CappedPaginator(selectors.as_rows(queryset=queryset), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Case.Status.choices)
    rows = [{**row, "status_label": labels.get(row["status"], row["status"])}
            for row in selectors.rows_of(values=page.object_list)]
    selectors.case_list_audit(actor=request.actor, ids=[row["id"] for row in rows])
    boxes = [(key, label, key == box) for key, label in LIST_BOX_LABELS]
    return render(request, "cases/list.html", {"page": page, "rows": rows, "boxes": boxes, "box": box})


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    form = CaseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=request.actor, given_name=data["given_name"], family_name=data["family_name"],
                identity_number=data["identity_number"],
                birth_date=data["birth_date"].isoformat() if data["birth_date"] else "",
                pseudonym=data["pseudonym"], summary=data["summary"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    elif request.method == "GET" and not policy.may(request.actor, R.CASE_CREATE):
        raise PermissionDenied
    return render(request, "cases/create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_search(request):
    """Searches are POSTed so that names never reach URLs or logs (SECURITY.md, 14.2.1)."""
    form = CaseSearchForm(request.POST or None, realm_id=request.actor.realm_id)
    results = None
    if not policy.may(request.actor, R.CASE_SEARCH):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            results = selectors.case_search_for(actor=request.actor, **form.criteria())
        except ValidationFailed as exc:
            apply_errors(form, exc)
    return render(request, "cases/search.html", {"form": form, "results": results})


@login_required
def case_detail(request, case_id: int):
    """The case page; with HTMX (a tab's link), only the tabs and that tab's sections, swapped in place. Same
    URL, so the same gate and audit; a history restore asks for the whole page again."""
    tab = tab_of(request)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    # The page reads the case through several selectors; their audit rows are appended together.
    with audit.deferred():
        response = render(request, "cases/_case_body.html" if partial else "cases/detail.html",
                          _case_context(request, case_id, tab))
    patch_vary_headers(response, ("HX-Request",))
    return response


def _case_context(request, case_id: int, tab: str) -> dict:
    view = selectors.case_view_for(actor=request.actor, case_id=case_id)
    labels = {**FIELD_LABELS, "status": _("Status")}
    shown = [(labels.get(name, name), _display(name, value)) for name, value in view.fields.items()]
    context = {
        "view": view,
        "shown": shown,
        "withheld": [labels.get(name, name) for name in view.withheld],
        "tab": tab,
        "tabs": TABS,
        "whole_case": WHOLE_CASE,
        "show_nrm": tab in (WHOLE_CASE, "nrm"),
        "show_sharing": False,
        "panels": panels_for(request, view, None if tab == WHOLE_CASE else tab),
    }
    if context["show_nrm"]:
        nrm_view = nrm_view_for(actor=request.actor, case=view.case, full_scope=view.scope == "full")
        # Several forms share one page: distinct ids keep every label tied to its own field.
        context["nrm"] = nrm_view
        context["step_forms"] = [
            (step, form_html(TransitionForm(initial={"transition": step.name}, auto_id=f"{step.name}_%s"),
                             "cases/_step_fields.html", step_name=step.name, has_outcomes=bool(step.outcomes)))
            for step in nrm_view.steps]
    if tab in (WHOLE_CASE, "referrals") and policy.CASE.can(request.actor, R.CASE_SHARE, view.case):
        context.update({
            "show_sharing": True,
            "share_form": form_html(CaseShareForm(auto_id="share_%s", realm_id=request.actor.realm_id)),
            "consents": view.case.consents.select_related("organisation"),
            "consent_form": form_html(ConsentForm(auto_id="consent_%s", realm_id=request.actor.realm_id)),
        })
    context["empty"] = tab not in (WHOLE_CASE, DEFAULT_TAB) and not (
        context["panels"] or context["show_nrm"] or context["show_sharing"])
    return context


@login_required
@require_POST
def case_share(request, case_id: int):
    form = CaseShareForm(request.POST, realm_id=request.actor.realm_id)
    if form.is_valid():
        try:
            services.case_share(actor=request.actor, case_id=case_id,
                                organisation_id=form.cleaned_data["organisation"].pk,
                                scope=form.cleaned_data["scope"], purpose=form.cleaned_data["purpose"],
                                legal_basis=form.cleaned_data["legal_basis"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The case is shared."))
            return back_to_tab(case_id, "referrals")
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {error}".strip())
    return back_to_tab(case_id, "referrals")


@login_required
@require_http_methods(["GET", "POST"])
def case_override(request, case_id: int):
    """Break-glass access: a written legal basis, time-limited, audited."""
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_override(actor=request.actor, case_id=case_id,
                                   justification=form.cleaned_data["justification"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return back_to_tab(case_id, "overview")
    if not policy.may(request.actor, R.CASE_OVERRIDE):
        raise PermissionDenied
    return render(request, "cases/override.html", {"form": form, "case_id": case_id})


@login_required
def case_export(request):
    header, rows = selectors.case_export_for(actor=request.actor)
    return csv_attachment("cases.csv", header, rows)


@login_required
@require_POST
def case_step(request, case_id: int):
    """One NRM step from the case page; the service checks stage, role, relation, profile and dates."""
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                actor=request.actor, case_id=case_id, transition=data["transition"], outcome=data["outcome"],
                reason=data["reason"], effective_on=data["effective_on"], reflection_days=data["reflection_days"],
                closure_status=data["closure_status"] or "closed",
            )
        except ValidationFailed as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The step is recorded."))
    else:
        _flash_errors(request, ValidationFailed({k: list(v) for k, v in form.errors.items()}))
    return back_to_tab(case_id, "nrm")


@login_required
def deadlines(request):
    rows = deadlines_for(actor=request.actor, within_days=14)
    return render(request, "cases/deadlines.html", {"rows": rows})


@login_required
@require_POST
def consent_add(request, case_id: int):
    form = ConsentForm(request.POST, realm_id=request.actor.realm_id)
    if not form.is_valid():
        _flash_errors(request, ValidationFailed({k: list(v) for k, v in form.errors.items()}))
        return back_to_tab(case_id, "referrals")
    data = form.cleaned_data
    try:
        services.consent_record(
            actor=request.actor, case_id=case_id, purpose=data["purpose"], language=data["language"],
            interpreter=data["interpreter"], organisation_id=data["organisation"].pk if data["organisation"] else None,
            sector=data["sector"], country=data["country"], given_on=data["given_on"],
        )
    except ValidationFailed as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The consent is recorded."))
    return back_to_tab(case_id, "referrals")


@login_required
@require_POST
def consent_withdraw(request, case_id: int, consent_id: int):
    # The case is in the address, so the page can go back to it without a second pass through the gate.
    try:
        revoked = services.consent_withdraw(actor=request.actor, consent_id=consent_id, case_id=case_id)
    except ValidationFailed as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The consent is withdrawn; %(n)d shares were revoked.") % {"n": revoked})
    return back_to_tab(case_id, "referrals")
