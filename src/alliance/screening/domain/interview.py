"""The reception interview, built from the published catalogues: which questions, in which sections, and
when a section is skipped.

Sections, in the order asked: the five-question mixed-migration screen; recruitment (the three recruitment
dimensions); conditions of work; coercion and abuse of vulnerability at destination; the child-specific
items. Skip logic: a person who has not worked yet (in transit) is not asked about conditions or
destination; only a child is asked the child items. The ILO/EC list used for scoring follows the person's
age (adults or children) and the type of work (labour, sexual exploitation, or both when not sure).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from alliance.screening.domain import catalogue as catalogues
from alliance.screening.domain import rules
from alliance.screening.models import Catalogue

SCREEN = "mixed-migration-5"
OPERATIONAL = "ilo-ec-operational"
CHILD = "child-specific"
INTERVIEW_CATALOGUES = (SCREEN, OPERATIONAL, CHILD)

ANSWERS = ("yes", "no", "unknown", "declined")
SOURCES = ("self_reported", "observed", "document")
SOURCE_LABELS = {"self_reported": _("Self-reported"), "observed": _("Observed"), "document": _("Document")}
ANSWER_LABELS = {"yes": _("Yes"), "no": _("No"), "unknown": _("Does not know"), "declined": _("Prefers not to answer")}

# (key, title for the interviewer, catalogue, dimensions or None for all, shown when)
_SECTIONS = (
    ("screen", _("Short screen"), SCREEN, None, "always"),
    ("recruitment", _("Recruitment and travel"), OPERATIONAL,
     (rules.DECEPTIVE_RECRUITMENT, rules.COERCIVE_RECRUITMENT, rules.ABUSIVE_RECRUITMENT), "always"),
    ("conditions", _("Conditions of work"), OPERATIONAL, (rules.EXPLOITATIVE_CONDITIONS,), "worked"),
    ("destination", _("Control at destination"), OPERATIONAL,
     (rules.COERCION_AT_DESTINATION, rules.ABUSE_AT_DESTINATION), "worked"),
    ("child", _("Child"), CHILD, None, "child"),
)


@dataclass(frozen=True)
class Question:
    catalogue: str
    indicator: str
    label: str  # the catalogue's own English label, for the interviewer's record
    text: dict[str, str]  # language code -> question
    observe: bool  # the interviewer observes it; the person is not asked
    dimension: str | None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    shown_when: str  # "always", "worked" (any work reported) or "child"
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Interview:
    catalogues: tuple[Catalogue, ...]
    sections: tuple[Section, ...]

    def catalogue(self, code: str) -> Catalogue:
        return next(c for c in self.catalogues if c.code == code)

    def question(self, code: str, indicator: str) -> Question | None:
        return self._index().get((code, indicator))

    def _index(self) -> dict[tuple[str, str], Question]:
        return {(q.catalogue, q.indicator): q for s in self.sections for q in s.questions}

    def section_of(self, code: str, indicator: str) -> Section | None:
        return next((s for s in self.sections for q in s.questions if (q.catalogue, q.indicator) == (code, indicator)),
                    None)


class InterviewUnavailable(Exception):
    """A catalogue the interview needs has no published version (run `alliance catalogues load`)."""


def current_interview() -> Interview:
    found = {code: catalogues.current(code) for code in INTERVIEW_CATALOGUES}
    missing = [code for code, row in found.items() if row is None]
    if missing:
        raise InterviewUnavailable(", ".join(missing))
    return interview_for(tuple(found[code] for code in INTERVIEW_CATALOGUES))


def interview_for(used: tuple[Catalogue, ...]) -> Interview:
    by_code = {c.code: c for c in used}
    sections = []
    for key, title, code, dimensions, shown_when in _SECTIONS:
        content = by_code[code].content
        questions = tuple(
            Question(catalogue=code, indicator=item["id"], label=item["label"], text=item.get("question", {}),
                     observe=bool(item.get("observe")), dimension=item.get("dimension"))
            for item in content["indicators"]
            if dimensions is None or item.get("dimension") in dimensions
        )
        sections.append(Section(key=key, title=str(title), shown_when=shown_when, questions=questions))
    return Interview(catalogues=used, sections=tuple(sections))


def lists_for(*, is_child: bool, work_type: str) -> tuple[str, ...]:
    """The ILO/EC lists the answers are scored against."""
    who = "children" if is_child else "adults"
    kinds = {"labour": ("labour",), "sexual": ("sexual",)}.get(work_type, ("labour", "sexual"))
    return tuple(f"{who}_{kind}" for kind in kinds)


def age_group_of(age: int) -> str:
    """The age group a stated age in years falls in, as the screening records it (0-11 and 12-17 are
    children)."""
    for upper, group in ((11, "0-11"), (17, "12-17"), (24, "18-24"), (34, "25-34"), (49, "35-49")):
        if age <= upper:
            return group
    return "50+"


def section_shown(section: Section, *, is_child: bool, work_type: str) -> bool:
    if section.shown_when == "child":
        return is_child
    if section.shown_when == "worked":
        return work_type != "none"
    return True
