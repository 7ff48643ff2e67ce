"""The training co-ordinator's pages: programmes, the applicants of a call, the selection run and the
notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import roles as R
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.exercises.forms.programmes import CallForm, EditionForm, ProgrammeForm, RatingForm
from alliance.exercises.models.programmes import GENDERS, PROFESSIONS, country_name
from alliance.exercises.selectors.programmes import (
    applicant_get_for,
    applicants_for,
    call_get_for,
    call_of_edition,
    edition_get_for,
    editions_of,
    programme_get_for,
    programmes_for,
)
from alliance.exercises.services.applications import applicant_rate
from alliance.exercises.services.programmes import call_publish, call_save, edition_create, programme_create
from alliance.exercises.services.selection import applicants_notify, selection_run


@login_required
@require_GET
def programme_list(request):
    return render(request, "exercises/programmes/list.html", {"programmes": list(programmes_for(actor=request.actor))})


@login_required
@require_GET
def programme_detail(request, programme_id: int):
    programme = programme_get_for(actor=request.actor, programme_id=programme_id)
    editions = editions_of(actor=request.actor, programme_id=programme.pk)
    return render(request, "exercises/programmes/detail.html", {"programme": programme, "editions": editions})


@login_required
@require_GET
def applicant_list(request, call_id: int):
    call, rows = applicants_for(actor=request.actor, call_id=call_id)
    professions, genders = dict(PROFESSIONS), dict(GENDERS)
    for row in rows:
        applicant = row["applicant"]
        row["profession"] = professions.get(applicant.profession, applicant.profession)
        row["gender"] = genders.get(applicant.gender, applicant.gender)
        row["country"] = country_name(applicant.country)
    runs = list(call.selection_runs.all()[:5])
    return render(request, "exercises/programmes/applicants.html", {"call": call, "rows": rows, "runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def applicant_detail(request, applicant_id: int):
    applicant = applicant_get_for(actor=request.actor, applicant_id=applicant_id)
    form = RatingForm(request.POST if request.method == "POST" else None, criteria=applicant.call.criteria,
                      initial=applicant.ratings)
    if request.method == "POST" and form.is_valid():
        try:
            applicant_rate(actor=request.actor, applicant_id=applicant.pk,
                           ratings={k: v for k, v in form.cleaned_data.items() if v is not None})
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The marks are saved; run the selection again to use them."))
            return redirect("exercises:applicant", applicant_id=applicant.pk)
    return render(request, "exercises/programmes/applicant.html", {
        "applicant": applicant, "form": form, "country": country_name(applicant.country),
        "profession": dict(PROFESSIONS).get(applicant.profession, applicant.profession)})


@login_required
@require_POST
def call_select(request, call_id: int):
    try:
        run = selection_run(actor=request.actor, call_id=call_id)
    except ValidationFailed as error:
        messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
    else:
        messages.success(request, _("Selection done: %(s)s selected, %(w)s on the waiting list, %(r)s refused.")
                         % {"s": run.selected, "w": run.waiting, "r": run.refused})
    return redirect("exercises:applicants", call_id=call_id)


@login_required
@require_POST
def call_notify(request, call_id: int):
    try:
        told = applicants_notify(actor=request.actor, call_id=call_id)
    except ValidationFailed as error:
        messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
    else:
        messages.success(request, _("%(n)s applicants were told their decision.") % {"n": told})
    return redirect("exercises:applicants", call_id=call_id)


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    programmes_for(actor=request.actor)  # Forbidden (403) for anyone who runs no programme
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_create(actor=request.actor, **form.cleaned_data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("exercises:programme", programme_id=programme.pk)
    return render(request, "exercises/programmes/form.html", {"form": form, "heading": _("New programme")})


@login_required
@require_http_methods(["GET", "POST"])
def edition_new(request, programme_id: int):
    programme = programme_get_for(actor=request.actor, programme_id=programme_id)
    form = EditionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            edition_create(actor=request.actor, programme_id=programme.pk, **form.cleaned_data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("exercises:programme", programme_id=programme.pk)
    return render(request, "exercises/programmes/form.html", {
        "form": form, "heading": _("New edition of %(programme)s") % {"programme": programme.title},
        "back": programme})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, edition_id: int):
    edition = edition_get_for(actor=request.actor, edition_id=edition_id)
    call = call_of_edition(actor=request.actor, edition_id=edition.pk)
    form = CallForm(request.POST if request.method == "POST" else None,
                    initial=CallForm.initial_from(call) if call else None)
    if request.method == "POST" and form.is_valid():
        try:
            call_save(actor=request.actor, edition_id=edition.pk, **form.values())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("exercises:programme", programme_id=edition.programme_id)
    return render(request, "exercises/programmes/form.html", {
        "form": form, "heading": _("Call for participants: %(edition)s") % {"edition": edition.title},
        "back": edition.programme})


@login_required
@require_POST
def call_publish_toggle(request, call_id: int):
    call = call_get_for(actor=request.actor, call_id=call_id, action=R.PROGRAMME_MANAGE)
    call_publish(actor=request.actor, call_id=call.pk, published=request.POST.get("published") != "no")
    return redirect("exercises:programme", programme_id=call.edition.programme_id)
