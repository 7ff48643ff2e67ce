"""The language editor pages (system administrators): the interview languages, built in and added; adding
one; translating its phrases beside the English and publishing it. Thin: every write is a service call
(screening/services/languages.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from alliance.screening.domain import languages, phrases
from alliance.screening.domain.interview import InterviewUnavailable, current_interview
from alliance.screening.services import catalogues as catalogue_service
from alliance.screening.services import languages as service

DIRECTION_CHOICES = [("ltr", gettext_lazy("Left to right")), ("rtl", gettext_lazy("Right to left"))]
# What each fixed phrase is for, shown above its field (the English text is shown beside it too).
PHRASE_LABELS = {
    "intro": gettext_lazy("Introduction, read first"),
    "urgent": gettext_lazy("Urgent safety question"),
    "yes": gettext_lazy("Answer: yes"),
    "no": gettext_lazy("Answer: no"),
    "prefer_not": gettext_lazy("Answer: prefers not to answer"),
    "dont_know": gettext_lazy("Answer: does not know"),
    "age": gettext_lazy("Question about age"),
    "work": gettext_lazy("Question about work since leaving home"),
    "travel_alone": gettext_lazy("Question to a child about travelling with a parent or guardian"),
    "closing": gettext_lazy("Closing words"),
    "consent_share": gettext_lazy("Question about agreeing to a referral"),
}


class AddForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=3, help_text=gettext_lazy(
        "The ISO 639 code: two or three lowercase letters, e.g. ur (Urdu), so (Somali), ti (Tigrinya), ku (Kurmanji)."))
    name = forms.CharField(label=gettext_lazy("Name, as its speakers write it"), max_length=service.MAX_NAME)
    direction = forms.ChoiceField(label=gettext_lazy("Writing direction"), choices=DIRECTION_CHOICES,
                                  initial="ltr")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "add-%s")
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="off", autocapitalize="none", spellcheck="false",
                                                pattern="[a-z]{2,3}")
        self.fields["name"].widget.attrs.update(dir="auto")  # written in the language's own script


def _current_catalogues(actor) -> list:
    """The newest published version of each catalogue (the ones the interview and the exports use)."""
    codes = dict.fromkeys(row.code for row in catalogue_service.catalogues_visible(actor=actor))
    return [row for row in (catalogues.current(code) for code in codes) if row is not None]


def _offered() -> tuple[str, ...]:
    try:
        return languages.offered(current_interview().catalogues)
    except InterviewUnavailable:
        return ()


def _list_context(actor, add_form=None) -> dict:
    current = _current_catalogues(actor)
    offered = _offered()
    built_in = [{"code": code, "name": name, "dir": languages.direction(code), "state": "built_in",
                 "coverage": service.coverage(code=code, current=current), "offered": code in offered}
                for code, name in languages.LANGUAGES]
    added = [{"code": row.code, "name": row.name, "dir": row.direction, "row": row,
              "state": "published" if row.is_published else "draft",
              "missing": len(service.missing_phrases(language=row)),
              "coverage": service.coverage(code=row.code, current=current), "offered": row.code in offered}
             for row in service.languages_for_editor(actor=actor)]
    return {"built_in": built_in, "added": added, "current": current, "add_form": add_form or AddForm(),
            "phrase_count": len(phrases.phrase_keys())}


@login_required
@require_GET
def language_list(request):
    if not policy.may_edit_catalogues(request.actor):
        raise Forbidden(R.CATALOGUE_EDIT)
    return render(request, "screening/language_list.html", _list_context(request.actor))


@login_required
@require_POST
def language_add(request):
    if not policy.may_edit_catalogues(request.actor):
        raise Forbidden(R.CATALOGUE_EDIT)
    form = AddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = service.language_add(actor=request.actor, code=data["code"], name=data["name"],
                                       direction=data["direction"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s (%(code)s) added: translate its phrases, then publish it.")
                             % {"name": row.name, "code": row.code})
            return redirect("screening:language", code=row.code)
    return render(request, "screening/language_list.html", _list_context(request.actor, add_form=form), status=422)


def _edit_form(row, data=None) -> forms.Form:
    fields = {
        "name": forms.CharField(label=gettext_lazy("Name, as its speakers write it"), max_length=service.MAX_NAME,
                                initial=row.name,
                                widget=forms.TextInput(attrs={"lang": row.code, "dir": row.direction})),
        "direction": forms.ChoiceField(label=gettext_lazy("Writing direction"), choices=DIRECTION_CHOICES,
                                       initial=row.direction),
    }
    for key in phrases.phrase_keys():
        fields[f"phrase_{key}"] = forms.CharField(
            label=PHRASE_LABELS.get(key, key), required=False, max_length=service.MAX_PHRASE,
            initial=str((row.phrases or {}).get(key) or ""),
            widget=forms.Textarea(attrs={"rows": 2, "lang": row.code, "dir": row.direction,
                                         "aria-describedby": f"english-{key}"}))
    form_class = type("LanguageForm", (forms.Form,), fields)
    return form_class(data, auto_id="l-%s")


def _edit_context(actor, row, form, errors=None) -> dict:
    current = _current_catalogues(actor)
    english = phrases.all_phrases()
    rows = [{"key": key, "field": form[f"phrase_{key}"], "english": str((english.get(key) or {}).get("en", ""))}
            for key in phrases.phrase_keys()]
    return {"language": row, "form": form, "rows": rows, "missing": service.missing_phrases(language=row),
            "coverage": service.coverage(code=row.code, current=current), "current": current,
            "offered": row.code in _offered(), "errors": errors or []}


@login_required
@require_http_methods(["GET", "POST"])
def language_edit(request, code: str):
    row = service.language_for_editor(actor=request.actor, code=code)
    if request.method == "GET":
        return render(request, "screening/language_edit.html", _edit_context(request.actor, row, _edit_form(row)))
    form = _edit_form(row, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        texts = {key: data[f"phrase_{key}"] for key in phrases.phrase_keys()}
        try:
            row = service.language_update(actor=request.actor, code=row.code, texts=texts, name=data["name"],
                                          direction=data["direction"])
        except ValidationFailed as error:
            apply_errors(form, ValidationFailed({
                (f"phrase_{field}" if field in texts else field): found for field, found in error.errors.items()}))
        else:
            messages.success(request, _("The %(name)s phrases are saved.") % {"name": row.name})
            return redirect("screening:language", code=row.code)
    return render(request, "screening/language_edit.html", _edit_context(request.actor, row, form), status=422)


@login_required
@require_POST
def language_publish(request, code: str):
    row = service.language_for_editor(actor=request.actor, code=code)
    try:
        row = service.language_publish(actor=request.actor, code=row.code)
    except ValidationFailed as error:
        errors = [message for found in error.errors.values() for message in found]
        return render(request, "screening/language_edit.html",
                      _edit_context(request.actor, row, _edit_form(row), errors=errors), status=422)
    messages.success(request, _("%(name)s (%(code)s) is published. Interviews offer it once every catalogue they "
                                "use has its questions in it.") % {"name": row.name, "code": row.code})
    return redirect(reverse("screening:language", kwargs={"code": row.code}))
