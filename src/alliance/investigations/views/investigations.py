"""The investigation workspace pages: the list, opening one, its page (sources, entities, team, hits), the
FtM import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.investigations.domain.ftm_files import ftm_file_entities
from alliance.investigations.forms.investigations import (
    FtmImportForm,
    InvestigationForm,
    MemberForm,
    SourceForm,
    TableImportForm,
    XrefForm,
)
from alliance.investigations.models import PairJudgement
from alliance.investigations.selectors.entities import entity_list_for, ftm_export_for, links_of, sources_of
from alliance.investigations.selectors.investigations import (
    account_of,
    investigation_get_for,
    investigation_list_for,
    is_lead,
    team_of,
)
from alliance.investigations.selectors.tables import mapping_choices_for, mapping_text_for
from alliance.investigations.selectors.xref import xref_hits_for
from alliance.investigations.services.entities import entities_add, source_register
from alliance.investigations.services.investigations import investigation_member_add, investigation_open
from alliance.investigations.services.tables import mapping_save, table_import


@login_required
@require_GET
def investigation_list(request):
    return render(request, "investigations/list.html",
                  {"investigations": list(investigation_list_for(actor=request.actor)[:200])})


@login_required
@require_http_methods(["GET", "POST"])
def investigation_new(request):
    if not policy.may_open_investigation(request.actor):
        raise Forbidden(R.INVESTIGATION_OPEN)
    form = InvestigationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            investigation = investigation_open(actor=request.actor, **form.cleaned_data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("investigations:detail", investigation_id=investigation.pk)
    return render(request, "investigations/new.html", {"form": form})


def _page(request, investigation_id: int, **forms):
    actor = request.actor
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    sources = sources_of(actor=actor, investigation_id=investigation.pk)
    context = {
        "investigation": investigation, "sources": sources, "team": team_of(investigation=investigation),
        "lead": is_lead(actor=actor, investigation=investigation),
        "entities": entity_list_for(actor=actor, investigation_id=investigation.pk),
        "links": len(links_of(actor=actor, investigation_id=investigation.pk)),
        "hits": xref_hits_for(actor=actor, investigation_id=investigation.pk),
        "verdicts": PairJudgement.Verdict.choices,
        "source_form": forms.get("source_form") or SourceForm(),
        "import_form": forms.get("import_form") or FtmImportForm(sources=sources),
        "xref_form": forms.get("xref_form") or XrefForm(initial={"legal_basis": investigation.legal_basis}),
        "member_form": forms.get("member_form") or MemberForm(),
        "table_form": forms.get("table_form") or TableImportForm(
            sources=sources, mappings=mapping_choices_for(actor=actor)),
    }
    return render(request, "investigations/detail.html", context, status=400 if forms else 200)


@login_required
@require_GET
def investigation_detail(request, investigation_id: int):
    return _page(request, investigation_id)


@login_required
@require_POST
def source_add(request, investigation_id: int):
    form = SourceForm(request.POST)
    if form.is_valid():
        try:
            source_register(actor=request.actor, investigation_id=investigation_id, **form.cleaned_data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Source recorded. Its entities can be imported now."))
            return redirect("investigations:detail", investigation_id=investigation_id)
    return _page(request, investigation_id, source_form=form)


@login_required
@require_POST
def ftm_import(request, investigation_id: int):
    sources = sources_of(actor=request.actor, investigation_id=investigation_id)
    form = FtmImportForm(request.POST, request.FILES, sources=sources)
    if form.is_valid():
        try:
            entities = ftm_file_entities(form.cleaned_data["file"])
            report = entities_add(actor=request.actor, investigation_id=investigation_id,
                                  source_id=form.cleaned_data["source"], entities=entities)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(n)d entities imported.") % {"n": report.created})
            return redirect("investigations:detail", investigation_id=investigation_id)
    return _page(request, investigation_id, import_form=form)


@login_required
@require_POST
def spreadsheet_import(request, investigation_id: int):
    """The column-mapping step: a preset or a saved mapping, or one written here; saved for the agency when
    named; the file checked whole and imported, or every refused cell listed."""
    actor = request.actor
    sources = sources_of(actor=actor, investigation_id=investigation_id)
    form = TableImportForm(request.POST, request.FILES, sources=sources, mappings=mapping_choices_for(actor=actor))
    if form.is_valid():
        data = form.cleaned_data
        source = next(s for s in sources if s.pk == data["source"])
        text = data["mapping"].strip() or mapping_text_for(actor=actor, choice=data["preset"], source_kind=source.kind)
        try:
            upload = data["file"]
            report = table_import(actor=actor, investigation_id=investigation_id, source_id=source.pk,
                                  data=upload.read(), filename=upload.name or "", mapping_text=text)
            if data["save_as"].strip():  # a mapping is kept once it has imported a file
                mapping_save(actor=actor, name=data["save_as"], source_kind=source.kind, mapping_text=text)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(n)d entities imported.") % {"n": report.created})
            return redirect("investigations:detail", investigation_id=investigation_id)
    return _page(request, investigation_id, table_form=form)


@login_required
@require_GET
def ftm_export(request, investigation_id: int):
    lines = list(ftm_export_for(actor=request.actor, investigation_id=investigation_id))
    response = HttpResponse("".join(lines), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="investigation-{investigation_id}.ftm.json"'
    return response


@login_required
@require_POST
def member_add(request, investigation_id: int):
    form = MemberForm(request.POST)
    if form.is_valid():
        # The e-mail names a colleague; the service decides whether they may join (their role) and whether
        # the actor may add them (the lead). An unknown address is answered as a refused one.
        try:
            investigation_member_add(actor=request.actor, investigation_id=investigation_id,
                                     user_id=account_of(actor=request.actor, email=form.cleaned_data["email"]),
                                     role=form.cleaned_data["role"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Added to the team."))
            return redirect("investigations:detail", investigation_id=investigation_id)
    return _page(request, investigation_id, member_form=form)
