"""What the files of a package say about each other, checked once every file has its shape.

Each problem names the file and the line of the value at fault. A trigger must be able to fire: its event
is one a tool records (vocabulary.EVENTS), a sector it waits for has an agency in the world, and an `after:`
chain ends at an inject with a time or an event, never at itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from pydantic import BaseModel

from alliance.cases.htcds.vocabulary import ExploitationType
from alliance.core import roles as R
from alliance.core.countries import FICTITIOUS
from alliance.exercises.domain.scenario_package import schema as S
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.domain.scenario_package.plain_yaml import Document, Path
from alliance.exercises.domain.scenario_package.problems import Problem
from alliance.screening.domain import interview

FICTITIOUS_CODES = frozenset(code for code, _name in FICTITIOUS)


# The catalogues the reception interview asks (screening/domain/interview.py).
INTERVIEW_CATALOGUES = (interview.SCREEN, interview.OPERATIONAL, interview.CHILD)


@cache
def catalogue_indicators() -> dict[str, frozenset[str]]:
    """The shipped screening catalogues (screening/catalogues/*.json), newest version of each code: read as
    files, so a package validates without a database."""
    newest: dict[str, tuple[tuple[int, ...], frozenset[str]]] = {}
    for entry in resources.files("alliance.screening").joinpath("catalogues").iterdir():
        if not entry.name.endswith(".json"):
            continue
        content = json.loads(entry.read_text(encoding="utf-8"))
        version = tuple(int(p) for p in str(content["version"]).split("."))
        if content["code"] not in newest or newest[content["code"]][0] < version:
            newest[content["code"]] = (version, frozenset(i["id"] for i in content["indicators"]))
    return {code: ids for code, (_version, ids) in newest.items()}


class Checker:
    def __init__(self, models: dict[str, BaseModel], documents: dict[str, Document], files: dict[str, bytes]):
        self.m, self.docs, self.files = models, documents, files
        self.problems: list[Problem] = []
        package: S.PackageFile = models["package.yaml"]
        self.languages = set(package.languages)
        self.objectives = {o.id for o in package.learning_objectives}
        self.targets = {t.id: t for t in package.capability_targets}
        world: S.WorldFile = models["world.yaml"]
        self.countries = {c.code for c in world.countries}
        self.agencies = {a.id: a for a in world.agencies}
        self.sectors = {a.sector for a in world.agencies}
        self.roles = {r.id: r for r in models["roles.yaml"].roles}
        self.storylines = {s.id for s in models["storylines.yaml"].storylines}
        self.injects = {i.id: i for i in models["msel.yaml"].injects}
        self.cards = {c.id for c in models["roleplayers.yaml"].cards}
        self.used_evidence: set[str] = set()

    def add(self, file: str, path: Path, reason: str) -> None:
        self.problems.append(Problem(file, self.docs[file].line_of(path), reason))

    def known(self, file: str, path: Path, value, among: Iterable, what: str, where: str) -> bool:
        if value is None or value in among:
            return True
        self.add(file, path, f"unknown {what} {value!r}: not among the {where}")
        return False

    def unique(self, file: str, key: str, items: list, what: str) -> None:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                self.add(file, (key, index, "id"), f"{what} id {item.id!r} is used twice")
            seen.add(item.id)

    def run(self) -> list[Problem]:
        for check in (self.package, self.world, self.storylines_and_roles, self.msel, self.cycles,
                      self.roleplayers, self.expected_actions, self.translations, self.evidence):
            check()
        return self.problems

    def package(self) -> None:
        package: S.PackageFile = self.m["package.yaml"]
        self.unique("package.yaml", "learning_objectives", package.learning_objectives, "learning objective")
        self.unique("package.yaml", "capability_targets", package.capability_targets, "capability target")
        for index, target in enumerate(package.capability_targets):
            self.known("package.yaml", ("capability_targets", index, "objective"), target.objective,
                       self.objectives, "learning objective", "learning_objectives")
        if len(set(package.languages)) != len(package.languages):
            self.add("package.yaml", ("languages",), "a language is declared twice")

    def world(self) -> None:
        world: S.WorldFile = self.m["world.yaml"]
        f = "world.yaml"
        codes = [c.code for c in world.countries]
        for index, country in enumerate(world.countries):
            if country.code not in FICTITIOUS_CODES:
                self.add(f, ("countries", index, "code"), f"{country.code} is not one of the fictitious States "
                         f"({', '.join(sorted(FICTITIOUS_CODES))}): a scenario never names a real country")
            if codes.count(country.code) > 1:
                self.add(f, ("countries", index, "code"), f"country {country.code} is described twice")
            profile = country.profile
            if profile is None:
                if country.role == "destination":
                    self.add(f, ("countries", index), "the destination country needs its NRM profile "
                             "(profile:, in the format of cases/profiles/*.json)")
                continue
            at = ("countries", index, "profile")
            if profile.code != country.code:
                self.add(f, (*at, "code"), f"the profile's code {profile.code} is not the country's {country.code}")
            if profile.reflection_review_day is not None and profile.reflection_review_day >= profile.reflection_days:
                self.add(f, (*at, "reflection_review_day"), "the review day falls after the reflection period ends")
            if profile.duty_to_notify.required and not profile.duty_to_notify.authority.strip():
                self.add(f, (*at, "duty_to_notify"), "a duty to notify names no authority to notify")
        if [c.role for c in world.countries].count("destination") != 1:
            self.add(f, ("countries",), "exactly one country must be the destination (where the teams work)")
        self.unique(f, "laws", world.laws, "law")
        for index, law in enumerate(world.laws):
            self.known(f, ("laws", index, "country"), law.country, self.countries, "country", "countries")
        self.unique(f, "agencies", world.agencies, "agency")
        account_ids: set[str] = set()
        for index, agency in enumerate(world.agencies):
            self.known(f, ("agencies", index, "country"), agency.country, self.countries, "country", "countries")
            allowed = R.roles_allowed_in(agency.sector)
            for number, account in enumerate(agency.accounts):
                at = ("agencies", index, "accounts", number)
                if account.id in account_ids:
                    self.add(f, (*at, "id"), f"account id {account.id!r} is used twice")
                account_ids.add(account.id)
                self.known(f, (*at, "played_by"), account.played_by, self.roles, "role", "roles of roles.yaml")
                for which, role in enumerate(account.platform_roles):
                    if role not in allowed:
                        self.add(f, (*at, "platform_roles", which), f"platform role {role!r} cannot be given in an "
                                 f"agency of sector {agency.sector} (allowed: {', '.join(sorted(allowed))})")

        self.initial_cases(world)

    def initial_cases(self, world: S.WorldFile) -> None:
        f = "world.yaml"
        self.unique(f, "initial_cases", world.initial_cases, "initial case")
        for index, case in enumerate(world.initial_cases):
            at = ("initial_cases", index)
            self.known(f, (*at, "agency"), case.agency, self.agencies, "agency", "agencies of world.yaml")
            for which, kind in enumerate(case.exploitation_types):
                self.known(f, (*at, "exploitation_types", which), kind, ExploitationType.values,
                           "exploitation type", "HTCDS exploitation types")

    def storylines_and_roles(self) -> None:
        storylines = self.m["storylines.yaml"].storylines
        self.unique("storylines.yaml", "storylines", storylines, "storyline")
        for index, line in enumerate(storylines):
            for which, role in enumerate(line.audience):
                self.known("storylines.yaml", ("storylines", index, "audience", which), role, self.roles, "role",
                           "roles of roles.yaml")
            for which, objective in enumerate(line.objectives):
                self.known("storylines.yaml", ("storylines", index, "objectives", which), objective,
                           self.objectives, "learning objective", "learning_objectives of package.yaml")
        roles: S.RolesFile = self.m["roles.yaml"]
        self.unique("roles.yaml", "roles", roles.roles, "role")
        self.unique("roles.yaml", "teams", roles.teams, "team")
        for index, team in enumerate(roles.teams):
            for which, member in enumerate(team.members):
                at = ("teams", index, "members", which, "role")
                if self.known("roles.yaml", at, member.role, self.roles, "role", "roles") and \
                        self.roles[member.role].played_by != "trainee":
                    self.add("roles.yaml", at, f"role {member.role!r} is not played by trainees, so it is not "
                             "part of a team")

    def msel(self) -> None:
        f = "msel.yaml"
        duration = self.m["package.yaml"].duration_minutes
        injects = self.m[f].injects
        self.unique(f, "injects", injects, "inject")
        senders = set(self.agencies) | set(self.roles) | self.cards
        for index, inject in enumerate(injects):
            at: Path = ("injects", index)
            self.known(f, (*at, "storyline"), inject.storyline, self.storylines, "storyline", "storylines")
            self.known(f, (*at, "sender"), inject.sender, senders, "sender",
                       "agencies of world.yaml, roles of roles.yaml or cards of roleplayers.yaml")
            self.known(f, (*at, "recipient"), inject.recipient, self.roles, "recipient role", "roles of roles.yaml")
            for which, objective in enumerate(inject.objectives):
                self.known(f, (*at, "objectives", which), objective, self.objectives, "learning objective",
                           "learning_objectives of package.yaml")
            if (inject.at is None) == (inject.trigger is None):
                self.add(f, at, "give either a scenario time (at: \"HH:MM\") or a trigger, not both or neither")
            if inject.at is not None:
                hours, minutes = inject.at.split(":")
                if int(hours) * 60 + int(minutes) > duration:
                    self.add(f, (*at, "at"), f"{inject.at} is after the end of the scenario "
                             f"({duration} minutes, package.yaml)")
            if inject.trigger is not None:
                self.trigger(inject.trigger, (*at, "trigger"))
            if inject.channel == V.PHONE_CALL and inject.role_player is None:
                self.add(f, at, "a phone call needs the role_player who makes it")
            if inject.role_player is not None:
                if inject.channel != V.PHONE_CALL:
                    self.add(f, (*at, "role_player"), "only a phone call is made by a role-player")
                self.known(f, (*at, "role_player"), inject.role_player, self.cards, "role-player card",
                           "cards of roleplayers.yaml")
            if inject.channel == V.DOCUMENT_DROP and not inject.evidence:
                self.add(f, at, "a document drop hands over at least one evidence file")
            self.evidence_refs(f, (*at, "evidence"), inject.evidence)

    def trigger(self, trigger: S.Trigger, at: Path) -> None:
        f = "msel.yaml"
        if (trigger.event is None) == (trigger.after is None):
            self.add(f, at, "a trigger waits either for an event (event:) or for another inject (after:)")
            return
        if trigger.after is not None:
            for key in ("sector", "catalogue"):
                if getattr(trigger, key) is not None:
                    self.add(f, (*at, key), f"{key} narrows an event; an after: trigger has none")
            self.known(f, (*at, "after"), trigger.after, self.injects, "inject", "injects: this trigger can never "
                       "fire")
            return
        event = V.EVENTS.get(trigger.event)
        if event is None:
            self.add(f, (*at, "event"), f"no tool records the event {trigger.event!r}, so this trigger can never "
                     f"fire (events: {', '.join(V.EVENTS)})")
            return
        for key in ("sector", "catalogue"):
            if getattr(trigger, key) is not None and key not in event.qualifiers:
                self.add(f, (*at, key), f"the event {event.name} cannot be narrowed by {key}")
        if trigger.sector is not None and trigger.sector not in self.sectors:
            self.add(f, (*at, "sector"), f"no agency of sector {trigger.sector!r} in world.yaml, so this trigger "
                     "can never fire")
        if trigger.catalogue is not None and trigger.catalogue not in catalogue_indicators():
            self.add(f, (*at, "catalogue"), f"unknown screening catalogue {trigger.catalogue!r} (known: "
                     f"{', '.join(sorted(catalogue_indicators()))})")
        elif trigger.catalogue is not None and trigger.catalogue not in INTERVIEW_CATALOGUES:
            # A screening records the catalogues its interview asked; one it never asks never completes.
            self.add(f, (*at, "catalogue"), f"the screening interview never asks catalogue {trigger.catalogue!r} "
                     f"(it asks {', '.join(INTERVIEW_CATALOGUES)}), so this trigger can never fire")

    def cycles(self) -> None:
        """An `after:` chain that returns to where it started never fires: each inject waits for another. An
        inject whose chain runs into such a cycle never fires either."""
        injects = self.m["msel.yaml"].injects
        index_of = {inject.id: index for index, inject in enumerate(injects)}
        in_cycle: set[str] = set()
        for inject in injects:
            chain = self._chain(inject.id)
            if chain and chain[-1] == inject.id:
                in_cycle.add(inject.id)
                reason = ("the inject waits for itself" if len(chain) == 2
                          else f"a cycle of after: triggers ({' -> '.join(chain)}): none of them can ever fire")
                self.add("msel.yaml", ("injects", index_of[inject.id], "trigger", "after"), reason)
        for inject in injects:
            chain = self._chain(inject.id)
            if inject.id not in in_cycle and chain and chain[-1] in in_cycle:
                self.add("msel.yaml", ("injects", index_of[inject.id], "trigger", "after"),
                         f"waits for {chain[1]}, which can never fire (a cycle of after: triggers)")

    def _chain(self, start: str) -> list[str]:
        """start -> the inject it waits for -> ..., up to the first inject seen twice (or the chain's end)."""
        chain, current = [start], self.injects[start]
        while current.trigger is not None and current.trigger.after in self.injects:
            chain.append(current.trigger.after)
            if chain[-1] in chain[:-1]:
                return chain
            current = self.injects[chain[-1]]
        return []

    def roleplayers(self) -> None:
        f = "roleplayers.yaml"
        cards = self.m[f].cards
        self.unique(f, "cards", cards, "role-player card")
        for index, card in enumerate(cards):
            self.known(f, ("cards", index, "country"), card.country, self.countries, "country",
                       "countries of world.yaml")
            self.evidence_refs(f, ("cards", index, "evidence"), card.evidence)

    def expected_actions(self) -> None:
        f = "expected_actions.yaml"
        actions = self.m[f].expected_actions
        self.unique(f, "expected_actions", actions, "expected action")
        for index, action in enumerate(actions):
            at: Path = ("expected_actions", index)
            self.known(f, (*at, "objective"), action.objective, self.objectives, "learning objective",
                       "learning_objectives of package.yaml")
            if self.known(f, (*at, "capability_target"), action.capability_target, self.targets,
                          "capability target", "capability_targets of package.yaml") and \
                    self.targets[action.capability_target].objective != action.objective:
                self.add(f, (*at, "capability_target"), f"capability target {action.capability_target!r} serves "
                         f"objective {self.targets[action.capability_target].objective!r}, not {action.objective!r}")
            self.known(f, (*at, "by_role"), action.by_role, self.roles, "role", "roles of roles.yaml")
            self.check(action.check, (*at, "check"))
        covered = {a.objective for a in actions}
        for index, objective in enumerate(self.m["package.yaml"].learning_objectives):
            if objective.id not in covered:
                self.add("package.yaml", ("learning_objectives", index, "id"), f"learning objective "
                         f"{objective.id!r} has no expected action that checks it (expected_actions.yaml)")

    def check(self, check: S.Check, at: Path) -> None:
        f = "expected_actions.yaml"
        kind = V.CHECKS.get(check.kind)
        if kind is None:
            self.add(f, (*at, "kind"), f"unknown check {check.kind!r} (checks: {', '.join(V.CHECKS)})")
            return
        given = {key for key in S.Check.model_fields if key != "kind" and getattr(check, key) is not None}
        for key in sorted(kind.needs - given):
            self.add(f, at, f"the check {kind.name} needs {key}:")
        for key in sorted(given - kind.needs - kind.allows):
            self.add(f, (*at, key), f"the check {kind.name} takes no {key}:")
        catalogues = catalogue_indicators()
        if check.catalogue is not None and self.known(f, (*at, "catalogue"), check.catalogue, catalogues,
                                                      "screening catalogue", "shipped catalogues"):
            for which, indicator in enumerate(check.indicators or []):
                self.known(f, (*at, "indicators", which), indicator, catalogues[check.catalogue], "indicator",
                           f"indicators of catalogue {check.catalogue}")
        self.known(f, (*at, "exploitation_type"), check.exploitation_type, ExploitationType.values,
                   "exploitation type", "HTCDS exploitation types")
        if check.sector is not None and self.known(f, (*at, "sector"), check.sector, V.SECTORS, "sector", "sectors") \
                and check.sector not in self.sectors:
            self.add(f, (*at, "sector"), f"no agency of sector {check.sector!r} in world.yaml: nobody could accept")
        self.known(f, (*at, "step"), check.step, V.CHILD_STEPS, "child procedure step", "child procedure steps")
        self.known(f, (*at, "outcome"), check.outcome, V.OUTCOMES, "outcome", "outcomes")
        self.known(f, (*at, "after_inject"), check.after_inject, self.injects, "inject", "injects of msel.yaml")

    def translations(self) -> None:
        for file, model in self.m.items():
            for path, text in texts(model):
                have = set(text.root)
                declared = ", ".join(sorted(self.languages))
                for language in sorted(self.languages - have):
                    self.add(file, path, f"no {language} text (the package declares {declared})")
                for language in sorted(have - self.languages):
                    self.add(file, (*path, language), f"a {language} text, but the package does not declare {language}")

    def evidence_refs(self, file: str, at: Path, paths: list[str]) -> None:
        for which, path in enumerate(paths):
            self.used_evidence.add(path)
            if any(part in ("", ".", "..") for part in path.split("/")):
                self.add(file, (*at, which), f"{path}: a path inside evidence/, without . or .. or //")
            elif path not in self.files:
                self.add(file, (*at, which), f"the evidence file {path} is not in the package")

    def evidence(self) -> None:
        for name in sorted(self.files):
            if name in V.FILES:
                continue
            if reason := evidence_problem(name, self.files[name]):
                self.problems.append(Problem(name, 0, reason))
            elif name not in self.used_evidence:
                self.problems.append(Problem(name, 0, "no inject or role-player card uses this evidence file"))


def media_type(name: str) -> str | None:
    dot = name.rfind(".")
    return V.EVIDENCE_TYPES.get(name[dot:].lower()) if dot > 0 else None


def evidence_problem(name: str, content: bytes) -> str | None:
    kind = media_type(name)
    if kind is None:
        return f"not an evidence type (allowed: {', '.join(sorted(V.EVIDENCE_TYPES))})"
    if kind in V.TEXT_TYPES:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8 text"
        return None
    if not content.startswith(V.MAGIC[kind]):
        return f"the content is not {kind}, whatever its name says"
    return None


def texts(model, path: Path = ()) -> Iterator[tuple[Path, S.Text]]:
    """Every translated text of a model, with its path in the file."""
    if isinstance(model, S.Text):
        yield path, model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from texts(getattr(model, name), (*path, name))
    elif isinstance(model, list):
        for index, item in enumerate(model):
            yield from texts(item, (*path, index))
