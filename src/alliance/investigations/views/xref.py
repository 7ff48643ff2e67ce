"""Cross-referencing pages: the request (on the investigation page) and the holder's disclosure decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.investigations.forms.investigations import DecisionForm, JudgementForm, XrefForm
from alliance.investigations.selectors.xref import disclosure_requests_for
from alliance.investigations.services.xref import pair_judge, xref_disclosure_decide, xref_request
from alliance.investigations.views.investigations import _page


@login_required
@require_POST
def xref(request, investigation_id: int):
    form = XrefForm(request.POST)
    if form.is_valid():
        try:
            made = xref_request(actor=request.actor, investigation_id=investigation_id, **form.cleaned_data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Cross-reference done: %(n)d hits in other investigations.")
                             % {"n": made.hits.count()})
            return redirect("investigations:detail", investigation_id=investigation_id)
    return _page(request, investigation_id, xref_form=form)


@login_required
@require_GET
def disclosures(request):
    return render(request, "investigations/disclosures.html",
                  {"requests": disclosure_requests_for(actor=request.actor), "form": DecisionForm()})


@login_required
@require_POST
def decide(request, hit_id: int):
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            xref_disclosure_decide(actor=request.actor, hit_id=hit_id,
                                   approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
        except ValidationFailed as error:
            messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
        else:
            messages.success(request, _("Decision recorded; the requesting team sees it on its investigation page."))
    return redirect("investigations:disclosures")


@login_required
@require_POST
def judge(request, hit_id: int):
    form = JudgementForm(request.POST)
    investigation_id = request.POST.get("investigation", "")
    if form.is_valid():
        try:
            pair_judge(actor=request.actor, hit_id=hit_id, **form.cleaned_data)
        except ValidationFailed as error:
            messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
        else:
            messages.success(request, _("Judgement kept: the next cross-reference uses it."))
    if investigation_id.isdigit():
        return redirect("investigations:detail", investigation_id=int(investigation_id))
    return redirect("investigations:list")
