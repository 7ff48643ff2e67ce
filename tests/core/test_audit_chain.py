"""The audit chain detects an edited, deleted, inserted or reordered row and names the first bad one."""

from __future__ import annotations

import pytest
from django.db import connection

from alliance.core import audit
from alliance.core.models import AuditEvent


def _write(n: int) -> None:
    for i in range(n):
        audit.record(actor=None, action="view", object_type="case", object_id=i, fields=["family_name"])


def _raw(sql: str, params=()) -> None:
    """An attacker with database access, past the append-only triggers, changing rows directly."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _install_guard() -> None:
    import importlib

    migration = importlib.import_module("alliance.core.migrations.0003_live_realm_and_append_only_audit")
    statements = migration.POSTGRES if connection.vendor == "postgresql" else migration.SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.django_db
def test_intact_chain_verifies(tmp_path):
    _write(5)
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert result.ok and result.checked == 5 and result.head_seq == 5


@pytest.mark.django_db
def test_rows_cannot_be_changed_through_the_orm_or_sql():
    _install_guard()
    _write(1)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_edited_row_is_named(tmp_path):
    _write(5)
    _raw("UPDATE core_auditevent SET fields = %s WHERE seq = 3", ['["summary"]'])
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert not result.ok and result.first_bad_seq == 3 and "changed" in result.problem


@pytest.mark.django_db
def test_deleted_row_is_named(tmp_path):
    _write(5)
    _raw("DELETE FROM core_auditevent WHERE seq = 2")
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


@pytest.mark.django_db
def test_inserted_row_is_named(tmp_path):
    _write(4)
    # Make room at seq 3 and insert a forged row with a self-consistent hash but the wrong predecessor.
    _raw("UPDATE core_auditevent SET seq = seq + 100 WHERE seq >= 3")
    _raw("UPDATE core_auditevent SET seq = seq - 99 WHERE seq >= 103")
    forged = AuditEvent.objects.get(seq=1)
    _raw(
        "INSERT INTO core_auditevent (seq, at, user_id, organisation_id, address, channel, realm_id, action, "
        "object_type, object_id, fields, reason, prev_hash, hash) "
        "VALUES (3, %s, NULL, NULL, '', 'web', NULL, 'view', 'case', '99', '[]', '', %s, %s)",
        [forged.at, forged.hash, "f" * 64],
    )
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert not result.ok and result.first_bad_seq == 3


@pytest.mark.django_db
def test_reordered_rows_are_named(tmp_path):
    _write(5)
    _raw("UPDATE core_auditevent SET seq = 100 WHERE seq = 2")
    _raw("UPDATE core_auditevent SET seq = 2 WHERE seq = 3")
    _raw("UPDATE core_auditevent SET seq = 3 WHERE seq = 100")
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert not result.ok and result.first_bad_seq == 2


@pytest.mark.django_db
def test_cut_tail_is_detected_by_the_anchor(tmp_path):
    anchor_file = tmp_path / "anchor"
    _write(5)
    assert audit.anchor(anchor_file=anchor_file) == (5, AuditEvent.objects.get(seq=5).hash)
    _raw("DELETE FROM core_auditevent WHERE seq >= 4")
    result = audit.verify(anchor_file=anchor_file)
    assert not result.ok and result.first_bad_seq == 5 and "tail removed" in result.problem


@pytest.mark.django_db
def test_audit_row_holds_field_names_never_values():
    from tests import factories

    org = factories.organisation()
    actor = factories.actor(factories.member(org, ["case_worker"]))
    from alliance.cases.services import case_create

    case_create(actor=actor, given_name="Anna", family_name="Zelenova", identity_number="DL-445566")
    event = AuditEvent.objects.filter(action="create", object_type="case").get()
    row = " ".join(str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().get().values())
    assert "family_name" in event.fields
    assert "Zelenova" not in row and "Anna" not in row and "445566" not in row


@pytest.mark.django_db
def test_rolled_back_write_leaves_no_audit_row():
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit.record(actor=None, action="create", object_type="case", object_id=1)
        raise Boom
    assert not AuditEvent.objects.exists()
