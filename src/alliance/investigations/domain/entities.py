"""What an investigation entity may be: an FtM entity of the schemata we work with, every value valid for its
property's type, checked before anything is written.

FollowTheMoney decides which schemata and properties exist and what type each property has; this module
adds the checks an agency's data needs on top (an IBAN's checksum, a phone number that dials, an ISO date
and country) and says what is wrong in words an analyst can act on, naming the property.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
import schwifty
from django.utils.translation import gettext as _
from followthemoney import model, registry

# The schemata of issue 11's item 1; other FtM schemata (sanctions, court cases, vessels) are refused until a
# source needs them, so a typo in a schema name is an error rather than a new kind of entity.
SCHEMATA = ("Person", "Company", "Organization", "Address", "BankAccount", "Vehicle", "UserAccount", "Passport",
            "Identification", "Payment", "Employment", "Ownership", "Family", "Associate", "Trip", "Note")
MAX_VALUES = 50  # per property: a real record has a few names or phones, a hostile one thousands
MAX_TEXT = 20_000
MAX_VALUE = 2_000
FTM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")


class EntityError(ValueError):
    """Every problem of one entity, as (property or "id"/"schema", reason)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {reason}" for where, reason in problems))


@dataclass(frozen=True)
class CleanEntity:
    ftm_id: str
    schema: str
    properties: dict[str, list[str]]
    caption: str
    references: tuple[tuple[str, str], ...] = field(default=())  # (property, target FtM id)

    @property
    def is_edge(self) -> bool:
        return model.get(self.schema).edge


def _phone(value: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(value, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    # Possible, not "valid": libphonenumber's list of assigned ranges lags behind the operators, and a number
    # read off a seized phone is evidence even in a range it does not know yet.
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _iban(value: str) -> str | None:
    try:
        return schwifty.IBAN(value).compact
    except ValueError:
        return None


def clean_value(prop, value: str, region: str | None) -> tuple[str | None, str]:
    """(clean value, reason it was refused)."""
    type_ = prop.type
    if prop.name == "iban":
        return _iban(value), _("not a valid IBAN (its country, length or check digits are wrong)")
    if type_ == registry.phone:
        return _phone(value, region), _("not a phone number that can be dialled (give it in E.164, as +7…)")
    if type_ == registry.date:
        clean = registry.date.clean(value)
        return clean, _("not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if type_ == registry.country:
        clean = registry.country.clean(value)
        return clean, _("not an ISO 3166 country code")
    if type_ == registry.email:
        return registry.email.clean(value), _("not an e-mail address")
    if type_ == registry.entity:
        return (value if FTM_ID.match(value) else None), _("not an entity id")
    limit = MAX_TEXT if type_ == registry.text else MAX_VALUE
    if len(value) > limit:
        return None, _("longer than %(n)d characters") % {"n": limit}
    clean = type_.clean(value)
    return clean, _("not a valid %(type)s") % {"type": type_.name}


def clean_entity(data: object) -> CleanEntity:
    """An FtM entity as JSON data ({"id", "schema", "properties"}), checked whole: every problem is named."""
    if not isinstance(data, dict):
        raise EntityError([("entity", _("an entity is a JSON object with id, schema and properties"))])
    problems: list[tuple[str, str]] = []
    ftm_id, schema_name, raw = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(ftm_id, str) or not FTM_ID.match(ftm_id):
        problems.append(("id", _("an id of letters, digits, '.', '_', ':' or '-', at most 200 characters")))
    if schema_name not in SCHEMATA:
        problems.append(("schema", _("not one of the schemata an investigation holds: %(list)s")
                         % {"list": ", ".join(SCHEMATA)}))
        raise EntityError(problems)
    if not isinstance(raw, dict):
        problems.append(("properties", _("properties are an object of property names to lists of values")))
        raise EntityError(problems)
    schema = model.get(schema_name)
    country_values = raw.get("country") or raw.get("nationality") or []
    region = country_values[0] if isinstance(country_values, list) and country_values else None
    properties: dict[str, list[str]] = {}
    references: list[tuple[str, str]] = []
    for name, values in raw.items():
        prop = schema.get(name) if isinstance(name, str) else None
        if prop is None or prop.stub:
            problems.append((str(name)[:60], _("%(schema)s has no such property") % {"schema": schema_name}))
            continue
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append((name, _("values are a list of strings")))
            continue
        if len(values) > MAX_VALUES:
            problems.append((name, _("more than %(n)d values") % {"n": MAX_VALUES}))
            continue
        kept: list[str] = []
        for value in values:
            if not value.strip():
                continue
            clean, reason = clean_value(prop, value.strip(), region if isinstance(region, str) else None)
            if clean is None:
                problems.append((name, f"{reason}: {value[:40]!r}" if prop.type != registry.text else reason))
            elif clean not in kept:
                kept.append(clean)
        if kept:
            properties[name] = kept
            if prop.type == registry.entity:
                references.extend((name, target) for target in kept)
    missing = [p for p in schema.required if p not in properties]
    problems.extend((p, _("required for a %(schema)s") % {"schema": schema_name}) for p in missing)
    if problems:
        raise EntityError(problems)
    proxy = model.make_entity(schema_name)
    proxy.id = ftm_id
    for name, values in properties.items():
        proxy.add(name, values, cleaned=True)
    return CleanEntity(ftm_id=ftm_id, schema=schema_name, properties=properties, caption=proxy.caption[:500],
                       references=tuple(references))


def link_dates(entity: CleanEntity) -> tuple[str | None, str | None]:
    """When an edge held: its start (or single) date and its end, ISO, for the link chart's date filter."""
    props = entity.properties
    start = (props.get("startDate") or props.get("date") or [None])[0]
    end = (props.get("endDate") or [None])[0]
    return start, end


def edge_ends(entity: CleanEntity) -> list[tuple[str, str]]:
    """(source id, target id) pairs an FtM edge entity draws: each payer to each beneficiary, and so on."""
    schema = model.get(entity.schema)
    if not schema.edge:
        return []
    sources = entity.properties.get(schema.source_prop.name, [])
    targets = entity.properties.get(schema.target_prop.name, [])
    return [(s, t) for s in sources for t in targets]
