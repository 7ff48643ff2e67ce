"""Staff administration for organisation admins, and each user's own API tokens. NotFound and Forbidden from
the selectors and services reach ServiceErrorMiddleware, which answers 404 and 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core import roles as R
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.directory import selectors, services
from alliance.directory.forms import MembershipForm, StaffAddForm, TokenForm
from alliance.directory.models import Organisation


@login_required
def staff_list(request):
    members = list(selectors.staff_list_for(actor=request.actor))
    for member in members:
        member.role_names = [R.role_label(code) for code in member.roles]
    return render(request, "directory/staff.html", {"members": members})


@login_required
@require_http_methods(["GET", "POST"])
def staff_add(request):
    selectors.staff_list_for(actor=request.actor)  # refuses (403) those who manage no staff
    form = StaffAddForm(request.POST or None)
    if request.actor.has_role(R.SYSTEM_ADMINISTRATOR):
        # The installation's agencies only: a sandbox agency is staffed by its exercise run (issue 10).
        form.fields["organisation"].queryset = selectors.organisations_for_sharing(realm_id=request.actor.realm_id)
    else:
        form.fields["organisation"].queryset = Organisation.objects.filter(pk=request.actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_add(actor=request.actor, organisation_id=data["organisation"].pk, email=data["email"],
                               display_name=data["display_name"], password=data["password"],
                               roles=data["roles"], is_organisation_admin=data["is_organisation_admin"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The account is ready."))
            return redirect("directory:staff")
    return render(request, "directory/staff_add.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, membership_id: int):
    membership = selectors.membership_get_for(actor=request.actor, membership_id=membership_id)
    initial = {"roles": membership.roles, "is_organisation_admin": membership.is_organisation_admin,
               "is_active": membership.is_active}
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_update(actor=request.actor, membership_id=membership.pk, roles=data["roles"],
                                       is_organisation_admin=data["is_organisation_admin"],
                                       is_active=data["is_active"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The rights changed; they apply from the member's next request."))
            return redirect("directory:staff")
    return render(request, "directory/staff_edit.html", {"form": form, "membership": membership})


@login_required
@require_POST
def staff_unlock(request, membership_id: int):
    services.lockout_clear(actor=request.actor, membership_id=membership_id)
    messages.success(request, _("The account is unlocked."))
    return redirect("directory:staff")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, issued = services.token_issue(actor=request.actor, name=form.cleaned_data["name"],
                                                  days=form.cleaned_data["days"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm()
    return render(request, "directory/tokens.html",
                  {"form": form, "issued": issued, "tokens": selectors.tokens_of(actor=request.actor)})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    services.token_revoke(actor=request.actor, token_id=token_id)
    messages.success(request, _("The token is revoked."))
    return redirect("directory:tokens")
