"""Properties of the HTCDS export and import.

1. Any valid case file (names, person details, victim context) survives export -> import in CSV, XLSX and
   JSON with every imported field equal.
2. Any bytes, garbage or damaged files given to the importer end in a result or a clean refusal
   (ValidationFailed naming the file), never another exception.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.htcds.mapping import flat_header
from alliance.cases.models import Case
from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update
from alliance.cases.services.htcds import PARTIAL, ImportResult, htcds_export, htcds_import
from alliance.core import roles as R
from alliance.core.countries import COUNTRY_CODES
from alliance.core.errors import ValidationFailed
from tests import factories

TODAY = timezone.localdate()
# Any printable text: letters of every script, symbols, spaces, the characters spreadsheets treat as formulas.
_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
LINE = st.text(_CHARS, max_size=40)
TEXT = st.text(st.one_of(_CHARS, st.sampled_from(["\n", "\t", "=", "+", "-", "@", "'", "|", ";", '"', ","])),
               max_size=60)
NAME = st.text(_CHARS, min_size=1, max_size=30).filter(lambda s: s.strip())
COUNTRY = st.sampled_from(sorted(COUNTRY_CODES))


def _codes(vocabulary):
    return st.lists(st.sampled_from(vocabulary.values), max_size=4, unique=True)


def _one(vocabulary):
    return st.none() | st.sampled_from(vocabulary.values)


def _day(low: int, high: int):
    return st.dates(min_value=dt.date(low, 1, 1), max_value=min(dt.date(high, 12, 31), TODAY)).map(dt.date.isoformat)


@st.composite
def person_details(draw) -> dict:
    age = draw(st.none() | st.integers(0, 120))
    return {
        "sex": draw(_one(htcds.Sex)), "gender": draw(_one(htcds.Gender)), "estimated_age": age,
        "age_basis": draw(_one(htcds.AgeBasis)) if age is not None else None,
        "citizenships": draw(st.lists(COUNTRY, max_size=3, unique=True)),
        "primary_language": draw(st.none() | st.from_regex(r"[a-z]{3}", fullmatch=True)),
        "secondary_language": draw(st.none() | st.from_regex(r"[a-z]{3}", fullmatch=True)),
        "marital_status": draw(_one(htcds.MaritalStatus)), "number_of_children": draw(st.none() | st.integers(0, 30)),
        "education": draw(_one(htcds.Education)), "migration_status": draw(_one(htcds.MigrationStatus)),
        "protection_status": draw(_one(htcds.ProtectionStatus)), "vulnerabilities": draw(_codes(htcds.Vulnerability)),
        "email": draw(st.none() | st.from_regex(r"[a-z0-9.]{1,12}@[a-z]{2,10}\.xd", fullmatch=True)
                      .filter(lambda e: ".." not in e and not e.startswith(".") and ".@" not in e)),
        "phone": draw(st.none() | st.from_regex(r"\+?[0-9][0-9 -]{1,12}[0-9]", fullmatch=True)),
        "address": draw(TEXT),
    }


@st.composite
def victim_contexts(draw) -> dict:
    types = draw(_codes(htcds.ExploitationType))
    sex_types = draw(_codes(htcds.SexExploitationType))
    if sex_types and "SexualExploitation" not in types:
        types.append("SexualExploitation")
    events = []
    for _ in range(draw(st.integers(0, htcds.MAX_ROUTE_EVENTS))):
        kind = draw(st.sampled_from(htcds.RouteEventType.values))
        # Recruitment dates before 2001, later stages after 2000: the route is always in order.
        date = draw(st.none() | (_day(1950, 2000) if kind == "Recruitment" else _day(2001, TODAY.year)))
        events.append({"type": kind, "date": date, "place": draw(LINE), "country": draw(st.none() | COUNTRY),
                       "description": draw(TEXT)})
    perpetrators = [{"role": draw(st.sampled_from(htcds.PerpetratorRole.values)), "details": draw(TEXT)}
                    for _ in range(draw(st.integers(0, htcds.MAX_PERPETRATORS)))]
    return {
        "exploitation_types": types, "sex_exploitation_types": sex_types,
        "forced_labour_industry": draw(_codes(htcds.LabourIndustry)),
        "methods_of_control": draw(_codes(htcds.MethodOfControl)),
        "recruitment_method": draw(_one(htcds.RecruitmentMethod)), "recruitment_place": draw(LINE),
        "recruitment_country": draw(st.none() | COUNTRY),
        "relationship_to_trafficker": draw(_one(htcds.RelationshipToTrafficker)),
        "age_when_trafficked": draw(st.none() | st.integers(0, 120)),
        "exploitation_country": draw(st.none() | COUNTRY), "exploitation_place": draw(LINE),
        "recruitment_websites": draw(st.lists(LINE.filter(lambda s: ";" not in s), max_size=3)),
        "route_events": events, "perpetrators": perpetrators,
    }


names = st.fixed_dictionaries({
    "given_name": NAME, "family_name": NAME, "middle_name": LINE,
    "identity_number": st.text(_CHARS, max_size=20),
    "birth_date": st.just("") | _day(1920, TODAY.year),
})


class TestRoundTrip(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(names=names, details=person_details(), context=victim_contexts(), summary=TEXT, pseudonym=LINE,
           fmt=st.sampled_from(["csv", "xlsx", "json"]))
    def test_every_imported_field_survives_export_and_import(self, names, details, context, summary, pseudonym, fmt):
        owner = factories.actor(factories.member(factories.organisation(), [R.CASE_WORKER]))
        importer = factories.actor(factories.member(factories.organisation(), [R.CASE_WORKER]))
        case = case_create(actor=owner, given_name=names["given_name"], family_name=names["family_name"],
                           summary=summary, pseudonym=pseudonym[:64].strip())
        case_details_update(actor=owner, case_id=case.pk, names=names, details=details, victim_context=context)
        original = Case.objects.select_related("person").get(pk=case.pk)

        exported = htcds_export(actor=owner, fmt=fmt)
        result = htcds_import(actor=importer, data=exported.body, filename=exported.filename)
        assert (result.created, result.errors) == (1, []), result.errors

        copy = Case.objects.select_related("person").get(owner_organisation_id=importer.organisation_id)
        for field in ("given_name", "middle_name", "family_name", "identity_number", "birth_date"):
            assert getattr(copy.person, field) == getattr(original.person, field), field
        assert copy.person.details == original.person.details
        assert copy.victim_context == original.victim_context
        assert copy.summary == original.summary
        assert copy.pseudonym == original.pseudonym
        assert copy.is_child == htcds.is_presumed_child(birth_date=original.person.birth_date,
                                                        details=original.person.details or {})


def _valid_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["prs_FirstName", "prs_SecondName", "prs_Gender", "hte1_Date"])
    book.active.append(["Amina", "Yusuf", "Feminine", "2020-01-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = _valid_xlsx()
HEADER = flat_header()


@st.composite
def damaged_xlsx(draw) -> bytes:
    data = bytearray(VALID_XLSX)
    for _ in range(draw(st.integers(1, 20))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def xlsx_with_garbage_sheet(draw) -> bytes:
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["xl/worksheets/sheet1.xml"] = draw(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@st.composite
def csv_with_garbage_cells(draw) -> bytes:
    columns = ["prs_FirstName", "prs_SecondName", *draw(st.lists(st.sampled_from(HEADER), max_size=8, unique=True))]
    columns = list(dict.fromkeys(columns))
    cell = st.text(st.one_of(_CHARS, st.sampled_from(["\n", "\r", '"', ",", ";", "=", "'"])), max_size=30)
    rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), max_size=5))
    lines = [",".join(columns)] + [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    return "\r\n".join(lines).encode()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner,
                                                                                      max_size=4), max_leaves=20)


@st.composite
def json_cases(draw) -> bytes:
    import json

    part = st.dictionaries(st.sampled_from(["prs_FirstName", "prs_SecondName", "vic_MethodsOfControl",
                                            "hte_Type", "prs_EstimatedAge", "Other"]), json_values, max_size=4)
    case = st.fixed_dictionaries({}, optional={"case": part, "person": part, "victim": part,
                                               "route_events": st.lists(part, max_size=6), "perpetrators": json_values})
    return json.dumps({"cases": draw(st.lists(case | json_values, max_size=4))}).encode()


files = st.one_of(
    st.tuples(st.binary(max_size=400), st.sampled_from(["", "x.csv", "x.xlsx", "x.json"])),
    st.tuples(damaged_xlsx(), st.just("x.xlsx")),
    st.tuples(xlsx_with_garbage_sheet(), st.just("x.xlsx")),
    st.tuples(csv_with_garbage_cells(), st.just("x.csv")),
    st.tuples(json_cases(), st.just("x.json")),
    st.tuples(json_values.map(lambda v: __import__("json").dumps(v).encode()), st.just("x.json")),
)


class TestGarbage(TestCase):
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(file=files, mode=st.sampled_from(["all_or_nothing", PARTIAL]))
    def test_the_importer_answers_or_refuses_cleanly(self, file, mode):
        data, filename = file
        importer = factories.actor(factories.member(factories.organisation(), [R.CASE_WORKER]))
        try:
            result = htcds_import(actor=importer, data=data, filename=filename, mode=mode)
        except ValidationFailed as refused:
            assert set(refused.errors) == {"file"} and refused.errors["file"][0]
            return
        assert isinstance(result, ImportResult)
        if mode == PARTIAL or not result.rejected:
            assert result.created + result.rejected == result.rows
        else:
            assert result.created == 0
        assert all(set(e) == {"row", "column", "reason"} and e["reason"] for e in result.errors)
