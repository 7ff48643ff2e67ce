"""The column mappings an actor can pick for a spreadsheet: the shipped presets and their agency's own."""

from __future__ import annotations

import yaml

from alliance.core.actor import Actor
from alliance.investigations.domain.mappings import presets
from alliance.investigations.models import ImportMapping, Source


def _saved(actor: Actor):
    return ImportMapping.objects.filter(realm_id=actor.realm_id, organisation_id=actor.organisation_id)


def mapping_choices_for(*, actor: Actor) -> list[tuple[str, str]]:
    kinds = dict(Source.Kind.choices)
    choices = [(f"preset:{name}", f"{kinds.get(name, name)} (Alliance preset)") for name in sorted(presets())]
    choices += [(f"saved:{m.pk}", f"{m.name} ({kinds.get(m.source_kind, m.source_kind)})")
                for m in _saved(actor).order_by("name")]
    return choices


def mapping_text_for(*, actor: Actor, choice: str, source_kind: str) -> str:
    """The YAML of the chosen mapping; without a choice, the preset of the source's kind (or "")."""
    if choice.startswith("saved:") and choice[6:].isdigit():
        saved = _saved(actor).filter(pk=int(choice[6:])).first()
        if saved is not None:
            return yaml.safe_dump({"entities": saved.entities}, allow_unicode=True, sort_keys=False)
    name = choice[7:] if choice.startswith("preset:") else source_kind
    return presets().get(name, "")
