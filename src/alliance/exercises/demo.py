"""Demo data for the training programmes: "Combating Human Trafficking Along Migration Routes" with the seed
deck's figures, and an open call for a future edition.

Four editions whose selected participants add up to 251 from 51 States in 10 groups, each with more
applications than places: fictitious applicants (invented names) from real OSCE participating States, since
the people are not real. The past editions' applicants are written directly (their calls closed years ago,
so the public form would refuse them) and then decided by the real selection service, so every reason on
the reviewer's page is one the selection wrote. Idempotent: a second call changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import system_actor
from alliance.directory import services as directory_services
from alliance.directory.models import Membership, Organisation
from alliance.directory.selectors import actor_for, live_realm
from alliance.exercises.domain import scenario_package
from alliance.exercises.models import Applicant, Call, Edition, ExerciseRun, Programme, ScenarioPackage
from alliance.exercises.services.programmes import call_publish, call_save, edition_create, programme_create
from alliance.exercises.services.runs import run_create
from alliance.exercises.services.scenarios import scenario_import
from alliance.exercises.services.selection import selection_run

PROGRAMME_TITLE = "Combating Human Trafficking Along Migration Routes"
ORGANISATION = ("Migration Routes Training Centre (fictitious)", "IT", "international")
COORDINATOR_EMAIL = "training@migration-routes.example"

# 51 OSCE participating States, in a fixed order: editions take slices of it.
STATES = [
    "AL", "AM", "AT", "AZ", "BA", "BE", "BG", "BY", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FR", "GB", "GE", "GR", "HR", "HU", "IE", "IS", "IT", "KG", "KZ", "LT", "LU", "LV", "MD", "ME", "MK",
    "MN", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "TJ", "TM", "TR", "UA", "UZ",
]
assert len(STATES) == 51
CENTRAL_ASIA_AND_EAST = ["KZ", "KG", "TJ", "TM", "UZ", "AM", "AZ", "GE", "MD", "BY", "UA", "RU", "MN"]

# (title, starts, ends, venue, country, language, places, groups, applications, states of the selected)
EDITIONS = [
    ("Vicenza, November 2016", dt.date(2016, 11, 14), dt.date(2016, 11, 18), "CoESPU, Vicenza", "IT", "en", 55, 3,
     146, STATES[0:31]),
    ("Vicenza, September 2017", dt.date(2017, 9, 11), dt.date(2017, 9, 15), "CoESPU, Vicenza", "IT", "en", 66, 3,
     183, STATES[18:51]),
    ("Vicenza, January 2018", dt.date(2018, 1, 22), dt.date(2018, 1, 26), "CoESPU, Vicenza", "IT", "en", 60, 2,
     162, STATES[4:34]),
    ("Astana, September 2018", dt.date(2018, 9, 17), dt.date(2018, 9, 21), "Astana", "KZ", "ru", 70, 2, 121,
     CENTRAL_ASIA_AND_EAST),
]
PROFILES = ["police", "financial_investigator", "prosecutor", "judge", "labour_inspector", "social_worker",
            "lawyer", "ngo", "migration_officer"]
CRITERIA = [{"code": "experience", "label": "Professional experience", "weight": 2, "kind": "years"},
            {"code": "nomination", "label": "Nomination by a national authority", "weight": 1, "kind": "nomination"},
            {"code": "languages", "label": "Working languages", "weight": 1, "kind": "languages"}]
QUOTAS = {"max_per_country": 4, "min_share_gender": {"female": 0.35, "male": 0.3}}


def _quotas(places: int, states: int) -> dict:
    # Enough room per country for every State of the edition to send the participants it sent.
    return {**QUOTAS, "max_per_country": -(-places // states) + 1}
GIVEN = ["Aida", "Boris", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hakan", "Ines", "Jonas", "Kamila",
         "Lev", "Maja", "Nikola", "Olena", "Pavel", "Rita", "Sami", "Tamara", "Umar", "Vera", "Wim", "Yana", "Zoran"]
FAMILY = ["Arlen", "Brinkov", "Castel", "Dorn", "Evers", "Falk", "Gorin", "Holm", "Ivers", "Jansky", "Karro",
          "Lund", "Morvan", "Nesh", "Orlik", "Penn", "Quill", "Rask", "Solberg", "Tarn", "Ulm", "Vesk", "Wend", "Yost"]

STORYLINES = ("Three scenarios inspired by real cases, played live in the fictitious destination country "
              "Dreamland: sexual exploitation with online recruitment; labour exploitation with debt bondage and "
              "a financial trail; a child forced into begging and petty crime.")
OBJECTIVES = ("Define and use key indicators to identify victims within mixed groups; refer to assistance; "
              "work victim-centred and proactively across agencies and borders; follow the money.")


def _coordinator(password: str) -> Membership:
    name, country, sector = ORGANISATION
    organisation = Organisation.objects.filter(name=name, country=country).first()
    if organisation is None:
        organisation = directory_services.organisation_create(actor=None, name=name, country=country, sector=sector)
    membership = Membership.objects.filter(user__email=COORDINATOR_EMAIL, organisation=organisation).first()
    if membership is None:
        membership = directory_services.staff_add(actor=None, organisation_id=organisation.pk,
                                                  email=COORDINATOR_EMAIL, display_name="Tina Training",
                                                  password=password, roles=[R.TRAINING_COORDINATOR])
    return membership


def _applicants(edition: Edition, call: Call, places: int, applications: int, states: list[str],
                names: itertools.count) -> list[Applicant]:
    """`places` strong applicants covering `states` (they fill the places whatever the quotas, being better
    scored and balanced), then weaker or ineligible ones up to `applications`."""
    rows = []
    language = edition.language
    submitted = timezone.make_aware(dt.datetime.combine(edition.starts_on - dt.timedelta(days=90), dt.time(10)))
    for n in range(applications):
        number = next(names)
        strong = n < places
        gender = ("female", "male", "female", "male", "other")[n % 5] if strong else ("male", "female")[n % 2]
        country = states[n % len(states)] if strong else STATES[(n * 7) % len(STATES)]
        years = 8 + n % 8 if strong else (1 + n % 4)
        other = "ru" if language == "en" else "en"
        rows.append(Applicant(
            realm_id=call.edition.programme.realm_id, call=call,
            given_name=GIVEN[number % len(GIVEN)],
            family_name=f"{FAMILY[(number // len(GIVEN)) % len(FAMILY)]}-{number}",
            email=f"applicant{number}@applicants.example", agency="Fictitious agency",
            motivation="Demo application.",
            profession=PROFILES[n % len(PROFILES)], country=country, gender=gender,
            languages=[language, other] if strong or n % 3 else [other], years_experience=years,
            nominated=strong, nominating_authority="National anti-trafficking co-ordinator" if strong else "",
            language=language, submitted_at=submitted, confirmed_at=submitted + dt.timedelta(hours=2)))
    return rows


DEFAULT_PASSWORD = "Dreamland-demo-2026"  # noqa: S105  (web/demo.py passes its own DEMO_PASSWORD)


def _live_actor(membership: Membership):
    """The co-ordinator acting from the command line in the live realm, as `make demo` does."""
    return actor_for(user=membership.user, membership=membership, realm=live_realm(), address="", channel="cli")


def load_programme_demo(*, password: str = DEFAULT_PASSWORD) -> str:
    """Create the demo programme once; return the training co-ordinator's e-mail for `make demo` to print.
    web/demo.py calls it with its DEMO_PASSWORD (this app does not import web, which sits above it)."""
    with transaction.atomic():
        membership = _coordinator(password)
        actor = _live_actor(membership)
        if Programme.objects.filter(organisation_id=membership.organisation_id, title=PROGRAMME_TITLE).exists():
            return COORDINATOR_EMAIL
        programme = programme_create(actor=actor, title=PROGRAMME_TITLE, summary=(
            "Live, reality-based, multi-agency simulation exercises against trafficking in human beings along "
            "migration routes, launched on 17 June 2016."))
        names = itertools.count(1)
        for title, starts, ends, venue, country, language, places, groups, applications, states in EDITIONS:
            edition = edition_create(actor=actor, programme_id=programme.pk, title=title, starts_on=starts,
                                     ends_on=ends, venue=venue, country=country, language=language, capacity=places,
                                     groups=groups, donors="Fictitious donors", staff="Trainers, role-players")
            deadline = timezone.make_aware(dt.datetime.combine(starts - dt.timedelta(days=75), dt.time(23, 59)))
            call = call_save(actor=actor, edition_id=edition.pk, deadline=deadline, profiles=PROFILES,
                             criteria=CRITERIA, quotas=_quotas(places, len(states)), min_years=2,
                             notification_date=starts - dt.timedelta(days=60), storylines=STORYLINES,
                             learning_objectives=OBJECTIVES)
            Applicant.objects.bulk_create(_applicants(edition, call, places, applications, list(states), names))
            audit.record(actor=actor, action="create", object_type="applicant", object_id=call.pk,
                         reason=f"demo applicants: {applications}")
            selection_run(actor=actor, call_id=call.pk)
        _open_call(actor, programme)
    return COORDINATOR_EMAIL


def _open_call(actor, programme: Programme) -> Call:
    today = timezone.localdate()
    starts = today + dt.timedelta(days=150)
    edition = edition_create(actor=actor, programme_id=programme.pk, title=f"Vicenza, {starts:%B %Y}",
                             starts_on=starts, ends_on=starts + dt.timedelta(days=4), venue="CoESPU, Vicenza",
                             country="IT", language="en", capacity=60, groups=3, donors="Fictitious donors")
    call = call_save(actor=actor, edition_id=edition.pk,
                     deadline=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=60), dt.time(23, 59))),
                     profiles=PROFILES, criteria=CRITERIA, quotas=QUOTAS, min_years=2,
                     notification_date=today + dt.timedelta(days=90),
                     about="One week: a day of lectures, then four days of live simulation with debriefings.",
                     roles="Teams by profession: police and financial investigators, prosecutors and judges, labour "
                           "inspectors, social workers, lawyers, NGO workers, migration and asylum officers.",
                     storylines=STORYLINES, learning_objectives=OBJECTIVES,
                     requirements="Current work on trafficking cases; working English.",
                     custom_fields=[{"name": "dietary", "label": "Dietary requirements", "required": False}])
    return call_publish(actor=actor, call_id=call.pk)


SHIPPED_SCENARIOS = Path(__file__).resolve().parent / "scenario_packages"


def load_scenario_demo() -> list[str]:
    """Import the three shipped Dreamland scenarios as the installation (no person), once; return their
    slugs. A package already imported at its version is left as it is."""
    actor = system_actor(realm_id=live_realm().pk, channel="cli")
    slugs = []
    for folder in sorted(p for p in SHIPPED_SCENARIOS.iterdir() if (p / "package.yaml").is_file()):
        package = scenario_package.read(folder)
        if not ScenarioPackage.objects.filter(slug=package.slug, version=package.version).exists():
            scenario_import(actor=actor, path=folder)
        slugs.append(package.slug)
    return slugs


RUN_NAME = "Dreamland live exercise 2026: online recruitment"
RUN_SCENARIO = "dreamland-online-recruitment"


def load_run_demo(*, controller, trainee, observer, role_player) -> ExerciseRun:
    """A run of the online-recruitment scenario with two team sandboxes, prepared and ready to start: the
    trainer controls it, the trainee plays in team 1, one observer, one role-player with the victim's card."""
    existing = ExerciseRun.objects.filter(name=RUN_NAME).first()
    if existing is not None:
        return existing
    actor = _live_actor(Membership.objects.get(user__email=COORDINATOR_EMAIL))
    scenario = ScenarioPackage.objects.filter(slug=RUN_SCENARIO).order_by("-imported_at").first()
    card = scenario.content["roleplayers.yaml"]["cards"][0]["id"]
    return run_create(actor=actor, scenario_id=scenario.pk, name=RUN_NAME, teams=2, trainees=[[trainee.pk]],
                      controller_ids=[controller.pk], observer_ids=[observer.pk],
                      role_players=[(role_player.pk, card)])
