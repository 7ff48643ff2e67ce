"""Who is acting, for which organisation, in which realm and through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from alliance.core import roles as role_codes


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    organisation_id: int | None
    roles: frozenset[str]
    realm_id: int
    realm_is_exercise: bool = False
    address: str | None = None
    channel: str = "web"  # web, api, cli, job
    is_organisation_admin: bool = False
    actions: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        granted = role_codes.actions_for(self.roles)
        if not self.realm_is_exercise:
            # Exercise-only roles carry no rights in the live realm.
            live_roles = self.roles - role_codes.EXERCISE_ONLY_ROLES
            granted = role_codes.actions_for(live_roles)
        if self.is_organisation_admin:
            # Administering one's own organisation's staff is a capability, not one of the roles; so is
            # its facility's aggregated screening dashboard (the reception manager's view).
            granted = granted | {role_codes.STAFF_MANAGE, role_codes.SCREENING_DASHBOARD}
        object.__setattr__(self, "actions", granted)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def has_action(self, action: str) -> bool:
        return action in self.actions

    def has_role(self, role: str) -> bool:
        return role in self.roles


def system_actor(*, realm_id: int, channel: str = "cli") -> Actor:
    """The installation itself (migrations, demo loader, scheduled jobs): audited as user None."""
    return Actor(user_id=None, organisation_id=None, roles=frozenset(), realm_id=realm_id, channel=channel)
