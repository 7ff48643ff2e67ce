"""The one table between our fields and HTCDS 2.0 field names, read by the export, the import and the
documentation (docs/htcds-mapping.md is generated from it; a test fails when the two disagree).

Paths: `case.<column>`, `person.<column>`, `details.<key>` (Person.details), `victim_context.<key>` and
`victim_context.<list>[].<key>` for the route (hte_*) and the perpetrators (per_*), which flat files carry
as numbered column groups: hte1_Type, hte1_Date, ... up to htcds.MAX_ROUTE_EVENTS.
`scope_field` is the policy field the value belongs to: a limited share exports only the columns whose
scope field is in policy.CASE_LIMITED_FIELDS.

Run `python -m alliance.cases.htcds.mapping > docs/htcds-mapping.md` after changing the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from alliance.cases.htcds import vocabulary as htcds
from alliance.core import policy

ROUTE, PERPETRATORS = "route_events", "perpetrators"
GROUP_PREFIX = {ROUTE: "hte", PERPETRATORS: "per"}
GROUP_SIZE = {ROUTE: htcds.MAX_ROUTE_EVENTS, PERPETRATORS: htcds.MAX_PERPETRATORS}


@dataclass(frozen=True)
class Column:
    name: str  # the HTCDS field name (for a group, without its number: hte_Type)
    path: str
    imported: bool = True
    extension: bool = False  # not an HTCDS 2.0 field: ours, named in HTCDS style
    note: str = ""

    @cached_property
    def section(self) -> str:
        return self.path.split(".", 1)[0]

    @cached_property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[1]

    @cached_property
    def group(self) -> str:
        """route_events or perpetrators for a column of a numbered group, else ''."""
        return self.path.split(".")[1].removesuffix("[]") if "[]" in self.path else ""

    @cached_property
    def scope_field(self) -> str:
        return self.key if self.section in ("case", "person") else self.section

    @cached_property
    def limited(self) -> bool:
        return self.scope_field in policy.CASE_LIMITED_FIELDS

    def spec(self) -> htcds.Spec | None:
        if self.section == "details":
            return _PERSON_SPECS[self.key]
        if self.section == "victim_context":
            return (_PART_SPECS[self.group] if self.group else _VICTIM_SPECS)[self.key]
        return None

    def flat_name(self, number: int) -> str:
        prefix, field = self.name.split("_", 1)
        return f"{prefix}{number}_{field}"


_PERSON_SPECS = {s.key: s for s in htcds.PERSON_FIELDS}
_VICTIM_SPECS = {s.key: s for s in htcds.VICTIM_FIELDS}
_PART_SPECS = {ROUTE: {s.key: s for s in htcds.ROUTE_EVENT_FIELDS},
               PERPETRATORS: {s.key: s for s in htcds.PERPETRATOR_FIELDS}}

MAPPING: tuple[Column, ...] = (
    Column("cas_Number", "case.number", imported=False, extension=True,
           note="Our case number; an import gives new numbers."),
    Column("cas_Pseudonym", "case.pseudonym", extension=True, note="Shown in lists instead of the name."),
    Column("cas_Status", "case.status", imported=False, note="Imported cases are active."),
    Column("cas_NrmStage", "case.nrm_stage", imported=False, extension=True,
           note="The NRM stage (cases/domain/nrm.py); imported cases start as detected."),
    Column("cas_CaseOwner", "case.owner_organisation", imported=False,
           note="The owning organisation's name; an import belongs to the importer's organisation."),
    Column("cas_OpenedOn", "case.created_at", imported=False, extension=True),
    Column("cas_Summary", "case.summary", extension=True),
    Column("cas_ReasonForCaseClosure", "case.closure_reason", imported=False),
    Column("prs_FirstName", "person.given_name", note="Required on import."),
    Column("prs_MiddleName", "person.middle_name"),
    Column("prs_SecondName", "person.family_name", note="Required on import."),
    Column("prs_Birthdate", "person.birth_date", note="Not in the future; under 18: the child procedure applies."),
    Column("prs_IdentityNumber", "person.identity_number"),
    Column("prs_Sex", "details.sex", extension=True),
    Column("prs_Gender", "details.gender"),
    Column("prs_EstimatedAge", "details.estimated_age", extension=True,
           note="Under 18 without a birth date: the child procedure applies."),
    Column("prs_AgeBasis", "details.age_basis", extension=True),
    Column("prs_Citizenship", "details.citizenships"),
    Column("prs_PrimaryLanguage", "details.primary_language"),
    Column("prs_SecondaryLanguage", "details.secondary_language"),
    Column("prs_MaritalStatus", "details.marital_status"),
    Column("prs_NumberOfChildren", "details.number_of_children"),
    Column("prs_HighestEducation", "details.education"),
    Column("prs_MigrationStatus", "details.migration_status"),
    Column("prs_InternationalProtectionStatus", "details.protection_status"),
    Column("prs_Vulnerabilities", "details.vulnerabilities", extension=True),
    Column("prs_Email", "details.email"),
    Column("prs_Phone", "details.phone"),
    Column("prs_MailingAddress", "details.address"),
    Column("vic_TraffickingStatus", "case.trafficking_status", imported=False,
           note="Possible and presumed victims are PossibleVictim, identified ones ActualVictim; "
                "decided through the NRM, never imported."),
    Column("vic_TraffickingStatusDecisionMakingOrg", "case.deciding_organisation", imported=False,
           note="From the sector of the organisation that decided."),
    Column("vic_TypeOfExploitation", "victim_context.exploitation_types"),
    Column("vic_ForcedLabourIndustry", "victim_context.forced_labour_industry", note="CTDC labour types."),
    Column("vic_TypeOfSexExploitation", "victim_context.sex_exploitation_types"),
    Column("vic_MethodsOfControl", "victim_context.methods_of_control"),
    Column("vic_MethodOfRecruitment", "victim_context.recruitment_method"),
    Column("vic_LocationOfRecruitment", "victim_context.recruitment_place"),
    Column("vic_CountryOfRecruitment", "victim_context.recruitment_country"),
    Column("vic_RelationshipToTrafficker", "victim_context.relationship_to_trafficker"),
    Column("vic_AgeWhenTrafficked", "victim_context.age_when_trafficked"),
    Column("vic_LocationOfExploitation", "victim_context.exploitation_place"),
    Column("vic_CountryOfExploitation", "victim_context.exploitation_country"),
    Column("vic_RecruitmentWebsites", "victim_context.recruitment_websites"),
    Column("hte_Type", "victim_context.route_events[].type"),
    Column("hte_Date", "victim_context.route_events[].date"),
    Column("hte_Place", "victim_context.route_events[].place"),
    Column("hte_Country", "victim_context.route_events[].country"),
    Column("hte_Description", "victim_context.route_events[].description"),
    Column("per_RoleInProcess", "victim_context.perpetrators[].role"),
    Column("per_RoleDetails", "victim_context.perpetrators[].details"),
)

# Our values of case columns, in HTCDS spelling.
CASE_STATUS = {"active": "Active", "follow_up": "FollowUp", "closed": "Closed", "closed_referred": "ClosedReferred"}
_S = htcds.TraffickingStatus
TRAFFICKING_STATUS = {"possible": _S.POSSIBLE, "presumed": _S.POSSIBLE, "identified": _S.ACTUAL,
                      "not_a_victim": _S.NOT_A_VICTIM}
_T = htcds.DecidingOrganisationType
DECIDING_SECTOR = {"law_enforcement": _T.POLICE, "ngo": _T.NGO, "prosecution": _T.COURT, "judiciary": _T.COURT,
                   "border_migration": _T.NON_POLICE_GOVERNMENT, "social_services": _T.NON_POLICE_GOVERNMENT,
                   "labour_inspection": _T.NON_POLICE_GOVERNMENT, "coordinator_rapporteur": _T.NON_POLICE_GOVERNMENT,
                   "health": _T.NON_POLICE_GOVERNMENT}
MULTI_SEPARATOR = "; "  # between the values of one cell in CSV and XLSX
# Imported columns outside the two documents: their longest text (as case_create allows).
PLAIN_MAX_LENGTH = {"case.pseudonym": 64, "case.summary": 10_000, "person.given_name": 200,
                    "person.middle_name": 200, "person.family_name": 200, "person.identity_number": 64}


def single_columns() -> list[Column]:
    return [c for c in MAPPING if not c.group]


def group_columns(group: str) -> list[Column]:
    return [c for c in MAPPING if c.group == group]


def flat_header() -> list[str]:
    """The columns of a CSV or XLSX export, in order."""
    names = [c.name for c in single_columns()]
    for group in (ROUTE, PERPETRATORS):
        for number in range(1, GROUP_SIZE[group] + 1):
            names += [c.flat_name(number) for c in group_columns(group)]
    return names


def flat_columns() -> dict[str, tuple[Column, int]]:
    """Every flat column name -> its mapping entry and its group number (0 outside groups)."""
    found = {c.name: (c, 0) for c in single_columns()}
    for group in (ROUTE, PERPETRATORS):
        for number in range(1, GROUP_SIZE[group] + 1):
            found.update({c.flat_name(number): (c, number) for c in group_columns(group)})
    return found


@lru_cache(maxsize=4096)  # an import asks the same few hundred paths for every rejected row
def column_of_error(section: str, path: str) -> str:
    """The flat column a validation error path belongs to: ("victim_context", "route_events.2.date") ->
    "hte3_Date"."""
    parts = path.split(".")
    if section == "victim_context" and parts[0] in GROUP_PREFIX and len(parts) >= 3 and parts[1].isdigit():
        for column in group_columns(parts[0]):
            if column.key == parts[2]:
                return column.flat_name(int(parts[1]) + 1)
    for column in single_columns():
        if column.section == section and column.key == parts[0]:
            return column.name
    return parts[0]


# --- The documentation ---------------------------------------------------------------------------

def _values(column: Column) -> str:
    spec = column.spec()
    if column.path == "case.status":
        return ", ".join(CASE_STATUS.values())
    if column.path == "case.trafficking_status":
        return ", ".join(htcds.TraffickingStatus.values)
    if column.path == "case.deciding_organisation":
        return ", ".join(htcds.DecidingOrganisationType.values)
    if column.path in ("person.birth_date", "case.created_at"):
        return "YYYY-MM-DD"
    if spec is None:
        return f"text, at most {PLAIN_MAX_LENGTH[column.path]} characters" if column.imported else "text"
    if spec.vocabulary is not None:
        many = "one or more of" if spec.kind == htcds.CHOICES else "one of"
        return f"{many} `{spec.vocabulary.__name__}`"
    return {htcds.TEXT: f"text, at most {spec.max_length} characters", htcds.INT: f"0 to {spec.maximum}",
            htcds.COUNTRY: "ISO 3166 alpha-2", htcds.COUNTRIES: "ISO 3166 alpha-2, one or more",
            htcds.LANGUAGE: "ISO 639-2, three lower-case letters", htcds.EMAIL: "e-mail address",
            htcds.PHONE: "phone number",
            htcds.DATE: "YYYY-MM-DD, not in the future",
            htcds.TEXTS: f"texts, at most {spec.max_length}"}[spec.kind]


def mapping_markdown() -> str:
    """docs/htcds-mapping.md, in English."""
    from django.utils import translation

    with translation.override("en"):
        lines = [
            "# HTCDS 2.0 mapping",
            "",
            "Generated from `src/alliance/cases/htcds/mapping.py` by "
            "`python -m alliance.cases.htcds.mapping > docs/htcds-mapping.md`; a test fails when they differ.",
            "",
            "Exports (CSV, XLSX, JSON) carry every column below; a case shared with a limited scope carries only "
            "the columns marked *limited*. Imports (CSV, XLSX, JSON) read the columns marked *imported*, accept "
            "the others and ignore them, and refuse any column not listed. In CSV and XLSX, several values in "
            f"one cell are separated by `{MULTI_SEPARATOR.strip()} `, route events (hte) and perpetrators (per) "
            f"are numbered column groups (`hte1_Type` ... `hte{htcds.MAX_ROUTE_EVENTS}_Type`, `per1_RoleInProcess` "
            f"... `per{htcds.MAX_PERPETRATORS}_RoleInProcess`), and a text starting with `'` has that apostrophe "
            "removed on import (exports put it before a text starting with `=`, `+`, `-`, `@`, `|` or `'`, so "
            "that no spreadsheet runs a formula). Cells holding a formula are refused. Codes are matched without "
            "regard to case.",
            "",
            "| HTCDS field | Alliance field | Values | Limited | Imported | Notes |",
            "|---|---|---|---|---|---|",
        ]
        for column in MAPPING:
            name = f"`{column.name}`" + (" (extension)" if column.extension else "")
            lines.append(f"| {name} | `{column.path}` | {_values(column)} | {'yes' if column.limited else ''} "
                         f"| {'yes' if column.imported else ''} | {column.note} |")
        lines += ["", "## Vocabularies", ""]
        for vocabulary in _vocabularies():
            lines += [f"### {vocabulary.__name__}", "", "| Code | Label |", "|---|---|"]
            lines += [f"| `{code}` | {label} |" for code, label in vocabulary.choices]
            lines.append("")
    return "\n".join(lines)


def _vocabularies() -> list[type]:
    seen: list[type] = []
    for spec in (*htcds.PERSON_FIELDS, *htcds.VICTIM_FIELDS, *htcds.ROUTE_EVENT_FIELDS,
                 *htcds.PERPETRATOR_FIELDS):
        if spec.vocabulary is not None and spec.vocabulary not in seen:
            seen.append(spec.vocabulary)
    return [*seen, htcds.TraffickingStatus, htcds.DecidingOrganisationType, htcds.SupportType]


if __name__ == "__main__":
    import django

    django.setup()
    print(mapping_markdown())
