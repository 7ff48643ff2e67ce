"""Screening pages: the start page, the interview and its no-JS submission. Thin: the questions come from
screening/domain/interview.py, every write goes through the submission service.

The interview is ONE page holding every section, so that once cached it works with no connection.
interview.js guides it step by step and hands the finished screening to offline.js (which sends or queues
it); without JavaScript every section shows and the form posts here, to `submit`.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Conflict, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.screening import services
from alliance.screening.domain import explain, languages
from alliance.screening.domain import phrases as phrase_texts
from alliance.screening.domain.interview import (
    ANSWER_LABELS,
    OPERATIONAL,
    SOURCE_LABELS,
    SOURCES,
    Interview,
    InterviewUnavailable,
    age_group_of,
    current_interview,
    section_shown,
)
from alliance.screening.domain.tickets import ticket_issue
from alliance.screening.forms.interview import PersonForm
from alliance.screening.models import Screening
from alliance.screening.selectors import screenings as selectors
from alliance.screening.services.submission import CHILD_GROUPS

PHRASES = Path(__file__).resolve().parent.parent / "phrases.json"
RECENT = 20
SUBMIT_API = "/api/v1/screenings"
# The person's own words for the four answers (phrases.json), beside the interviewer's labels.
ANSWER_PHRASES = {"yes": "yes", "no": "no", "unknown": "dont_know", "declined": "prefer_not"}
PERSON_FIELDS = ("sex", "age", "age_group", "is_child", "citizenship", "work_type")
SECTION_NOTES = {"worked": gettext_lazy("Ask only if the person has worked since leaving home."),
                 "child": gettext_lazy("Ask only a child, or a person who may be a child.")}


def _require_conduct(request) -> None:
    if not policy.may(request.actor, R.SCREENING_CONDUCT):
        raise PermissionDenied


@lru_cache(maxsize=4)
def _phrases_file(mtime: float) -> dict:
    return json.loads(PHRASES.read_text(encoding="utf-8"))


def _phrases() -> dict:
    try:
        return _phrases_file(PHRASES.stat().st_mtime)
    except (OSError, ValueError):
        return {}


def _offered(current: Interview | None) -> list[dict]:
    """The languages the current interview is offered in (the nine built in and the added ones its
    catalogue versions carry complete), each named in its own script with its own lang and dir."""
    return languages.described(languages.offered(current.catalogues) if current is not None else languages.CODES)


def _current_or_none() -> tuple[Interview | None, InterviewUnavailable | None]:
    try:
        return current_interview(), None
    except InterviewUnavailable as exc:
        return None, exc


def _options(offered: list[dict], selected: str) -> list[dict]:
    return [{**option, "selected": option["code"] == selected} for option in offered]


@login_required
@require_GET
def home(request):
    _require_conduct(request)
    ui = (get_language() or "en").split("-")[0]
    interviewer = ui if ui in languages.CODES else "en"
    offered = _offered(_current_or_none()[0])
    outcomes = dict(Screening.Outcome.choices)
    rows = [{"id": row["id"], "finished_at": row["finished_at"], "band": row["outcome"],
             "band_label": outcomes.get(row["outcome"], row["outcome"]), "is_child": row["is_child"],
             "referred": row["referred_at"] is not None}
            for row in selectors.screenings_recent(actor=request.actor)[:RECENT]]
    if rows:
        selectors.screening_list_audit(actor=request.actor, ids=[row["id"] for row in rows])
    return render(request, "screening/home.html", {
        "interviewer_options": _options(offered, interviewer),
        "interviewee_options": _options(offered, ""),
        "rows": rows,
    })


def _languages_of(data, current: Interview | None) -> tuple[str, str, bool] | None:
    """Both languages, each one the interview is offered in."""
    interviewer, interviewee = data.get("interviewer"), data.get("interviewee")
    codes = languages.offered(current.catalogues) if current is not None else languages.CODES
    if interviewer not in codes or interviewee not in codes:
        return None
    return interviewer, interviewee, data.get("interpreter") in ("1", "on", "true")


@login_required
@require_GET
def interview(request):
    current, chosen, refusal = _started(request, request.GET)
    if refusal is not None:
        return refusal
    return _interview_page(request, current, chosen, form=PersonForm(), answers={},
                           client_uuid=str(uuid.uuid4()), started_at=timezone.now().isoformat())


@login_required
@require_POST
def submit(request):
    """The interview posted without JavaScript: the same payload the browser would send to the API."""
    current, chosen, refusal = _started(request, request.POST)
    if refusal is not None:
        return refusal
    form = PersonForm(request.POST)
    answers = _posted_answers(request.POST)
    client_uuid, started_at = request.POST.get("client_uuid", ""), request.POST.get("started_at", "")
    if form.is_valid():
        payload = _payload(request.POST, form.cleaned_data, current, chosen, answers,
                           _finished_at(request.actor, client_uuid))
        try:
            screening, _created = services.screening_submit(actor=request.actor, payload=payload)
        except Conflict as exc:
            return render(request, "screening/interview.html", {
                "conflict": str(exc), "existing_id": exc.existing_id}, status=409)
        except ValidationFailed as exc:
            apply_errors(form, _person_errors(exc))
            return _interview_page(request, current, chosen, form=form, answers=answers, client_uuid=client_uuid,
                                   started_at=started_at, errors=_messages(exc))
        return redirect("screening:detail", screening_id=screening.pk)
    return _interview_page(request, current, chosen, form=form, answers=answers, client_uuid=client_uuid,
                           started_at=started_at, errors=[m for ms in form.errors.values() for m in ms])


def _started(request, data):
    """What the interview page and its no-JS post both need first: the right to screen, the current
    interview and both languages. Returns (interview, languages, None) or (None, None, the response)."""
    _require_conduct(request)
    current, unavailable = _current_or_none()
    chosen = _languages_of(data, current)
    if chosen is None:
        messages.error(request, _("Choose the language of the interviewer and of the person first."))
        return None, None, redirect("screening:home")
    if current is None:
        return None, None, _unavailable(request, unavailable)
    return current, chosen, None


def _finished_at(actor, client_uuid: str) -> dt.datetime:
    """Now; or, when this form was already received (posted twice, reloaded), the time it was finished then,
    so that the same answers are recognised as the same screening and stored once."""
    try:
        existing = selectors.screening_by_client_uuid(actor=actor, client_uuid=str(uuid.UUID(client_uuid)))
    except ValueError:
        existing = None
    return existing.finished_at if existing is not None else timezone.now()


def _posted_answers(data) -> dict[tuple[str, str], dict]:
    """`a:<catalogue>:<indicator>` (the answer) and `s:<catalogue>:<indicator>` (its source)."""
    found = {}
    for name in data:
        kind, _sep, key = name.partition(":")
        catalogue, _sep, indicator = key.partition(":")
        if kind == "a" and catalogue and indicator and data.get(name):
            found[(catalogue, indicator)] = {"answer": data.get(name), "source": data.get(f"s:{key}") or ""}
    return found


def _payload(data, clean: dict, current: Interview, chosen: tuple[str, str, bool],
             answers: dict[tuple[str, str], dict], finished_at: dt.datetime) -> dict:
    urgent = bool(data.get("urgent"))
    age = clean["age"]
    group = age_group_of(age) if age is not None else (clean["age_group"] or "unknown")
    # As in the browser: under 18 by the age or the age group is a child, and in doubt a child is presumed.
    is_child = clean["is_child"] or (age is not None and age < 18) or group in CHILD_GROUPS
    # An interview ended early for an urgent referral may not have reached the type of work: "not sure".
    work_type = clean["work_type"] or ("both" if urgent else None)
    catalogues = []
    for value in data.getlist("catalogue"):
        code, _sep, version = value.partition("@")
        catalogues.append({"code": code, "version": version})
    kept = []
    for (code, indicator), given in answers.items():
        section = current.section_of(code, indicator)
        # Without JavaScript every section is on the page; the ones this person skips are not sent.
        if section is not None and work_type and not section_shown(section, is_child=is_child, work_type=work_type):
            continue
        kept.append({"catalogue": code, "indicator": indicator, **given})
    interviewer, interviewee, interpreter = chosen
    return {
        "client_uuid": data.get("client_uuid", ""), "started_at": data.get("started_at", ""),
        "ticket": data.get("ticket", ""),
        "finished_at": finished_at.isoformat(), "offline": False,
        "interviewer_language": interviewer, "interviewee_language": interviewee, "interpreter": interpreter,
        "catalogues": catalogues, "sex": clean["sex"], "age": age, "age_group": group, "is_child": is_child,
        "citizenship": clean["citizenship"] or "", "work_type": work_type, "urgent": urgent, "answers": kept,
    }


def _person_errors(exc: ValidationFailed) -> ValidationFailed:
    """The errors about the person, for the fields of the form (the rest are listed at the top)."""
    return ValidationFailed({field: list(found) for field, found in exc.errors.items() if field in PERSON_FIELDS})


def _messages(exc: ValidationFailed) -> list[str]:
    return [message for field, found in exc.errors.items() if field not in PERSON_FIELDS for message in found]


def _unavailable(request, exc: InterviewUnavailable):
    return render(request, "screening/interview.html", {"unavailable": str(exc)}, status=503)


def _texts(entry: dict[str, str], interviewer: str, interviewee: str, *, both: bool = True,
           dirs: dict[str, str] | None = None) -> list[dict]:
    """A text in the interviewer's language and, beside it, in the person's: each with its own lang and dir."""
    codes = [interviewer] + ([interviewee] if both and interviewee != interviewer else [])
    return [{"lang": code, "dir": (dirs or {}).get(code) or languages.direction(code),
             "text": entry.get(code) or entry.get("en", "")}
            for code in codes]


def _phrases_in(codes: set[str]) -> dict:
    """phrases.json, with the phrases of the added languages among `codes` (from their rows) merged in."""
    found = _phrases()
    added = {code: phrase_texts.of_language(code) for code in codes if code not in languages.CODES}
    if not added:
        return found
    return {key: {**found.get(key, {}), **{code: texts.get(key, "") for code, texts in added.items()}}
            for key in {*found, *phrase_texts.phrase_keys()}}


def _interview_page(request, current: Interview, chosen: tuple[str, str, bool], *, form: PersonForm,
                    answers: dict, client_uuid: str, started_at: str, errors: list[str] | None = None):
    interviewer, interviewee, interpreter = chosen
    described = {d["code"]: d for d in languages.described([interviewer, interviewee])}
    dirs = {code: d["dir"] for code, d in described.items()}
    phrases = _phrases_in({interviewer, interviewee})
    phrase = {key: _texts(phrases.get(key, {}), interviewer, interviewee, dirs=dirs)
              for key in ("intro", "urgent", "age", "work", "closing")}
    person_words = {value: (phrases.get(key, {}).get(interviewee) or "") for value, key in ANSWER_PHRASES.items()}
    show_person_words = interviewee != (get_language() or "en").split("-")[0]
    answer_options = [{"value": value, "label": label, "person": person_words[value] if show_person_words else ""}
                      for value, label in ANSWER_LABELS.items()]
    sections, n = [], 0
    for section in current.sections:
        questions = []
        for q in section.questions:
            n += 1
            given = answers.get((q.catalogue, q.indicator), {})
            default_source = "observed" if q.observe else "self_reported"
            questions.append({
                "n": n, "catalogue": q.catalogue, "indicator": q.indicator, "observe": q.observe,
                "texts": _texts(q.text, interviewer, interviewee, both=not q.observe, dirs=dirs),
                "answer": given.get("answer", ""),
                "source": given["source"] if given.get("source") in SOURCES else default_source,
            })
        sections.append({"key": section.key, "title": section.title, "shown_when": section.shown_when,
                         "note": SECTION_NOTES.get(section.shown_when, ""), "questions": questions})
    operational = current.catalogue(OPERATIONAL).content["indicators"]
    context = {
        "catalogues": [{"code": c.code, "version": c.version} for c in current.catalogues],
        "ticket": ticket_issue(request.actor, current.catalogues),
        "interviewer_language": interviewer, "interviewee_language": interviewee, "interpreter": interpreter,
        "user_id": request.actor.user_id, "organisation_id": request.actor.organisation_id,
        "realm_id": request.actor.realm_id, "submit_url": SUBMIT_API,
        "detail_url_template": reverse("screening:detail", kwargs={"screening_id": 0}),
        "csrf_token": get_token(request),
        "ratings": {item["id"]: item["ratings"] for item in operational},
        "dimensions": {item["id"]: item["dimension"] for item in operational},
        "bands": {band: {"label": str(label), "advice": str(explain.BAND_ADVICE[band])}
                  for band, label in explain.BAND_LABELS.items()},
        "dimension_labels": {key: str(label) for key, label in explain.DIMENSION_LABELS.items()},
        "list_labels": {key: str(label) for key, label in explain.LIST_LABELS.items()},
        "text": {
            "step": _("Step %(current)s of %(total)s: %(title)s"),
            "indicated": _("trafficking indicated"),
            "not_indicated": _("not indicated"),
            "present": _("Dimensions present: %(dimensions)s"),
            "none_present": _("No dimension present."),
            "conflict": _("Another screening was already received with this id; this one differs from it and was "
                          "not stored. It is kept on this device: tell your administrator."),
            "child_group": _("A child cannot be in an adult age group; choose not known when in doubt."),
        },
    }
    return render(request, "screening/interview.html", {
        "form": form, "sections": sections, "phrase": phrase, "answer_options": answer_options,
        "source_options": list(SOURCE_LABELS.items()), "context": context, "errors": errors or [],
        "interviewer": interviewer, "interviewee": interviewee, "interpreter": interpreter,
        "interviewer_name": described[interviewer]["name"], "interviewee_name": described[interviewee]["name"],
        "interviewer_dir": dirs[interviewer], "interviewee_dir": dirs[interviewee],
        "client_uuid": client_uuid, "started_at": started_at, "catalogues": current.catalogues,
        "ticket": context["ticket"],
    })
