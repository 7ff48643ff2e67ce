"""The HTCDS vocabularies, the validation of person details and victim context, and the one mapping table
(with the documentation generated from it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.htcds.mapping import MAPPING, column_of_error, flat_columns, flat_header, mapping_markdown
from alliance.core.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
# Computed when the module is collected: a week ahead, so it is still in the future when a run crosses midnight.
NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


def _errors(clean, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        clean(data)
    return caught.value.errors


def test_valid_person_details_come_back_canonical():
    cleaned = htcds.clean_person_details({
        "gender": "feminine", "citizenships": ["xd", "XP", "XD"], "primary_language": "ARA",
        "estimated_age": "17", "age_basis": "age_assessment", "vulnerabilities": ["Pregnancy", "pregnancy"],
        "email": " amina@dreamland.test ", "phone": "+999 20 1234", "address": "", "marital_status": None,
    })
    assert cleaned == {"gender": "Feminine", "citizenships": ["XD", "XP"], "primary_language": "ara",
                       "estimated_age": 17, "age_basis": "age_assessment", "vulnerabilities": ["Pregnancy"],
                       "email": "amina@dreamland.test", "phone": "+999 20 1234"}


@pytest.mark.parametrize(("data", "path", "fragment"), [
    ({"shoe_size": 42}, "shoe_size", "Unknown field"),
    ({"gender": "Fluid"}, "gender", "Feminine, Masculine"),
    ({"estimated_age": 121}, "estimated_age", "from 0 to 120"),
    ({"estimated_age": -1}, "estimated_age", "from 0 to 120"),
    ({"estimated_age": "seventeen"}, "estimated_age", "whole number"),
    ({"estimated_age": True}, "estimated_age", "whole number"),
    ({"number_of_children": 31}, "number_of_children", "from 0 to 30"),
    ({"citizenships": ["ZZ"]}, "citizenships", "ISO 3166"),
    ({"citizenships": "XD"}, "citizenships", "list"),
    ({"primary_language": "en"}, "primary_language", "ISO 639-2"),
    ({"email": "not an address"}, "email", "e-mail"),
    ({"phone": "call me"}, "phone", "digits"),
    ({"address": "x" * 501}, "address", "500"),
    ({"address": "Flat 1\x07"}, "address", "control characters"),
    ({"address": "\ud800"}, "address", "control characters"),
    ({"age_basis": "document"}, "age_basis", "estimated age"),
    ({"vulnerabilities": ["Pregnancy"] * 13}, "vulnerabilities", "At most 12"),
])
def test_person_details_refusals(data, path, fragment):
    errors = _errors(htcds.clean_person_details, data)
    assert list(errors) == [path]
    assert fragment in " ".join(errors[path])


def _event(kind, date=None, **more):
    return {"type": kind, **({"date": date} if date else {}), **more}


@pytest.mark.parametrize(("data", "path", "fragment"), [
    ({"route_events": [_event("Recruitment", NEXT_WEEK)]}, "route_events.0.date", "future"),
    ({"route_events": [_event("Recruitment", "2020-02-30")]}, "route_events.0.date", "YYYY-MM-DD"),
    ({"route_events": [_event("Recruitment", "20200101")]}, "route_events.0.date", "YYYY-MM-DD"),
    ({"route_events": [_event("Exploitation", "2020-01-01"), _event("Transit"), _event("Recruitment", "2021-05-01")]},
     "route_events.2.date", "recruitment is dated after an exploitation"),
    ({"route_events": [_event("Transit"), {"place": "Eastvale"}]}, "route_events.1.type", "required"),
    ({"route_events": [_event("Transit", colour="red")]}, "route_events.0.colour", "Unknown field"),
    ({"route_events": [_event("Transit")] * 6}, "route_events", "At most 5"),
    ({"route_events": ["Transit"]}, "route_events.0", "object"),
    ({"perpetrators": [{"role": "Mastermind"}]}, "perpetrators.0.role", "RecruiterIntermediary"),
    ({"sex_exploitation_types": ["Prostitution"], "exploitation_types": ["ForcedLabour"]},
     "sex_exploitation_types", "Sexual exploitation"),
    ({"recruitment_websites": ["Chat; Board"]}, "recruitment_websites.0", "semicolon"),
    ({"age_when_trafficked": 130}, "age_when_trafficked", "from 0 to 120"),
    ({"methods_of_control": ["Kindness"]}, "methods_of_control", "DebtBondage"),
    ({"exploitation_country": "Dreamland"}, "exploitation_country", "ISO 3166"),
])
def test_victim_context_refusals(data, path, fragment):
    errors = _errors(htcds.clean_victim_context, data)
    assert path in errors, errors
    assert fragment in " ".join(errors[path])


def test_a_valid_route_in_order_passes():
    context = htcds.clean_victim_context({
        "exploitation_types": ["SexualExploitation"], "sex_exploitation_types": ["prostitution"],
        "route_events": [_event("Recruitment", "2019-03-01", place=" Eastvale "), _event("Transit"),
                         _event("Exploitation", "2019-03-01", country="xd")],
        "perpetrators": [{"role": "Exploiter", "details": ""}],
    })
    assert context["route_events"][0] == {"type": "Recruitment", "date": "2019-03-01", "place": "Eastvale"}
    assert context["route_events"][2]["country"] == "XD"
    assert context["perpetrators"] == [{"role": "Exploiter"}]


def test_not_an_object_is_refused():
    assert "__all__" in _errors(htcds.clean_victim_context, ["not", "an", "object"])


def test_errors_never_repeat_the_value():
    secret = "Secret Street 7\x01"
    errors = _errors(htcds.clean_person_details, {"address": secret, "email": "secret@@x"})
    assert "Secret" not in str(errors) and "secret" not in str(errors)


def test_the_seventeen_methods_of_control():
    assert len(htcds.MethodOfControl.values) == 17
    assert {"DebtBondage", "ThreatOfLawEnforcement", "WithholdsNecessities", "Other"} <= set(htcds.MethodOfControl)


def test_presumed_child_by_birth_date_or_estimated_age():
    today = timezone.localdate()
    seventeen = today.replace(year=today.year - 17).isoformat()
    assert htcds.is_presumed_child(birth_date=seventeen, details={})
    assert not htcds.is_presumed_child(birth_date="1990-01-01", details={"estimated_age": 12})
    assert htcds.is_presumed_child(birth_date=None, details={"estimated_age": 16})
    assert not htcds.is_presumed_child(birth_date=None, details={})


# --- The mapping ----------------------------------------------------------------------------------

def test_the_documentation_is_generated_from_the_table():
    document = (ROOT / "docs" / "htcds-mapping.md").read_text(encoding="utf-8")
    assert document == mapping_markdown() + "\n", (
        "docs/htcds-mapping.md is out of date: python -m alliance.cases.htcds.mapping > docs/htcds-mapping.md")


def test_every_key_of_both_documents_has_exactly_one_column():
    paths = [c.path for c in MAPPING]
    assert len(paths) == len(set(paths)) and len({c.name for c in MAPPING}) == len(MAPPING)
    expected = {f"details.{s.key}" for s in htcds.PERSON_FIELDS}
    for spec in htcds.VICTIM_FIELDS:
        if spec.kind == htcds.RECORDS:
            expected |= {f"victim_context.{spec.key}[].{part.key}" for part in spec.parts}
        else:
            expected.add(f"victim_context.{spec.key}")
    assert expected == {p for p in paths if p.startswith(("details.", "victim_context."))}
    assert {"person.given_name", "person.middle_name", "person.family_name", "person.identity_number",
            "person.birth_date"} <= set(paths)


def test_flat_columns_are_unique_and_numbered():
    header = flat_header()
    assert len(header) == len(set(header)) == len(flat_columns())
    assert {"hte1_Type", "hte5_Description", "per1_RoleInProcess", "per5_RoleDetails"} <= set(header)
    assert "hte6_Type" not in header


@pytest.mark.parametrize(("section", "path", "column"), [
    ("details", "gender", "prs_Gender"),
    ("details", "citizenships", "prs_Citizenship"),
    ("victim_context", "route_events.2.date", "hte3_Date"),
    ("victim_context", "perpetrators.0.role", "per1_RoleInProcess"),
    ("victim_context", "recruitment_websites.1", "vic_RecruitmentWebsites"),
    ("victim_context", "methods_of_control", "vic_MethodsOfControl"),
])
def test_error_paths_name_their_column(section, path, column):
    assert column_of_error(section, path) == column
