"""Referrals and transfers: send, inbox, accept, decline, revoke, done; notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alliance.cases.forms.referrals import ReasonForm, ReferForm
from alliance.cases.models import CaseShare
from alliance.cases.selectors.referrals import (
    BOXES,
    case_referrals_for,
    notifications_for,
    referral_list_for,
    viewable_case_of,
)
from alliance.cases.services import notifications as notices
from alliance.cases.services import referrals as services
from alliance.cases.views.tabs import back_to_tab
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.blank_forms import form_html
from alliance.core.errors import ValidationFailed

BOX_LABELS = {"incoming": gettext_lazy("Incoming"), "outgoing": gettext_lazy("Outgoing"),
              "overdue": gettext_lazy("Overdue")}
DONE_MESSAGES = {
    "accept": gettext_lazy("The referral is accepted."),
    "decline": gettext_lazy("The referral is declined."),
    "revoke": gettext_lazy("The referral is revoked."),
    "done": gettext_lazy("The referral is marked done."),
}
STEP_LABELS = {"accept": gettext_lazy("Accept"), "decline": gettext_lazy("Decline"),
               "revoke": gettext_lazy("Revoke"), "done": gettext_lazy("Mark done")}


def _flash(request, error: ValidationFailed) -> None:
    for field_messages in error.errors.values():
        for message in field_messages:
            messages.error(request, message)


def _with_actions(rows: list[dict]) -> list[dict]:
    return [{**row, "actions": [(step, STEP_LABELS[step]) for step in row["steps"]]} for row in rows]


def panel(request, view) -> dict | None:
    """The case's referrals with the steps the actor may take, and the refer form for its owner."""
    rows = _with_actions(case_referrals_for(actor=request.actor, case=view.case))
    can_refer = policy.CASE.can(request.actor, R.CASE_SHARE, view.case)
    if not rows and not can_refer:
        return None
    return {"template": "cases/_referrals.html", "rows": rows, "can_refer": can_refer,
            "refer_form": (form_html(ReferForm(auto_id="refer_%s", realm_id=request.actor.realm_id))
                           if can_refer else "")}


@login_required
@require_POST
def case_refer(request, case_id: int):
    form = ReferForm(request.POST, realm_id=request.actor.realm_id)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} {error}".strip())
        return back_to_tab(case_id, "referrals")
    data = form.cleaned_data
    try:
        share = services.case_refer(
            actor=request.actor, case_id=case_id, organisation_id=data["organisation"].pk, kind=data["kind"],
            scope=data["scope"], purpose=data["purpose"], respond_by=data["respond_by"],
            legal_basis=data["legal_basis"],
        )
    except ValidationFailed as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The case is referred; the answer is due by %(date)s.")
                         % {"date": share.respond_by.isoformat()})
    return back_to_tab(case_id, "referrals")


@login_required
@require_POST
def referral_step(request, share_id: int, step: str):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not form.is_valid():
        _flash(request, ValidationFailed({k: list(v) for k, v in form.errors.items()}))
        return redirect("cases:referrals")
    take = {"accept": lambda: services.referral_accept(actor=request.actor, share_id=share_id),
            "decline": lambda: services.referral_decline(actor=request.actor, share_id=share_id, reason=reason),
            "revoke": lambda: services.referral_revoke(actor=request.actor, share_id=share_id, reason=reason),
            "done": lambda: services.referral_done(actor=request.actor, share_id=share_id, reason=reason)}[step]
    try:
        take()
    except ValidationFailed as exc:
        _flash(request, exc)
    else:
        messages.success(request, DONE_MESSAGES[step])
    # Back to the case while the actor may still open it; declining, finishing or handing over ends that.
    case_id = viewable_case_of(actor=request.actor, share_id=share_id)
    if case_id is not None:
        return redirect("cases:detail", case_id=case_id)
    return redirect("cases:referrals")


@login_required
def referral_list(request):
    box = request.GET.get("box") if request.GET.get("box") in BOXES else "incoming"
    status = request.GET.get("status") if request.GET.get("status") in CaseShare.Status.values else None
    rows = referral_list_for(actor=request.actor, box=box, status=status)
    return render(request, "cases/referrals/list.html", {
        "rows": _with_actions(rows), "box": box, "boxes": [(b, BOX_LABELS[b]) for b in BOXES],
    })


@login_required
def notification_list(request):
    return render(request, "cases/referrals/notifications.html",
                  {"notices": notifications_for(actor=request.actor)})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notices.notification_read(actor=request.actor, notification_id=notification_id)
    return redirect("cases:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notices.notification_read_all(actor=request.actor)
    return redirect("cases:notifications")


urlpatterns: list = [
    path("referrals/", referral_list, name="referrals"),
    path("<int:case_id>/refer/", case_refer, name="refer"),
    *[path(f"referrals/<int:share_id>/{step}/", referral_step, {"step": step}, name=f"referral_{step}")
      for step in services.STEPS],
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:notification_id>/read/", notification_read, name="notification_read"),
    path("notifications/read/", notification_read_all, name="notifications_read_all"),
]
