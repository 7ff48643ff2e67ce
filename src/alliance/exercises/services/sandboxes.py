"""Team sandboxes: a realm per team seeded with the scenario's world, and its purge.

Everything a sandbox holds carries its realm (cases, screenings, notifications, audit rows) or hangs off
one of its agencies (memberships); its agencies are organisations of that realm only
(directory.Organisation.realm), so no live list or service can reach them (directory.selectors
.organisations_in_realm). Purge deletes them all; audit rows stay (the chain is append-only), as they do
when a case is erased.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils.translation import gettext as _

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed
from alliance.core.models import Realm
from alliance.directory.models import Membership, Organisation, User
from alliance.exercises.domain.scenario_package import text_in
from alliance.exercises.models import ExerciseRun, Team, TeamSeat


def sandbox_seed(*, run: ExerciseRun, number: int, trainee_ids: list[int], controller_ids: list[int]) -> Team:
    """One team: its realm, the world's agencies in it, the accounts the world says to create (the team's
    trainees in the trainee-played seats, in order; accounts generated for the seats left over, without a
    usable password until exercise control sets one), the run's controllers in the controller-played seats.
    Called inside the run's creation transaction."""
    world = run.scenario.content.get("world.yaml", {})
    roles = {r["id"]: r for r in run.scenario.content.get("roles.yaml", {}).get("roles", [])}
    language = run.language
    realm = Realm.objects.create(slug=f"run-{run.pk}-team-{number}", kind=Realm.Kind.EXERCISE,
                                 name=f"{run.name}: {_team_word(language)} {number}"[:200])
    team = Team.objects.create(run=run, number=number, realm=realm, language=language,
                               name=f"{_team_word(language)} {number}")
    agencies = world.get("agencies", [])
    organisations = Organisation.objects.bulk_create([
        Organisation(name=text_in(a["name"], language)[:200], country=a["country"], sector=a["sector"], sandbox=realm)
        for a in agencies])
    trainees = list(trainee_ids)
    organisation_of = {a["id"]: o for a, o in zip(agencies, organisations, strict=True)}
    seats, memberships, generated = [], [], []
    unusable = make_password(None)  # one unusable hash for every generated account (no hashing per account)
    for agency, organisation in zip(agencies, organisations, strict=True):
        for account in agency.get("accounts", []):
            played_by_trainee = roles.get(account["played_by"], {}).get("played_by") == "trainee"
            pool = trainees if played_by_trainee else list(controller_ids)
            for k in range(int(account.get("count", 1))):
                user_id = pool.pop(0) if played_by_trainee and pool else (
                    pool[k] if not played_by_trainee and k < len(pool) else None)
                seat = TeamSeat(team=team, agency_id=agency["id"], account_id=account["id"],
                                played_by=account["played_by"], organisation=organisation)
                if user_id is None:
                    user = User(email=f"run{run.pk}-t{number}-{account['id']}-{k + 1}@exercise.invalid",
                                display_name=f"{account['id']} {k + 1} ({team.name})"[:150], password=unusable)
                    generated.append((seat, user))
                    seat.generated = True
                else:
                    seat.user_id = user_id
                seats.append((seat, account["platform_roles"]))
    # A team larger than the world's seats (the deck's 25 a team): the trainees left over join the
    # trainee-played accounts in turn, with the same roles, so every trainee of the team can log in.
    trainee_seats = [(seat, r) for seat, r in seats if roles.get(seat.played_by, {}).get("played_by") == "trainee"]
    for k, user_id in enumerate(trainees):
        model, platform_roles = trainee_seats[k % len(trainee_seats)] if trainee_seats else (None, None)
        if model is None:
            break
        seats.append((TeamSeat(team=team, agency_id=model.agency_id, account_id=model.account_id,
                               played_by=model.played_by, organisation=organisation_of[model.agency_id],
                               user_id=user_id), platform_roles))
    User.objects.bulk_create([user for _seat, user in generated])
    for seat, user in generated:
        seat.user_id = user.pk
    TeamSeat.objects.bulk_create([seat for seat, _roles in seats])
    taken: set[tuple[int, int]] = set()
    for seat, platform_roles in seats:
        if (seat.user_id, seat.organisation_id) in taken:
            continue  # a controller holding two seats of one agency has one membership there
        taken.add((seat.user_id, seat.organisation_id))
        memberships.append(Membership(user_id=seat.user_id, organisation_id=seat.organisation_id,
                                      roles=list(platform_roles)))
    Membership.objects.bulk_create(memberships)
    team.trainees.add(*[s.user_id for s, _r in seats if s.played_by in roles
                        and roles[s.played_by].get("played_by") == "trainee"])
    realm.participants.add(*{s.user_id for s, _r in seats})
    initial_cases_open(run=run, team=team, organisation_of=organisation_of)
    return team


def initial_cases_open(*, run: ExerciseRun, team: Team, organisation_of: dict[str, Organisation]) -> list:
    """The cases the scenario says are already open when the exercise starts (world.yaml `initial_cases`),
    made by the real case services in the team's sandbox, as the holding agency, on behalf of whoever
    created the run: encrypted, numbered and audited like any case a trainee opens."""
    from alliance.cases.services import case_create, case_transition
    from alliance.cases.services.details import victim_context_update

    made = []
    language = run.language
    destination = next((c["code"] for c in run.scenario.content.get("world.yaml", {}).get("countries", [])
                        if c.get("role") == "destination"), "XD")
    for spec in run.scenario.content.get("world.yaml", {}).get("initial_cases", []):
        actor = Actor(user_id=run.created_by_id, organisation_id=organisation_of[spec["agency"]].pk,
                      roles=frozenset({R.TRAINER}), realm_id=team.realm_id, realm_is_exercise=True, channel="job")
        case = case_create(actor=actor, given_name=text_in(spec["given_name"], language),
                           family_name=text_in(spec["family_name"], language),
                           pseudonym=text_in(spec.get("pseudonym"), language)[:64],
                           summary=text_in(spec.get("summary"), language), is_child=bool(spec.get("is_child")),
                           country=destination)
        if spec.get("exploitation_types"):
            victim_context_update(actor=actor, case_id=case.pk,
                                  victim_context={"exploitation_types": list(spec["exploitation_types"])})
        if spec.get("stage", "detected") == "presumed":
            case_transition(actor=actor, case_id=case.pk, transition="reasonable_grounds", outcome="positive",
                            reason="Exercise: the scenario's starting point")
        made.append(case)
    return made


def _platform_roles(team: Team, seat: TeamSeat) -> list[str]:
    for agency in team.run.scenario.content.get("world.yaml", {}).get("agencies", []):
        for account in agency.get("accounts", []) if agency["id"] == seat.agency_id else []:
            if account["id"] == seat.account_id:
                return list(account["platform_roles"])
    return ["trainee"]


def sandbox_seat_trainee(*, team: Team, user_id: int) -> TeamSeat:
    """Give a trainee a trainee-played seat of this team: an empty one first, then one held by an account the
    run generated (that account goes), else a further place in the trainee accounts in turn, as at seeding.
    Called inside the caller's transaction, the run's row locked."""
    roles = {r["id"]: r for r in team.run.scenario.content.get("roles.yaml", {}).get("roles", [])}
    trainee_seats = [s for s in TeamSeat.objects.filter(team=team).select_for_update()
                     if roles.get(s.played_by, {}).get("played_by") == "trainee"]
    if not trainee_seats:
        raise ValidationFailed({"team": [_("The scenario gives trainees no account in this team.")]})
    seat = next((s for s in trainee_seats if s.user_id is None), None) or \
        next((s for s in trainee_seats if s.generated), None)
    if seat is not None and seat.generated:
        generated = seat.user_id
        Membership.objects.filter(user_id=generated, organisation__sandbox_id=team.realm_id).delete()
        team.realm.participants.remove(generated)
        seat.user_id, seat.generated = user_id, False
        seat.save(update_fields=["user", "generated"])
        User.objects.filter(pk=generated).delete()
    elif seat is not None:
        seat.user_id = user_id
        seat.save(update_fields=["user"])
    else:
        model = trainee_seats[TeamSeat.objects.filter(team=team).count() % len(trainee_seats)]
        seat = TeamSeat.objects.create(team=team, agency_id=model.agency_id, account_id=model.account_id,
                                       played_by=model.played_by, organisation_id=model.organisation_id,
                                       user_id=user_id)
    Membership.objects.get_or_create(user_id=user_id, organisation_id=seat.organisation_id,
                                     defaults={"roles": _platform_roles(team, seat)})
    team.trainees.add(user_id)
    team.realm.participants.add(user_id)
    return seat


def sandbox_unseat(*, team: Team, user_id: int) -> None:
    """Take someone out of this team's sandbox: their seats stay, empty (as an account without a password
    would), their memberships in its agencies and their entry to its realm go."""
    TeamSeat.objects.filter(team=team, user_id=user_id).update(user=None)
    Membership.objects.filter(user_id=user_id, organisation__sandbox_id=team.realm_id).delete()
    team.trainees.remove(user_id)
    if team.realm_id:
        team.realm.participants.remove(user_id)


def _team_word(language: str) -> str:
    return "Команда" if language == "ru" else "Team"


def sandbox_rows(*, realm_ids: list[int]) -> dict[str, int]:
    """How many rows of these realms remain, per model (the purge test and the purge's own check)."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for model in apps.get_models():
        if model._meta.label == "core.AuditEvent":
            continue
        names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
        if "realm" in names and model is not Team:
            n = model.objects.filter(realm_id__in=realm_ids).count()
            if n:
                counts[model._meta.label] = n
    n = Membership.objects.filter(organisation__sandbox_id__in=realm_ids).count()
    if n:
        counts["directory.Membership"] = n
    n = Organisation.objects.filter(sandbox_id__in=realm_ids).count()
    if n:
        counts["directory.Organisation"] = n
    return counts


def sandbox_purge(*, realm_ids: list[int], generated_user_ids: list[int]) -> None:
    """Delete every row of these realms, children before parents. Called inside the purge's transaction."""
    from alliance.cases.models import Case, Notification, Person
    from alliance.screening.models import Screening

    Notification.objects.filter(realm_id__in=realm_ids).delete()
    Screening.objects.filter(realm_id__in=realm_ids).delete()
    Case.objects.filter(realm_id__in=realm_ids).delete()
    Person.objects.filter(realm_id__in=realm_ids).delete()
    _purge_other_realm_rows(realm_ids)
    Membership.objects.filter(organisation__sandbox_id__in=realm_ids).delete()
    User.objects.filter(pk__in=generated_user_ids).delete()
    TeamSeat.objects.filter(team__realm_id__in=realm_ids).update(organisation=None)
    Organisation.objects.filter(sandbox_id__in=realm_ids).delete()
    Realm.objects.filter(Q(pk__in=realm_ids), kind=Realm.Kind.EXERCISE).delete()


def _purge_other_realm_rows(realm_ids: list[int]) -> None:
    """Any other model carrying a realm (API tokens, case number counters, partners...): found from the
    models themselves, so a table added later is purged too rather than left behind."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.label in ("core.AuditEvent", "core.Realm", "directory.Organisation") or model is Team:
            continue
        names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
        if "realm" in names:
            model.objects.filter(realm_id__in=realm_ids).delete()
