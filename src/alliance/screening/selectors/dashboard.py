"""The facility dashboard: aggregated screening figures for reception managers, never a person.

Who sees what (decided in core.policy.screening_aggregate_scope, always within the actor's realm):
- a national co-ordinator or an analyst: every organisation's screenings, or one facility's (an organisation
  that has screenings in the realm);
- an organisation admin (the reception manager): their own organisation's screenings only.
Nothing here lists, links to or names a screening or a person: only counts leave this module.

Disclosure control, so that nobody can be singled out: with fewer than MIN_TOTAL (10) screenings in the period
and scope, only the total and the screenings per day are given (no breakdown, indicator, outcome band,
referral, urgent or offline figure: those are None, with `suppressed_reason`). Otherwise every count from 0 to
4 is "<5" (0 too: a 0 next to a "<5" would tell which cell holds the person). A table whose cells add up to
the exact total (a breakdown, the outcome bands) is shown only when the total exceeds 4 per cell, so at least
one cell holds 5 or more; else all its cells are "withheld". When a table has a "<5" cell, its largest cell
is "hidden" too (the first of the largest), so the total minus the shown cells never gives a small cell back.
What is withheld is chosen from what is shown (which cells are small, which is largest), never from the
withheld values themselves: a reader who reruns this method over every table that fits what is shown can
still not tell a "<5" cell from 0 (tests/screening/test_dashboard.py enumerates them). Citizenship names
only the countries with 5 or more screenings; the others are one "other countries" cell, always listed.
Indicator frequencies are not a partition (one screening can have many), so they need no such step.
Every count of 5 or more that is shown (cells, indicator frequencies, referral, urgent and offline cards) is
then moved by at most 2 by the cell-key method (core/disclosure.py): figures on one page are tied together
(urgent screenings are in the refer or child band, an indicator answered yes puts a screening in a band,
children are in the none or child band), and exact values could be combined into a small count that no
single table gives away. The per-day series and the total stay exact: a manager saw everyone at the desk.
Two views whose screenings differ by one would still show which cells hold it (core/disclosure.py), so
co-ordinators and analysts get breakdowns over fixed sets only (_realm_wide_reason).

The indicator frequencies need the answers, which are encrypted: they are read and decrypted row by row,
streamed in chunks so memory stays flat (the cost is reported in the dashboard brief's note), and only when
they will be shown. Viewing the dashboard is audited as one event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.disclosure import SMALL, Tally, perturbed, protect_table, release
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.directory.models import Organisation
from alliance.screening.domain.interview import INTERVIEW_CATALOGUES
from alliance.screening.domain.periods import is_complete_month, last_complete_month
from alliance.screening.models import Catalogue, Screening

MIN_TOTAL = 10  # below this many screenings in the period and scope: only the total and the per-day series
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY_NAMES = dict(COUNTRY_CHOICES)
OTHER_COUNTRIES = "other"


@dataclass(frozen=True)
class Facility:
    id: int
    name: str


def is_realm_wide(*, actor: Actor) -> bool:
    return policy.screening_aggregates_realm_wide(actor)


def _scope(actor: Actor) -> Q:
    scope = policy.screening_aggregate_scope(actor)
    if scope is None:
        raise Forbidden(R.SCREENING_DASHBOARD)
    return scope


def facility_choices(*, actor: Actor) -> list[Facility]:
    """The facilities the actor may pick: every organisation with screenings in the realm (co-ordinators and
    analysts), or the actor's own organisation (an organisation admin)."""
    scope = _scope(actor)
    if is_realm_wide(actor=actor):
        rows = (Organisation.objects.filter(pk__in=Screening.objects.filter(scope).values("organisation_id"))
                .order_by("name", "pk").values_list("pk", "name"))
    else:
        rows = Organisation.objects.filter(pk=actor.organisation_id).values_list("pk", "name")
    return [Facility(pk, name) for pk, name in rows]


def _parse_date(value, field: str, errors: dict) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        try:
            if not _ISO_DATE.match(text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            errors.setdefault(field, []).append(_("Give the date as year-month-day, for example 2026-01-31."))
            return None
    if not EARLIEST <= value <= LATEST:
        errors.setdefault(field, []).append(_("Give a date between %(earliest)s and %(latest)s.")
                                            % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})
        return None
    return value


def _parse_facility(value, choices: list[Facility], errors: dict) -> Facility | None:
    if value is None or value == "":
        return None
    try:
        wanted = int(str(value).strip())
    except ValueError:
        wanted = None
    found = next((f for f in choices if f.id == wanted), None)
    if found is None:
        errors.setdefault("facility", []).append(_("Choose a facility from the list."))
    return found


def _date_range(date_from, date_to, errors: dict, *, month: bool) -> tuple[dt.date, dt.date]:
    start = _parse_date(date_from, "date_from", errors)
    end = _parse_date(date_to, "date_to", errors)
    if errors:
        return EARLIEST, EARLIEST
    if month and start is None and end is None:
        return last_complete_month(timezone.localdate())
    end = end or (timezone.localdate() if start is None else max(start, timezone.localdate()))
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors.setdefault("date_to", []).append(_("The end date is before the start date."))
    elif (end - start).days + 1 > MAX_DAYS:
        errors.setdefault("date_to", []).append(_("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS})
    return start, end


def dashboard(*, actor: Actor, facility_id=None, date_from=None, date_to=None) -> dict:
    """The aggregated figures for one facility (or every facility the actor may see) over a period of days.

    `facility_id`, `date_from` and `date_to` may come straight from a query string (strings) or typed; bad
    values raise ValidationFailed keyed by "facility", "date_from" and "date_to". Default: the last 30 days
    for a reception manager; the last completed calendar month for co-ordinators and analysts, who get
    breakdowns only for one completed month (see _realm_wide_reason).
    """
    scope = _scope(actor)
    errors: dict[str, list[str]] = {}
    choices = facility_choices(actor=actor)
    facility = _parse_facility(facility_id, choices, errors)
    start, end = _date_range(date_from, date_to, errors, month=is_realm_wide(actor=actor))
    if errors:
        raise ValidationFailed(errors)
    if not is_realm_wide(actor=actor):
        facility = choices[0] if choices else Facility(actor.organisation_id, "")

    tz = timezone.get_current_timezone()
    rows = Screening.objects.filter(
        scope,
        finished_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        finished_at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz),
    )
    if facility is not None:
        rows = rows.filter(organisation_id=facility.id)

    columns = _columns(rows)
    reason = too_few_message() if columns["total"] < MIN_TOTAL else None
    if reason is None and is_realm_wide(actor=actor):
        reason = _realm_wide_reason(rows if facility is None else None, start, end)
    enough = reason is None
    result = {
        "scope": "realm" if is_realm_wide(actor=actor) else "organisation",
        "facility": facility,
        "facilities": choices,
        "date_from": start,
        "date_to": end,
        "days": (end - start).days + 1,
        "suppressed_below": SMALL,
        "min_total": MIN_TOTAL,
        "suppressed_reason": reason,
        **_per_day(rows, start, end, tz),
        **(columns if enough else {**dict.fromkeys(columns), "total": columns["total"]}),
        "indicators": _indicator_frequencies(rows) if enough else None,
    }
    audit.record(actor=actor, action="view", object_type="screening_dashboard",
                 object_id=facility.id if facility is not None else "all", fields=["aggregates"],
                 reason=f"{start.isoformat()}..{end.isoformat()}")
    return result


def _realm_wide_reason(all_rows, start: dt.date, end: dt.date) -> str | None:
    """Why a co-ordinator's or analyst's view gives no breakdowns, or None. They did not see the people, and
    two views whose screenings differ by one show which cells hold it (core/disclosure.py): so breakdowns
    come over fixed sets only, one completed calendar month at a time (months never overlap), and all
    facilities together only when they differ from every facility shown on its own by none or by at least
    MIN_TOTAL screenings."""
    if not is_complete_month(start, end, timezone.localdate()):
        return _("Co-ordinators and analysts see breakdowns for one completed calendar month at a time, so that "
                 "two overlapping periods cannot be compared to single out a screening: choose the first and the "
                 "last day of a past month.")
    if all_rows is not None:
        per_facility = list(all_rows.order_by().values("organisation_id").annotate(n=Count("id"))
                            .values_list("n", flat=True))
        total = sum(per_facility)
        if any(n >= MIN_TOTAL and 0 < total - n < MIN_TOTAL for n in per_facility):
            return ngettext(
                "All facilities together differ from one facility by fewer than %(min)d screening this month, "
                "which would single it out: choose a facility.",
                "All facilities together differ from one facility by fewer than %(min)d screenings this month, "
                "which would single them out: choose a facility.", MIN_TOTAL) % {"min": MIN_TOTAL}
    return None


def too_few_message() -> str:
    return ngettext(
        "Fewer than %(min)d screening in this period: widen the period or the facility to see breakdowns, "
        "so that nobody can be singled out.",
        "Fewer than %(min)d screenings in this period: widen the period or the facility to see breakdowns, "
        "so that nobody can be singled out.", MIN_TOTAL) % {"min": MIN_TOTAL}


def _per_day(rows, start: dt.date, end: dt.date, tz) -> dict:
    counted = {
        (day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))): n
        for day, n in rows.annotate(day=TruncDate("finished_at", tzinfo=tz)).order_by().values("day")
        .annotate(n=Count("id")).values_list("day", "n")
    }
    series = [{"date": start + dt.timedelta(days=i), "count": 0} for i in range((end - start).days + 1)]
    for entry in series:
        entry["count"] = counted.get(entry["date"], 0)
    return {"per_day": series}


def _columns(rows) -> dict:
    """Every column figure from one grouped query (a few hundred groups at most, whatever the rows)."""
    outcome, sex, age, citizenship = (defaultdict(Tally) for _ in range(4))
    total, referrals, urgent, urgent_referrals, offline = 0, Tally(), Tally(), Tally(), Tally()
    referred = Q(referred_at__isnull=False)
    groups = (rows.order_by().values("outcome", "sex", "age_group", "citizenship", "offline", "urgent")
              .annotate(n=Count("id"), keys=Sum("record_key"), referred=Count("id", filter=referred),
                        referred_keys=Sum("record_key", filter=referred, default=0)))
    for group in groups:
        n, keys = group["n"], group["keys"]
        total += n
        for tallies, code in ((outcome, "outcome"), (sex, "sex"), (age, "age_group"), (citizenship, "citizenship")):
            tallies[group[code]].add(n, keys)
        referrals.add(group["referred"], group["referred_keys"])
        if group["offline"]:
            offline.add(n, keys)
        if group["urgent"]:
            urgent.add(n, keys)
            urgent_referrals.add(group["referred"], group["referred_keys"])
    return {
        "total": total,
        "referrals": release(referrals),
        "urgent": release(urgent),
        "urgent_referrals": release(urgent_referrals),
        "offline": release(offline),
        "outcomes": _table(Screening.Outcome.choices, outcome),
        "by_sex": _table(Screening.Sex.choices, sex),
        "by_age_group": _table(Screening.AgeGroup.choices, age),
        "by_citizenship": _by_citizenship(citizenship),
    }


def _released(tallies: Sequence[Tally]) -> list[int | str]:
    """A table's cells as released: the shape from protect_table, the shown counts perturbed."""
    shown = protect_table([t.n for t in tallies])
    return [perturbed(t.n, t.keys) if isinstance(cell, int) else cell for t, cell in zip(tallies, shown, strict=True)]


def _table(choices, tallies: dict[str, Tally]) -> list[dict]:
    shown = _released([tallies.get(code, Tally()) for code, _label in choices])
    return [{"code": code, "label": str(label), "count": count}
            for (code, label), count in zip(choices, shown, strict=True)]


def _by_citizenship(tallies: dict[str, Tally]) -> list[dict]:
    """The countries with 5 or more screenings by name (not known, "", is one of them when it has 5), then
    every other one as one "other countries" cell, listed even when empty so its presence tells nothing."""
    named = [(code, t) for code, t in tallies.items() if t.n >= SMALL]
    other = Tally()
    for t in tallies.values():
        if t.n < SMALL:
            other.add(t.n, t.keys)
    shown = _released([t for _code, t in named] + [other])
    cells = [{"code": code, "label": str(_COUNTRY_NAMES.get(code, code)) if code else _("Not known"), "count": count}
             for (code, _t), count in zip(named, shown[:-1], strict=True)]
    cells.sort(key=lambda c: (*_rank(c["count"]), c["code"] == "", c["label"]))
    return [*cells, {"code": OTHER_COUNTRIES, "label": _("Other countries (fewer than 5 each)"), "count": shown[-1]}]


def _rank(count: int | str) -> tuple[int, int]:
    """Exact counts first, largest first; then the withheld ones ("hidden", "<5"), all alike, so their order
    never tells their true values apart."""
    return (0, -count) if isinstance(count, int) else (1, 0)


def _indicator_labels() -> dict[tuple[str, str], tuple[int, str]]:
    """(catalogue, indicator) -> (position in the interview, label): the newest published label wins, and an
    indicator only an older version had keeps that version's label."""
    labels: dict[tuple[str, str], tuple[int, str]] = {}
    versions = Catalogue.objects.filter(code__in=INTERVIEW_CATALOGUES, published_at__isnull=False).order_by(
        "published_at", "pk").values_list("code", "content")
    for code, content in versions:
        for n, item in enumerate(content.get("indicators", [])):
            key = (code, item["id"])
            position = INTERVIEW_CATALOGUES.index(code) * 1000 + n
            labels[key] = (position, item.get("label") or item["id"])
    return labels


def _indicator_frequencies(rows) -> list[dict]:
    """How many screenings had each indicator answered yes, 0 to 4 as "<5", the others perturbed (no
    secondary suppression: the frequencies do not add up to the total). The answers are encrypted: each row is
    decrypted here and only the counts and the record keys are kept."""
    yes: dict[tuple, Tally] = defaultdict(Tally)
    for answers, key in rows.order_by().values_list("answers", "record_key").iterator(chunk_size=2000):
        for observation in (answers or {}).get("observations", ()):
            if observation.get("answer") == "yes":
                yes[(observation.get("catalogue"), observation.get("indicator"))].add(1, key)
    labels = _indicator_labels()
    for key in yes.keys() - labels.keys():  # answered against a catalogue no longer loaded: keep the count
        labels[key] = (10_000, str(key[1]))
    released = {key: release(yes.get(key, Tally())) for key in labels}
    cells = sorted(((key, position, label, released[key]) for key, (position, label) in labels.items()),
                   key=lambda cell: (*_rank(cell[3]), cell[1]))
    return [{"catalogue": key[0], "indicator": key[1], "label": label, "count": count}
            for key, _position, label, count in cells]
