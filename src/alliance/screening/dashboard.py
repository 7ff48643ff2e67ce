"""The facility dashboard: aggregated screening figures for reception managers, never a person.

Who sees what (decided in core.policy.screening_aggregate_scope, always within the actor's realm):
- a national co-ordinator or an analyst: every organisation's screenings, or one facility's (an organisation
  that has screenings in the realm);
- an organisation admin (the reception manager): their own organisation's screenings only.
Nothing here lists, links to or names a screening or a person: only counts leave this module.

Disclosure control, so that nobody can be singled out: with fewer than MIN_TOTAL (10) screenings in the period
and scope, only the total and the screenings per day are given (no breakdown, indicator, outcome band,
referral, urgent or offline figure: those are None, with `suppressed_reason`). Otherwise every count from 0 to
4 in the breakdowns (sex, age group, citizenship), the outcome bands, the indicator frequencies and the
referral, urgent and offline figures is "<5" (0 too: a 0 next to a "<5" would tell which cell holds the
person). The total is exact, so in a table (a breakdown or the outcome bands) the total minus the shown cells
could give a small one back; whenever it would (one small cell alone, or small cells that could only all be 1
or all be 4), the smallest other cells are also withheld, one at a time, as "hidden" (at least 5; never
"<5", which would be untrue), until no count from 1 to 4 can be worked out. Indicator frequencies are not a
partition (one screening can have many), so they need no such step. Citizenship lists only the countries
with screenings; withheld cells are never ordered by their true value. The per-day series and the total stay
exact: a manager saw everyone at the desk anyway.

The indicator frequencies need the answers, which are encrypted: they are read and decrypted row by row,
streamed in chunks so memory stays flat (the cost is reported in the dashboard brief's note), and only when
they will be shown. Viewing the dashboard is audited as one event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.directory.models import Organisation
from alliance.screening.interview import INTERVIEW_CATALOGUES
from alliance.screening.models import Catalogue, Screening

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"  # a count from 0 to 4
HIDDEN = "hidden"  # a count of 5 or more, withheld so that the total does not give a "<5" cell back
MIN_TOTAL = 10  # below this many screenings in the period and scope: only the total and the per-day series
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY_NAMES = dict(COUNTRY_CHOICES)


def protect(count: int) -> int | str:
    """A count as it may be shown: 0 to 4 becomes "<5" (0 too, or a 0 beside a "<5" would point at the person)."""
    return SUPPRESSED if count < SUPPRESS_BELOW else count


def protect_table(counts: Sequence[int], *, floor: int = 0) -> list[int | str]:
    """The cells of one table whose total is shown exactly (a breakdown, the outcome bands), as they may be
    shown: each small cell is "<5"; then, while the total minus the shown cells would still give one of them
    back (always when it is the only one), the smallest shown cell is withheld too ("hidden"); if even that is
    not enough, every cell is "hidden". `floor` is the least a listed cell can hold (1 for the countries, listed
    only when they have screenings)."""
    shown: list[int | str] = [protect(n) for n in counts]
    while SUPPRESSED in shown and _gives_away(shown, sum(counts), floor):
        exact = [i for i, value in enumerate(shown) if value not in (SUPPRESSED, HIDDEN)]
        if not exact:
            return [HIDDEN] * len(shown)
        shown[min(exact, key=lambda i: (counts[i], i))] = HIDDEN
    return shown


def _gives_away(shown: Sequence[int | str], total: int, floor: int) -> bool:
    """Whether a reader who knows this method could work out a "<5" cell holding 1 to 4 from what is shown: the
    "<5" cells hold `floor` to 4, the "hidden" ones 5 to the smallest shown cell (they were withheld smallest
    first), and together the total minus the shown cells. A lone "<5" cell always gives itself away (even a 0:
    the rule is kept simple); several that can only all be 0 do not (nobody is in them)."""
    exact = [value for value in shown if isinstance(value, int)]
    withheld = total - sum(exact)
    hidden_top = min([*exact, withheld])
    ranges = [(floor, SUPPRESS_BELOW - 1) if value == SUPPRESSED else (SUPPRESS_BELOW, hidden_top)
              for value in shown if not isinstance(value, int)]
    if shown.count(SUPPRESSED) == 1 and HIDDEN not in shown:
        return True
    least, most = sum(low for low, _high in ranges), sum(high for _low, high in ranges)
    for value, (low, high) in zip([v for v in shown if not isinstance(v, int)], ranges, strict=True):
        if value != SUPPRESSED:
            continue
        can_be_low, can_be_high = max(low, withheld - (most - high)), min(high, withheld - (least - low))
        if can_be_low == can_be_high and can_be_high > 0:
            return True
    return False


@dataclass(frozen=True)
class Facility:
    id: int
    name: str


def is_realm_wide(actor: Actor) -> bool:
    return policy.screening_aggregates_realm_wide(actor)


def _scope(actor: Actor) -> Q:
    scope = policy.screening_aggregate_scope(actor)
    if scope is None:
        raise Forbidden(R.SCREENING_DASHBOARD)
    return scope


def facility_choices(actor: Actor) -> list[Facility]:
    """The facilities the actor may pick: every organisation with screenings in the realm (co-ordinators and
    analysts), or the actor's own organisation (an organisation admin)."""
    scope = _scope(actor)
    if is_realm_wide(actor):
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


def _date_range(date_from, date_to, errors: dict) -> tuple[dt.date, dt.date]:
    start = _parse_date(date_from, "date_from", errors)
    end = _parse_date(date_to, "date_to", errors)
    if errors:
        return EARLIEST, EARLIEST
    end = end or (timezone.localdate() if start is None else max(start, timezone.localdate()))
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors.setdefault("date_to", []).append(_("The end date is before the start date."))
    elif (end - start).days + 1 > MAX_DAYS:
        errors.setdefault("date_to", []).append(_("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS})
    return start, end


def dashboard(actor: Actor, *, facility_id=None, date_from=None, date_to=None) -> dict:
    """The aggregated figures for one facility (or every facility the actor may see) over a period of days.

    `facility_id`, `date_from` and `date_to` may come straight from a query string (strings) or typed; bad
    values raise ValidationFailed keyed by "facility", "date_from" and "date_to". Default: the last 30 days.
    """
    scope = _scope(actor)
    errors: dict[str, list[str]] = {}
    choices = facility_choices(actor)
    facility = _parse_facility(facility_id, choices, errors)
    start, end = _date_range(date_from, date_to, errors)
    if errors:
        raise ValidationFailed(errors)
    if not is_realm_wide(actor):
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
    enough = columns["total"] >= MIN_TOTAL
    result = {
        "scope": "realm" if is_realm_wide(actor) else "organisation",
        "facility": facility,
        "facilities": choices,
        "date_from": start,
        "date_to": end,
        "days": (end - start).days + 1,
        "suppressed_below": SUPPRESS_BELOW,
        "min_total": MIN_TOTAL,
        "suppressed_reason": None if enough else too_few_message(),
        **_per_day(rows, start, end, tz),
        **(columns if enough else {**dict.fromkeys(columns), "total": columns["total"]}),
        "indicators": _indicator_frequencies(rows) if enough else None,
    }
    audit.record(actor=actor, action="view", object_type="screening_dashboard",
                 object_id=facility.id if facility is not None else "all", fields=["aggregates"],
                 reason=f"{start.isoformat()}..{end.isoformat()}")
    return result


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
    outcome, sex, age, citizenship = Counter(), Counter(), Counter(), Counter()
    total = referrals = urgent = urgent_referrals = offline = 0
    groups = (rows.order_by().values("outcome", "sex", "age_group", "citizenship", "offline", "urgent")
              .annotate(n=Count("id"), referred=Count("referred_at")))
    for group in groups:
        n = group["n"]
        total += n
        outcome[group["outcome"]] += n
        sex[group["sex"]] += n
        age[group["age_group"]] += n
        citizenship[group["citizenship"]] += n
        referrals += group["referred"]
        offline += n if group["offline"] else 0
        urgent += n if group["urgent"] else 0
        urgent_referrals += group["referred"] if group["urgent"] else 0
    return {
        "total": total,
        "referrals": protect(referrals),
        "urgent": protect(urgent),
        "urgent_referrals": protect(urgent_referrals),
        "offline": protect(offline),
        "outcomes": _table(Screening.Outcome.choices, outcome),
        "by_sex": _table(Screening.Sex.choices, sex),
        "by_age_group": _table(Screening.AgeGroup.choices, age),
        "by_citizenship": _by_citizenship(citizenship),
    }


def _table(choices, counts: Counter) -> list[dict]:
    shown = protect_table([counts[code] for code, _label in choices])
    return [{"code": code, "label": str(label), "count": count}
            for (code, label), count in zip(choices, shown, strict=True)]


def _by_citizenship(counts: Counter) -> list[dict]:
    listed = [(code, n) for code, n in counts.items() if n]
    shown = protect_table([n for _code, n in listed], floor=1)
    cells = [{"code": code, "label": str(_COUNTRY_NAMES.get(code, code)) if code else _("Not known"), "count": count}
             for (code, _n), count in zip(listed, shown, strict=True)]
    cells.sort(key=lambda c: (*_rank(c["count"]), c["code"] == "", c["label"]))
    return cells


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
    """How many screenings had each indicator answered yes, 0 to 4 as "<5" (no secondary suppression: the
    frequencies do not add up to the total). The answers are encrypted: each row is decrypted here and only the
    counts are kept."""
    yes: Counter = Counter()
    for answers in rows.order_by().values_list("answers", flat=True).iterator(chunk_size=2000):
        for observation in (answers or {}).get("observations", ()):
            if observation.get("answer") == "yes":
                yes[(observation.get("catalogue"), observation.get("indicator"))] += 1
    labels = _indicator_labels()
    for key in yes.keys() - labels.keys():  # answered against a catalogue no longer loaded: keep the count
        labels[key] = (10_000, str(key[1]))
    cells = sorted(((key, position, label, protect(yes[key])) for key, (position, label) in labels.items()),
                   key=lambda cell: (*_rank(cell[3]), cell[1]))
    return [{"catalogue": key[0], "indicator": key[1], "label": label, "count": count}
            for key, _position, label, count in cells]
