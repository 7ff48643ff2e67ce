"""The catalogue editor pages (system administrators) and the XLSForm download: thin, calling the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.screening.domain import catalogue as catalogues
from alliance.screening.domain import languages
from alliance.screening.domain.interview import InterviewUnavailable, current_interview
from alliance.screening.domain.xlsform import FORM_ID, build_xlsform
from alliance.screening.services import catalogues as service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DraftForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("New version"), max_length=32,
                              help_text=gettext_lazy("The year, a dot and a number, e.g. 2026.2."))


def _state(row) -> str:
    if row.is_draft:
        return "draft"
    return "retired" if row.retired_at else "published"


def _languages(row) -> list[dict]:
    """The nine built-in languages, the added ones this version carries, then (in a draft) the other added
    languages, which it does not carry yet: every question is missing in those."""
    done = service.completeness(catalogue=row)
    found = [{**language, "missing": done.missing.get(language["code"], 0), "carried": True}
             for language in languages.described(catalogues.required_languages(row.content))]
    if row.is_draft:
        carried = {language["code"] for language in found}
        count = len(row.content.get("indicators", []))
        found += [{"code": added.code, "name": added.name, "dir": added.direction, "missing": count, "carried": False}
                  for added in languages.registered() if added.code not in carried]
    return found


@login_required
@require_GET
def catalogue_list(request):
    if not policy.may_edit_catalogues(request.actor):
        raise Forbidden(R.CATALOGUE_EDIT)
    codes: dict[str, list[dict]] = {}
    for row in service.catalogues_visible(actor=request.actor):
        done = service.completeness(catalogue=row)
        codes.setdefault(row.code, []).append({"row": row, "state": _state(row), "done": done,
                                               "count": len(row.content.get("indicators", []))})
    return render(request, "screening/catalogue_list.html", {"codes": codes})


def _detail_context(row, *, errors=None, draft_form=None) -> dict:
    carried = languages.described(catalogues.required_languages(row.content))
    indicators = [
        {"id": item["id"], "label": item["label"], "observe": bool(item.get("observe")),
         "texts": [{**language, "text": str((item.get("question") or {}).get(language["code"], "")).strip()}
                   for language in carried]}
        for item in row.content.get("indicators", [])
    ]
    return {"catalogue": row, "state": _state(row), "done": service.completeness(catalogue=row),
            "indicators": indicators,
            "languages": _languages(row), "errors": errors or [],
            "draft_form": draft_form or DraftForm(initial={"version": service.suggested_version(code=row.code)}),
            "based_on": row.based_on}


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_detail(request, catalogue_id: int):
    """One version. POST with action=retire retires it (the page's retire button)."""
    row = service.catalogue_for_editor(actor=request.actor, catalogue_id=catalogue_id)
    if request.method == "POST":
        if request.POST.get("action") != "retire":
            return redirect("screening:catalogue", catalogue_id=row.pk)
        try:
            row = service.catalogue_retire(actor=request.actor, catalogue_id=row.pk)
        except ValidationFailed as error:
            return render(request, "screening/catalogue_detail.html",
                          _detail_context(row, errors=_messages(error)), status=422)
        messages.success(request, _("%(code)s %(version)s is retired.") % {"code": row.code, "version": row.version})
        return redirect("screening:catalogue", catalogue_id=row.pk)
    return render(request, "screening/catalogue_detail.html", _detail_context(row))


@login_required
@require_POST
def catalogue_draft(request, catalogue_id: int):
    row = service.catalogue_for_editor(actor=request.actor, catalogue_id=catalogue_id)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            draft = service.catalogue_draft(actor=request.actor, catalogue_id=row.pk,
                                            version=form.cleaned_data["version"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft %(code)s %(version)s made: add or correct its texts, then publish it.")
                             % {"code": draft.code, "version": draft.version})
            return redirect(f"{_edit_url(draft)}?language={_first_missing(draft)}")
    return render(request, "screening/catalogue_detail.html", _detail_context(row, draft_form=form),
                  status=422)


def _edit_url(row) -> str:
    return reverse("screening:catalogue_edit", kwargs={"catalogue_id": row.pk})


def _first_missing(row) -> str:
    missing = service.completeness(catalogue=row).missing
    return next(iter(missing), "en")


def _texts_form(row, language: str, data=None) -> forms.Form:
    direction = languages.direction(language)
    fields = {}
    for item in row.content.get("indicators", []):
        fields[item["id"]] = forms.CharField(
            label=item["label"], required=False, max_length=service.MAX_TEXT,
            initial=(item.get("question") or {}).get(language, ""), disabled=not row.is_draft,
            widget=forms.Textarea(attrs={"rows": 2, "lang": language, "dir": direction}))
    form_class = type("TextsForm", (forms.Form,), fields)
    return form_class(data)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_edit(request, catalogue_id: int):
    row = service.catalogue_for_editor(actor=request.actor, catalogue_id=catalogue_id)
    language = request.GET.get("language") or request.POST.get("language") or _first_missing(row)
    if language not in languages.CODES and not languages.is_known(language):
        language = "en"
    language_dir, language_name = languages.direction(language), languages.name_of(language)
    form = _texts_form(row, language, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.catalogue_set_texts(actor=request.actor, catalogue_id=row.pk, language=language,
                                            texts=form.cleaned_data)
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The %(language)s texts are saved.") % {"language": language_name})
                return redirect(f"{_edit_url(row)}?language={language}")
        status = 422
    english = {item["id"]: str((item.get("question") or {}).get("en", "")) for item in row.content["indicators"]}
    rows = [{"field": form[item["id"]], "english": english[item["id"]], "observe": bool(item.get("observe"))}
            for item in row.content["indicators"]]
    return render(request, "screening/catalogue_edit.html", {
        "catalogue": row, "state": _state(row), "form": form, "rows": rows, "language": language,
        "language_name": language_name, "dir": language_dir,
        "languages": _languages(row), "done": service.completeness(catalogue=row),
        "language_added": language not in catalogues.required_languages(row.content),
    }, status=status)


@login_required
@require_POST
def catalogue_publish(request, catalogue_id: int):
    row = service.catalogue_for_editor(actor=request.actor, catalogue_id=catalogue_id)
    try:
        row = service.catalogue_publish(actor=request.actor, catalogue_id=row.pk)
    except ValidationFailed as error:
        return render(request, "screening/catalogue_detail.html",
                      _detail_context(row, errors=_messages(error)), status=422)
    messages.success(request, _("%(code)s %(version)s is published; new interviews use it.")
                     % {"code": row.code, "version": row.version})
    return redirect("screening:catalogue", catalogue_id=row.pk)


def _messages(error: ValidationFailed) -> list[str]:
    return [message for found in error.errors.values() for message in found]


def xlsform_response(actor) -> HttpResponse:
    if not policy.may_download_xlsform(actor):
        raise Forbidden(R.SCREENING_CONDUCT)
    try:
        interview = current_interview()
    except InterviewUnavailable:
        return HttpResponse(_("The interview is not available: a catalogue it needs has no published version."),
                            status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(build_xlsform(interview), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{FORM_ID}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def xlsform(request):
    return xlsform_response(request.actor)
