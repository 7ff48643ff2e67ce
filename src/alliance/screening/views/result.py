"""The result of a screening (explained and printable) and the one step from it to a referral."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.screening import services
from alliance.screening.domain import explain, languages, phrases
from alliance.screening.forms.referral import ScreeningReferForm
from alliance.screening.selectors.screenings import screening_get_for
from alliance.screening.services.referral import referable


@login_required
def detail(request, screening_id: int):
    screening = screening_get_for(actor=request.actor, screening_id=screening_id, purpose="result")
    return render(request, "screening/detail.html", {
        "screening": screening, "explained": explain.explain(screening.explanation),
        "observations": _observations(screening), "referable": referable(screening=screening),
        "interviewee_language": languages.name_of(screening.interviewee_language),
    })


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, screening_id: int):
    screening = screening_get_for(actor=request.actor, screening_id=screening_id, purpose="refer")
    form = ScreeningReferForm(request.POST or None, initial={"interpreter": screening.interpreter},
                              realm_id=request.actor.realm_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _share = services.screening_refer(
                actor=request.actor, screening_id=screening.pk, given_name=data["given_name"],
                family_name=data["family_name"], organisation_id=data["organisation"].pk, scope=data["scope"],
                purpose=data["purpose"], birth_date=data["birth_date"].isoformat() if data["birth_date"] else "",
                consent=data["consent"], interpreter=data["interpreter"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s opened and referred to %(organisation)s.")
                             % {"number": case.number, "organisation": data["organisation"].name})
            return redirect("cases:detail", case_id=case.pk)
    consent_question = phrases.text("consent_share", screening.interviewee_language)
    return render(request, "screening/refer.html", {
        "screening": screening, "form": form, "explained": explain.explain(screening.explanation),
        "referable": referable(screening=screening), "consent_question": consent_question,
        "consent_lang": screening.interviewee_language,
        "consent_dir": languages.direction(screening.interviewee_language),
    }, status=200 if request.method == "GET" or not form.errors else 422)


def _observations(screening) -> list[dict]:
    """The answers as the interviewer recorded them, with each indicator's label (no narrative exists)."""
    labels = {(c.code, i["id"]): i["label"] for c in screening.catalogues.all() for i in c.content["indicators"]}
    from alliance.screening.domain.interview import ANSWER_LABELS, SOURCE_LABELS

    rows = [{"label": labels.get((o["catalogue"], o["indicator"]), o["indicator"]),
             "answer": ANSWER_LABELS.get(o["answer"], o["answer"]), "yes": o["answer"] == "yes",
             "source": SOURCE_LABELS.get(o["source"], o["source"])}
            for o in (screening.answers or {}).get("observations", [])]
    return sorted(rows, key=lambda row: not row["yes"])  # what counted first
