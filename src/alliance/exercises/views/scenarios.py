"""The scenario pages for training co-ordinators: list and upload, a readable preview, download, the MSEL
as an editable table, a file editor for cards and objectives; every save is a new version, checked by the
same validator as an import. Thin: the selectors and services decide and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core.errors import NotFound
from alliance.exercises.domain.scenario_package import package_in, plain_yaml
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.forms.scenarios import FileEditForm, InjectRowForm, MselMetaForm, UploadForm, add_text_fields
from alliance.exercises.selectors.scenarios import scenario_evidence_for, scenario_get_for, scenario_list_for
from alliance.exercises.services import scenarios as service

EDITABLE_FILES = ("package.yaml", "roleplayers.yaml", "expected_actions.yaml", "storylines.yaml", "roles.yaml",
                  "world.yaml")


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _language(languages) -> str:
    current = (translation.get_language() or "en")[:2]
    return current if current in languages else languages[0]


def _when(inject: dict) -> str:
    if "at" in inject:
        return inject["at"]
    trigger = inject.get("trigger") or {}
    parts = [f"after {trigger['after']}" if "after" in trigger else f"on {trigger.get('event')}"]
    parts += [f"{key}={trigger[key]}" for key in ("sector", "catalogue") if key in trigger]
    if trigger.get("minutes"):
        parts.append(f"+{trigger['minutes']} min")
    return " ".join(parts)


def _preview_context(content: dict, languages) -> dict:
    language = _language(list(languages))
    shown = package_in(content, languages=set(languages), language=language)
    injects = [{**inject, "when": _when(inject)} for inject in shown["msel.yaml"]["injects"]]
    return {"language": language, "package": shown["package.yaml"], "world": shown["world.yaml"],
            "storylines": shown["storylines.yaml"]["storylines"], "roles": shown["roles.yaml"],
            "injects": injects, "cards": shown["roleplayers.yaml"]["cards"],
            "actions": shown["expected_actions.yaml"]["expected_actions"]}


def _list_page(request, *, form=None, problems=()):
    rows = list(scenario_list_for(actor=request.actor))
    for row in rows:
        row.shown_title = row.title.get(_language(row.languages)) or row.slug
    return render(request, "exercises/scenarios/list.html",
                  {"rows": rows, "form": form or UploadForm(), "problems": list(problems)})


@login_required
@require_GET
def scenario_list(request):
    return _list_page(request)


@login_required
@require_POST
def scenario_upload(request):
    form = UploadForm(request.POST, request.FILES)
    scenario_list_for(actor=request.actor)  # the same refusal as the list, before the upload is read
    if not form.is_valid():
        return _list_page(request, form=form)
    try:
        row = service.scenario_import(actor=request.actor, data=form.cleaned_data["package"].read())
    except service.ScenarioRefused as exc:
        return _list_page(request, form=form, problems=exc.problems)
    messages.success(request, _("Imported %(package)s.") % {"package": f"{row.slug} {row.version}"})
    return redirect("exercises:scenario", slug=row.slug, version=row.version)


@login_required
@require_GET
def scenario_detail(request, slug: str, version: str):
    row = scenario_get_for(actor=request.actor, slug=slug, version=version)
    context = _preview_context(row.content, row.languages)
    versions = [r.version for r in scenario_list_for(actor=request.actor).filter(slug=row.slug)]
    return render(request, "exercises/scenarios/detail.html",
                  {"row": row, "versions": versions, "evidence": list(row.evidence.defer("data")),
                   "editable": EDITABLE_FILES, **context})


@login_required
@require_GET
def scenario_download(request, slug: str, version: str):
    exported = service.scenario_export(actor=request.actor, slug=slug, version=version)
    return _attachment(exported.zip(), "application/zip", f"{exported.name}.zip")


@login_required
@require_GET
def scenario_evidence(request, slug: str, version: str, path: str):
    evidence = scenario_evidence_for(actor=request.actor, slug=slug, version=version, path=f"evidence/{path}")
    return _attachment(bytes(evidence.data), evidence.media_type, evidence.path.rsplit("/", 1)[-1])


# --- editing -------------------------------------------------------------------------------------------------

def _rows_from(injects: list[dict], languages) -> list[dict]:
    rows = []
    for inject in injects:
        row = {key: inject.get(key, "") for key in ("id", "storyline", "at", "channel", "sender", "recipient",
                                                    "role_player")}
        trigger = inject.get("trigger")
        row["trigger"] = "{" + ", ".join(f"{k}: {v}" for k, v in trigger.items()) + "}" if trigger else ""
        row["objectives"] = ", ".join(inject.get("objectives", []))
        row["evidence"] = ", ".join(inject.get("evidence", []))
        for language in languages:
            row[f"subject_{language}"] = inject.get("subject", {}).get(language, "")
            row[f"content_{language}"] = inject.get("content", {}).get(language, "")
            row[f"notes_{language}"] = inject.get("controller_notes", {}).get(language, "")
        rows.append(row)
    return rows


def _row_forms(languages, data=None, initial=None) -> list[InjectRowForm]:
    count = int(data.get("rows", 0)) if data is not None and str(data.get("rows", "")).isdigit() else None
    count = min(count if count is not None else len(initial or []) + 1, 200)
    forms = []
    for n in range(count):
        form = InjectRowForm(data, prefix=f"row-{n}", initial=(initial or [])[n] if initial and n < len(initial)
                             else None, use_required_attribute=False)
        add_text_fields(form, tuple(languages))
        forms.append(form)
    return forms


def _texts(cleaned: dict, field: str, languages) -> dict:
    return {language: cleaned[f"{field}_{language}"] for language in languages if cleaned.get(f"{field}_{language}")}


def _injects_from(forms: list[InjectRowForm], base: list[dict], languages) -> tuple[list[dict], list[str]]:
    """The MSEL rows as msel.yaml data; what a row cannot even be read as (a broken trigger) is returned as an
    error, everything else is left to the validator."""
    by_id, injects, errors = {i["id"]: i for i in base}, [], []
    for number, form in enumerate(forms, start=1):
        if not form.has_changed() and number > len(base):
            continue  # the empty row for a new inject, left empty
        if not form.is_valid():
            errors += [_("row %(number)s: %(field)s: %(errors)s") % {"number": number, "field": field,
                                                                     "errors": " ".join(e)}
                       for field, e in form.errors.items()]
            continue
        row = form.cleaned_data
        if row["delete"]:
            continue
        inject = {key: value for key, value in by_id.get(row["id"], {}).items() if key == "expected_response"}
        inject.update({"id": row["id"], "storyline": row["storyline"]})
        if row["at"]:
            inject["at"] = row["at"]
        if row["trigger"]:
            try:
                inject["trigger"] = plain_yaml.load(b"trigger: " + row["trigger"].encode()).data["trigger"]
            except (plain_yaml.YamlRefused, TypeError):
                errors.append(_("row %(number)s: a trigger is written {event: case_opened} or "
                                "{after: inj-04, minutes: 30}") % {"number": number})
                continue
        inject.update({"channel": row["channel"], "sender": row["sender"], "recipient": row["recipient"]})
        if row["role_player"]:
            inject["role_player"] = row["role_player"]
        inject.update({"subject": _texts(row, "subject", languages), "content": _texts(row, "content", languages)})
        evidence = [p.strip() for p in row["evidence"].split(",") if p.strip()]
        if evidence:
            inject["evidence"] = evidence
        inject["controller_notes"] = _texts(row, "notes", languages)
        inject["objectives"] = [o.strip() for o in row["objectives"].split(",") if o.strip()]
        injects.append(inject)
    return injects, errors


@login_required
@require_http_methods(["GET", "POST"])
def scenario_msel_edit(request, slug: str, version: str):
    row = scenario_get_for(actor=request.actor, slug=slug, version=version)
    languages = tuple(row.languages)
    base = row.content["msel.yaml"]["injects"]
    problems, errors, preview = [], [], None
    if request.method == "GET":
        meta, forms = MselMetaForm(), _row_forms(languages, initial=_rows_from(base, languages))
    else:
        meta, forms = MselMetaForm(request.POST), _row_forms(languages, data=request.POST)
        injects, errors = _injects_from(forms, base, languages)
        if meta.is_valid() and not errors:
            edit = {"actor": request.actor, "slug": row.slug, "base_version": row.version,
                    "new_version": meta.cleaned_data["new_version"], "content": {"msel.yaml": {"injects": injects}}}
            saved, preview, problems = _save_or_preview(request, edit)
            if saved is not None:
                return saved
    return render(request, "exercises/scenarios/msel_edit.html",
                  {"row": row, "meta": meta, "forms": forms, "languages": languages, "problems": problems,
                   "errors": errors, "preview": preview, "channels": V.CHANNELS})


def _save_or_preview(request, edit: dict):
    """An editor's two buttons: Save keeps the edit as a new version and goes to it; Preview checks the whole
    package and stores nothing. Returns (redirect or None, preview, problems)."""
    try:
        if "save" in request.POST:
            saved = service.scenario_save_version(**edit)
            messages.success(request, _("Saved as version %(version)s.") % {"version": saved.version})
            return redirect("exercises:scenario", slug=saved.slug, version=saved.version), None, []
        package = service.scenario_preview(**edit)
        return None, _preview_context(package.content, package.languages), []
    except service.ScenarioRefused as exc:
        return None, None, exc.problems


@login_required
@require_http_methods(["GET", "POST"])
def scenario_file_edit(request, slug: str, version: str, file: str):
    if file not in EDITABLE_FILES:
        raise NotFound("scenario file")
    row = scenario_get_for(actor=request.actor, slug=slug, version=version)
    problems, preview = [], None
    if request.method == "GET":
        form = FileEditForm(initial={"text": row.sources[file]})
    else:
        form = FileEditForm(request.POST)
        if form.is_valid():
            edit = {"actor": request.actor, "slug": row.slug, "base_version": row.version,
                    "new_version": form.cleaned_data["new_version"], "sources": {file: form.cleaned_data["text"]}}
            saved, preview, problems = _save_or_preview(request, edit)
            if saved is not None:
                return saved
    return render(request, "exercises/scenarios/file_edit.html",
                  {"row": row, "file": file, "form": form, "problems": problems, "preview": preview,
                   "cancel": reverse("exercises:scenario", kwargs={"slug": row.slug, "version": row.version})})
