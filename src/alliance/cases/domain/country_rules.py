"""Country profiles as data: the NRM rules that differ by State (nrm.md), and the deadlines they give.

Profiles live in cases/profiles/<ISO code>.json, versioned with the code; each computed deadline keeps the
profile version and the rule's wording, so a later change of rule stays explainable.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"
# Council of Europe Convention CETS 197, Art. 13: at least 30 days.
MIN_REFLECTION_DAYS = 30
MAX_RETENTION_YEARS = 100


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class CountryRules:
    code: str
    name: str
    version: str
    reflection_days: int
    reflection_review_day: int | None
    reasonable_grounds_working_days: int
    conclusive_grounds_working_days: int
    referral_response_working_days: int
    weekend: frozenset[int]
    holidays: frozenset[dt.date]
    first_responder_sectors: frozenset[str]
    duty_to_notify_sectors: frozenset[str]
    anonymous_notification_without_consent: bool
    retention_years_after_closure: int
    # The duty to notify (nrm.md): when an adult does not consent to referral, an anonymous notification goes
    # to this authority instead (England and Wales: form MS1 to the Home Office).
    duty_to_notify_required: bool = False
    duty_to_notify_authority: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (the start day itself does not count)."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def retention_ends(self, closed_on: dt.date) -> dt.date:
        """The last day a closed case is kept whole; it is anonymised on the days after (29 February -> 28)."""
        year = closed_on.year + self.retention_years_after_closure
        try:
            return closed_on.replace(year=year)
        except ValueError:
            return closed_on.replace(year=year, day=28)

    def label(self) -> str:
        return f"{self.name} profile {self.version}"


def _parse(data: dict) -> CountryRules:
    try:
        rules = CountryRules(
            code=str(data["code"]),
            name=str(data["name"]),
            version=str(data["version"]),
            reflection_days=int(data["reflection_days"]),
            reflection_review_day=data.get("reflection_review_day"),
            reasonable_grounds_working_days=int(data["reasonable_grounds_working_days"]),
            conclusive_grounds_working_days=int(data["conclusive_grounds_working_days"]),
            referral_response_working_days=int(data["referral_response_working_days"]),
            weekend=frozenset(int(d) for d in data["weekend"]),
            holidays=frozenset(dt.date.fromisoformat(d) for d in data["holidays"]),
            first_responder_sectors=frozenset(data["first_responder_sectors"]),
            duty_to_notify_sectors=frozenset(data["duty_to_notify_sectors"]),
            anonymous_notification_without_consent=bool(data["anonymous_notification_without_consent"]),
            retention_years_after_closure=_retention_years(data["retention_years_after_closure"]),
            **_duty_to_notify(data.get("duty_to_notify", {"required": False})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"country profile {data.get('code', '?')}: {exc}") from None
    if rules.reflection_days < MIN_REFLECTION_DAYS:
        raise ProfileError(f"country profile {rules.code}: a reflection period of {rules.reflection_days} days is "
                           f"below the {MIN_REFLECTION_DAYS}-day minimum of CETS 197 Art. 13")
    if len(rules.weekend) > 5 or not rules.weekend <= set(range(7)):
        raise ProfileError(f"country profile {rules.code}: weekend days must be 0 (Monday) to 6, at most 5")
    return rules


def _retention_years(value) -> int:
    # A bool is an int to Python; "true" years would silently mean one.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("retention_years_after_closure must be a whole number of years")
    if not 0 <= value <= MAX_RETENTION_YEARS:
        raise ValueError(f"retention_years_after_closure must be between 0 and {MAX_RETENTION_YEARS}")
    return value


def _duty_to_notify(value) -> dict:
    """{"required": bool, "authority": name}. A profile without it has no duty to notify."""
    if not isinstance(value, dict) or not isinstance(value.get("required"), bool):
        raise ValueError('duty_to_notify must be {"required": true or false, "authority": "..."}')
    authority = value.get("authority", "")
    if not isinstance(authority, str) or len(authority) > 200:
        raise ValueError("duty_to_notify authority must be a name of at most 200 characters")
    if value["required"] and not authority.strip():
        raise ValueError("duty_to_notify names no authority to notify")
    return {"duty_to_notify_required": value["required"], "duty_to_notify_authority": authority.strip()}


@cache
def rules_for(code: str) -> CountryRules:
    path = PROFILE_DIR / f"{code}.json"
    if not code.isalpha() or not path.exists():
        raise ProfileError(f"no country profile for {code!r}")
    return _parse(json.loads(path.read_text(encoding="utf-8")))


def available_profiles() -> list[CountryRules]:
    return [rules_for(path.stem) for path in sorted(PROFILE_DIR.glob("*.json"))]
