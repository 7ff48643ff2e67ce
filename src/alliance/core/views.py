"""Auditors browse and filter the audit log and check the chain; anyone watches their own jobs.
NotFound and Forbidden from selectors and services reach ServiceErrorMiddleware (404, 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.core import selectors, tasks
from alliance.core.errors import ValidationFailed
from alliance.core.models import AuditEvent


@login_required
def audit_log(request):
    filters = {k: request.GET.get(k, "").strip()[:64] for k in (*selectors.AUDIT_FILTERS, "since")}
    try:
        events = selectors.audit_list_for(actor=request.actor, filters=filters)
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        filters = {}
        events = selectors.audit_list_for(actor=request.actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_log.html"
    return render(request, template, {"page": page, "filters": filters, "actions": AuditEvent.Action.choices})


@login_required
@require_POST
def audit_verify_start(request):
    job = tasks.job_start_audit_verify(actor=request.actor)
    return redirect("core:job", job_id=job.pk)


@login_required
def job_detail(request, job_id: int):
    job = selectors.job_get_for(actor=request.actor, job_id=job_id)
    template = "core/_job_progress.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})
