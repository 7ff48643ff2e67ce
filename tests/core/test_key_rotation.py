"""Key rotation: every value moves to the new key with its plaintext intact, retiring waits until no value
needs an old key, an interrupted rotation resumes, and blind-index search keeps working."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from alliance.cases.models import Case, Person
from alliance.cases.services import case_create
from alliance.core import encryption
from alliance.core import key_rotation as kr
from alliance.core import roles as R
from alliance.core.encryption import blind_index
from alliance.core.keyring import KeyRingError, keyring_path, load_keyring, reset_cache
from alliance.core.models import AuditEvent
from tests import factories

PEOPLE = [
    ("Olena", "Kovalenko", "DL-445566", "Recruited through a job advert"),
    ("Иван", "Петров", "DL-778899", "Met at the border crossing"),
    ("Amira", "Haddad", "", ""),
]


@pytest.fixture
def cases(db, own_keyring):
    org = factories.organisation()
    actor = factories.actor(factories.member(org, [R.CASE_WORKER]))
    return [case_create(actor=actor, given_name=g, family_name=f, identity_number=i, summary=s)
            for g, f, i, s in PEOPLE]


def _raw_field_key_ids() -> list[str]:
    """Key ids of every stored encrypted value, read from the columns without decrypting."""
    ids = []
    with connection.cursor() as cursor:
        for model, fields in kr.encrypted_columns():
            for field in fields:
                cursor.execute(f"SELECT {field.column} FROM {model._meta.db_table} "  # noqa: S608
                               f"WHERE {field.column} IS NOT NULL")
                ids += [kr.field_key_of(raw) for (raw,) in cursor.fetchall()]
    return ids


def _plaintexts() -> list[tuple]:
    people = Person.objects.order_by("pk").values_list("given_name", "family_name", "identity_number")
    summaries = Case.objects.order_by("pk").values_list("summary", flat=True)
    return [*people, *summaries]


def test_rotation_moves_every_value_to_the_new_key_and_keeps_plaintexts(cases):
    before = _plaintexts()
    assert set(_raw_field_key_ids()) == {"f1"}
    steps: list[int] = []

    result = kr.field_keys_rotate(progress=steps.append, batch_size=2)

    reset_cache()  # read the ring back from the file, as a restarted server would
    ring = load_keyring()
    assert result.key_id == ring.field.active == "f2" and result.previous_key_id == "f1"
    assert set(ring.field.keys) == {"f1", "f2"}, "the old key stays until it is retired"
    assert stat.S_IMODE(keyring_path().stat().st_mode) == 0o600
    ids = _raw_field_key_ids()
    assert ids and set(ids) == {"f2"}
    assert _plaintexts() == before
    assert sum(steps) == kr.field_rotation_total() == result.scanned
    reasons = list(AuditEvent.objects.filter(action="key_rotation").values_list("object_id", "reason"))
    assert reasons[0][0] == "f2" and "activated" in reasons[0][1] and "finished" in reasons[-1][1]


def test_retire_refuses_while_a_value_uses_an_old_key_and_a_resumed_rotation_finishes(cases):
    class Interrupted(Exception):
        pass

    def interrupt(_steps: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        kr.field_keys_rotate(progress=interrupt, batch_size=1)
    ids = _raw_field_key_ids()
    assert "f1" in ids and "f2" in ids, "one batch moved, the rest not yet"

    with pytest.raises(kr.KeysInUse) as refused:
        kr.field_keys_retire()
    assert "f1" in refused.value.in_use
    assert "f1" in load_keyring().field.keys

    result = kr.field_keys_rotate(resume=True, batch_size=1)
    assert result.key_id == "f2" and 0 < result.rewritten < result.scanned
    assert kr.field_keys_retire() == ["f1"]
    reset_cache()
    assert set(load_keyring().field.keys) == {"f2"}
    assert [p[:2] for p in _plaintexts()[: len(PEOPLE)]] == [(g, f) for g, f, _i, _s in PEOPLE]


def test_retire_with_only_the_active_key_changes_nothing(cases):
    assert kr.field_keys_retire() == []
    assert kr.blind_keys_retire() == []


def test_blind_rotation_keeps_search_working(cases):
    olena = cases[0].person
    old_index = olena.full_name_index
    assert old_index.startswith("b1:")

    result = kr.blind_keys_rotate(batch_size=2)

    assert result.key_id == load_keyring().blind.active == "b2"
    for case, (given, family, identity, _summary) in zip(cases, PEOPLE, strict=True):
        person = Person.objects.get(pk=case.person_id)
        assert person.full_name_index == blind_index(f"{given} {family}", kind="name")
        assert person.full_name_index.startswith("b2:") and person.full_name_index != old_index
        assert person.family_name_index == blind_index(family, kind="name")
        assert person.identity_number_index == blind_index(identity, kind="document")
    assert Person.objects.filter(full_name_index=blind_index("KOVALENKO olena", kind="name")).get().pk == olena.pk
    usage = kr.key_usage()
    assert set(usage.blind) == {"b2"} and set(usage.field) == {"f1"}
    assert kr.blind_keys_retire() == ["b1"]


def test_status_counts_values_per_key_without_a_missing_key(cases):
    kr.field_keys_rotate()
    usage = kr.key_usage()
    # Three people with given and family name, two with an identity number, two cases with a summary.
    assert usage.field == {"f2": 3 + 3 + 2 + 2}
    assert usage.blind["b1"] == 3 + 3 + 2
    assert kr.missing_keys(usage) == {}


def test_rotation_refuses_to_write_a_key_ring_that_comes_from_the_environment(cases, monkeypatch):
    monkeypatch.setenv("ALLIANCE_KEYRING", load_keyring().to_json())
    reset_cache()
    with pytest.raises(KeyRingError, match="ALLIANCE_KEYRING"):
        kr.field_keys_rotate()
    # With the secret updated by hand, a resumed rotation does the re-encryption.
    assert kr.field_keys_rotate(resume=True).rewritten == 0


def test_search_finds_rows_not_yet_reindexed_after_a_blind_key_rotation(cases):
    """Between a new blind key and the end of re-indexing, search matches under every key in the ring."""
    from alliance.cases.selectors.register import case_search_for
    from alliance.core.keyring import KeySet, new_key, save_keyring

    ring = load_keyring()
    save_keyring(type(ring)(field=ring.field, blind=KeySet("b9", {**ring.blind.keys, "b9": new_key()})))
    owner = factories.actor(cases[0].owner_organisation.memberships.first())
    found = case_search_for(actor=owner, name="Петров Иван")
    assert [row["number"] for row in found] == [cases[1].number]


def test_a_process_with_an_old_ring_reads_values_written_under_a_newer_key(cases):
    """Another process rotated the keys: this one's cached ring lacks the new key id and reloads once."""
    from alliance.core.encryption import decrypt_text, encrypt_text
    from alliance.core.keyring import KeySet, new_key, save_keyring

    stale = load_keyring()
    ring = type(stale)(field=KeySet("f7", {**stale.field.keys, "f7": new_key()}), blind=stale.blind)
    save_keyring(ring)
    token = encrypt_text("Olena", context="x")
    import alliance.core.keyring as keyring_module

    keyring_module._cached = stale  # what a long-running worker still holds
    assert decrypt_text(token, context="x") == "Olena"


# --- Every encrypted column of every model ------------------------------------------------------------------
def _encrypted_types() -> tuple[type[models.Field], ...]:
    """Every encrypted field type core/encryption.py defines, read off the module rather than a list."""
    found = tuple(obj for obj in vars(encryption).values()
                  if isinstance(obj, type) and issubclass(obj, models.Field) and obj.__module__ == encryption.__name__
                  and obj.__name__.startswith("Encrypted"))
    assert encryption.EncryptedBinaryField in found and encryption.EncryptedJSONField in found
    return found


def _every_encrypted_column() -> list[tuple[type[models.Model], models.Field]]:
    """Walked here, independently of key_rotation: every installed model, every field of an encrypted type."""
    types = _encrypted_types()
    return [(model, field) for model in apps.get_models() if model._meta.managed and not model._meta.proxy
            for field in model._meta.local_concrete_fields if isinstance(field, types)]


def _raw_values(model, field) -> list[tuple[int, object]]:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(model._meta.pk.column)}, {qn(field.column)} FROM {qn(model._meta.db_table)} "  # noqa: S608
                       f"WHERE {qn(field.column)} IS NOT NULL")
        return cursor.fetchall()


def _key_id(field, raw) -> str:
    if isinstance(field, models.BinaryField):
        return bytes(raw).split(b":", 2)[1].decode()
    return raw.split(":", 2)[1]


def _plaintext(model, field, pk, raw):
    if isinstance(field, models.BinaryField):
        return encryption.decrypt_bytes(raw, context=field.context_for(pk))
    return model._base_manager.values_list(field.name, flat=True).get(pk=pk)  # decoded by the field itself


def _state() -> dict[str, dict]:
    """Per column: row -> (key id, plaintext)."""
    return {f"{model._meta.label}.{field.name}": {pk: (_key_id(field, raw), _plaintext(model, field, pk, raw))
                                                 for pk, raw in _raw_values(model, field)}
            for model, field in _every_encrypted_column()}


def _fill_every_encrypted_column() -> None:
    """The demo data, the few kinds of row it does not make, then a value in any column still empty."""
    from alliance.cases.models import CaseShare
    from alliance.cases.services.casefile import document_upload, support_plan_save, support_service_add
    from alliance.cases.services.transnational import organisation_keys_create
    from alliance.web.demo import load_demo
    from tests.cases.casefile_world import PDF, upload

    load_demo()
    desk, partner = factories.organisation("Rotation Desk"), factories.organisation("Rotation Partner")
    worker = factories.actor(factories.member(desk, [R.CASE_WORKER], org_admin=True))
    case = case_create(actor=worker, given_name="Olena", family_name="Kovalenko", summary="Met at the station")
    document_upload(actor=worker, case_id=case.pk, file=upload(PDF, "statement.pdf", "application/pdf"),
                    title="Witness statement")
    support_plan_save(actor=worker, case_id=case.pk, support_types=["Legal"], objectives="Safety first")
    support_service_add(actor=worker, case_id=case.pk, support_type="Legal", provider_name="Dream Lawyers",
                        description="Court accompaniment")
    factories.share(actor=worker, case_id=case.pk, organisation_id=partner.pk, scope="limited", purpose="Health")
    organisation_keys_create(actor=worker)
    # Exercise evaluation notes (the demo has no run to observe): written as the evaluation service does.
    from alliance.exercises.models import DecisionLogEntry, ExerciseRun, ObserverRating, ScenarioPackage, Team

    package = ScenarioPackage.objects.order_by("pk").first()
    run = ExerciseRun.objects.create(scenario=package, name="Rotation run", language="en")
    team = Team.objects.create(run=run, number=1, name="Team 1", language="en")
    ObserverRating.objects.create(run=run, team=team, capability_target="ct-screening", rating="S",
                                  notes="Calm interview, late interpreter", observer_id=worker.user_id)
    DecisionLogEntry.objects.create(run=run, kind="observation", text="Hot wash at 16:00",
                                    author_id=worker.user_id)
    # The after-action report's own rows: feedback, the improvement plan, a certificate, the purge snapshot.
    from alliance.exercises.models import AfterActionSnapshot, Certificate, FeedbackResponse, ImprovementItem

    FeedbackResponse.objects.create(run=run, trainee_id=worker.user_id, realism=4, relevance=5, organisation=4,
                                    debrief=5, worked="The role-player", improve="More time for the referral")
    ImprovementItem.objects.create(run=run, finding="Consent asked late", corrective_action="Consent drill",
                                   organisation=partner, due_on=dt.date(2027, 3, 1))
    Certificate.objects.create(run=run, team=team, trainee_id=worker.user_id, trainee_name="Ada Trainee",
                               code="ROTATE000001", issued_at=timezone.now())
    AfterActionSnapshot.objects.create(run=run, data={"teams": [{"number": 1, "log": ["kept"]}]})
    from tests.investigations.world import police_world

    # Investigation entities: captions, properties, and their keys' values and blind indexes.
    police_world(" (rotation)")
    assert CaseShare.objects.exists()
    for model, field in _every_encrypted_column():
        if _raw_values(model, field):
            continue
        row = model._base_manager.order_by("pk").first()
        assert row is not None, f"no {model._meta.label} row to hold {field.name}: make one above"
        if isinstance(field, models.BinaryField):
            value = encryption.encrypt_bytes(b"filled by the test", context=field.context_for(row.pk))
        elif isinstance(field, encryption.EncryptedJSONField):
            value = {"filled": ["by", "the", "test"]}
        else:
            value = "filled by the test"
        model._base_manager.filter(pk=row.pk).update(**{field.name: value})


@pytest.mark.django_db
def test_rotation_moves_every_encrypted_column_of_every_model_with_its_values_intact(own_keyring):
    _fill_every_encrypted_column()
    before = _state()
    assert before and all(before.values()), [column for column, rows in before.items() if not rows]
    assert {key for rows in before.values() for key, _value in rows.values()} == {"f1"}

    kr.field_keys_rotate(batch_size=7)

    after = _state()
    still_old = {column: sorted(pk for pk, (key, _v) in rows.items() if key != "f2") for column, rows in after.items()}
    assert not any(still_old.values()), still_old
    changed = [column for column in before
               if {pk: value for pk, (_k, value) in after[column].items()}
               != {pk: value for pk, (_k, value) in before[column].items()}]
    assert not changed, f"values changed by the rotation: {changed}"
    usage = kr.key_usage()
    assert set(usage.field) == {"f2"} and usage.field["f2"] == sum(len(rows) for rows in after.values())
    assert kr.field_keys_retire() == ["f1"]
