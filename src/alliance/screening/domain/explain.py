"""The stored explanation (scoring.py) in words, in the reader's language.

Stored as codes so an old screening reads the same in every language and always with the catalogue version
it used; worded here, for the result page, its printout and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alliance.screening.domain import rules

DIMENSION_LABELS = {
    rules.DECEPTIVE_RECRUITMENT: gettext_lazy("Deceptive recruitment"),
    rules.COERCIVE_RECRUITMENT: gettext_lazy("Coercive recruitment"),
    rules.ABUSIVE_RECRUITMENT: gettext_lazy("Recruitment by abuse of vulnerability"),
    rules.EXPLOITATIVE_CONDITIONS: gettext_lazy("Exploitative conditions of work"),
    rules.COERCION_AT_DESTINATION: gettext_lazy("Coercion at destination"),
    rules.ABUSE_AT_DESTINATION: gettext_lazy("Abuse of vulnerability at destination"),
}
LIST_LABELS = {
    "adults_labour": gettext_lazy("Adults, labour exploitation"),
    "adults_sexual": gettext_lazy("Adults, sexual exploitation"),
    "children_labour": gettext_lazy("Children, labour exploitation"),
    "children_sexual": gettext_lazy("Children, sexual exploitation"),
}
BRANCH_LABELS = {
    "two_strong": gettext_lazy("at least 2 strong indicators"),
    "strong_and_other": gettext_lazy("1 strong and 1 medium or weak indicator"),
    "three_medium": gettext_lazy("at least 3 medium indicators"),
    "two_medium_weak": gettext_lazy("2 medium and 1 weak indicator"),
    "not_enough": gettext_lazy("not enough indicators for the rule"),
}
RATING_LABELS = {"strong": gettext_lazy("strong"), "medium": gettext_lazy("medium"), "weak": gettext_lazy("weak")}
MISSING_LABELS = {
    "recruitment": gettext_lazy("a recruitment dimension (deceptive, coercive or by abuse of vulnerability)"),
    "exploitation": gettext_lazy("exploitative conditions of work"),
    "destination": gettext_lazy("coercion or abuse of vulnerability at destination"),
}
BAND_LABELS = {
    "none": gettext_lazy("No indicators"),
    "monitor": gettext_lazy("Indicators present: monitor and inform"),
    "refer": gettext_lazy("Presumed victim: refer now"),
    "child": gettext_lazy("Child with indicators: follow the child procedure"),
}
BAND_ADVICE = {
    "none": gettext_lazy("No indicator of trafficking was found. Give the person the information leaflet and "
                         "tell them where to find help later."),
    "monitor": gettext_lazy("Some indicators were found, not enough for the rule. Inform the person of their "
                            "rights and of where to get help, and stay alert at later contacts."),
    "refer": gettext_lazy("Treat the person as a presumed victim: with their agreement, refer them now. "
                          "Assistance must not depend on their co-operation with the authorities."),
    "child": gettext_lazy("A child with indicators: inform the guardianship authority and child protection "
                          "services now; the child procedure applies whatever the child says about their age."),
}


@dataclass(frozen=True)
class Line:
    dimension: str
    present: bool
    text: str  # "Deceptive recruitment: present, at least 2 strong indicators"
    indicators: list[str]  # "Deceived about … (strong)"


def dimension_lines(entry: dict) -> list[Line]:
    lines = []
    for d in entry["dimensions"]:
        label = DIMENSION_LABELS[d["dimension"]]
        if d["present"]:
            text = _("%(dimension)s: present, %(reason)s") % {"dimension": label, "reason": BRANCH_LABELS[d["branch"]]}
        else:
            count = len(d["indicators"])
            text = ngettext("%(dimension)s: not present (%(n)d indicator, not enough for the rule)",
                            "%(dimension)s: not present (%(n)d indicators, not enough for the rule)",
                            count) % {"dimension": label, "n": count}
        lines.append(Line(d["dimension"], d["present"], text,
                          [f"{i['label']} ({RATING_LABELS[i['rating']]})" for i in d["indicators"]]))
    return lines


def element_lines(entry: dict) -> list[tuple[str, str]]:
    e = entry["elements"]

    def state(found: bool, required: bool = True) -> str:
        if found:
            return str(_("evidenced"))
        return str(_("not evidenced")) if required else str(_("not required for a child"))

    return [(str(_("Act (recruitment, transport, transfer, harbouring, receipt)")), state(e["act"])),
            (str(_("Means (deception, coercion, abuse of vulnerability)")), state(e["means"], e["means_required"])),
            (str(_("Purpose (exploitation)")), state(e["purpose"]))]


def explain(explanation: dict) -> dict:
    """Everything the result page and the API show, worded in the active language."""
    lists = []
    for entry in explanation["lists"]:
        if entry["indicated"]:
            verdict = _("The combination rule is met: trafficking is indicated.")
        else:
            verdict = _("The combination rule is not met; missing: %(missing)s.") % {
                "missing": "; ".join(str(MISSING_LABELS[m]) for m in entry["missing"])}
        lines = dimension_lines(entry)
        lists.append({"list": entry["list"], "title": str(LIST_LABELS[entry["list"]]), "indicated": entry["indicated"],
                      "verdict": verdict, "dimensions": lines, "elements": element_lines(entry),
                      # The page words the dimensions with an indicator and names the rest in one line.
                      "answered": [line for line in lines if line.present or line.indicators],
                      "quiet": [str(DIMENSION_LABELS[line.dimension]) for line in lines
                                if not line.present and not line.indicators]})
    return {
        "band": explanation["band"], "band_label": str(BAND_LABELS[explanation["band"]]),
        "advice": str(BAND_ADVICE[explanation["band"]]), "urgent": explanation["urgent"],
        "indicators_present": explanation["indicators_present"], "lists": lists,
        "checklists": explanation["checklists"], "catalogues": explanation["catalogues"], "rule": explanation["rule"],
    }
