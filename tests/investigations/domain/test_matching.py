"""Pair scores: the name weighed with birth date and country, explained; and the CSV scorer."""

from __future__ import annotations

import io

import pytest

from alliance.investigations.domain.matching import (
    PersonRecord,
    birth_agreement,
    country_agreement,
    score_pair,
    score_pairs_csv,
)


class TestBirthAgreement:
    @pytest.mark.parametrize(("a", "b", "level"), [
        ("1990-03-04", "1990-03-04", "same"),
        ("1990-03-04", "1990-03-05", "one day apart"),
        ("1990-12-31", "1991-01-01", "one day apart"),
        ("1990-03-04", "1990-04-03", "day and month swapped"),
        ("1990-03-04", "1991-03-04", "one year apart"),
        ("1990-03-04", "1990-08-20", "same year only"),
        ("1990-03-04", "1975-11-02", "different"),
        (None, "1990-03-04", "missing"),
        ("not a date", "1990-03-04", "missing"),
    ])
    def test_levels(self, a, b, level):
        assert birth_agreement(a, b) == level

    def test_country_levels(self):
        assert country_agreement("ua", "UA") == "same"
        assert country_agreement("UA", "RU") == "different"
        assert country_agreement(None, "RU") == "missing"


class TestScorePair:
    def test_cross_script_match_with_the_same_birth_date_scores_high_and_says_why(self):
        result = score_pair(PersonRecord("Дмитрий Иванович Петренко", "1988-05-17", "UA"),
                            PersonRecord("PETRENKO DMITRII", "1988-05-17", "UA"))
        assert result.score > 0.99
        assert "same birth date" in result.reasons
        assert "same country" in result.reasons
        assert any("reversed order" in reason for reason in result.reasons)

    def test_one_day_apart_is_named_and_still_a_match(self):
        result = score_pair(PersonRecord("Dmitriy Petrenko", "1988-05-17"),
                            PersonRecord("Dmitry Petrenko", "1988-05-18"))
        assert "birth dates 1 day apart" in result.reasons
        assert result.score > 0.9

    def test_siblings_share_a_surname_but_not_a_given_name_or_a_birth_date(self):
        result = score_pair(PersonRecord("Anna Petrova", "1990-02-01", "RU"),
                            PersonRecord("Maria Petrova", "1993-07-12", "RU"))
        assert result.score < 0.01
        assert "different birth dates" in result.reasons

    def test_same_name_different_birth_date_is_doubtful(self):
        same = score_pair(PersonRecord("Ivan Sokolov", "1980-01-02"), PersonRecord("Ivan Sokolov", "1980-01-02"))
        other = score_pair(PersonRecord("Ivan Sokolov", "1980-01-02"), PersonRecord("Ivan Sokolov", "1966-09-30"))
        assert other.score < 0.5 < same.score

    def test_a_different_country_lowers_the_score(self):
        home = score_pair(PersonRecord("Olena Bondar", country="UA"), PersonRecord("Olena Bondar", country="UA"))
        abroad = score_pair(PersonRecord("Olena Bondar", country="UA"), PersonRecord("Olena Bondar", country="DE"))
        assert abroad.score < home.score
        assert "different countries" in abroad.reasons

    def test_surname_only_needs_a_birth_date_to_match(self):
        alone = score_pair(PersonRecord("Petrenko"), PersonRecord("Dmytro Petrenko"))
        dated = score_pair(PersonRecord("Petrenko", "1988-05-17"), PersonRecord("Dmytro Petrenko", "1988-05-17"))
        assert alone.score < 0.5 < dated.score

    def test_score_is_a_probability(self):
        for a, b in [("", "x"), ("Anna", "Anna"), ("محمد", "Ivan")]:
            assert 0.0 <= score_pair(PersonRecord(a), PersonRecord(b)).score <= 1.0


class TestScorePairsCsv:
    def test_scores_each_row_and_counts_them(self):
        source = io.StringIO("id,name_a,name_b,birth_date_a,birth_date_b,country_a,country_b\n"
                             "1,Дмитрий Петренко,Dmitriy Petrenko,1988-05-17,1988-05-17,UA,UA\n"
                             "2,Anna Petrova,Maria Petrova,1990-02-01,1993-07-12,RU,RU\n")
        out = io.StringIO()
        assert score_pairs_csv(source, out) == 2
        lines = out.getvalue().splitlines()
        assert lines[0] == "id,score"
        scores = {row.split(",")[0]: float(row.split(",")[1]) for row in lines[1:]}
        assert scores["1"] > 0.99 > 0.01 > scores["2"]
        assert all(len(row.split(",")[1].split(".")[1]) == 4 for row in lines[1:])

    def test_optional_columns_may_be_absent(self):
        out = io.StringIO()
        assert score_pairs_csv(io.StringIO("id,name_a,name_b\nx,محمد,Mohammed\n"), out) == 1
        assert out.getvalue().startswith("id,score\nx,")

    def test_a_missing_required_column_is_named(self):
        with pytest.raises(ValueError, match="name_b"):
            score_pairs_csv(io.StringIO("id,name_a\n1,Anna\n"), io.StringIO())

    def test_a_short_row_names_its_line(self):
        with pytest.raises(ValueError, match="line 3"):
            score_pairs_csv(io.StringIO("id,name_a,name_b\n1,Anna,Anna\n2,Anna\n"), io.StringIO())

    def test_a_long_row_names_its_line(self):
        with pytest.raises(ValueError, match="line 2"):
            score_pairs_csv(io.StringIO("id,name_a,name_b\n1,Anna,Anna,extra\n"), io.StringIO())

    def test_a_bad_date_names_its_line_and_column(self):
        source = io.StringIO("id,name_a,name_b,birth_date_a,birth_date_b\n1,Anna,Anna,17/05/1988,1988-05-17\n")
        with pytest.raises(ValueError, match=r"line 2: birth_date_a"):
            score_pairs_csv(source, io.StringIO())
