"""Catalogues are versioned data: every shipped file is valid, loading is idempotent and all-or-nothing, and
a loaded version can never be changed under the screenings that used it."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alliance.cases.htcds.vocabulary import MethodOfControl
from alliance.screening.domain import languages, rules
from alliance.screening.domain.catalogue import CATALOGUE_DIR, CatalogueError, check, load_catalogues
from alliance.screening.models import Catalogue

SHIPPED = sorted(CATALOGUE_DIR.glob("*.json"))


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_catalogue_is_valid_and_crosswalked_to_htcds(path):
    content = check(_read(path), path.name)
    for indicator in content["indicators"]:
        assert set(indicator["methods_of_control"]) <= set(MethodOfControl.values)


def test_the_four_catalogues_of_the_issue_are_shipped():
    codes = {_read(p)["code"] for p in SHIPPED}
    assert codes == {"ilo-11", "ilo-ec-operational", "mixed-migration-5", "child-specific"}
    ilo = next(_read(p) for p in SHIPPED if _read(p)["code"] == "ilo-11")
    assert len(ilo["indicators"]) == 11
    operational = next(_read(p) for p in SHIPPED if _read(p)["code"] == "ilo-ec-operational")
    assert {i["dimension"] for i in operational["indicators"]} == set(rules.DIMENSIONS)
    assert set(operational["lists"]) == set(rules.LISTS)


def _operational():
    return {"code": "t", "version": "1", "title": "T", "kind": "operational", "lists": ["adults_labour",
            "children_labour"], "indicators": [{"id": "a", "label": "A", "dimension": rules.DECEPTIVE_RECRUITMENT,
                                                "ratings": {"adults_labour": "weak", "children_labour": "medium"},
                                                "methods_of_control": ["FalsePromises"],
                                                "question": {code: f"A? ({code})" for code in languages.CODES}}]}


@pytest.mark.parametrize(("change", "problem"), [
    (lambda c: c["indicators"].append(dict(c["indicators"][0])), "repeats"),
    (lambda c: c["indicators"][0].update(dimension="luck"), "unknown dimension"),
    (lambda c: c["indicators"][0]["ratings"].update(children_labour="weak"), "no weak tier"),
    (lambda c: c["indicators"][0]["ratings"].update(adults_labour="huge"), "unknown rating"),
    (lambda c: c["indicators"][0]["ratings"].pop("children_labour"), "a rating for each list"),
    (lambda c: c["indicators"][0].update(methods_of_control=["Charm"]), "method(s) of control"),
    (lambda c: c.update(kind="poll"), "kind must be"),
    (lambda c: c.update(extra=1), "unknown key"),
    (lambda c: c.update(indicators=[]), "at least one"),
])
def test_a_bad_catalogue_is_refused_with_the_problem_named(change, problem):
    content = _operational()
    check(content)
    change(content)
    with pytest.raises(CatalogueError) as caught:
        check(content)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_loading_is_idempotent_and_a_changed_version_is_refused(db, tmp_path):
    for path in SHIPPED:
        shutil.copy(path, tmp_path / path.name)
    first = load_catalogues(tmp_path)
    assert len(first.loaded) == len(SHIPPED) and first.unchanged == []
    again = load_catalogues(tmp_path)
    assert again.loaded == [] and len(again.unchanged) == len(SHIPPED)
    changed = _read(tmp_path / SHIPPED[0].name)
    changed["title"] += " (edited)"
    (tmp_path / SHIPPED[0].name).write_text(json.dumps(changed))
    (tmp_path / "zz-new.json").write_text(json.dumps(_operational()))
    with pytest.raises(CatalogueError, match="new version"):
        load_catalogues(tmp_path)
    # All or nothing: the new, valid file was not loaded either.
    assert not Catalogue.objects.filter(code="t").exists()


def test_a_broken_file_loads_nothing(db, tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(_operational()))
    (tmp_path / "b.json").write_bytes(b"\xff\xfe not json")
    with pytest.raises(CatalogueError, match="UTF-8 JSON"):
        load_catalogues(tmp_path)
    assert Catalogue.objects.count() == 0


def test_the_command_loads_and_lists(db):
    out = io.StringIO()
    call_command("catalogues", "load", stdout=out)
    assert f"{len(SHIPPED)} loaded" in out.getvalue()
    out = io.StringIO()
    call_command("catalogues", "list", stdout=out)
    assert "ilo-11 2012.1  11 indicators  in use" in out.getvalue()


def test_the_command_names_the_problem(db, monkeypatch, tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"code": "x"}))
    monkeypatch.setattr("alliance.screening.management.commands.catalogues.load_catalogues",
                        lambda: load_catalogues(tmp_path))
    with pytest.raises(CommandError, match=r"bad\.json: .*version is required"):
        call_command("catalogues", "load")
