"""HTCDS 2.0 vocabularies and the validation of the two encrypted documents that hold HTCDS data:
`Person.details` (prs_* beyond names and numbers) and `Case.victim_context` (vic_*, hte_*, per_*).

Codes are the HTCDS value names (`DebtBondage`), so exports need no translation table; labels are for
people and are translated. Where HTCDS has no field for something an NRM needs (sex, estimated age and its
basis, vulnerabilities) the key is ours and docs/htcds-mapping.md says so.

The cleaners return a canonical document (empty values dropped, codes in their canonical spelling,
duplicates removed) or raise ValidationFailed with messages keyed by field path ("route_events.2.date").
Messages never repeat the value: they end up in logs and API answers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.core.countries import COUNTRY_CODES
from alliance.core.errors import ValidationFailed

# --- Vocabularies ---------------------------------------------------------------------------------

class Sex(models.TextChoices):
    FEMALE = "Female", _("Female")
    MALE = "Male", _("Male")
    INTERSEX = "Intersex", _("Intersex")
    UNKNOWN = "Unknown", _("Unknown")


class Gender(models.TextChoices):
    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    NOT_SPECIFIED = "NotSpecified", _("Not specified or unknown")


class AgeBasis(models.TextChoices):
    DOCUMENT = "document", _("Identity document")
    SELF_DECLARED = "self_declared", _("Declared by the person")
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")
    APPEARANCE = "appearance", _("Appearance only")


class MaritalStatus(models.TextChoices):
    SINGLE = "Single", _("Single")
    MARRIED = "Married", _("Married")
    CIVIL_PARTNERSHIP = "CivilPartnership", _("Civil partnership")
    COHABITING = "Cohabiting", _("Living with a partner")
    SEPARATED = "Separated", _("Separated")
    DIVORCED = "Divorced", _("Divorced")
    WIDOWED = "Widowed", _("Widowed")
    UNKNOWN = "Unknown", _("Unknown")


class Education(models.TextChoices):
    NONE = "None", _("No formal education")
    PRIMARY = "Primary", _("Primary")
    LOWER_SECONDARY = "LowerSecondary", _("Lower secondary")
    UPPER_SECONDARY = "UpperSecondary", _("Upper secondary")
    VOCATIONAL = "Vocational", _("Vocational")
    TERTIARY = "Tertiary", _("Tertiary")
    UNKNOWN = "Unknown", _("Unknown")


class MigrationStatus(models.TextChoices):
    NOT_A_MIGRANT = "NotAMigrant", _("Not a migrant")
    FAMILY = "Family", _("Family migrant")
    VISITOR = "VisitorTourist", _("Visitor or tourist")
    LABOUR = "Labour", _("Labour migrant")
    STUDENT = "Student", _("Student")
    IRREGULAR = "Irregular", _("Irregular migrant")
    ENVIRONMENTAL = "Environmental", _("Environmental migrant")
    VULNERABLE = "Vulnerable", _("Vulnerable migrant")
    STRANDED = "Stranded", _("Stranded migrant")
    FORCED = "ForcedMigrant", _("Forced migrant")
    DEPORTEE = "Deportee", _("Deportee")
    EX_COMBATANT = "ExCombatant", _("Ex-combatant")
    INTERNALLY_DISPLACED = "InternallyDisplaced", _("Internally displaced person")
    SEPARATED_CHILD = "SeparatedUnaccompaniedChild", _("Separated or unaccompanied child")
    RETURNEE = "Returnee", _("Returnee")


class ProtectionStatus(models.TextChoices):
    NONE = "None", _("None")
    ASYLUM_SEEKER = "AsylumSeeker", _("Asylum seeker")
    REFUGEE = "Refugee", _("Refugee")
    COMPLEMENTARY = "ComplementaryProtection", _("Complementary protection")
    STATELESS = "Stateless", _("Stateless")


class Vulnerability(models.TextChoices):
    UNACCOMPANIED_CHILD = "UnaccompaniedChild", _("Unaccompanied child")
    SEPARATED_CHILD = "SeparatedChild", _("Separated child")
    DISABILITY = "Disability", _("Disability")
    PREGNANCY = "Pregnancy", _("Pregnancy")
    SERIOUS_ILLNESS = "SeriousIllness", _("Serious illness")
    MENTAL_HEALTH = "MentalHealthCondition", _("Mental health condition")
    SUBSTANCE_DEPENDENCY = "SubstanceDependency", _("Substance dependency")
    HOMELESSNESS = "Homelessness", _("Homelessness")
    DOMESTIC_VIOLENCE = "DomesticViolence", _("Survivor of domestic violence")
    PRIOR_TRAFFICKING = "PriorTrafficking", _("Trafficked before")
    LANGUAGE_BARRIER = "LanguageBarrier", _("Does not speak the local language")
    OTHER = "Other", _("Other")


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus: what an export says for our four NRM statuses (cases/domain/nrm.py)."""

    POSSIBLE = "PossibleVictim", _("Possible victim")
    ACTUAL = "ActualVictim", _("Actual victim")
    NOT_A_VICTIM = "NotAVictim", _("Not a victim")


class DecidingOrganisationType(models.TextChoices):
    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = "NonPoliceGovernmentalOrg", _("Non-police governmental organisation")
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    FAMILIAL = "Familial", _("Family member")
    INTIMATE_PARTNER = "IntimatePartner", _("Intimate partner")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unacquainted", _("Stranger")
    UNKNOWN = "Unknown", _("Unknown")


class MethodOfControl(models.TextChoices):
    """The 17 HTCDS methods of control: also CTDC's meansOfControl<Value> columns."""

    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts access to money")
    THREATS = "Threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "PsychoactiveSubstances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    USES_CHILDREN = "UsesChildren", _("Uses the person's children")
    THREAT_OF_LAW_ENFORCEMENT = "ThreatOfLawEnforcement", _("Threat of law enforcement")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitary", _("Forced military service (non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class LabourIndustry(models.TextChoices):
    """CTDC labour types, which the public statistics use."""

    AGRICULTURE = "Agriculture", _("Agriculture")
    AQUAFARMING = "Aquafarming", _("Fishing and aquafarming")
    BEGGING = "Begging", _("Begging")
    CONSTRUCTION = "Construction", _("Construction")
    DOMESTIC_WORK = "DomesticWork", _("Domestic work")
    HOSPITALITY = "Hospitality", _("Hospitality")
    ILLICIT_ACTIVITIES = "IllicitActivities", _("Illicit activities")
    MANUFACTURING = "Manufacturing", _("Manufacturing")
    MINING = "MiningOrDrilling", _("Mining or drilling")
    PEDDLING = "Peddling", _("Peddling")
    TRANSPORTATION = "Transportation", _("Transportation")
    OTHER = "Other", _("Other")


class SexExploitationType(models.TextChoices):
    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE = "RemoteInteractiveServices", _("Remote interactive services")
    PRIVATE = "PrivateSexualServices", _("Private sexual services")


class RecruitmentMethod(models.TextChoices):
    JOB_OFFER = "JobOffer", _("Job offer")
    RECRUITMENT_AGENCY = "RecruitmentAgency", _("Recruitment or travel agency")
    PERSONAL_NETWORK = "PersonalNetwork", _("Friend or acquaintance")
    FAMILY = "Family", _("Family member")
    INTIMATE_PARTNER = "IntimatePartner", _("Intimate partner")
    ONLINE = "Online", _("Online or social media")
    ABDUCTION = "Abduction", _("Abduction")
    SALE = "Sale", _("Sold by someone")
    OTHER = "Other", _("Other")
    UNKNOWN = "Unknown", _("Unknown")


class PerpetratorRole(models.TextChoices):
    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    CONTROLLER = "TransferredHarbouredSoldBoughtReceivedControlled", _(
        "Transferred, harboured, sold, bought, received or controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class RouteEventType(models.TextChoices):
    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class SupportType(models.TextChoices):
    """HTCDS spl_Type (SupportPlan.support_types)."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_REHAB = "LabourExploitationRehab", _("Rehabilitation after labour exploitation")
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_REHAB = "SexualExploitationRehab", _("Rehabilitation after sexual exploitation")
    SOCIAL_CARE = "SocialCare", _("Social care")


# --- The documents' fields ------------------------------------------------------------------------

TEXT, INT, CHOICE, CHOICES, COUNTRY, COUNTRIES, LANGUAGE, EMAIL, PHONE, DATE, TEXTS, RECORDS = (
    "text", "int", "choice", "choices", "country", "countries", "language", "email", "phone", "date", "texts",
    "records")
MAX_ROUTE_EVENTS = 5  # flat exports carry this many hte column groups, so nothing is ever cut off
MAX_PERPETRATORS = 5
MAX_AGE = 120


@dataclass(frozen=True)
class Spec:
    key: str
    label: Promise
    kind: str
    vocabulary: type[models.TextChoices] | None = None
    max_length: int = 200  # characters of a text; items of a list
    maximum: int = MAX_AGE  # of a number (the minimum is 0)
    parts: tuple[Spec, ...] = ()  # the fields of each record in a RECORDS list


PERSON_FIELDS: tuple[Spec, ...] = (
    Spec("sex", _("Sex"), CHOICE, Sex),
    Spec("gender", _("Gender"), CHOICE, Gender),
    Spec("estimated_age", _("Estimated age"), INT),
    Spec("age_basis", _("Age based on"), CHOICE, AgeBasis),
    Spec("citizenships", _("Citizenship"), COUNTRIES, max_length=10),
    Spec("primary_language", _("Primary language"), LANGUAGE),
    Spec("secondary_language", _("Secondary language"), LANGUAGE),
    Spec("marital_status", _("Marital status"), CHOICE, MaritalStatus),
    Spec("number_of_children", _("Number of children"), INT, maximum=30),
    Spec("education", _("Highest education"), CHOICE, Education),
    Spec("migration_status", _("Migration status"), CHOICE, MigrationStatus),
    Spec("protection_status", _("International protection"), CHOICE, ProtectionStatus),
    Spec("vulnerabilities", _("Vulnerabilities"), CHOICES, Vulnerability),
    Spec("email", _("E-mail"), EMAIL, max_length=254),
    Spec("phone", _("Phone"), PHONE, max_length=32),
    Spec("address", _("Mailing address"), TEXT, max_length=500),
)

ROUTE_EVENT_FIELDS: tuple[Spec, ...] = (
    Spec("type", _("Stage of the route"), CHOICE, RouteEventType),
    Spec("date", _("Date"), DATE),
    Spec("place", _("Place"), TEXT),
    Spec("country", _("Country"), COUNTRY),
    Spec("description", _("Description"), TEXT, max_length=2000),
)
PERPETRATOR_FIELDS: tuple[Spec, ...] = (
    Spec("role", _("Role in the trafficking"), CHOICE, PerpetratorRole),
    Spec("details", _("Details of the role"), TEXT, max_length=1000),
)

VICTIM_FIELDS: tuple[Spec, ...] = (
    Spec("exploitation_types", _("Types of exploitation"), CHOICES, ExploitationType),
    Spec("forced_labour_industry", _("Industry of forced labour"), CHOICES, LabourIndustry),
    Spec("sex_exploitation_types", _("Types of sexual exploitation"), CHOICES, SexExploitationType),
    Spec("methods_of_control", _("Methods of control"), CHOICES, MethodOfControl),
    Spec("recruitment_method", _("Method of recruitment"), CHOICE, RecruitmentMethod),
    Spec("recruitment_place", _("Place of recruitment"), TEXT),
    Spec("recruitment_country", _("Country of recruitment"), COUNTRY),
    Spec("relationship_to_trafficker", _("Relationship to the trafficker"), CHOICE, RelationshipToTrafficker),
    Spec("age_when_trafficked", _("Age when trafficked"), INT),
    Spec("exploitation_country", _("Country of exploitation"), COUNTRY),
    Spec("exploitation_place", _("Place of exploitation"), TEXT),
    Spec("recruitment_websites", _("Websites or apps used to recruit"), TEXTS, max_length=10),
    Spec("route_events", _("Route"), RECORDS, max_length=MAX_ROUTE_EVENTS, parts=ROUTE_EVENT_FIELDS),
    Spec("perpetrators", _("Perpetrators"), RECORDS, max_length=MAX_PERPETRATORS, parts=PERPETRATOR_FIELDS),
)

PERSON_KEYS = tuple(s.key for s in PERSON_FIELDS)
VICTIM_KEYS = tuple(s.key for s in VICTIM_FIELDS)
WEBSITE_MAX_LENGTH = 200


# --- Cleaning -------------------------------------------------------------------------------------

# Control characters break spreadsheets (XLSX cannot hold them) and have no place in a case file; lone
# surrogates cannot be encrypted (they are not UTF-8). Tab and newline are kept in texts.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]*[0-9]$")
_email = EmailValidator()
_canonical_cache: dict[type, dict[str, str]] = {}


def _canonical(vocabulary: type[models.TextChoices]) -> dict[str, str]:
    """Codes are matched without regard to case, so hand-made spreadsheets need not match it exactly."""
    found = _canonical_cache.get(vocabulary)
    if found is None:
        found = _canonical_cache[vocabulary] = {code.casefold(): code for code in vocabulary.values}
    return found


_values_cache: dict[type, str] = {}
_translated: dict[tuple[str | None, str], str] = {}


_pinned = threading.local()


@contextlib.contextmanager
def messages_pinned():
    """Within, messages are in the language active on entry, looked up once rather than for every message
    (an import of 50,000 rows of junk gives millions). For synchronous code: the pin is per thread."""
    previous = getattr(_pinned, "language", None)
    _pinned.language = translation.get_language()
    try:
        yield
    finally:
        _pinned.language = previous


def gettext(message: str) -> str:
    """Django's gettext, remembered per language: validating an import of junk asks for the same few
    messages millions of times. (Named gettext so that makemessages still finds the messages.)"""
    key = (getattr(_pinned, "language", None) or translation.get_language(), message)
    found = _translated.get(key)
    if found is None:
        if len(_translated) > 10_000:
            _translated.clear()
        found = _translated[key] = translation.gettext(message)
    return found


def _allowed(vocabulary: type[models.TextChoices]) -> str:
    """The codes as an error message lists them (TextChoices builds .values anew on each access)."""
    found = _values_cache.get(vocabulary)
    if found is None:
        found = _values_cache[vocabulary] = ", ".join(vocabulary.values)
    return found


def label_of(vocabulary: type[models.TextChoices], code: str) -> str:
    return str(dict(vocabulary.choices).get(code, code))


def clean_text(value: object, *, max_length: int, path: str, errors: dict) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        errors.setdefault(path, []).append(str(gettext("Expected text.")))
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if _FORBIDDEN.search(text):
        errors.setdefault(path, []).append(str(gettext("Contains control characters that text may not hold.")))
        return None
    if len(text) > max_length:
        errors.setdefault(path, []).append(str(gettext("At most %(n)d characters.") % {"n": max_length}))
        return None
    return text or None


def _clean_int(value: object, spec: Spec, path: str, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(path, []).append(str(gettext("Expected a whole number.")))
        return None
    if not 0 <= value <= spec.maximum:
        errors.setdefault(path, []).append(str(gettext("Give a number from 0 to %(n)d.") % {"n": spec.maximum}))
        return None
    return value


def _clean_code(value: object, spec: Spec, path: str, errors: dict) -> str | None:
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else ""
    if spec.kind in (COUNTRY, COUNTRIES):
        if text.upper() in COUNTRY_CODES:
            return text.upper()
        errors.setdefault(path, []).append(str(gettext("Use an ISO 3166 two-letter country code.")))
        return None
    code = _canonical(spec.vocabulary).get(text.casefold())
    if code is None:
        errors.setdefault(path, []).append(str(gettext("Not one of the allowed values: %(values)s.")
                                               % {"values": _allowed(spec.vocabulary)}))
    return code


def _as_list(value: object, path: str, errors: dict) -> list | None:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    errors.setdefault(path, []).append(str(gettext("Expected a list.")))
    return None


def _clean_codes(value: object, spec: Spec, path: str, errors: dict) -> list[str] | None:
    items = _as_list(value, path, errors)
    if items is None:
        return None
    limit = len(_canonical(spec.vocabulary)) if spec.vocabulary else spec.max_length
    if len(items) > limit:
        errors.setdefault(path, []).append(str(gettext("At most %(n)d values.") % {"n": limit}))
        return None
    codes: list[str] = []
    for item in items:
        code = _clean_code(item, spec, path, errors)
        if code is not None and code not in codes:
            codes.append(code)
    return codes or None


def _clean_texts(value: object, spec: Spec, path: str, errors: dict) -> list[str] | None:
    items = _as_list(value, path, errors)
    if items is None:
        return None
    if len(items) > spec.max_length:
        errors.setdefault(path, []).append(str(gettext("At most %(n)d values.") % {"n": spec.max_length}))
        return None
    texts: list[str] = []
    for index, item in enumerate(items):
        text = clean_text(item, max_length=WEBSITE_MAX_LENGTH, path=f"{path}.{index}", errors=errors)
        if text and ";" in text:
            # "; " separates the values of one cell in CSV and XLSX exports.
            errors.setdefault(f"{path}.{index}", []).append(str(gettext("May not contain a semicolon.")))
        elif text and "\n" in text:
            errors.setdefault(f"{path}.{index}", []).append(str(gettext("Give one name per line.")))
        elif text and text not in texts:
            texts.append(text)
    return texts or None


def clean_date(value: object, *, path: str, errors: dict, today: dt.date | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) that is not in the future, kept as its ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    else:
        day = None
    if day is None:
        errors.setdefault(path, []).append(str(gettext("Use the form YYYY-MM-DD.")))
        return None
    if day > (today or timezone.localdate()):
        errors.setdefault(path, []).append(str(gettext("The date is in the future.")))
        return None
    return day.isoformat()


def _clean_value(spec: Spec, value: object, path: str, errors: dict, today: dt.date) -> object:
    kind = spec.kind
    if kind == TEXT:
        return clean_text(value, max_length=spec.max_length, path=path, errors=errors)
    if kind == INT:
        return _clean_int(value, spec, path, errors)
    if kind in (CHOICE, COUNTRY):
        return _clean_code(value, spec, path, errors)
    if kind in (CHOICES, COUNTRIES):
        return _clean_codes(value, spec, path, errors)
    if kind == LANGUAGE:
        code = clean_text(value, max_length=3, path=path, errors=errors)
        if code and not _LANGUAGE.match(code.lower()):
            errors.setdefault(path, []).append(str(gettext("Use an ISO 639-2 code of three letters, such as ara.")))
            return None
        return code.lower() if code else None
    if kind == EMAIL:
        text = clean_text(value, max_length=spec.max_length, path=path, errors=errors)
        try:
            if text:
                _email(text)
        except ValidationError:
            errors.setdefault(path, []).append(str(gettext("Not an e-mail address.")))
            return None
        return text
    if kind == PHONE:
        text = clean_text(value, max_length=spec.max_length, path=path, errors=errors)
        if text and not _PHONE.match(text):
            errors.setdefault(path, []).append(str(gettext("Use digits, spaces and dashes, with + before a country "
                                                     "code.")))
            return None
        return text
    if kind == DATE:
        return clean_date(value, path=path, errors=errors, today=today)
    if kind == TEXTS:
        return _clean_texts(value, spec, path, errors)
    return _clean_records(value, spec, path, errors, today)


def _clean_records(value: object, spec: Spec, path: str, errors: dict, today: dt.date) -> list[dict] | None:
    items = _as_list(value, path, errors)
    if items is None:
        return None
    if len(items) > spec.max_length:
        errors.setdefault(path, []).append(str(gettext("At most %(n)d entries.") % {"n": spec.max_length}))
        return None
    records = []
    for index, item in enumerate(items):
        record = _clean_document(item, spec.parts, f"{path}.{index}.", errors, today)
        required = spec.parts[0]
        if record is not None and required.key not in record:
            errors.setdefault(f"{path}.{index}.{required.key}", []).append(str(gettext("This field is required.")))
        elif record is not None:
            records.append(record)
    return records or None


def _clean_document(data: object, specs: tuple[Spec, ...], prefix: str, errors: dict, today: dt.date
                    ) -> dict | None:
    if data is None:
        return {}
    if not isinstance(data, dict):
        errors.setdefault(prefix.rstrip(".") or "__all__", []).append(str(gettext("Expected an object.")))
        return None
    known = {spec.key: spec for spec in specs}
    for key in data:
        if key not in known:
            errors.setdefault(f"{prefix}{key}"[:100], []).append(str(gettext("Unknown field.")))
    cleaned = {}
    for spec in specs:
        value = _clean_value(spec, data.get(spec.key), f"{prefix}{spec.key}", errors, today)
        if value is not None:
            cleaned[spec.key] = value
    return cleaned


def person_details_errors(data: object) -> tuple[dict, dict[str, list[str]]]:
    """The cleaned person details and the errors found, for callers that collect errors (imports)."""
    errors: dict[str, list[str]] = {}
    cleaned = _clean_document(data, PERSON_FIELDS, "", errors, timezone.localdate()) or {}
    if "age_basis" in cleaned and "estimated_age" not in cleaned:
        errors.setdefault("age_basis", []).append(str(gettext("Give the estimated age the basis is for.")))
    return cleaned, errors


def victim_context_errors(data: object) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    cleaned = _clean_document(data, VICTIM_FIELDS, "", errors, timezone.localdate()) or {}
    if cleaned.get("sex_exploitation_types") and ExploitationType.SEXUAL_EXPLOITATION not in cleaned.get(
            "exploitation_types", []):
        errors.setdefault("sex_exploitation_types", []).append(
            str(gettext("Types of sexual exploitation need the type of exploitation “Sexual exploitation”.")))
    _check_route_order(cleaned.get("route_events", []), errors)
    return cleaned, errors


def _check_route_order(events: list[dict], errors: dict) -> None:
    """The person was recruited before being exploited: a recruitment dated after an exploitation is a
    mistake in one of the two dates."""
    exploited = [e["date"] for e in events if e["type"] == RouteEventType.EXPLOITATION and "date" in e]
    if not exploited:
        return
    first_exploitation = min(exploited)  # ISO dates sort as text
    for index, event in enumerate(events):
        if event["type"] == RouteEventType.RECRUITMENT and event.get("date", "") > first_exploitation:
            errors.setdefault(f"route_events.{index}.date", []).append(
                str(gettext("The recruitment is dated after an exploitation on the same route.")))


def clean_person_details(data: object) -> dict:
    cleaned, errors = person_details_errors(data)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def clean_victim_context(data: object) -> dict:
    cleaned, errors = victim_context_errors(data)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def is_presumed_child(*, birth_date: str | None, details: dict, today: dt.date | None = None) -> bool:
    """Under 18 by the birth date or, without one, by the estimated age: where age is uncertain the person
    is presumed a child (CETS 197, Art. 10(3))."""
    today = today or timezone.localdate()
    if birth_date:
        born = dt.date.fromisoformat(birth_date)
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < 18
    age = details.get("estimated_age")
    return age is not None and age < 18
