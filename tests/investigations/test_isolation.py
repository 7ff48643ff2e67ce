"""A sandbox's investigations stay in it and go with it: the live realm never sees them, and purging the
sandbox leaves no row behind, entity links to the sandbox's cases included. A case erased under data
protection takes its investigation links with it."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.exercises.services.sandboxes import sandbox_purge, sandbox_rows
from alliance.investigations.models import Entity, EntityCase
from alliance.investigations.selectors.investigations import investigation_list_for
from alliance.investigations.services.entities import entities_add, entity_case_link, source_register
from alliance.investigations.services.investigations import investigation_open
from alliance.investigations.services.xref import xref_request
from tests import factories
from tests.investigations.world import RAID_REPORT, police_world

pytestmark = pytest.mark.django_db


def _sandbox_investigation():
    sandbox = factories.exercise_realm("Investigation sandbox")
    academy = factories.organisation("Academy", sector="international")
    trainee = factories.member(academy, [R.TRAINEE])
    sandbox.participants.add(trainee.user)
    actor = factories.actor(trainee, sandbox)
    investigation = investigation_open(actor=actor, title="Exercise ring", purpose="Training", legal_basis="Ex")
    source = source_register(actor=actor, investigation_id=investigation.pk, kind="police_report",
                             reference="EX-RR-1", legal_basis="Ex")
    entities_add(actor=actor, investigation_id=investigation.pk, source_id=source.pk, entities=RAID_REPORT)
    case = case_create(actor=actor, given_name="Exe", family_name="Victim")
    entity = Entity.objects.get(investigation=investigation, ftm_id="p-worker")
    entity_case_link(actor=actor, entity_id=entity.pk, case_id=case.pk, reason="Worker named in the raid")
    xref_request(actor=actor, investigation_id=investigation.pk, legal_basis="Ex", purpose="Training")
    return sandbox, trainee, investigation


def test_the_live_realm_never_lists_a_sandbox_investigation():
    world = police_world()
    _sandbox, trainee, investigation = _sandbox_investigation()
    live_lead = factories.actor(world["lead"])
    assert investigation.pk not in set(investigation_list_for(actor=live_lead).values_list("pk", flat=True))
    # The trainee's role works investigations only inside the sandbox.
    assert not factories.actor(trainee).has_action(R.INVESTIGATION_VIEW)


def test_purging_the_sandbox_leaves_no_investigation_row():
    sandbox, _trainee, _investigation = _sandbox_investigation()
    assert sandbox_rows(realm_ids=[sandbox.pk])
    sandbox_purge(realm_ids=[sandbox.pk], generated_user_ids=[])
    assert sandbox_rows(realm_ids=[sandbox.pk]) == {}
    assert not EntityCase.objects.exists()


def test_an_erased_case_takes_its_investigation_links_with_it():
    from alliance.cases.models import Case

    world = police_world()
    lead = factories.actor(world["lead"])
    case = case_create(actor=lead, given_name="Lin", family_name="Ked")
    entity = Entity.objects.get(investigation=world["investigation"], ftm_id="p-worker")
    entity_case_link(actor=lead, entity_id=entity.pk, case_id=case.pk, reason="Named in the raid report")
    Case.objects.filter(pk=case.pk).delete()
    assert not EntityCase.objects.exists() and Entity.objects.filter(pk=entity.pk).exists()
