"""The co-ordinator's pages to set up a run: the new-run form (scenario version, edition, teams, who plays,
an even split of the trainees), the creation's progress page, and a run's staff page (add or remove staff,
move trainees before the start). Thin: the selectors read and audit, the services decide and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import selectors as core_selectors
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.core.models import JobRun
from alliance.exercises.domain.scenario_package import text_in
from alliance.exercises.forms.runs import RunSetupForm, StaffAddForm, TraineePlaceForm, email_lines
from alliance.exercises.selectors import run_setup as read
from alliance.exercises.services import run_staff
from alliance.exercises.services.run_setup import RUN_CREATE_KIND, progress_read
from alliance.exercises.tasks import job_start_run_create

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def _as_int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _setup_form(request, data):
    actor = request.actor
    scenarios = list(read.scenarios_for_runs(actor=actor))
    editions = list(read.editions_for_runs(actor=actor))
    wanted = _as_int((data or {}).get("scenario"))
    chosen = next((s for s in scenarios if s.pk == wanted), scenarios[0] if scenarios else None)
    edition_id = _as_int((data or {}).get("edition"))
    language = (data or {}).get("language") or (chosen.languages[0] if chosen else "en")
    candidates = [(c["user"], f"{c['name']} ({c['user'].email})")
                  for c in (read.edition_trainees_for(actor=actor, edition_id=edition_id) if edition_id else [])]
    cards = [(c["id"], text_in(c.get("name"), language))
             for c in (chosen.content.get("roleplayers.yaml", {}).get("cards", []) if chosen else [])]
    form = RunSetupForm(
        data, scenarios=[(s.pk, f"{text_in(s.title, language)} ({s.slug} {s.version})") for s in scenarios],
        editions=[(e.pk, f"{e.programme.title}: {e.title}") for e in editions],
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in (chosen.languages if chosen else ["en"])],
        cards=cards, candidates=candidates, teams=_as_int((data or {}).get("teams")) or 10,
        initial={"scenario": chosen.pk if chosen else None, "language": language})
    return form, chosen, candidates


def _split_evenly(data, candidates, teams: int):
    """Every listed trainee of the edition in a team, in turn: 1, 2, ..., teams, 1, 2, ..."""
    data = data.copy()
    for k, (user, _label) in enumerate(candidates):
        data[f"team_{user.pk}"] = str(k % teams + 1)
    return data


def _params(request, form) -> dict:
    """run_create's arguments from the form; e-mail addresses become accounts (unknown ones are errors)."""
    data = form.cleaned_data
    teams = data["teams"]
    trainee_lines = email_lines(data["trainee_emails"])
    controllers = [e for e, _n in email_lines(data["controllers"])]
    observers = [e for e, _n in email_lines(data["observers"])]
    cards = form.card_assignments()
    found, unknown = read.accounts_by_email(actor=request.actor, emails=[e for e, _n in trainee_lines] + controllers
                                            + observers + [e for _c, e in cards])
    if unknown:
        raise ValidationFailed({"__all__": [_("No active account has the e-mail address %(email)s.") % {"email": e}
                                            for e in unknown]})
    placed = form.candidate_teams()
    lists: list[list[int]] = [[] for _n in range(teams)]
    for user_id, number in placed.items():
        if number > teams:
            raise ValidationFailed({"teams": [_("A trainee is placed in team %(n)d of %(teams)d.")
                                              % {"n": number, "teams": teams}]})
        lists[number - 1].append(user_id)
    for _email, number in trainee_lines:
        if number is not None and not 1 <= number <= teams:
            raise ValidationFailed({"trainee_emails": [_("A trainee is placed in team %(n)d of %(teams)d.")
                                                       % {"n": number, "teams": teams}]})
    # Those given a team first, then the others each to the emptiest team (the lowest number on a tie).
    for email, number in sorted(trainee_lines, key=lambda line: line[1] is None):
        number = number or min(range(teams), key=lambda i: (len(lists[i]), i)) + 1
        lists[number - 1].append(found[email].pk)
    return {"scenario_id": data["scenario"], "name": data["name"], "teams": teams, "language": data["language"],
            "edition_id": data["edition"], "trainees": lists,
            "controller_ids": [found[e].pk for e in controllers], "observer_ids": [found[e].pk for e in observers],
            "role_players": [(found[e].pk, card) for card, e in cards]}


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request):
    data = request.POST if request.method == "POST" else None
    form, chosen, candidates = _setup_form(request, data)
    action = request.POST.get("action", "create") if data is not None else ""
    if data is not None and action == "split" and form.is_valid():
        form, chosen, candidates = _setup_form(request, _split_evenly(data, candidates, form.cleaned_data["teams"]))
        form.is_valid()
    elif data is not None and action == "create" and form.is_valid():
        try:
            job = job_start_run_create(actor=request.actor, params=_params(request, form))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("exercises:run_setup_progress", job_id=job.pk)
    return render(request, "exercises/runs/new.html", {"form": form, "scenario": chosen,
                                                       "candidate_fields": [form[n] for n in form.candidate_fields],
                                                       "card_fields": [form[n] for n in form.card_fields]})


@login_required
@require_GET
def run_setup_progress(request, job_id: int):
    read.scenarios_for_runs(actor=request.actor)  # Forbidden (403) for anyone who manages no run
    job = core_selectors.job_get_for(actor=request.actor, job_id=job_id)
    if job.kind != RUN_CREATE_KIND:
        raise NotFound("job")
    done, total = progress_read(job=job)
    template = "exercises/runs/_setup_progress.html" if request.headers.get("HX-Request") else \
        "exercises/runs/setup_progress.html"
    response = render(request, template, {"job": job, "done": done, "total": total,
                                          "running": job.status in (JobRun.Status.QUEUED, JobRun.Status.RUNNING),
                                          "run_id": (job.result or {}).get("run_id")})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_people(request, run_id: int):
    people = read.run_people_for(actor=request.actor, run_id=run_id)
    return render(request, "exercises/runs/people.html", {**people, **_people_forms(people)})


def _people_forms(people, staff_form=None, place_form=None) -> dict:
    run = people["run"]
    cards = [(card_id, text_in(card.get("name"), run.language)) for card_id, card in people["cards"].items()]
    return {"staff_form": staff_form or StaffAddForm(cards=cards),
            "place_form": place_form or TraineePlaceForm(teams=len(people["teams"])),
            "may_place": run.status == run.Status.PREPARED}


def _account(request, email: str):
    found, _unknown = read.accounts_by_email(actor=request.actor, emails=[email])
    user = found.get(email.strip().lower())
    if user is None:
        raise ValidationFailed({"email": [_("No active account has the e-mail address %(email)s.") % {"email": email}]})
    return user


@login_required
@require_POST
def run_people_change(request, run_id: int, what: str):
    people = read.run_people_for(actor=request.actor, run_id=run_id)
    forms = _people_forms(people)
    try:
        if what == "add":
            form = StaffAddForm(request.POST, cards=forms["staff_form"].fields["card"].choices[1:])
            forms["staff_form"] = form
            if not form.is_valid():
                raise ValidationFailed({})
            run_staff.run_staff_add(actor=request.actor, run_id=run_id, user_id=_account(request, form.cleaned_data[
                "email"]).pk, part=form.cleaned_data["part"], card_id=form.cleaned_data["card"])
            messages.success(request, _("Added to the run's staff."))
        elif what == "remove":
            run_staff.run_staff_remove(actor=request.actor, run_id=run_id, staff_id=_as_int(request.POST.get("staff")))
            messages.success(request, _("Removed from the run's staff."))
        elif what == "place":
            form = TraineePlaceForm(request.POST, teams=len(people["teams"]))
            forms["place_form"] = form
            if not form.is_valid():
                raise ValidationFailed({})
            run_staff.run_trainee_place(actor=request.actor, run_id=run_id,
                                        user_id=_account(request, form.cleaned_data["email"]).pk,
                                        team_number=form.cleaned_data["team"])
            messages.success(request, _("The trainee's team is changed."))
        else:
            raise NotFound("action")
    except ValidationFailed as error:
        target = forms["place_form"] if what == "place" else forms["staff_form"]
        if error.errors:
            apply_errors(target, error)
        people = read.run_people_for(actor=request.actor, run_id=run_id)
        return render(request, "exercises/runs/people.html", {**people, **forms}, status=400)
    return redirect("exercises:run_people", run_id=run_id)
