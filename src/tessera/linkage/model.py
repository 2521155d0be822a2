"""Probabilistic linkage of person records with Splink, trained without labels (EM).

The settings are Splink's own comparison and blocking specifications, free of SQL of one
dialect, so that the same model runs on DuckDB here and on Spark at volume. Names are compared
on their Latin form (every script transliterated), in any order, and by romanisation-blind
keys (``tessera.linkage.names``); strong identifiers (phones, documents, e-mails, accounts)
weigh heavily when they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from tessera.linkage.features import COLUMNS

MATCH_THRESHOLD = 0.9
IDENTIFIERS = ("phones", "documents", "emails", "accounts")


def _names(plain: bool) -> Any:
    """How two names compare. ``plain``: as written, for a baseline that knows no scripts."""
    if plain:
        return cl.NameComparison("name_raw").configure(term_frequency_adjustments=False)
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="names, transliterated, in any order, by romanisation key",
        comparison_levels=[
            cll.NullLevel("name_keys"),
            # a common name is weaker evidence than a rare one: term frequencies say which
            cll.ExactMatchLevel("name_sorted", term_frequency_adjustments=True).configure(
                label_for_charts="the same name parts"),
            cll.ArrayIntersectLevel("name_keys", min_intersection=2).configure(
                label_for_charts="two parts sound alike"),
            cll.JaroWinklerLevel("name_sorted", 0.9).configure(
                label_for_charts="spelled nearly alike"),
            cll.ArrayIntersectLevel("name_keys", min_intersection=1).configure(
                label_for_charts="one part sounds alike"),
            cll.ElseLevel(),
        ],
    )


def _birth() -> Any:
    year, month, day = (cll.ExactMatchLevel(c) for c in ("birth_year", "birth_month",
                                                         "birth_day"))
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="dates of birth, full or partial",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.And(year, month, day).configure(label_for_charts="the same date"),
            cll.And(year, cll.ColumnsReversedLevel("birth_month", "birth_day")).configure(
                label_for_charts="day and month swapped"),
            cll.And(year, month).configure(label_for_charts="the same month"),
            year.configure(label_for_charts="the same year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1).configure(
                label_for_charts="a year apart"),
            cll.ElseLevel(),
        ],
    )


def settings(*, plain_names: bool = False) -> SettingsCreator:
    """The linkage model: comparisons, and the blocking rules that choose pairs to score."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _names(plain_names),
            _birth(),
            cl.ExactMatch("gender"),
            cl.ExactMatch("nationality"),
            *(cl.ArrayIntersectAtSizes(c, [1]) for c in IDENTIFIERS),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_keys", "birth_year", arrays_to_explode=["name_keys"]),
            block_on("name_keys", "nationality", "gender", arrays_to_explode=["name_keys"]),
            *(block_on(c, arrays_to_explode=[c]) for c in IDENTIFIERS),
        ],
        retain_intermediate_calculation_columns=False,
    )


@dataclass
class Linkage:
    """Scored pairs above the threshold, and the clusters they make."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # unique_id -> cluster id


def link(rows: list[dict[str, Any]], *, plain_names: bool = False,
         threshold: float = MATCH_THRESHOLD, seed: int = 0) -> Linkage:
    """Train the model on ``rows`` (``tessera.linkage.features`` rows), score the candidate
    pairs and cluster those at or above ``threshold``."""
    con = duckdb.connect()
    api = DuckDBAPI(con)
    people = api.register(pa.Table.from_pylist(rows, schema=_schema()), table_name="people")
    # Splink warns of parameters EM could not train (a level no pair reached); they keep
    # their defaults, which is what the scores in bench/linkage.py are measured with.
    linker = Linker(people, settings(plain_names=plain_names), log_level="ERROR")
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on(c, arrays_to_explode=[c]) for c in ("documents", "phones")], recall=0.6
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # Two rounds of EM, each blocked on columns the other compares, so every comparison is
    # trained once (Splink cannot train on blocking rules that explode arrays).
    training.estimate_parameters_using_expectation_maximisation(
        block_on("family_key", "birth_year"), estimate_without_term_frequencies=True
    )
    training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_year", "birth_month", "birth_day"),
        estimate_without_term_frequencies=True,
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    pairs = predictions.as_record_list()
    members = {r["unique_id"]: r["cluster_id"] for r in clusters.as_record_list()}
    con.close()
    return Linkage(pairs, members)


def _schema() -> pa.Schema:
    text, number, texts = pa.string(), pa.int32(), pa.list_(pa.string())
    kinds = {"birth_year": number, "birth_month": number, "birth_day": number,
             "name_keys": texts, **dict.fromkeys(IDENTIFIERS, texts)}
    return pa.schema([(c, kinds.get(c, text)) for c in COLUMNS])
