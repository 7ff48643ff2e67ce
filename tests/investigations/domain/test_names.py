"""Cross-script person names: the same name under different schemes agrees, different names do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.investigations.domain.names import compare_names, latin_forms, name_parts, spelling_key


class TestLatinForms:
    def test_cyrillic_is_rendered_under_each_named_scheme(self):
        forms = latin_forms("Дмитрий Петренко")
        assert forms["icao_9303"] == "dmitrii petrenko"
        assert forms["bgn_pcgn"] == "dmitriy petrenko"
        assert forms["gost_7_79"] == "dmitrij petrenko"
        assert forms["ukrainian_2010"] == "dmytryi petrenko"
        assert {"kazakh_2021", "icu", "ascii"} <= forms.keys()

    def test_ukrainian_scheme_writes_word_initial_letters_as_the_resolution_says(self):
        assert latin_forms("Юлія Євтушенко")["ukrainian_2010"] == "yuliia yevtushenko"

    def test_kazakh_letters_are_rendered_not_left_in_cyrillic(self):
        forms = latin_forms("Жанар Қасымқызы")
        assert forms["kazakh_2021"] == "janar qasymqyzy"
        assert all(form.isascii() for form in forms.values())

    def test_arabic_goes_through_icu(self):
        assert latin_forms("محمد")["icu"] == "mhmd"

    def test_latin_passes_through_casefolded_without_accents(self):
        assert latin_forms("Zoë MÜLLER-Łukasz") == {"latin": "zoe muller lukasz"}


class TestNameParts:
    @pytest.mark.parametrize("spellings", [("dmitriy", "dmitrii", "dmitrij", "dmitry"), ("yulia", "iulia", "julia"),
                                           ("khabib", "habib"), ("olga", "olha"), ("mohammed", "muhammad", "mohamed")])
    def test_spellings_of_one_name_share_a_key(self, spellings):
        assert len({spelling_key(s) for s in spellings}) == 1

    def test_distinct_names_keep_distinct_keys(self):
        assert spelling_key("anna") != spelling_key("anya")
        assert spelling_key("ivan") != spelling_key("ilya")

    def test_patronymic_is_set_aside_in_either_order(self):
        assert name_parts("dmitriy ivanovich petrenko").parts == ("dmitriy", "petrenko")
        assert name_parts("petrenko dmitrii ivanovich").parts == ("petrenko", "dmitrii")
        assert name_parts("zhanar qasymqyzy alieva").patronymic is not None

    def test_a_surname_ending_in_ovich_is_not_taken_for_a_patronymic(self):
        assert name_parts("ivan abramovich").parts == ("ivan", "abramovich")

    def test_arabic_particles_and_the_fathers_name_are_set_aside(self):
        parts = name_parts("khalid bin walid al rashid")
        assert parts.parts == ("khalid", "rashid")
        assert parts.patronymic == spelling_key("walid")


class TestCompareNames:
    @pytest.mark.parametrize("latin", ["Dmitriy Petrenko", "Dmitry Petrenko", "Dmitrii Petrenko", "DMITRII PETRENKO"])
    def test_dmitriy_in_every_romanisation_matches_the_cyrillic(self, latin):
        assert compare_names("Дмитрий Петренко", latin).score >= 0.99

    def test_ukrainian_dmytro_is_close_but_not_identical(self):
        score = compare_names("Дмитрий Петренко", "Dmytro Petrenko").score
        assert 0.9 <= score < 0.99

    def test_the_scheme_that_made_them_agree_is_named(self):
        result = compare_names("Юлия Щукина", "Iuliia Shchukina")
        assert result.score == 1.0
        assert result.scheme == "icao_9303"
        assert result.reason == "names match under ICAO 9303 transliteration"

    def test_anya_is_anya_and_anja_but_not_anna(self):
        assert compare_names("Аня", "Anya").score == 1.0
        assert compare_names("Аня", "Anja").score == 1.0
        assert compare_names("Анна", "Anna").score == 1.0
        assert compare_names("Анна", "Anya").score < compare_names("Анна", "Anna").score

    def test_arabic_script_matches_its_latin_spellings(self):
        for latin in ("Mohammed", "Muhammad", "Mohamed"):
            assert compare_names("محمد", latin).score >= 0.97
        assert compare_names("خالد بن الوليد", "Khalid bin Walid").score >= 0.95

    def test_reversed_order_matches_and_says_so(self):
        result = compare_names("PETRENKO DMITRII", "Dmitriy Petrenko")
        assert result.score == 1.0
        assert "reversed order" in result.reason

    def test_patronymic_left_out_still_matches_and_says_so(self):
        result = compare_names("Дмитрий Иванович Петренко", "Dmitriy Petrenko")
        assert result.score >= 0.99
        assert "patronymic left out" in result.reason

    def test_different_patronymics_weigh_against(self):
        result = compare_names("Петренко Дмитрий Иванович", "Petrenko Dmitrii Olegovich")
        assert result.score <= 0.75
        assert "patronymics differ" in result.reason

    def test_surname_only_is_a_partial_match(self):
        partial = compare_names("Petrenko", "Dmytro Petrenko")
        assert 0.5 <= partial.score <= 0.7
        assert "only part of the name" in partial.reason

    def test_one_letter_typo_is_explained(self):
        result = compare_names("Petrenko Dmitriy", "Petrenko Dmitrly")
        assert result.score >= 0.9
        assert "given name differs by one letter" in result.reason
        assert "surname matches" in result.reason

    @pytest.mark.parametrize(("a", "b"), [("Anna Petrova", "Maria Petrova"), ("Ivan Petrov", "Ivan Sokolov"),
                                          ("Dmitriy Petrenko", "Fatima al-Zahra"), ("Ivan Petrov", "Ivan Petrova"),
                                          ("Олег Ковальчук", "Oksana Kovalenko")])
    def test_clear_non_matches_score_low(self, a, b):
        assert compare_names(a, b).score < 0.8


NAMES = st.sampled_from(["Дмитрий Иванович Петренко", "Dmytro Petrenko", "PETRENKO DMITRII", "محمد علي",
                         "Mohammed Ali", "Анна", "Anya", "Жанар Қасымқызы Әлиева", "Zhanar Alieva", "Ivan Petrova"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(NAMES, st.text(min_size=1, max_size=30)), st.one_of(NAMES, st.text(min_size=1, max_size=30)))
def test_comparison_is_symmetric_and_bounded(a, b):
    forward, backward = compare_names(a, b), compare_names(b, a)
    assert forward.score == backward.score
    assert 0.0 <= forward.score <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.one_of(NAMES, st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=20)))
def test_a_name_matches_itself(name):
    assert compare_names(name, name).score == 1.0
