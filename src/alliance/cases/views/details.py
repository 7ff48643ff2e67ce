"""HTCDS person details and victim context: edit pages and the case-page panel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.cases.forms.details import DetailsForm
from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.selectors.details import case_details_for, details_of, labelled
from alliance.cases.services.details import case_details_update
from alliance.core import roles as R
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors


def panel(request, view) -> dict | None:
    """The details for those who see the whole file; a limited share sees none of it."""
    found = details_of(actor=request.actor, view=view)
    if found is None:
        return None
    return {
        "template": "cases/_details.html",
        "case_id": view.case.pk,
        "can_edit": found.can_edit,
        "middle_name": found.names.get("middle_name"),
        "person_rows": labelled(specs=htcds.PERSON_FIELDS, document=found.details),
        "victim_rows": labelled(specs=tuple(s for s in htcds.VICTIM_FIELDS if s.kind != htcds.RECORDS),
                                document=found.victim_context),
        "route": [labelled(specs=htcds.ROUTE_EVENT_FIELDS, document=e)
                  for e in found.victim_context.get("route_events", [])],
        "perpetrators": [labelled(specs=htcds.PERPETRATOR_FIELDS, document=p)
                         for p in found.victim_context.get("perpetrators", [])],
    }


@login_required
@require_http_methods(["GET", "POST"])
def details_edit(request, case_id: int):
    view = case_details_for(actor=request.actor, case_id=case_id, action=R.CASE_EDIT)
    if request.method == "GET":
        form = DetailsForm(initial=DetailsForm.initial_from(view.names, view.details, view.victim_context))
        return render(request, "cases/details/edit.html", {"form": form, "case": view.case})
    form = DetailsForm(request.POST)
    if form.is_valid():
        names, details, context, origins = form.documents()
        try:
            case_details_update(actor=request.actor, case_id=case_id, names=names, details=details,
                                victim_context=context)
        except ValidationFailed as exc:
            apply_errors(form, ValidationFailed({DetailsForm.field_of(p, origins): m for p, m in exc.errors.items()}))
        else:
            messages.success(request, _("The details are saved."))
            return redirect("cases:detail", case_id=case_id)
    return render(request, "cases/details/edit.html", {"form": form, "case": view.case})


urlpatterns = [
    path("<int:case_id>/details/", details_edit, name="details_edit"),
]
