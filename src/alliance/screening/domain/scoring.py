"""Explained scoring: from a set of answers to an outcome band and the reasons for it.

Pure: it reads the catalogue contents and the answers and returns a structured explanation (codes, ids and
counts, never sentences), which is stored with the screening and rendered in the reader's language
(screening/domain/explain.py). The ILO/EC combination rule decides (rules.py); the Palermo elements are shown
beside it as what the answers evidence:
- act (recruitment, transport, transfer, harbouring, receipt): any recruitment indicator answered yes, or
  a dimension at destination present (the person is harboured or received under control);
- means (deception, coercion, abuse of vulnerability): a recruitment dimension or a dimension at
  destination present; not required for a child;
- purpose (exploitation): exploitative conditions present.
Outcome bands: a child with any indicator (or in urgent danger) goes to the child procedure; otherwise an
urgent safety concern or the rule met on any list is a presumed victim to refer now; any indicator at all
is "monitor and inform"; none is "no indicators".
"""

from __future__ import annotations

from collections.abc import Mapping

from alliance.screening.domain import rules
from alliance.screening.domain.interview import CHILD, OPERATIONAL, SCREEN, Interview, lists_for

NONE, MONITOR, REFER, CHILD_PROCEDURE = "none", "monitor", "refer", "child"
RULE = "ilo-ec-2009"


def score(interview: Interview, answers: Mapping[tuple[str, str], str], *, is_child: bool, work_type: str,
          urgent: bool) -> dict:
    """`answers`: (catalogue code, indicator id) -> yes | no | unknown | declined. Only "yes" counts."""
    yes = {key for key, answer in answers.items() if answer == "yes"}
    operational = interview.catalogue(OPERATIONAL).content
    labels = {(c.code, item["id"]): item["label"] for c in interview.catalogues for item in c.content["indicators"]}
    lists = []
    for list_name in lists_for(is_child=is_child, work_type=work_type):
        dimensions = []
        for dimension in rules.DIMENSIONS:
            found = [item for item in operational["indicators"]
                     if item["dimension"] == dimension and (OPERATIONAL, item["id"]) in yes]
            result = rules.dimension_present(dimension, [item["ratings"][list_name] for item in found])
            dimensions.append({
                "dimension": dimension, "present": result.present, "branch": result.branch,
                "counts": result.counts,
                "indicators": [{"id": item["id"], "label": item["label"], "rating": item["ratings"][list_name]}
                               for item in found],
            })
        present = {d["dimension"] for d in dimensions if d["present"]}
        combination = rules.trafficking_indicated(present, child=is_child)
        missing = [code for code, met in (("recruitment", combination.recruitment or is_child),
                                          ("exploitation", combination.exploitation),
                                          ("destination", combination.destination)) if not met]
        lists.append({"list": list_name, "indicated": combination.indicated, "missing": missing,
                      "dimensions": dimensions, "elements": _elements(dimensions, is_child=is_child)})
    checklists = [
        {"code": code, "present": [{"id": item["id"], "label": item["label"]}
                                   for item in interview.catalogue(code).content["indicators"]
                                   if (code, item["id"]) in yes]}
        for code in (SCREEN, CHILD)
    ]
    counted = len(yes & set(labels))
    indicated = any(entry["indicated"] for entry in lists)
    if is_child and (counted or urgent):
        band = CHILD_PROCEDURE
    elif urgent or indicated:
        band = REFER
    elif counted:
        band = MONITOR
    else:
        band = NONE
    return {
        "rule": RULE,
        "catalogues": [{"code": c.code, "version": c.version} for c in interview.catalogues],
        "band": band, "urgent": urgent, "is_child": is_child, "work_type": work_type,
        "indicators_present": counted, "lists": lists, "checklists": checklists,
    }


def _elements(dimensions: list[dict], *, is_child: bool) -> dict:
    present = {d["dimension"] for d in dimensions if d["present"]}
    answered_recruitment = any(d["indicators"] for d in dimensions if d["dimension"] in rules.RECRUITMENT)
    at_destination = bool(present & rules.AT_DESTINATION)
    return {
        "act": answered_recruitment or at_destination,
        "means": bool(present & rules.RECRUITMENT) or at_destination,
        "means_required": not is_child,
        "purpose": rules.EXPLOITATIVE_CONDITIONS in present,
    }
