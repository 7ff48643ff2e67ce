"""HTCDS import and export pages."""

from __future__ import annotations

import base64

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from alliance.cases.htcds.files import FORMATS
from alliance.cases.services.htcds import ALL_OR_NOTHING, PARTIAL, Exported, htcds_export, htcds_import
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Conflict, ValidationFailed
from alliance.core.forms import apply_errors


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("HTCDS file (CSV UTF-8, XLSX or JSON)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"), initial=ALL_OR_NOTHING, widget=forms.RadioSelect,
        choices=[(ALL_OR_NOTHING, gettext_lazy("Import nothing, so I can correct the file")),
                 (PARTIAL, gettext_lazy("Import the good rows and give me the rejected ones back"))],
    )


def attachment(exported: Exported) -> HttpResponse:
    """An audited export leaves as a download, never shown inline, never cached."""
    response = HttpResponse(exported.body, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export(request):
    fmt = request.GET.get("format") or "csv"
    return attachment(htcds_export(actor=request.actor, fmt=fmt if fmt in FORMATS else "csv"))


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    may_import = policy.may(request.actor, R.CASE_IMPORT)
    may_export = policy.may(request.actor, R.CASE_EXPORT)
    if not may_import and not (may_export and request.method == "GET"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = htcds_import(actor=request.actor, data=upload.read(), filename=upload.name,
                                  mode=form.cleaned_data["mode"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:  # another import of this user runs: 409, the form kept for a retry
            form.add_error("file", str(exc))
            status = 409
    context = {
        "form": form, "result": result, "may_import": may_import, "may_export": may_export, "formats": FORMATS,
        "rejected_href": ("data:text/csv;base64," + base64.b64encode(result.rejected_csv).decode())
        if result and result.rejected_csv else "",
    }
    return render(request, "cases/htcds/import.html", context, status=status)


urlpatterns = [
    path("htcds/", import_page, name="htcds_import"),
    path("htcds/export/", export, name="htcds_export"),
]


def panel(request, view) -> dict | None:
    """HTCDS import and export work on many cases: no section on the case page."""
    return None
