"""Fictitious Dreamland people and agencies for tests, built through the services where one exists."""

from __future__ import annotations

import itertools

from alliance.core.actor import Actor
from alliance.core.models import Realm
from alliance.directory.models import Membership, Organisation, User
from alliance.directory.selectors import actor_for, live_realm

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def organisation(name: str | None = None, sector: str = "ngo", country: str = "XD") -> Organisation:
    return Organisation.objects.create(name=name or f"Agency {next(_counter)}", country=country, sector=sector)


def member(org: Organisation, roles: list[str], *, email: str | None = None, org_admin: bool = False) -> Membership:
    user = User.objects.create_user(email=email or f"user{next(_counter)}@dreamland.test", password=PASSWORD,
                                    display_name="Test User")
    return Membership.objects.create(user=user, organisation=org, roles=roles, is_organisation_admin=org_admin)


def exercise_realm(name: str) -> Realm:
    return Realm.objects.create(slug=name.lower().replace(" ", "-"), name=name, kind=Realm.Kind.EXERCISE)


def actor(membership: Membership, realm: Realm | None = None, channel: str = "web") -> Actor:
    return actor_for(user=membership.user, membership=membership, realm=realm or live_realm(),
                     address="127.0.0.1", channel=channel)


def share(*, actor: Actor, case_id: int, organisation_id: int, scope: str, purpose: str):
    """Sharing as the services require it: the person's consent first, then the share."""
    from alliance.cases.services import case_share, consent_record

    consent_record(actor=actor, case_id=case_id, purpose="share_organisation", organisation_id=organisation_id,
                   language="en")
    return case_share(actor=actor, case_id=case_id, organisation_id=organisation_id, scope=scope, purpose=purpose)
