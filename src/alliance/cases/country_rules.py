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

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
# Council of Europe Convention CETS 197, Art. 13: at least 30 days.
MIN_REFLECTION_DAYS = 30


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
            retention_years_after_closure=int(data["retention_years_after_closure"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"country profile {data.get('code', '?')}: {exc}") from None
    if rules.reflection_days < MIN_REFLECTION_DAYS:
        raise ProfileError(f"country profile {rules.code}: a reflection period of {rules.reflection_days} days is "
                           f"below the {MIN_REFLECTION_DAYS}-day minimum of CETS 197 Art. 13")
    if len(rules.weekend) > 5 or not rules.weekend <= set(range(7)):
        raise ProfileError(f"country profile {rules.code}: weekend days must be 0 (Monday) to 6, at most 5")
    return rules


@cache
def rules_for(code: str) -> CountryRules:
    path = PROFILE_DIR / f"{code}.json"
    if not code.isalpha() or not path.exists():
        raise ProfileError(f"no country profile for {code!r}")
    return _parse(json.loads(path.read_text(encoding="utf-8")))


def available_profiles() -> list[CountryRules]:
    return [rules_for(path.stem) for path in sorted(PROFILE_DIR.glob("*.json"))]
