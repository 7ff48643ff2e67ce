"""Which of many person records are the same person: Splink record linkage, on DuckDB or on Spark.

One Fellegi-Sunter model (linkage_settings) serves both engines: DuckDB for what fits on one machine, Spark
for what outgrows it. The records are first reduced to Latin keys (linkage_features.py), so that a name
written in Cyrillic by one agency and in a passport's Latin by another block together and compare equal.
The model is trained on the records themselves, without labels:

  prior     the share of pairs that match, from the pairs sharing a phone number or a document number (all
            but certain matches), scaled up by the share of near-certain matches (same name, same birth date)
            that share one, so the recall of those rules is measured rather than guessed
  u         from random pairs (seeded)
  m         expectation maximisation on pairs blocked on the birth date, then on the name

Pairs scoring at or above the threshold are joined into clusters (connected components); each cluster is
named by its smallest record id, so the same input gives the same clusters on either engine.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import logging
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from .linkage_features import COLUMNS, LinkageRecord, linkage_columns
from .matching import PersonRecord

__all__ = ["LinkageRecord", "dedupe", "dedupe_csv", "linkage_settings", "local_spark_session"]

Progress = Callable[[str], None]
ENGINES = ("duckdb", "spark")
SEED = 11
# Random pairs for the u probabilities: enough that a rare level (a shared document between two people) is
# seen, few enough to take seconds at a million records.
U_PAIRS = 2e6
# Pairs per EM session: the m probabilities settle long before the blocked pairs of a million records run out.
EM_PAIRS = 1e6
# Near-certain matches, of which the share that also have a phone or document in common is the recall of the
# deterministic rules. Larger groups than this under one name and birth date are not one person.
_LARGEST_SURE_GROUP = 6


# How often two different people share a phone or a document number. Random pairs almost never do, so at a
# million records the sampled u of that level is missing and Splink would fall back to a default that makes a
# shared passport number near worthless; a family phone or a reissued number is rare but real.
_IDENTIFIER_SHARED_BY_STRANGERS = 1e-6


def _identifier(column: str):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(output_column_name=column, comparison_levels=[
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(u_probability=_IDENTIFIER_SHARED_BY_STRANGERS, fix_u_probability=True),
        cll.ElseLevel(),
    ])


def linkage_settings(probability_two_random_records_match: float = 1e-4):
    """The Splink model: blocking rules and comparisons, untrained."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(output_column_name="name", comparison_levels=[
        cll.NullLevel("name_key"),
        cll.ExactMatchLevel("name_key").configure(tf_adjustment_column="name_key"),
        # Arabic script writes no short vowels: the consonants are all two renderings have in common.
        cll.ExactMatchLevel("skeleton_key").configure(label_for_charts="same consonants"),
        cll.And(cll.JaroWinklerLevel("name_first", 0.92), cll.JaroWinklerLevel("name_last", 0.92)),
        cll.Or(cll.ExactMatchLevel("name_first"), cll.ExactMatchLevel("name_last"),
               cll.ExactMatchLevel("skeleton_first"), cll.ExactMatchLevel("skeleton_last")),
        cll.ElseLevel(),
    ])
    birth = cl.CustomComparison(output_column_name="birth_date", comparison_levels=[
        cll.NullLevel("birth_date"),
        cll.ExactMatchLevel("birth_date"),
        # The keying slips seen between agencies: a day off, day and month read the other way round.
        cll.CustomLevel("abs(birth_day_number_l - birth_day_number_r) = 1 or birth_swapped_l = birth_date_r",
                        label_for_charts="a day apart or day and month swapped"),
        cll.CustomLevel("birth_month_day_l = birth_month_day_r and abs(birth_year_l - birth_year_r) = 1",
                        label_for_charts="same day a year apart"),
        cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts="same year"),
        cll.ElseLevel(),
    ])
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=probability_two_random_records_match,
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("document"),
            block_on("name_key", "birth_year"),
            block_on("name_key", "birth_month_day"),
            block_on("name_first", "birth_date"),
            block_on("name_last", "birth_date"),
            block_on("skeleton_key", "birth_year"),
            block_on("skeleton_first", "birth_date"),
            block_on("skeleton_last", "birth_date"),
            block_on("name_first", "birth_month_day"),
            block_on("name_last", "birth_month_day"),
        ],
        comparisons=[
            name,
            birth,
            cl.ExactMatch("country"),
            _identifier("phone"),
            _identifier("document"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def _deterministic_recall(rows: Sequence[tuple]) -> float:
    """Of the pairs agreeing on name and birth date, the share that also share a phone or a document."""
    index = {column: i for i, column in enumerate(COLUMNS)}
    name, birth, phone, document = (index[c] for c in ("name_key", "birth_date", "phone", "document"))
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in rows:
        if row[name] and row[birth]:
            groups[row[name], row[birth]].append(row)
    pairs = shared = 0
    for group in groups.values():
        if 2 <= len(group) <= _LARGEST_SURE_GROUP:
            for a, b in itertools.combinations(group, 2):
                pairs += 1
                shared += bool((a[phone] and a[phone] == b[phone]) or (a[document] and a[document] == b[document]))
    # Too few sure pairs to measure: a cautious middle value; clipped so that a lucky sample does not claim
    # the rules find every match or none.
    return min(0.95, max(0.05, shared / pairs)) if pairs >= 20 else 0.5


def _shares_an_identifier(rows: Sequence[tuple]) -> bool:
    phone, document = COLUMNS.index("phone"), COLUMNS.index("document")
    for column in (phone, document):
        values = [row[column] for row in rows if row[column]]
        if len(set(values)) < len(values):
            return True
    return False


@contextlib.contextmanager
def local_spark_session(cores: int = 2) -> Iterator[object]:
    """A Spark session with Splink's string-similarity functions and a throw-away checkpoint dir: on this
    machine (local[cores]), or on the cluster ALLIANCE_SPARK_MASTER names (spark://host:7077, yarn, k8s://...;
    docs/investigations.md)."""
    import os

    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    with tempfile.TemporaryDirectory(prefix="alliance-spark-") as scratch:
        master = os.environ.get("ALLIANCE_SPARK_MASTER") or f"local[{cores}]"
        spark = (SparkSession.builder.master(master).appName("alliance-linkage")
                 .config("spark.jars", similarity_jar_location())
                 # Splink's default of 200 shuffle partitions is for clusters; on two cores it is pure overhead.
                 .config("spark.sql.shuffle.partitions", str(cores * 2))
                 .config("spark.default.parallelism", str(cores * 2))
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.local.dir", scratch)
                 .config("spark.driver.memory", "4g")
                 .getOrCreate())
        spark.sparkContext.setCheckpointDir(f"{scratch}/checkpoints")
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield spark
        finally:
            spark.stop()


def _frame(rows: Sequence[tuple]):
    import pyarrow as pa

    types = {"birth_year": pa.int32(), "birth_day_number": pa.int32()}
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.table({column: pa.array(values, type=types.get(column, pa.string()))
                     for column, values in zip(COLUMNS, columns, strict=True)})


def _linked(rows: Sequence[tuple], db_api, threshold: float, progress: Progress) -> dict[str, str]:
    from splink import Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    progress("training: prior from shared phones and documents")
    linker = Linker(db_api.register(_frame(rows)), linkage_settings(), log_level=logging.WARNING)
    if _shares_an_identifier(rows):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("phone"), block_on("document")], recall=_deterministic_recall(rows))
    # Otherwise (a file without phones or documents) the settings' prior stands: EM below still corrects m.
    progress("training: u from random pairs")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for rule in (block_on("birth_date"), block_on("name_key")):
        progress(f"training: m by expectation maximisation on {rule.get_blocking_rule('duckdb').blocking_rule_sql}")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_PAIRS)
        except EMTrainingException:
            # A small file may have no two records on one birth date: the m values stay at Splink's defaults.
            progress("training: no pairs for that rule, skipped")
    progress("scoring blocked pairs")
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    progress("clustering")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)
    table = clusters.as_pandas_dataframe()
    return dict(zip(table["unique_id"].astype(str), table["cluster_id"].astype(str), strict=True))


def dedupe(records: Iterable[LinkageRecord], *, engine: str = "duckdb", threshold: float = 0.9,
           progress: Progress | None = None, spark_session=None) -> dict[str, str]:
    """Record id -> cluster id, the cluster named by its smallest record id. Spark: a session may be passed in."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    progress = progress or (lambda _stage: None)
    progress("preparing names, dates, phones and documents")
    rows = [linkage_columns(record) for record in records]
    if len({row[0] for row in rows}) != len(rows):
        raise ValueError("record ids must be unique")
    if len(rows) < 2:
        return {row[0]: row[0] for row in rows}
    if engine == "duckdb":
        from splink import DuckDBAPI

        return _linked(rows, DuckDBAPI(), threshold, progress)
    from splink import SparkAPI

    with contextlib.ExitStack() as stack:
        spark = spark_session or stack.enter_context(local_spark_session())
        # Splink cuts Spark's lineage by writing each intermediate table to parquet in the checkpoint dir;
        # persisting them in memory instead was measured slower (65 s against 40 s on 400 records).
        db_api = SparkAPI(spark_session=spark, num_partitions_on_repartition=4)
        return _linked(rows, db_api, threshold, progress)


_REQUIRED = ("id", "name")


def dedupe_csv(reader: TextIO, writer: TextIO, *, engine: str = "duckdb", threshold: float = 0.9,
               progress: Progress | None = None) -> int:
    """Read id,name[,birth_date,country,phone,document_number]; write id,cluster. Returns the rows read."""
    rows = csv.DictReader(reader)
    columns = rows.fieldnames or []
    for column in _REQUIRED:
        if column not in columns:
            raise ValueError(f"missing column {column!r} (the header has: {', '.join(columns) or 'nothing'})")
    records: list[LinkageRecord] = []
    seen: set[str] = set()
    for row in rows:
        line = rows.line_num
        if None in row or any(row.get(column) is None for column in _REQUIRED):
            raise ValueError(f"line {line}: expected {len(columns)} fields")
        record_id, name = row["id"].strip(), row["name"].strip()
        if not record_id or not name:
            raise ValueError(f"line {line}: id and name must not be empty")
        if record_id in seen:
            raise ValueError(f"line {line}: id {record_id!r} appears twice")
        seen.add(record_id)
        birth = (row.get("birth_date") or "").strip() or None
        if birth is not None:
            try:
                dt.date.fromisoformat(birth)
            except ValueError:
                raise ValueError(f"line {line}: birth_date {birth!r} is not a date (YYYY-MM-DD)") from None
        records.append(LinkageRecord(record_id, PersonRecord(name, birth, (row.get("country") or "").strip() or None),
                                     (row.get("phone") or "").strip() or None,
                                     (row.get("document_number") or "").strip() or None))
    clusters = dedupe(records, engine=engine, threshold=threshold, progress=progress)
    out = csv.writer(writer, lineterminator="\n")
    out.writerow(["id", "cluster"])
    for record in records:
        out.writerow([record.record_id, clusters.get(record.record_id, record.record_id)])
    return len(records)
