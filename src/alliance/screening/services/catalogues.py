"""The catalogue editor: a new version is a draft copied from a published one; an administrator adds or
corrects its question texts language by language and publishes it once every question has a text in every
supported language. A published version never changes (old screenings are explained with the version they
used); it can only be retired, and the interview then uses the newest published version still in use.

Catalogues hold no personal data and belong to the installation, not to a realm or an organisation. Every
write needs catalogue.edit (system administrators), runs in one transaction and is audited ("admin" on
"catalogue"); bad input raises ValidationFailed and changes nothing. The reads at the end apply the one rule
about who sees what: drafts are shown to catalogue editors only.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
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
from alliance.screening.domain import languages
from alliance.screening.domain.interview import INTERVIEW_CATALOGUES
from alliance.screening.models import Catalogue

VERSION = re.compile(r"^[0-9]{4}\.[1-9][0-9]{0,5}$")  # YYYY.N, as the shipped files are numbered
MAX_TEXT = 500
MAX_TITLE = 200


def _require_editor(actor: Actor) -> None:
    if not policy.may_edit_catalogues(actor):
        raise Forbidden(R.CATALOGUE_EDIT)


def _locked(catalogue_id: int) -> Catalogue:
    row = Catalogue.objects.select_for_update().filter(pk=catalogue_id).first()
    if row is None:
        raise NotFound("catalogue")
    return row


def _require_draft(row: Catalogue) -> None:
    if not row.is_draft:
        raise ValidationFailed(_("%(code)s %(version)s is published, and a published version never changes: "
                                 "make a new draft version and edit that.")
                               % {"code": row.code, "version": row.version})


def _record(actor: Actor, row: Catalogue, fields: list[str], reason: str) -> None:
    audit.record(actor=actor, action="admin", object_type="catalogue", object_id=row.pk, fields=fields,
                 reason=reason)


def catalogue_draft(*, actor: Actor, catalogue_id: int, version: str) -> Catalogue:
    """A new draft version of a catalogue, copied from one of its published versions."""
    _require_editor(actor)
    version = version.strip() if isinstance(version, str) else ""
    if not VERSION.match(version):
        raise ValidationFailed({"version": [_("Give the version as the year, a dot and a number, e.g. 2026.2.")]})
    try:
        with transaction.atomic():
            source = Catalogue.objects.filter(pk=catalogue_id).first()
            if source is None:
                raise NotFound("catalogue")
            if source.is_draft:
                raise ValidationFailed(_("A new version is made from a published version, not from a draft."))
            if Catalogue.objects.filter(code=source.code, version=version).exists():
                raise ValidationFailed({"version": [_("%(code)s already has a version %(version)s.")
                                                    % {"code": source.code, "version": version}]})
            content = copy.deepcopy(source.content)
            content["version"] = version
            row = Catalogue.objects.create(
                code=source.code, version=version, title=source.title, kind=source.kind, content=content,
                sha256=catalogues.fingerprint(content), published_at=None, based_on=source,
                created_by_id=actor.user_id)
            _record(actor, row, ["version"], f"draft {row.code} {version} from {source.version}")
    except IntegrityError:
        # The same version was made at the same moment by another request.
        raise ValidationFailed({"version": [_("This version already exists.")]}) from None
    return row


def catalogue_set_texts(*, actor: Actor, catalogue_id: int, language: str, texts: dict[str, str]) -> Catalogue:
    """Set the question texts of a draft in one language: {indicator id: text}. A blank text removes it
    (the draft then cannot be published until it is filled in again).

    The language is one of the nine built in or an added one (screening/domain/languages.py). An added language
    is then carried by the draft (its content's "languages"), which cannot be published until every question
    has a text in it; a draft left with no text at all in an added language no longer carries it."""
    _require_editor(actor)
    if not isinstance(language, str) or not languages.is_known(language):
        raise ValidationFailed({"language": [_("Choose one of the supported languages: %(codes)s.")
                                             % {"codes": ", ".join(_known_codes())}]})
    if not isinstance(texts, dict):
        raise ValidationFailed({"texts": [_("Give the texts by indicator.")]})
    with transaction.atomic():
        row = _locked(catalogue_id)
        _require_draft(row)
        content = copy.deepcopy(row.content)
        by_id = {item["id"]: item for item in content.get("indicators", [])}
        errors: dict[str, list[str]] = {}
        clean: dict[str, str] = {}
        for ident, text in texts.items():
            if ident not in by_id:
                errors.setdefault("texts", []).append(_("Unknown indicator %(id)s.") % {"id": str(ident)[:64]})
            elif not isinstance(text, str):
                errors.setdefault(ident, []).append(_("The question is text."))
            elif len(text.strip()) > MAX_TEXT:
                errors.setdefault(ident, []).append(_("At most %(max)d characters.") % {"max": MAX_TEXT})
            elif text.strip()[:1] in catalogues.FORMULA_STARTS:
                # The XLSForm export is a spreadsheet: such a text would be read as a formula there.
                errors.setdefault(ident, []).append(_("A question may not start with =, +, - or @."))
            else:
                clean[ident] = text.strip()
        if errors:
            raise ValidationFailed(errors)
        changed = []
        for ident, text in clean.items():
            question = dict(by_id[ident].get("question") or {})
            if question.get(language, "") == text:
                continue
            if text:
                question[language] = text
            else:
                question.pop(language, None)
            by_id[ident]["question"] = question
            changed.append(ident)
        carried = _carry(content, language)
        if changed or carried:
            row.content = content
            row.sha256 = catalogues.fingerprint(content)
            row.save(update_fields=["content", "sha256"])
            fields = [f"question.{language}"] if changed else []
            _record(actor, row, [*fields, "languages"] if carried else fields,
                    f"{len(changed)} question(s) in {language}" + (f"; languages {carried}" if carried else ""))
    return row


def _known_codes() -> list[str]:
    return [*languages.CODES, *languages.registered().values_list("code", flat=True)]


def _carry(content: dict, language: str) -> str:
    """Keep an added language in the draft's "languages" while any question has a text in it. Returns
    "added" or "removed" when the list changed, "" otherwise."""
    if language in languages.CODES:
        return ""
    listed = languages.extra_codes(content)
    used = any(str((item.get("question") or {}).get(language, "")).strip() for item in content.get("indicators", []))
    if used and language not in listed:
        content["languages"] = [*listed, language]
        return "added"
    if not used and language in listed:
        remaining = [code for code in listed if code != language]
        if remaining:
            content["languages"] = remaining
        else:
            content.pop("languages", None)
        return "removed"
    return ""


def catalogue_set_title(*, actor: Actor, catalogue_id: int, title: str) -> Catalogue:
    _require_editor(actor)
    title = title.strip() if isinstance(title, str) else ""
    if not title or len(title) > MAX_TITLE:
        raise ValidationFailed({"title": [_("Give a title of at most %(max)d characters.") % {"max": MAX_TITLE}]})
    with transaction.atomic():
        row = _locked(catalogue_id)
        _require_draft(row)
        if row.title != title:
            content = copy.deepcopy(row.content)
            content["title"] = title
            row.title, row.content, row.sha256 = title, content, catalogues.fingerprint(content)
            row.save(update_fields=["title", "content", "sha256"])
            _record(actor, row, ["title"], "title")
    return row


def _missing_by_language(content: dict) -> dict[str, int]:
    """Language code -> how many questions have no text in it (languages with none missing left out), in
    the order of languages.CODES, then the added languages the version carries."""
    counts = Counter(code for _ident, code in catalogues.missing_texts(content))
    return {code: counts[code] for code in catalogues.required_languages(content) if counts[code]}


def catalogue_publish(*, actor: Actor, catalogue_id: int) -> Catalogue:
    """Publish a draft: refused while any language misses any question. From then on it is the version the
    interview uses (the newest published one not retired)."""
    _require_editor(actor)
    with transaction.atomic():
        row = _locked(catalogue_id)
        if not row.is_draft:
            raise ValidationFailed(_("%(code)s %(version)s is already published.")
                                   % {"code": row.code, "version": row.version})
        missing = _missing_by_language(row.content)
        if missing:
            raise ValidationFailed({"__all__": [
                ngettext("%(language)s: %(count)d question missing", "%(language)s: %(count)d questions missing",
                         count) % {"language": code, "count": count}
                for code, count in missing.items()]})
        try:
            catalogues.check(row.content, f"{row.code} {row.version}", complete=True)
        except catalogues.CatalogueError as exc:
            raise ValidationFailed({"__all__": exc.problems}) from None
        if row.content.get("code") != row.code or row.content.get("version") != row.version:
            raise ValidationFailed(_("The content names another catalogue or version."))
        row.published_at = timezone.now()
        row.sha256 = catalogues.fingerprint(row.content)
        row.save(update_fields=["published_at", "sha256"])
        _record(actor, row, ["published_at"], f"publish {row.code} {row.version}")
    return row


def catalogue_retire(*, actor: Actor, catalogue_id: int) -> Catalogue:
    """Retire a published version. The interview's catalogues always keep one version in use."""
    _require_editor(actor)
    with transaction.atomic():
        row = _locked(catalogue_id)
        if row.is_draft:
            raise ValidationFailed(_("Only a published version can be retired."))
        if row.retired_at is not None:
            raise ValidationFailed(_("%(code)s %(version)s is already retired.")
                                   % {"code": row.code, "version": row.version})
        in_use = (Catalogue.objects.select_for_update()
                  .filter(code=row.code, published_at__isnull=False, retired_at__isnull=True).exclude(pk=row.pk))
        if row.code in INTERVIEW_CATALOGUES and not in_use.exists():
            raise ValidationFailed(_("%(code)s %(version)s is the only version of this catalogue in use and the "
                                     "interview needs it: publish a new version first.")
                                   % {"code": row.code, "version": row.version})
        row.retired_at = timezone.now()
        row.save(update_fields=["retired_at"])
        _record(actor, row, ["retired_at"], f"retire {row.code} {row.version}")
    return row


# Reads ------------------------------------------------------------------------------------------------------

def catalogues_visible(*, actor: Actor) -> QuerySet:
    """Every version the actor may see: editors see drafts too; everyone else only published versions."""
    if not actor.is_authenticated:
        raise Forbidden("authenticated")
    rows = Catalogue.objects.order_by("code", "loaded_at", "id")
    return rows if policy.may_edit_catalogues(actor) else rows.filter(published_at__isnull=False)


def catalogue_visible(*, actor: Actor, code: str, version: str) -> Catalogue:
    row = catalogues_visible(actor=actor).filter(code=code, version=version).first()
    if row is None:
        raise NotFound("catalogue")
    return row


def suggested_version(*, code: str) -> str:
    """A free version number to offer in the editor: this year, after the highest number used this year."""
    year = timezone.now().year
    used = Catalogue.objects.filter(code=code, version__startswith=f"{year}.").values_list("version", flat=True)
    numbers = [int(v.split(".", 1)[1]) for v in used if v.split(".", 1)[1].isdigit()]
    return f"{year}.{max(numbers, default=0) + 1}"


def catalogue_for_editor(*, actor: Actor, catalogue_id: int) -> Catalogue:
    _require_editor(actor)
    row = Catalogue.objects.filter(pk=catalogue_id).first()
    if row is None:
        raise NotFound("catalogue")
    return row


@dataclass(frozen=True)
class Completeness:
    complete: int  # languages with every question
    total: int
    missing: dict[str, int]  # language code -> questions without a text

    @property
    def is_complete(self) -> bool:
        return not self.missing


def completeness(*, catalogue: Catalogue) -> Completeness:
    """Over the nine built-in languages and the added ones the version carries."""
    missing = _missing_by_language(catalogue.content)
    total = len(catalogues.required_languages(catalogue.content))
    return Completeness(complete=total - len(missing), total=total, missing=missing)
