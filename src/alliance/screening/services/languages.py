"""The language editor: a system administrator adds an interview language beyond the nine built in (its
code, its name in the language itself, its writing direction), translates the fixed phrases read to the
person (the keys of phrases.json, with the English beside each) and publishes it once every phrase has a
text. The interview offers it once, in addition, every catalogue version it uses carries every question in
it (the catalogue editor, services/catalogues.py): see languages.offered.

Like the catalogues, languages hold no personal data and belong to the installation. Every write needs
catalogue.edit (system administrators), runs in one transaction and is audited ("admin" on
"interview_language"); bad input raises ValidationFailed and changes nothing. A published language stays
published: its phrases may be corrected, never left blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.screening.domain import catalogue as catalogues
from alliance.screening.domain import languages, phrases
from alliance.screening.domain.interview import INTERVIEW_CATALOGUES
from alliance.screening.models import InterviewLanguage

MAX_NAME = 60
MAX_PHRASE = 1000
# The nine built in, also under their three-letter codes: an added language may not be one of them again.
RESERVED = frozenset(languages.CODES) | frozenset(languages.ISO_639_2.values())


def _require_editor(actor: Actor) -> None:
    if not policy.may_edit_catalogues(actor):
        raise Forbidden(R.CATALOGUE_EDIT)


def _record(actor: Actor, row: InterviewLanguage, fields: list[str], reason: str) -> None:
    audit.record(actor=actor, action="admin", object_type="interview_language", object_id=row.pk, fields=fields,
                 reason=reason)


def _locked(code: str) -> InterviewLanguage:
    row = InterviewLanguage.objects.select_for_update().filter(code=code).first() if isinstance(code, str) else None
    if row is None:
        raise NotFound("interview_language")
    return row


def _clean_name(name, errors: dict[str, list[str]]) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > MAX_NAME:
        errors.setdefault("name", []).append(
            _("Give the language's name, as its speakers write it, in at most %(max)d characters.") % {"max": MAX_NAME})
    return name


def _clean_direction(direction, errors: dict[str, list[str]]) -> str:
    if direction not in languages.DIRECTIONS:
        errors.setdefault("direction", []).append(_("Choose left to right (ltr) or right to left (rtl)."))
    return direction


def language_add(*, actor: Actor, code: str, name: str, direction: str) -> InterviewLanguage:
    """A new interview language, being prepared: its phrases are still to be translated."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    code = code.strip() if isinstance(code, str) else ""
    if not languages.CODE.match(code):
        errors.setdefault("code", []).append(
            _("Give the ISO 639 code of the language: two or three lowercase letters, e.g. ur or ckb."))
    elif code in RESERVED:
        errors.setdefault("code", []).append(
            _("%(code)s is one of the nine built-in languages, which every catalogue already has.") % {"code": code})
    name = _clean_name(name, errors)
    direction = _clean_direction(direction, errors)
    if not errors and InterviewLanguage.objects.filter(code=code).exists():
        errors["code"] = [_("The language %(code)s is already added.") % {"code": code}]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            row = InterviewLanguage.objects.create(code=code, name=name, direction=direction,
                                                   phrases=dict.fromkeys(phrases.phrase_keys(), ""),
                                                   created_by_id=actor.user_id)
            _record(actor, row, ["code", "name", "direction"], f"add {code}")
    except IntegrityError:
        # The same code was added at the same moment by another request.
        raise ValidationFailed({"code": [_("The language %(code)s is already added.") % {"code": code}]}) from None
    return row


def language_update(*, actor: Actor, code: str, texts: dict[str, str], name: str | None = None,
                    direction: str | None = None) -> InterviewLanguage:
    """Set phrases ({phrase key: text}; a blank text removes it while the language is being prepared) and,
    when given, the name and the direction. A published language keeps a text for every phrase."""
    _require_editor(actor)
    if not isinstance(texts, dict):
        raise ValidationFailed({"texts": [_("Give the texts by phrase.")]})
    known = phrases.phrase_keys()
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for key, text in texts.items():
        if key not in known:
            errors.setdefault("texts", []).append(_("Unknown phrase %(key)s.") % {"key": str(key)[:64]})
        elif not isinstance(text, str):
            errors.setdefault(key, []).append(_("The phrase is text."))
        elif len(text.strip()) > MAX_PHRASE:
            errors.setdefault(key, []).append(_("At most %(max)d characters.") % {"max": MAX_PHRASE})
        elif text.strip()[:1] in catalogues.FORMULA_STARTS:
            # The XLSForm export is a spreadsheet: such a text would be read as a formula there.
            errors.setdefault(key, []).append(_("A phrase may not start with =, +, - or @."))
        else:
            clean[key] = text.strip()
    if name is not None:
        name = _clean_name(name, errors)
    if direction is not None:
        direction = _clean_direction(direction, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row = _locked(code)
        current = {key: str((row.phrases or {}).get(key) or "").strip() for key in known}
        updated = {**current, **clean}
        if row.is_published:
            blank = [key for key in known if not updated[key]]
            if blank:
                raise ValidationFailed({key: [_("A published language keeps a text for every phrase.")]
                                        for key in blank})
        fields = [f"phrases.{key}" for key in known if updated[key] != current[key]]
        if updated != (row.phrases or {}):
            row.phrases = updated
        if name is not None and name != row.name:
            row.name = name
            fields.append("name")
        if direction is not None and direction != row.direction:
            row.direction = direction
            fields.append("direction")
        if fields:
            row.save(update_fields=["phrases", "name", "direction"])
            _record(actor, row, fields, f"edit {row.code}")
    return row


def missing_phrases(*, language: InterviewLanguage) -> list[str]:
    """The phrase keys the language has no text for, in the order of phrases.json."""
    found = language.phrases if isinstance(language.phrases, dict) else {}
    return [key for key in phrases.phrase_keys() if not str(found.get(key) or "").strip()]


def language_publish(*, actor: Actor, code: str) -> InterviewLanguage:
    """Publish a language: refused while any phrase is missing. The interview offers it once the catalogue
    versions it uses carry every question in it too."""
    _require_editor(actor)
    with transaction.atomic():
        row = _locked(code)
        if row.is_published:
            raise ValidationFailed(_("%(name)s (%(code)s) is already published.")
                                   % {"name": row.name, "code": row.code})
        missing = missing_phrases(language=row)
        if missing:
            raise ValidationFailed({"__all__": [
                ngettext("%(code)s: %(count)d phrase missing (%(keys)s)",
                         "%(code)s: %(count)d phrases missing (%(keys)s)", len(missing))
                % {"code": row.code, "count": len(missing), "keys": ", ".join(missing)}]})
        row.published_at = timezone.now()
        row.save(update_fields=["published_at"])
        _record(actor, row, ["published_at"], f"publish {row.code}")
    return row


# Reads ------------------------------------------------------------------------------------------------------

def languages_for_editor(*, actor: Actor) -> QuerySet:
    _require_editor(actor)
    return languages.registered()


def language_for_editor(*, actor: Actor, code: str) -> InterviewLanguage:
    _require_editor(actor)
    row = languages.registered().filter(code=code).first() if isinstance(code, str) else None
    if row is None:
        raise NotFound("interview_language")
    return row


@dataclass(frozen=True)
class Coverage:
    """Where a language stands in the current catalogue versions (the newest published of each)."""

    complete: tuple[str, ...]  # catalogue codes whose current version carries every question in it
    missing: tuple[str, ...]  # the others

    @property
    def interview_missing(self) -> tuple[str, ...]:
        """The catalogues the interview uses that do not have it yet: it is not offered until none is left."""
        return tuple(code for code in self.missing if code in INTERVIEW_CATALOGUES)


def coverage(*, code: str, current: list) -> Coverage:
    if code in languages.CODES:
        return Coverage(complete=tuple(row.code for row in current), missing=())
    done = tuple(row.code for row in current if languages.carries(row.content, code))
    return Coverage(complete=done, missing=tuple(row.code for row in current if row.code not in done))
