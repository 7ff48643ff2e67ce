"""The public pages (no account): open calls, one call, the application form, the confirmation link."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.core.middleware import client_address
from alliance.directory.selectors import live_realm
from alliance.exercises.forms.programmes import ApplicationForm
from alliance.exercises.models.programmes import PROFESSIONS, country_name
from alliance.exercises.selectors.programmes import call_public_get, calls_open_public
from alliance.exercises.services.applications import application_confirm, application_submit, public_actor


def _visitor(request):
    return public_actor(realm_id=live_realm().pk, address=client_address(request))


@require_GET
def calls_public(request):
    return render(request, "exercises/programmes/calls_public.html", {"calls": calls_open_public()})


@require_GET
def call_public(request, call_id: int):
    call = call_public_get(call_id=call_id)
    professions = dict(PROFESSIONS)
    return render(request, "exercises/programmes/call_public.html", {
        "call": call, "edition": call.edition, "country": country_name(call.edition.country),
        "profiles": [professions.get(code, code) for code in call.profiles]})


@require_http_methods(["GET", "POST"])
def apply(request, call_id: int):
    call = call_public_get(call_id=call_id)
    form = ApplicationForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.is_valid():
        confirm = request.build_absolute_uri(reverse("exercises:apply_confirm", kwargs={"token": "TOKEN"}))
        try:
            submitted = application_submit(actor=_visitor(request), call_id=call.pk, data=form.data_for_service(),
                                           language=get_language() or "en",
                                           confirm_url=confirm.replace("TOKEN", "{token}"))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return render(request, "exercises/programmes/applied.html", {"call": call, "message": submitted.message})
    status = 422 if request.method == "POST" else 200
    return render(request, "exercises/programmes/apply.html", {"call": call, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def apply_confirm(request, token: str):
    """A GET only shows a button: mail scanners follow links, and must not use up the single-use token."""
    if request.method == "GET":
        return render(request, "exercises/programmes/confirm.html", {"token": token, "done": None})
    done = application_confirm(actor=_visitor(request), token=token)
    return render(request, "exercises/programmes/confirm.html", {"token": token, "done": done},
                  status=200 if done else 410)
