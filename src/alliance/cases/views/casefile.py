"""The case file on the case page (timeline, tasks, notes, documents, support plan and services), the full
timeline, a task's edit page, document downloads and "My tasks". Forms post back to the case page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.cases.domain.uploads import allowed_labels, attachment_response, max_upload_bytes
from alliance.cases.forms.casefile import (
    DocumentForm,
    NoteForm,
    SupportPlanForm,
    SupportServiceForm,
    SupportServiceStatusForm,
    TaskEditForm,
    TaskForm,
)
from alliance.cases.selectors import casefile as selectors
from alliance.cases.selectors.timeline import timeline_for, timeline_items
from alliance.cases.services import casefile as services
from alliance.cases.services.casefile.gate import editable_case
from alliance.cases.views.tabs import back_to_tab
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.blank_forms import form_html
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors

PANEL_TIMELINE = 10


def panel(request, view) -> dict | None:
    actor, case = request.actor, view.case
    full = view.scope == "full"
    file = selectors.casefile_for(actor=actor, case=case) if full else None
    timeline = timeline_items(actor=actor, case=case, full=full) if full else []
    context = {"template": "cases/_casefile.html", "full": file is not None,
               "timeline": timeline[:PANEL_TIMELINE], "timeline_more": len(timeline) > PANEL_TIMELINE}
    if file is None:
        return context
    can_edit = policy.CASE.can(actor, R.CASE_EDIT, case)
    plan = file.plan.plan
    context.update({
        "file": file, "can_edit": can_edit, "max_upload_mb": max_upload_bytes() // (1024 * 1024),
        "accepted_types": allowed_labels(),
        "support_types": _support_type_labels(plan.support_types if plan else []),
    })
    if can_edit:
        context.update({
            "task_form": form_html(TaskForm(actor=actor, auto_id="task_%s")),
            "note_form": form_html(NoteForm(auto_id="note_%s")),
            "document_form": form_html(DocumentForm(auto_id="document_%s")),
            "plan_form": form_html(SupportPlanForm(auto_id="plan_%s", initial=_plan_initial(plan))),
            "service_form": form_html(SupportServiceForm(auto_id="service_%s", realm_id=request.actor.realm_id)),
            "service_forms": [(s, form_html(SupportServiceStatusForm(auto_id=f"service{s.pk}_%s", initial={
                "status": s.status, "starts_on": s.starts_on, "ends_on": s.ends_on})))
                for s in file.plan.services],
        })
    return context


def _support_type_labels(codes: list[str]) -> list[str]:
    from alliance.cases.htcds.vocabulary import SupportType

    labels = dict(SupportType.choices)
    return [str(labels.get(code, code)) for code in codes]


def _plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {"objectives": plan.objectives, "action_plan": plan.action_plan, "support_types": plan.support_types,
            "planned_end_on": plan.planned_end_on, "actual_end_on": plan.actual_end_on}


def _back(case_id: int, section: str):
    return back_to_tab(case_id, "casefile", section)


def _flash(request, form, error: ValidationFailed | None = None) -> None:
    """Forms posted from the case page come back to it; their errors come back as messages, each with
    the label of its field."""
    errors = error.errors if error is not None else {k: list(v) for k, v in form.errors.items()}
    for field, field_messages in errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in field_messages:
            messages.error(request, f"{label}: {message}" if label else message)


def _posted(request, case_id: int, form, section: str, write, done: str):
    """The shape of every form on the case page: validate, call the service, say what happened, go back."""
    if not form.is_valid():
        # The gate first: a stranger learns nothing from the form's errors about whether the case exists.
        editable_case(actor=request.actor, case_id=case_id, what="form")
        _flash(request, form)
        return _back(case_id, section)
    try:
        write(form.cleaned_data)
    except ValidationFailed as exc:
        _flash(request, form, exc)
    else:
        messages.success(request, done)
    return _back(case_id, section)


@login_required
@require_POST
def task_add(request, case_id: int):
    form = TaskForm(request.POST, actor=request.actor)
    return _posted(request, case_id, form, "tasks", lambda d: services.task_create(
        actor=request.actor, case_id=case_id, title=d["title"], due_on=d["due_on"], assignee_id=d["assignee"]),
        _("The task is added."))


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, task_id: int):
    task = selectors.task_get_for(actor=request.actor, task_id=task_id)
    if not policy.CASE.can(request.actor, R.CASE_EDIT, task.case):
        raise Http404
    initial = {"title": task.title, "due_on": task.due_on, "assignee": task.assignee_id, "status": task.status}
    form = TaskEditForm(request.POST or None, actor=request.actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(actor=request.actor, task_id=task.pk, title=data["title"], due_on=data["due_on"],
                                 assignee_id=data["assignee"], status=data["status"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The task is saved."))
            return _back(task.case_id, "tasks")
    return render(request, "cases/casefile/task_edit.html", {"form": form, "task": task})


@login_required
@require_POST
def task_complete(request, task_id: int):
    try:
        task = services.task_complete(actor=request.actor, task_id=task_id)
    except ValidationFailed as exc:
        case_id = selectors.task_get_for(actor=request.actor, task_id=task_id).case_id
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return _back(case_id, "tasks")
    messages.success(request, _("The task is done."))
    if request.POST.get("next") == "mine":
        return redirect("cases:my_tasks")
    return _back(task.case_id, "tasks")


@login_required
@require_POST
def note_add(request, case_id: int):
    form = NoteForm(request.POST)
    return _posted(request, case_id, form, "notes", lambda d: services.note_add(
        actor=request.actor, case_id=case_id, body=d["body"], sensitivity=d["sensitivity"]),
        _("The note is added."))


@login_required
@require_POST
def document_upload(request, case_id: int):
    form = DocumentForm(request.POST, request.FILES)
    return _posted(request, case_id, form, "documents", lambda d: services.document_upload(
        actor=request.actor, case_id=case_id, file=d["file"], title=d["title"], sensitivity=d["sensitivity"]),
        _("The document is stored."))


@login_required
def document_download(request, document_id: int):
    document, content = services.document_get_content(actor=request.actor, document_id=document_id)
    return attachment_response(content, content_type=document.content_type, filename=document.filename)


@login_required
@require_POST
def support_plan(request, case_id: int):
    form = SupportPlanForm(request.POST)
    return _posted(request, case_id, form, "support", lambda d: services.support_plan_save(
        actor=request.actor, case_id=case_id, objectives=d["objectives"], action_plan=d["action_plan"],
        support_types=d["support_types"], planned_end_on=d["planned_end_on"], actual_end_on=d["actual_end_on"]),
        _("The support plan is saved."))


@login_required
@require_POST
def service_add(request, case_id: int):
    form = SupportServiceForm(request.POST, realm_id=request.actor.realm_id)
    return _posted(request, case_id, form, "support", lambda d: services.support_service_add(
        actor=request.actor, case_id=case_id, support_type=d["support_type"], description=d["description"],
        provider_id=d["provider"].pk if d["provider"] else None, provider_name=d["provider_name"],
        status=d["status"], starts_on=d["starts_on"], ends_on=d["ends_on"]),
        _("The service is added."))


@login_required
@require_POST
def service_edit(request, service_id: int):
    case_id = selectors.case_of_service(actor=request.actor, service_id=service_id)
    if case_id is None:
        raise Http404
    form = SupportServiceStatusForm(request.POST)
    return _posted(request, case_id, form, "support", lambda d: services.support_service_update(
        actor=request.actor, service_id=service_id, status=d["status"], starts_on=d["starts_on"],
        ends_on=d["ends_on"]), _("The service is saved."))


@login_required
def timeline(request, case_id: int):
    items, count, full = timeline_for(actor=request.actor, case_id=case_id,
                                      page=_page_number(request.GET.get("page")), page_size=50)
    page = Paginator(range(count), 50).get_page(request.GET.get("page"))
    return render(request, "cases/casefile/timeline.html",
                  {"items": items, "page": page, "full": full, "case_id": case_id})


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 1_000_000))
    except ValueError:
        return 1


@login_required
def my_tasks(request):
    tasks = selectors.my_tasks_for(actor=request.actor)
    for task in tasks:
        task.can_complete = policy.CASE.can(request.actor, R.CASE_EDIT, task.case)
    return render(request, "cases/casefile/my_tasks.html", {"tasks": tasks})


urlpatterns = [
    path("tasks/mine/", my_tasks, name="my_tasks"),
    path("<int:case_id>/timeline/", timeline, name="timeline"),
    path("<int:case_id>/tasks/", task_add, name="task_add"),
    path("tasks/<int:task_id>/", task_edit, name="task_edit"),
    path("tasks/<int:task_id>/complete/", task_complete, name="task_complete"),
    path("<int:case_id>/notes/", note_add, name="note_add"),
    path("<int:case_id>/documents/", document_upload, name="document_upload"),
    path("documents/<int:document_id>/", document_download, name="document_download"),
    path("<int:case_id>/support-plan/", support_plan, name="support_plan"),
    path("<int:case_id>/support-plan/services/", service_add, name="service_add"),
    path("support-services/<int:service_id>/", service_edit, name="service_edit"),
]
