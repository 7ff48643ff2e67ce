"""Data-protection duties: access tab, subject-access export, retention and legal holds, duty to notify."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.forms.data_protection import DeleteForm, LegalHoldForm
from alliance.cases.selectors.data_protection import access_log_for, access_rows, case_for_controller
from alliance.cases.selectors.subject_access import subject_access_for
from alliance.cases.services import data_protection as services
from alliance.cases.services.retention import retention_ends
from alliance.cases.views.tabs import back_to_tab
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.blank_forms import form_html
from alliance.core.errors import ValidationFailed


def _flash(request, error: ValidationFailed) -> None:
    for field_messages in error.errors.values():
        for message in field_messages:
            messages.error(request, message)


def panel(request, view) -> dict | None:
    """The owning organisation's section: access tab, subject access, retention, legal hold, deletion, notify."""
    case, actor = view.case, request.actor
    can_log = policy.CASE.can(actor, R.CASE_ACCESS_LOG, case)
    can_protect = policy.CASE.can(actor, R.CASE_DATA_PROTECTION, case)
    if not (can_log or can_protect):
        return None
    try:
        rules = rules_for(case.country)
    except ProfileError:
        rules = None
    context = {"template": "cases/_data_protection.html", "case": case, "can_log": can_log,
               "can_protect": can_protect, "retention_ends": retention_ends(case=case), "rules": rules}
    if can_protect:
        context.update({
            "hold_form": form_html(LegalHoldForm(initial={"hold": "release" if case.legal_hold else "set"},
                                                 auto_id="hold_%s")),
            "delete_form": form_html(DeleteForm(auto_id="delete_%s")),
            "duty_required": bool(rules and rules.duty_to_notify_required),
            "duty_blockers": services.duty_to_notify_blockers(case=case) if rules else [],
            "duty_sent": list(case.duty_notifications.order_by("sent_at")),
        })
    return context


@login_required
def access_log(request, case_id: int):
    case, events = access_log_for(actor=request.actor, case_id=case_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "cases/data_protection/access_log.html",
                  {"case": case, "page": page, "rows": access_rows(events=page.object_list)})


@login_required
def subject_access(request, case_id: int):
    document = subject_access_for(actor=request.actor, case_id=case_id)
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    number = document["cases"][0]["number"] if document["cases"] else str(case_id)
    response["Content-Disposition"] = f'attachment; filename="subject-access-{number}.json"'
    return response


@login_required
@require_POST
def legal_hold(request, case_id: int):
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        _flash(request, ValidationFailed({k: list(v) for k, v in form.errors.items()}))
        _exists_for_controller(request, case_id)
        return back_to_tab(case_id, "data_protection")
    release = form.cleaned_data["hold"] == "release"
    change = services.legal_hold_clear if release else services.legal_hold_set
    try:
        change(actor=request.actor, case_id=case_id, reason=form.cleaned_data["reason"])
    except ValidationFailed as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The legal hold is released.") if release else _("The legal hold is set."))
    return back_to_tab(case_id, "data_protection")


@login_required
@require_POST
def case_delete(request, case_id: int):
    form = DeleteForm(request.POST)
    if not form.is_valid():
        _flash(request, ValidationFailed({k: list(v) for k, v in form.errors.items()}))
        _exists_for_controller(request, case_id)
        return back_to_tab(case_id, "data_protection")
    try:
        services.case_delete(actor=request.actor, case_id=case_id, justification=form.cleaned_data["justification"])
    except ValidationFailed as exc:
        _flash(request, exc)
        return back_to_tab(case_id, "data_protection")
    messages.success(request, _("The case is deleted."))
    return redirect("cases:list")


@login_required
@require_POST
def duty_notify(request, case_id: int):
    try:
        notification = services.duty_notification_send(actor=request.actor, case_id=case_id)
    except ValidationFailed as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The anonymous notification is sent to %(authority)s.")
                         % {"authority": notification.authority})
    return back_to_tab(case_id, "data_protection")


def _exists_for_controller(request, case_id: int) -> None:
    """An invalid form must not tell a stranger more than a valid one: 404 unless the actor is the controller."""
    case_for_controller(actor=request.actor, case_id=case_id, what="data_protection")


urlpatterns = [
    path("<int:case_id>/access/", access_log, name="access_log"),
    path("<int:case_id>/subject-access/", subject_access, name="subject_access"),
    path("<int:case_id>/legal-hold/", legal_hold, name="legal_hold"),
    path("<int:case_id>/delete/", case_delete, name="delete"),
    path("<int:case_id>/duty-notification/", duty_notify, name="duty_notify"),
]
