"""The scenario package format (exercises/domain/scenario_package): the shipped packages are valid, and every
kind of damage to them is refused whole, with the right file and line."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.exercises.domain import scenario_package as sp
from alliance.exercises.domain.scenario_package import plain_yaml
from alliance.exercises.domain.scenario_package import vocabulary as V
from tests.exercises.test_scenario_mutations import MUTATIONS, SHIPPED, SLUGS, shipped_files


def refused(files) -> list[sp.Problem]:
    with pytest.raises(sp.PackageRefused) as caught:
        sp.validate(files)
    return caught.value.problems


def test_three_packages_ship():
    assert SLUGS == ["dreamland-children-of-the-station", "dreamland-fields-and-scaffolds",
                     "dreamland-online-recruitment"]


@pytest.mark.parametrize("slug", SLUGS)
def test_each_shipped_package_is_valid_and_complete(slug):
    package = sp.read(SHIPPED / slug)
    assert package.slug == slug and package.languages == ("en", "ru")
    injects = package.content["msel.yaml"]["injects"]
    assert 10 <= len(injects) <= 15
    assert any("at" in i for i in injects) and any("trigger" in i for i in injects)
    assert {i["channel"] for i in injects} == set(V.CHANNELS)
    cards = package.content["roleplayers.yaml"]["cards"]
    assert len(cards) >= 3 and {c["kind"] for c in cards} == set(V.CARD_KINDS)
    checks = {a["check"]["kind"] for a in package.content["expected_actions.yaml"]["expected_actions"]}
    assert len(package.content["expected_actions.yaml"]["expected_actions"]) >= 6
    assert {"screening_completed", "case_opened", "consent_before_sharing", "referral_accepted_by_sector"} <= checks
    assert any(e.media_type == "image/png" for e in package.evidence)


def test_the_scenarios_cover_their_themes():
    actions = {slug: sp.read(SHIPPED / slug).content["expected_actions.yaml"]["expected_actions"] for slug in SLUGS}
    kinds = {slug: {a["check"].get("exploitation_type") or a["check"]["kind"] for a in items}
             for slug, items in actions.items()}
    assert "SexualExploitation" in kinds["dreamland-online-recruitment"]
    assert {"ForcedLabour", "financial_investigation_requested"} <= kinds["dreamland-fields-and-scaffolds"]
    assert {"ForcedBegging", "child_procedure_started"} <= kinds["dreamland-children-of-the-station"]
    labour = sp.read(SHIPPED / "dreamland-fields-and-scaffolds")
    assert sum(e.media_type == "text/csv" for e in labour.evidence) >= 2  # bank statements, transfers


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.sampled_from(SLUGS), index=st.integers(min_value=0, max_value=500))
def test_a_damaged_package_is_refused_with_file_and_line(mutation, slug, index):
    files, expected = MUTATIONS[mutation](shipped_files(slug), index)
    problems = refused(files)
    assert any(p.file == expected.file and p.line == expected.line and expected.words in p.reason
               for p in problems), (expected, problems)


def test_a_problem_reads_path_line_reason():
    problem = sp.Problem("msel.yaml", 12, "unknown recipient role 'x'")
    assert problem.located("pkg") == "pkg/msel.yaml:12: unknown recipient role 'x'"
    assert sp.Problem("", 0, "not a zip archive").located("a.zip") == "a.zip:0: not a zip archive"


def test_every_problem_is_reported_not_only_the_first():
    files = shipped_files("dreamland-online-recruitment")
    files, first = MUTATIONS["unknown_recipient"](files, 0)
    files, second = MUTATIONS["missing_evidence"](files, 0)
    located = {(p.file, p.line) for p in refused(files)}
    assert {(first.file, first.line), (second.file, second.line)} <= located


def test_a_missing_file_is_named():
    files = shipped_files("dreamland-online-recruitment")
    del files["roleplayers.yaml"]
    assert any(p.file == "roleplayers.yaml" and "missing" in p.reason for p in refused(files))


def test_an_unreferenced_or_disguised_evidence_file_is_refused():
    files = shipped_files("dreamland-online-recruitment")
    problems = refused({**files, "evidence/extra.md": b"# stray"})
    assert any(p.file == "evidence/extra.md" and "no inject" in p.reason for p in problems)
    problems = refused({**files, "evidence/id-scan.png": b"MZ\x90\x00 an executable"})
    assert any(p.file == "evidence/id-scan.png" and "not image/png" in p.reason for p in problems)
    problems = refused({**files, "evidence/run.exe": b"MZ"})
    assert any(p.file == "evidence/run.exe" and "not an evidence type" in p.reason for p in problems)


def test_a_capability_target_of_another_objective_is_refused():
    files = shipped_files("dreamland-online-recruitment")
    text = files["expected_actions.yaml"].decode().replace("capability_target: ct-money", "capability_target: ct-case")
    problems = refused({**files, "expected_actions.yaml": text.encode()})
    assert any("serves objective 'lo-identify'" in p.reason for p in problems)


def test_a_trigger_waiting_for_a_sector_nobody_has_never_fires():
    files = shipped_files("dreamland-online-recruitment")
    text = files["msel.yaml"].decode().replace("{event: referral_accepted, sector: ngo}",
                                               "{event: referral_accepted, sector: health}")
    problems = refused({**files, "msel.yaml": text.encode()})
    assert any("no agency of sector 'health'" in p.reason and p.file == "msel.yaml" for p in problems)


def test_a_trigger_waiting_for_a_catalogue_the_interview_never_asks_never_fires():
    """ilo-11 is a shipped catalogue, but the reception interview asks others: no screening ever completes it."""
    files = shipped_files("dreamland-fields-and-scaffolds")
    text = files["msel.yaml"].decode()
    assert "catalogue: ilo-ec-operational}" in text
    problems = refused({**files, "msel.yaml": text.replace("catalogue: ilo-ec-operational}",
                                                            "catalogue: ilo-11}").encode()})
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "catalogue: ilo-ec-operational}" in row)
    assert any(p.file == "msel.yaml" and p.line == line and "never asks catalogue 'ilo-11'" in p.reason
               for p in problems)


def test_a_real_country_or_a_role_the_sector_cannot_give_is_refused():
    files = shipped_files("dreamland-online-recruitment")
    world = files["world.yaml"].decode()
    problems = refused({**files, "world.yaml": world.replace("  - code: XT\n", "  - code: XA\n").encode()})
    assert any("not one of the fictitious States" in p.reason or "String should match" in p.reason
               for p in problems)
    bad = world.replace("{id: social-trainee, played_by: social-worker, platform_roles: [trainee]}",
                        "{id: social-trainee, played_by: social-worker, platform_roles: [investigator]}")
    problems = refused({**files, "world.yaml": bad.encode()})
    assert any("cannot be given in an agency of sector social_services" in p.reason for p in problems)


# --- the YAML reader on its own ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "line", "words"), [
    (b"a: 1\nb: &x [1]\nc: *x\n", 2, "anchor"),
    (b"a: 1\nb: *x\n", 2, "alias"),
    (b"a: !!binary aGVsbG8=\n", 1, "tag"),
    (b"a: !local x\n", 1, "tag"),
    (b"a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
    (b"a: 1\n\xc3\x28: 2\n", 2, "not UTF-8"),
    (b"a: [1, 2\n", 2, "not valid YAML"),
    (b"? [1, 2]\n: x\n", 1, "a key must be"),
    (b"1: x\n", 1, "a key must be"),
    (b"a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
])
def test_yaml_that_is_not_plain_data_is_refused(raw, line, words):
    with pytest.raises(plain_yaml.YamlRefused) as caught:
        plain_yaml.load(raw)
    assert caught.value.line == line and words in caught.value.reason


def test_a_billion_laughs_is_refused_before_it_expands():
    levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    with pytest.raises(plain_yaml.YamlRefused, match="anchor"):
        plain_yaml.load("\n".join(levels).encode())


def test_deep_or_wide_yaml_is_refused():
    with pytest.raises(plain_yaml.YamlRefused, match="nested"):
        plain_yaml.load(b"a: " + b"[" * 40 + b"]" * 40)
    with pytest.raises(plain_yaml.YamlRefused, match="values in one file"):
        plain_yaml.load(b"a: [" + b"1," * (V.MAX_YAML_NODES + 1) + b"1]")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_the_reader_never_fails_other_than_by_refusing(raw):
    try:
        document = plain_yaml.load(raw)
    except plain_yaml.YamlRefused as exc:
        assert exc.line >= 1
    else:
        assert () in document.lines


# YAML's own line breaks (NEL, LS, PS) and control characters do not survive PyYAML's dumper: not our reader.
_TEXT = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x85\u2028\u2029")


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(_TEXT, max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(_TEXT, min_size=1, max_size=8), inner, max_size=4), max_leaves=20))
def test_plain_data_reads_back_as_itself(value):
    import yaml

    assert plain_yaml.load(yaml.safe_dump({"v": value}, allow_unicode=True).encode()).data == {"v": value}


def test_the_documentation_names_every_event_check_and_channel():
    import re

    doc = (SHIPPED.parents[3] / "docs" / "scenario-packages.md").read_text(encoding="utf-8")
    for word in (*V.EVENTS, *V.CHECKS, *V.CHANNELS, *V.FILES, *V.CARD_KINDS, *V.PROFESSIONS, *V.SECTORS):
        assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", doc), word


def test_an_inject_waiting_for_a_cycle_never_fires_either():
    files = shipped_files("dreamland-online-recruitment")
    text = files["msel.yaml"].decode()
    text = text.replace("trigger: {after: inj-05, minutes: 30}", "trigger: {after: inj-07}")  # inj-06 -> inj-07
    text = text.replace("trigger: {after: inj-07, minutes: 20}", "trigger: {after: inj-09}")  # inj-08 -> inj-09
    text = text.replace('    at: "01:30"', "    trigger: {after: inj-08}")  # inj-09 -> inj-08: a cycle
    text = text.replace("trigger: {event: referral_accepted, sector: ngo}", "trigger: {after: inj-08}")  # inj-07
    reasons = [p.reason for p in refused({**files, "msel.yaml": text.encode()})]
    assert any("inj-08 -> inj-09 -> inj-08" in r for r in reasons), reasons
    assert "waits for inj-07, which can never fire (a cycle of after: triggers)" in reasons
    assert "waits for inj-08, which can never fire (a cycle of after: triggers)" in reasons  # inj-07 itself


def test_an_evidence_reference_cannot_climb_out():
    files = shipped_files("dreamland-online-recruitment")
    text = files["msel.yaml"].decode().replace("evidence: [evidence/job-advert.md]",
                                               "evidence: [evidence/../package.yaml]")
    problems = refused({**files, "msel.yaml": text.encode(), "evidence/job-advert.md": b""})
    assert any("a path inside evidence/" in p.reason and p.file == "msel.yaml" for p in problems)
