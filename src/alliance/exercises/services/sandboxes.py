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
    return team


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
