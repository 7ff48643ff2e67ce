"""The layout a newcomer can guess (docs/architecture.md): each domain app keeps its layers in packages of
the same names, and no layer hides in a loose module beside them. The next pillars copy what they find, so a
stray `casefile_selectors.py` or `forms_details.py` fails here rather than becoming the pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parents[2] / "src" / "alliance"
LAYERED_APPS = ("cases", "screening", "investigations", "exercises")
LAYERS = ("models", "selectors", "services", "forms", "views", "api")
# A layer's name inside a loose module's name: selectors_details.py, referral_forms.py, htcds_io.py's kin.
LOOSE_LAYER = re.compile(r"(^|_)(models?|selectors?|services?|forms?|views?|api)(_|$)")


@pytest.mark.parametrize("app", LAYERED_APPS)
@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_is_a_package(app, layer):
    package = APPS_DIR / app / layer
    assert (package / "__init__.py").is_file(), f"{app}/{layer}/ should be a package (docs/architecture.md)"
    assert not (APPS_DIR / app / f"{layer}.py").exists(), f"{app}/{layer}.py beside the {layer}/ package"


@pytest.mark.parametrize("app", LAYERED_APPS)
def test_no_layer_hides_in_a_loose_module(app):
    loose = sorted(p.name for p in (APPS_DIR / app).glob("*.py") if LOOSE_LAYER.search(p.stem))
    assert loose == [], f"move {loose} into the layer packages of {app}/ (docs/architecture.md)"


@pytest.mark.parametrize("app", LAYERED_APPS)
def test_layer_modules_are_named_by_area_not_by_layer(app):
    """Inside a layer package the module says which area it serves (selectors/casefile.py), not the layer
    again (selectors/casefile_selectors.py)."""
    offenders = sorted(f"{layer}/{p.name}" for layer in LAYERS for p in (APPS_DIR / app / layer).glob("*.py")
                       if p.stem != "__init__" and LOOSE_LAYER.search(p.stem))
    assert offenders == []


def test_the_rule_finds_a_loose_module():
    """The pattern itself: it must catch the names the old layout used."""
    for stem in ("casefile_selectors", "selectors_details", "forms_details", "referral_forms", "models"):
        assert LOOSE_LAYER.search(stem), stem
    for stem in ("nrm", "htcds", "uploads", "timeline", "deidentify", "apps", "urls", "tasks"):
        assert not LOOSE_LAYER.search(stem), stem
