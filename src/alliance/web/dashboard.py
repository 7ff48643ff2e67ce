"""The home dashboard: what each role needs to see first, computed only from what the policy allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.actor import Actor


@dataclass(frozen=True)
class Card:
    title: str
    figure: str
    text: str
    link: str
    link_text: str


def dashboard_for(actor: Actor) -> list[Card]:
    from alliance.cases.selectors import register as cases
    from alliance.core import selectors as core
    from alliance.directory import selectors as directory

    cards: list[Card] = []
    if policy.may(actor, R.CASE_LIST):
        cards.append(Card(_("Cases I can see"), str(cases.case_count_for(actor=actor)),
                          _("Owned by my organisation or shared with it, in this realm."),
                          reverse("cases:list"), _("Open the case list")))
    if policy.may(actor, R.CASE_CREATE):
        cards.append(Card(_("Record a presumed victim"), "+", _("Open a new case file with its person record."),
                          reverse("cases:create"), _("New case")))
    if policy.may(actor, R.SCREENING_CONDUCT):
        from alliance.screening.selectors.screenings import screenings_today_count

        cards.append(Card(_("Screenings today"), str(screenings_today_count(actor=actor)),
                          _("First identification at reception: indicators, explained result, one step to a "
                            "referral. Works offline."), reverse("screening:home"), _("Start a screening")))
    if policy.may(actor, R.SCREENING_DASHBOARD):
        cards.append(Card(_("Reception dashboard"), "▦",
                          _("Screenings, indicators and referrals, aggregated: no person is shown."),
                          reverse("screening:dashboard"), _("Open the dashboard")))
    if policy.may(actor, R.AUDIT_VIEW):
        cards.append(Card(_("Audit events today"), str(core.audit_count_today_for(actor=actor)),
                          _("Reads, writes, shares and denials by my organisation's staff."),
                          reverse("core:audit"), _("Browse the audit log")))
    if policy.may(actor, R.STAFF_MANAGE):
        cards.append(Card(_("Staff"), str(directory.staff_list_for(actor=actor).count()),
                          _("Accounts and roles I administer."), reverse("directory:staff"), _("Manage staff")))
    if policy.may_manage_runs(actor):
        from alliance.exercises.selectors.run_setup import coordinator_summary_for

        figures = coordinator_summary_for(actor=actor)
        cards.append(Card(_("Exercise runs"), str(figures["preparing"] + figures["running"]),
                          _("%(preparing)d in preparation, %(running)d running. %(calls)d open calls, "
                            "%(applicants)d confirmed applications.") % figures,
                          reverse("exercises:run_list"), _("Open the exercise runs")))
    if policy.takes_part_in_exercises(actor):
        cards.append(Card(_("Exercises"), str(len(core.exercise_realms_of(actor=actor))),
                          _("Exercise sandboxes I take part in. Switch realm at the top of the page."),
                          reverse("web:home"), _("Choose a realm above")))
    if policy.reads_statistics(actor):
        cards.append(Card(_("Statistics"), "—",
                          _("De-identified statistics for the National Rapporteur arrive with the Prevention "
                            "module."), reverse("web:home"), _("Not yet available")))
    cards.append(Card(_("API tokens"), str(directory.tokens_of(actor=actor).filter(revoked_at__isnull=True).count()),
                      _("Personal tokens for the REST API, bound to one realm."),
                      reverse("directory:tokens"), _("Manage my tokens")))
    return cards
