"""The shape of each file of a package, version 1 (docs/scenario-packages.md describes every field).

Only the shape: which keys, which types, which lengths. What a value refers to (a role, an inject, an
indicator) is checked in references.py, which needs all the files at once. Unknown keys are refused, so a
misspelt `recipent:` is an error rather than an inject that reaches nobody.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from alliance.exercises.domain.scenario_package import vocabulary as V

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}(\.[0-9]{1,4}){0,2}$")]
ScenarioTime = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}:[0-5][0-9]$")]  # HH:MM from the start
EvidencePath = Annotated[str, StringConstraints(pattern=r"^evidence/[A-Za-z0-9._/-]{1,200}$")]
Minutes = Annotated[int, Field(ge=0, le=V.MAX_SCENARIO_MINUTES, strict=True)]


class Text(RootModel[dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")],
                          Annotated[str, StringConstraints(min_length=1, max_length=20_000)]]]):
    """One text in every language of the package: {en: "...", ru: "..."}."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- package.yaml -------------------------------------------------------------------------------------------
class Objective(Strict):
    id: Id
    text: Text


class CapabilityTarget(Strict):
    id: Id
    objective: Id
    text: Text


class PackageFile(Strict):
    format: Literal[1]
    slug: Id
    version: Version
    languages: Annotated[list[Literal[V.LANGUAGES]], Field(min_length=1, max_length=len(V.LANGUAGES))]
    title: Text
    summary: Text
    duration_minutes: Annotated[int, Field(ge=30, le=V.MAX_SCENARIO_MINUTES, strict=True)]
    learning_objectives: Annotated[list[Objective], Field(min_length=1, max_length=50)]
    capability_targets: Annotated[list[CapabilityTarget], Field(min_length=1, max_length=100)]


# --- world.yaml ---------------------------------------------------------------------------------------------
class DutyToNotify(Strict):
    required: bool
    authority: Annotated[str, StringConstraints(max_length=200)] = ""


class CountryProfile(Strict):
    """The country-profile format of cases/profiles/*.json, the same keys."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Line
    version: Line
    source: Annotated[str, StringConstraints(max_length=500)] = ""
    reflection_days: Annotated[int, Field(ge=30, le=365)]
    reflection_review_day: Annotated[int, Field(ge=1, le=365)] | None
    reasonable_grounds_working_days: Annotated[int, Field(ge=1, le=365)]
    conclusive_grounds_working_days: Annotated[int, Field(ge=1, le=730)]
    referral_response_working_days: Annotated[int, Field(ge=1, le=365)]
    weekend: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=5)]
    holidays: Annotated[list[Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]],
                        Field(max_length=100)]
    first_responder_sectors: list[Literal[V.SECTORS]]
    duty_to_notify_sectors: list[Literal[V.SECTORS]]
    anonymous_notification_without_consent: bool
    retention_years_after_closure: Annotated[int, Field(ge=0, le=100)]
    duty_to_notify: DutyToNotify


class Country(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^X[A-Z]$")]  # ISO's user-assigned range: fictitious
    role: Literal[V.COUNTRY_ROLES]
    name: Text
    description: Text
    profile: CountryProfile | None = None


class Law(Strict):
    id: Id
    country: str
    title: Text
    text: Text


class Account(Strict):
    id: Id
    played_by: Id  # a role of roles.yaml
    platform_roles: Annotated[list[str], Field(min_length=1, max_length=5)]
    count: Annotated[int, Field(ge=1, le=50)] = 1


class Agency(Strict):
    id: Id
    name: Text
    country: str
    sector: Literal[V.SECTORS]
    accounts: Annotated[list[Account], Field(max_length=20)] = []


class InitialCase(Strict):
    """A case already open in every team's sandbox when the run starts, held by one agency of the world:
    the presumed victim's fictitious names in each language, where the NRM stands, the exploitation types."""

    id: Id
    agency: Id  # an agency of this file
    given_name: Text
    family_name: Text
    pseudonym: Text | None = None
    summary: Text | None = None
    is_child: bool = False
    stage: Literal[V.INITIAL_CASE_STAGES] = "detected"
    exploitation_types: Annotated[list[str], Field(max_length=11)] = []  # HTCDS exploitation types


class WorldFile(Strict):
    countries: Annotated[list[Country], Field(min_length=1, max_length=10)]
    laws: Annotated[list[Law], Field(max_length=50)] = []
    agencies: Annotated[list[Agency], Field(min_length=1, max_length=50)]
    initial_cases: Annotated[list[InitialCase], Field(max_length=20)] = []


# --- storylines.yaml ----------------------------------------------------------------------------------------
class Storyline(Strict):
    id: Id
    title: Text
    summary: Text
    audience: Annotated[list[Id], Field(min_length=1)]  # roles of roles.yaml
    objectives: Annotated[list[Id], Field(min_length=1)]


class StorylinesFile(Strict):
    storylines: Annotated[list[Storyline], Field(min_length=1, max_length=20)]


# --- roles.yaml ---------------------------------------------------------------------------------------------
class Role(Strict):
    id: Id
    profession: Literal[V.PROFESSIONS]
    played_by: Literal[V.PLAYED_BY]
    name: Text
    brief: Text


class TeamMember(Strict):
    role: Id
    count: Annotated[int, Field(ge=1, le=20)] = 1


class Team(Strict):
    id: Id
    name: Text
    members: Annotated[list[TeamMember], Field(min_length=1, max_length=20)]


class RolesFile(Strict):
    roles: Annotated[list[Role], Field(min_length=1, max_length=50)]
    teams: Annotated[list[Team], Field(min_length=1, max_length=20)]


# --- msel.yaml ----------------------------------------------------------------------------------------------
class Trigger(Strict):
    """Either an event a tool records (`event:`), or the release of another inject (`after:`)."""

    event: str | None = None
    after: Id | None = None
    minutes: Minutes = 0  # delay after the event or the other inject, in scenario minutes
    sector: str | None = None
    catalogue: str | None = None


class Inject(Strict):
    id: Id
    storyline: Id
    at: ScenarioTime | None = None
    trigger: Trigger | None = None
    channel: Literal[V.CHANNELS]
    sender: Id  # an agency, a role or a role-player card
    recipient: Id  # a role of roles.yaml
    role_player: Id | None = None  # the card of whoever makes a phone call
    subject: Text
    content: Text
    evidence: Annotated[list[EvidencePath], Field(max_length=20)] = []
    controller_notes: Text
    expected_response: Text | None = None
    objectives: Annotated[list[Id], Field(min_length=1)]


class MselFile(Strict):
    injects: Annotated[list[Inject], Field(min_length=1, max_length=200)]


# --- roleplayers.yaml ---------------------------------------------------------------------------------------
class Answer(Strict):
    when: Text  # what the trainee asks, or does
    says: Text


class Card(Strict):
    id: Id
    kind: Literal[V.CARD_KINDS]
    name: Text
    age: Annotated[int, Field(ge=1, le=100)]
    country: str
    who: Text
    behaviour: Text
    answers: Annotated[list[Answer], Field(min_length=1, max_length=50)]
    hides: Annotated[list[Text], Field(max_length=20)] = []
    evidence: Annotated[list[EvidencePath], Field(max_length=20)] = []


class RoleplayersFile(Strict):
    cards: Annotated[list[Card], Field(min_length=1, max_length=50)]


# --- expected_actions.yaml ----------------------------------------------------------------------------------
class Check(Strict):
    kind: str
    catalogue: str | None = None
    indicators: Annotated[list[str], Field(max_length=50)] | None = None
    exploitation_type: str | None = None
    sector: str | None = None
    step: str | None = None
    outcome: str | None = None
    within_minutes: Annotated[int, Field(ge=1, le=V.MAX_SCENARIO_MINUTES, strict=True)] | None = None
    after_inject: Id | None = None  # within_minutes counts from this inject's release (else the start)


class ExpectedAction(Strict):
    id: Id
    objective: Id
    capability_target: Id
    by_role: Id | None = None
    text: Text
    check: Check


class ExpectedActionsFile(Strict):
    expected_actions: Annotated[list[ExpectedAction], Field(min_length=1, max_length=100)]


SCHEMAS: dict[str, type[Strict]] = {
    "package.yaml": PackageFile, "world.yaml": WorldFile, "storylines.yaml": StorylinesFile,
    "roles.yaml": RolesFile, "msel.yaml": MselFile, "roleplayers.yaml": RoleplayersFile,
    "expected_actions.yaml": ExpectedActionsFile,
}
