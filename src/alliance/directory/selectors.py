"""Reads of the directory: who an actor is, which realms they may enter, which staff they manage."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.core.middleware import SESSION_MEMBERSHIP, SESSION_REALM, client_address
from alliance.core.models import LIVE_REALM_SLUG, Realm
from alliance.directory.models import ApiToken, Membership, Organisation, User


def live_realm() -> Realm:
    # Migration 0003 creates it; get_or_create keeps a database emptied by `flush` usable too.
    realm, _created = Realm.objects.get_or_create(slug=LIVE_REALM_SLUG,
                                                  defaults={"name": "Live", "kind": Realm.Kind.LIVE})
    return realm


def second_factor_enrolled(*, user: User) -> bool:
    """django_otp's user_has_device (a confirmed device of any installed kind) in one query instead of one
    per device kind: every page of a session not yet verified asks it."""
    from django.db.models import Exists, OuterRef, Q
    from django_otp import device_classes

    if not user.is_authenticated:
        return False
    any_device = Q()
    for model in device_classes():
        any_device |= Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
    return bool(any_device) and User.objects.filter(any_device, pk=user.pk).exists()


def memberships_of(*, user: User) -> list[Membership]:
    return list(user.memberships.filter(is_active=True).select_related("organisation").order_by("id"))


def realms_for(*, user: User, memberships: list[Membership] | None = None) -> list[Realm]:
    """The live realm for every active member, plus the exercise realms they take part in. A caller that
    has just read the user's active memberships passes them, which saves asking again."""
    # The live realm only for a member of a live agency: a trainee whose memberships are all in sandbox
    # agencies sees their team's sandbox and nothing else.
    if memberships is not None:
        member = any(m.organisation.sandbox_id is None for m in memberships)
    else:
        member = user.memberships.filter(is_active=True, organisation__sandbox__isnull=True).exists()
    realms = [live_realm()] if member else []
    realms += list(user.exercise_realms.order_by("name"))
    return realms


def realm_allowed(*, user: User, realm_id: int) -> bool:
    return any(r.pk == realm_id for r in realms_for(user=user))


def actor_for(
    *, user: User, membership: Membership | None, realm: Realm, address: str | None, channel: str
) -> Actor:
    if (membership is None or not membership.is_active or not user.is_active
            or not membership_fits_realm(membership=membership, realm=realm)):
        return Actor(user_id=None, organisation_id=None, roles=frozenset(), realm_id=realm.pk,
                     realm_is_exercise=realm.is_exercise, address=address, channel=channel)
    return member_actor(user_id=user.pk, organisation_id=membership.organisation_id, roles=membership.roles,
                        is_organisation_admin=membership.is_organisation_admin, realm_id=realm.pk,
                        realm_is_exercise=realm.is_exercise, address=address, channel=channel)


def member_actor(*, user_id: int, organisation_id: int, roles, is_organisation_admin: bool, realm_id: int,
                 realm_is_exercise: bool, address: str | None, channel: str) -> Actor:
    """The one way an active membership becomes an actor, for a browser session and an API token alike
    (directory/services.py token_resolve reads the same columns in one query): both see the same rights."""
    return Actor(user_id=user_id, organisation_id=organisation_id, roles=frozenset(roles), realm_id=realm_id,
                 realm_is_exercise=realm_is_exercise, address=address, channel=channel,
                 is_organisation_admin=bool(is_organisation_admin))


def staff_list_for(*, actor: Actor) -> QuerySet:
    if not policy.may(actor, R.STAFF_MANAGE):
        raise Forbidden(R.STAFF_MANAGE)
    queryset = Membership.objects.select_related("user", "organisation")
    return policy.MEMBERSHIP.scope(actor, R.STAFF_MANAGE, queryset).order_by("organisation__name", "user__email")


def membership_get_for(*, actor: Actor, membership_id: int) -> Membership:
    """Not found alike for a membership that does not exist, one outside the actor's staff, and an actor who
    manages no staff at all, so the staff page never tells which memberships exist."""
    try:
        found = staff_list_for(actor=actor).filter(pk=membership_id).first()
    except Forbidden:
        found = None
    if found is None:
        raise NotFound("membership")
    return found


def organisations_for_sharing(*, realm_id: int | None = None) -> QuerySet:
    """Organisations are public directory data (names of agencies), not protected. Narrowed to one realm's
    agencies when a realm is given (every choice list of a request gives its actor's)."""
    if realm_id is None:
        return Organisation.objects.order_by("name")
    return organisations_in_realm(realm_id=realm_id)


def organisations_in_realm(*, realm_id: int) -> QuerySet:
    """The agencies a request in this realm may name (share with, refer to, record as a provider): in the live
    realm the installation's own (sandbox None), in a run's sandbox that sandbox's only. The one rule every
    organisation choice list and every service taking an organisation id uses, so a live case can never reach
    a sandbox agency, and no team can reach another team's."""
    own = Organisation.objects.filter(sandbox_id=realm_id)
    if own.exists():
        return own.order_by("name")
    # The live realm; or an exercise realm made by hand with no agencies of its own (the demo's, the
    # permission matrix's), whose cases stay in that realm whichever agency they go to. A run's sandboxes
    # always hold their own agencies, so they see those only, never the live ones nor another team's.
    return Organisation.objects.filter(sandbox__isnull=True).order_by("name")


def organisation_in_realm(*, realm_id: int, organisation_id) -> Organisation | None:
    """The organisation if a request in this realm may name it, else None (missing and foreign alike)."""
    try:
        organisation_id = int(organisation_id)
    except (TypeError, ValueError):
        return None
    return organisations_in_realm(realm_id=realm_id).filter(pk=organisation_id).first()


def membership_fits_realm(*, membership: Membership, realm: Realm) -> bool:
    """A membership of a sandbox agency acts in that sandbox only; one of a live agency anywhere the user may
    enter (its exercise-only roles already carry no rights in the live realm)."""
    organisation_realm = membership.organisation.sandbox_id
    return organisation_realm is None or organisation_realm == realm.pk


def tokens_of(*, actor: Actor) -> QuerySet:
    return ApiToken.objects.filter(user_id=actor.user_id).select_related("realm").order_by("-created_at")


def actor_for_session(*, request) -> Actor:
    """The actor of a browser session: its chosen membership and realm, checked afresh each request."""
    address = client_address(request)
    user = request.user
    realm_id = request.session.get(SESSION_REALM)
    if not user.is_authenticated:
        return Actor(user_id=None, organisation_id=None, roles=frozenset(), realm_id=realm_id or 0,
                     address=address, channel="web")
    memberships = memberships_of(user=user)
    chosen = next((m for m in memberships if m.pk == request.session.get(SESSION_MEMBERSHIP)), None)
    chosen = chosen or (memberships[0] if memberships else None)
    realms = realms_for(user=user, memberships=memberships)
    realm = next((r for r in realms if r.pk == realm_id), None) or (realms[0] if realms else live_realm())
    if chosen is not None and not membership_fits_realm(membership=chosen, realm=realm):
        # A sandbox realm is worked through the membership of one of its own agencies, when there is one.
        chosen = next((m for m in memberships if membership_fits_realm(membership=m, realm=realm)), chosen)
    # The page shell lists the same memberships and realms (web/context.py): read once per request.
    request.session_memberships, request.session_realms = memberships, realms
    return actor_for(user=user, membership=chosen, realm=realm, address=address, channel="web")
