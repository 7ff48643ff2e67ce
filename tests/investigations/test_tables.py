"""Spreadsheets through a column mapping: each shipped preset imports its documented columns; a wrong cell
refuses the whole file naming row, column and reason; the same account on many rows is one entity."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from alliance.core.errors import ValidationFailed
from alliance.investigations.domain.mappings import presets
from alliance.investigations.models import Entity, EntityLink, ImportMapping
from alliance.investigations.services.entities import source_register
from alliance.investigations.services.tables import mapping_save, table_import
from tests import factories
from tests.investigations.world import police_world

pytestmark = pytest.mark.django_db

HEADER = "transaction_id,booking_date,amount,currency,payer_name,payer_iban,beneficiary_name,beneficiary_iban,purpose"
STATEMENT = HEADER + """
T-1,2026-05-02,395,EUR,Aigerim Bekova,GB82 WEST 1234 5698 7654 32,Viktor Orlov,DE89 3704 0044 0532 0130 00,Rent
T-2,2026-05-03,410,EUR,Nurlan Abenov,FR14 2004 1010 0505 0001 3M02 606,Viktor Orlov,DE89 3704 0044 0532 0130 00,Rent
T-3,2026-05-04,425,EUR,Samir Haddou,NL91 ABNA 0417 1643 00,Viktor Orlov,DE89 3704 0044 0532 0130 00,Transport
"""


def _bank_source(world):
    lead = factories.actor(world["lead"])
    return lead, source_register(actor=lead, investigation_id=world["investigation"].pk, kind="bank_statement",
                                 reference="PO-2026-077", legal_basis="CPC art. 12")


def test_a_bank_statement_makes_one_funnel_account_with_its_payments():
    world = police_world()
    lead, source = _bank_source(world)
    report = table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk,
                          data=STATEMENT.encode(), filename="statement.csv", mapping_text=presets()["bank_statement"])
    accounts = Entity.objects.filter(source=source, schema="BankAccount")
    assert accounts.count() == 4  # three payers' accounts and the one they all pay into
    assert report.created == accounts.count() + 3 + 1 + 3  # + payers + Orlov + payments
    funnel = next(a for a in accounts if a.properties["iban"] == ["DE89370400440532013000"])
    assert EntityLink.objects.filter(target_entity=funnel, kind="beneficiaryAccount").count() == 3


def test_a_wrong_cell_refuses_the_whole_file_with_row_and_column():
    world = police_world()
    lead, source = _bank_source(world)
    bad = STATEMENT.replace("NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 01").replace("2026-05-03", "03.05.2026")
    with pytest.raises(ValidationFailed) as refused:
        table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk, data=bad.encode(),
                     filename="statement.csv", mapping_text=presets()["bank_statement"])
    errors = refused.value.errors["file"]
    assert any("row 4, column payer_iban" in e and "IBAN" in e for e in errors)
    assert any("row 3, column booking_date" in e for e in errors)
    assert not Entity.objects.filter(source=source).exists()


def test_a_missing_column_and_a_bad_mapping_are_named():
    world = police_world()
    lead, source = _bank_source(world)
    with pytest.raises(ValidationFailed, match="no column beneficiary_iban"):
        table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk,
                     data=STATEMENT.replace("beneficiary_iban", "iban_2").encode(), filename="s.csv",
                     mapping_text=presets()["bank_statement"])
    with pytest.raises(ValidationFailed, match="has no property shoeSize"):
        table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk,
                     data=STATEMENT.encode(), filename="s.csv",
                     mapping_text="p: {schema: Person, keys: [payer_name], properties: {shoeSize: {column: amount}}}")
    with pytest.raises(ValidationFailed, match="not YAML"):
        table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk,
                     data=STATEMENT.encode(), filename="s.csv", mapping_text="p: [unclosed")


def test_a_work_permit_register_in_xlsx():
    world = police_world()
    lead = factories.actor(world["lead"])
    source = source_register(actor=lead, investigation_id=world["investigation"].pk, kind="work_permits",
                             reference="WP-REG", legal_basis="CPC art. 12")
    book = Workbook()
    sheet = book.active
    sheet.append(["permit_number", "surname", "given_names", "birth_date", "nationality", "passport_number",
                  "employer", "employer_registration", "valid_from", "valid_to"])
    sheet.append(["WP-1", "ORLOV", "VIKTOR", "1979-05-21", "ru", "RX44102277", "Golden Fields Agro", "REG-77",
                  "2026-01-01", "2026-12-31"])
    sheet.append(["WP-2", "KUZNETSOV", "DMITRII", "1988-07-08", "kz", "", "Golden Fields Agro", "REG-77",
                  "2026-03-01", "2026-12-31"])
    data = io.BytesIO()
    book.save(data)
    table_import(actor=lead, investigation_id=world["investigation"].pk, source_id=source.pk, data=data.getvalue(),
                 filename="permits.xlsx", mapping_text=presets()["work_permits"])
    people = {e.caption for e in Entity.objects.filter(source=source, schema="Person")}
    assert people == {"ORLOV VIKTOR", "KUZNETSOV DMITRII"}
    assert Entity.objects.filter(source=source, schema="Company").count() == 1
    assert EntityLink.objects.filter(investigation=world["investigation"], kind="Employment",
                                     edge__source=source).count() == 2


def test_every_preset_is_a_valid_mapping_and_an_agency_saves_its_own():
    world = police_world()
    lead = factories.actor(world["lead"])
    assert set(presets()) == {"police_report", "labour_inspection", "work_permits", "bank_statement",
                              "phone_records"}
    saved = mapping_save(actor=lead, name="Dreamland Savings layout", source_kind="bank_statement",
                         mapping_text=presets()["bank_statement"])
    again = mapping_save(actor=lead, name="Dreamland Savings layout", source_kind="bank_statement",
                         mapping_text=presets()["phone_records"])
    assert saved.pk == again.pk and ImportMapping.objects.count() == 1
    assert set(ImportMapping.objects.get().entities) == {"caller", "callee", "call"}
