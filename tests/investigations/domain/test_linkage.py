"""Record linkage with Splink: the cross-script keys, dedupe on DuckDB and on Spark, and the CSV entry point.

The records are data/linkage_records.csv: 300 fictitious records written by bench/investigations_data.py
(person_records(300, seed=5)), kept as a file so that the tests do not depend on the benchmarks' code.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from alliance.investigations.domain.linkage import LinkageRecord, dedupe, dedupe_csv, local_spark_session
from alliance.investigations.domain.linkage_features import document_key, name_columns, phone_key
from alliance.investigations.domain.matching import PersonRecord

DATA = Path(__file__).parent / "data" / "linkage_records.csv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _records(rows) -> list[LinkageRecord]:
    return [LinkageRecord(row["id"], PersonRecord(row["name"], row["birth_date"] or None, row["country"] or None),
                          row["phone"] or None, row["document_number"] or None) for row in rows]


def _pairs(assignment: dict[str, str]) -> set[tuple[str, str]]:
    members = defaultdict(list)
    for record, cluster in assignment.items():
        members[cluster].append(record)
    return {pair for group in members.values() for pair in itertools.combinations(sorted(group), 2)}


def _decidable_pairs(rows) -> set[tuple[str, str]]:
    """True pairs the records can tell apart from namesakes: both dated, or sharing a phone or document, or
    joined through such pairs. A pair with one birth date missing and nothing else shared is, among people
    with common names, indistinguishable from two namesakes: no model should link it."""
    by_cluster = defaultdict(list)
    for row in rows:
        by_cluster[row["cluster"]].append(row)
    linked = {}
    for group in by_cluster.values():
        root = {row["id"]: row["id"] for row in group}

        def find(node, root=root):
            while root[node] != node:
                node = root[node]
            return node

        for a, b in itertools.combinations(group, 2):
            if (a["birth_date"] and b["birth_date"]) or any(a[c] and a[c] == b[c] for c in ("phone",
                                                                                            "document_number")):
                root[find(a["id"])] = find(b["id"])
        linked.update({row["id"]: find(row["id"]) for row in group})
    return _pairs(linked)


class TestKeys:
    def test_scripts_meet(self):
        assert name_columns("Дмитро Петренко")[0] == name_columns("PETRENKO DMYTRO")[0]
        assert name_columns("Khrystyna Kravchenko")[0] == name_columns("Кравченко Христина")[0]

    def test_arabic_meets_latin_by_consonants(self):
        assert name_columns("محمد حداد")[1] == name_columns("Mohammed Haddad")[1]

    def test_order_free(self):
        assert name_columns("Ivanov Petr")[2:4] == name_columns("Petr Ivanov")[2:4]

    def test_phone_and_document(self):
        assert phone_key("+7 (912) 345-67-89") == phone_key("0079123456789") == "+79123456789"
        assert phone_key("12") is None
        assert document_key("ав 123-456") == document_key("AB123456") == "AB123456"  # Cyrillic А and В


class TestDedupeDuckDB:
    def test_finds_the_duplicates_it_can(self):
        rows = _rows()
        clusters = dedupe(_records(rows), engine="duckdb")
        assert set(clusters) == {row["id"] for row in rows}
        found, true = _pairs(clusters), _pairs({row["id"]: row["cluster"] for row in rows})
        decidable = _decidable_pairs(rows)
        precision = len(found & true) / len(found)
        recall_of_decidable = len(found & decidable) / len(decidable)
        # Measured 1.000 and 0.95 on this file (threshold 0.9); the bounds leave room for a retrained model
        # while failing a model that links namesakes or misses a whole kind of spelling.
        assert precision >= 0.97
        assert recall_of_decidable >= 0.90

    def test_deterministic(self):
        records = _records(_rows())
        assert dedupe(records) == dedupe(records)

    def test_cluster_named_by_smallest_id(self):
        clusters = dedupe(_records(_rows()))
        members = defaultdict(list)
        for record, cluster in clusters.items():
            members[cluster].append(record)
        assert all(cluster == min(group) for cluster, group in members.items())

    def test_unknown_engine(self):
        with pytest.raises(ValueError, match="engine"):
            dedupe([], engine="sqlite")


@pytest.fixture(scope="module")
def spark():
    with local_spark_session() as session:
        yield session


def test_spark_gives_the_same_clusters_as_duckdb(spark):
    # One configuration, two engines (docs/investigations.md); on 2 cores Spark takes 40-70 s here, which
    # bench/, not this test, reports: Spark is for scale, not speed.
    records = _records(_rows())
    assert dedupe(records, engine="spark", spark_session=spark) == dedupe(records, engine="duckdb")


class TestDedupeCsv:
    def test_happy_path(self):
        source = io.StringIO()
        writer = csv.writer(source)
        writer.writerow(["id", "name", "birth_date", "country", "phone", "document_number"])
        for row in _rows()[:120]:
            writer.writerow([row[c] for c in ("id", "name", "birth_date", "country", "phone", "document_number")])
        out = io.StringIO()
        assert dedupe_csv(io.StringIO(source.getvalue()), out, engine="duckdb") == 120
        result = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert [r["id"] for r in result] == [row["id"] for row in _rows()[:120]]
        assert all(r["cluster"] for r in result)

    def test_name_only(self):
        out = io.StringIO()
        dedupe_csv(io.StringIO("id,name\na,Дмитро Петренко\nb,Olena Bondar\n"), out)
        assert out.getvalue().splitlines()[0] == "id,cluster"

    @pytest.mark.parametrize(("text", "message"), [
        ("id,birth_date\na,1990-01-01\n", "missing column 'name'"),
        ("name\nIvan Petrov\n", "missing column 'id'"),
        ("id,name\na,Ivan Petrov\nb,\n", "line 3: id and name must not be empty"),
        ("id,name\na,Ivan Petrov\na,Petr Ivanov\n", "line 3: id 'a' appears twice"),
        ("id,name,birth_date\na,Ivan Petrov,01/02/1990\n", "line 2: birth_date '01/02/1990' is not a date"),
        ("id,name\na,Ivan Petrov,extra\n", "line 2: expected 2 fields"),
    ])
    def test_errors(self, text, message):
        with pytest.raises(ValueError, match=message):
            dedupe_csv(io.StringIO(text), io.StringIO())
