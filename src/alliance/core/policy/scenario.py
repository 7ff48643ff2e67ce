"""Scenario packages: who may read them, and who may import, edit and export them.

A package holds no personal data (a fictitious world), but it holds the controller notes and the
role-players' secrets, which trainees must not read before the exercise; so it is read by training
co-ordinators only, not by everyone who takes part. Packages belong to the installation, not to a realm or
an organisation: any co-ordinator of the installation may use any package.

The installation itself (a shell on the server: `alliance scenarios import` without --as, the demo loader)
may import and export, as it loads the screening catalogues; no web or API request is ever that actor.
"""

from __future__ import annotations

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may

_INSTALLATION_CHANNELS = frozenset({"cli", "job"})


def acts_as_installation(actor: Actor) -> bool:
    return actor.user_id is None and actor.channel in _INSTALLATION_CHANNELS


def may_view_scenarios(actor: Actor) -> bool:
    """The package list, a package's preview (controller notes and role-player cards included), its download."""
    return may(actor, R.SCENARIO_VIEW) or acts_as_installation(actor)


def may_edit_scenarios(actor: Actor) -> bool:
    """Import a package, save an edited one as a new version."""
    return may(actor, R.SCENARIO_EDIT) or acts_as_installation(actor)
