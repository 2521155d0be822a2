"""Probabilistic linkage of person records with Splink, trained without labels (EM).

The settings are Splink's own comparison and blocking specifications, free of SQL of one
dialect, so that the same model runs on DuckDB here and on Spark at volume. Names are compared
on their Latin form (every script transliterated), in any order, and by romanisation-blind
keys (``tessera.linkage.names``); strong identifiers (phones, documents, e-mails, accounts)
weigh heavily when they agree.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.exceptions import EMTrainingException

from tessera.linkage.features import COLUMNS
from tessera.linkage.resolve import cluster

MATCH_THRESHOLD = 0.9
TRAINING_PAIRS = 5e6  # pairs an EM round samples at most
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
    # A date that stops short (a year, a year and month) agrees with a fuller one as far as
    # it goes: that is evidence for, where a different month or day is evidence against, so
    # they are levels of their own.
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="dates of birth, full or partial",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.And(year, month, day).configure(label_for_charts="the same date"),
            cll.And(year, cll.ColumnsReversedLevel("birth_month", "birth_day")).configure(
                label_for_charts="day and month swapped"),
            cll.And(year, month, cll.NullLevel("birth_day")).configure(
                label_for_charts="the same month (no day on one)"),
            cll.And(year, month).configure(label_for_charts="the same month"),
            cll.And(year, cll.NullLevel("birth_month")).configure(
                label_for_charts="the same year (no month on one)"),
            year.configure(label_for_charts="the same year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1).configure(
                label_for_charts="a year apart"),
            cll.ElseLevel(),
        ],
    )


def _documents() -> Any:
    return cl.CustomComparison(
        output_column_name="documents",
        comparison_description="identity documents (number with issuing country)",
        comparison_levels=[
            cll.NullLevel("documents"),
            cll.ArrayIntersectLevel("documents", min_intersection=1).configure(
                label_for_charts="one in common"),
            cll.DamerauLevenshteinLevel("document", 1).configure(
                label_for_charts="one character apart"),
            cll.ElseLevel(),
        ],
    )


# A name shared by more records than this is no evidence on its own: pairs of such records
# are scored only when something else (the date of birth, an identifier) joins them. Two
# records that share only a name weigh about log2(records / sharers) for it against the
# log2(records / 2) the prior asks (about one other record of each person), so a name shared
# by more than a handful of records cannot reach the match threshold alone, at any volume. 20
# leaves room for the lower thresholds an analyst may choose, and bounds the pairs a name
# makes (1.3 million at a million records, where 50 made 4.6 million).
COMMON_NAME = 20
# Dates of birth that agree as far as both go (a year, a year and month, or the full date,
# or the full date with day and month swapped), given the same year.
_DATES_AGREE = """(l.birth_month is null or r.birth_month is null
    or (l.birth_month = r.birth_month
        and (l.birth_day is null or r.birth_day is null or l.birth_day = r.birth_day))
    or (l.birth_month = r.birth_day and l.birth_day = r.birth_month))"""


def settings(*, plain_names: bool = False, prior: float = 1e-4) -> SettingsCreator:
    """The linkage model: comparisons, and the blocking rules that choose pairs to score.
    ``prior``: the chance that two records picked at random are one person.

    Records are numbered (``row``) for Splink, which joins and deduplicates candidate pairs
    on that number rather than on the longer "AGENCY/ref"; ``rare_name_key`` is the name's
    key when at most ``COMMON_NAME`` records have it (``_prepare``)."""
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        unique_id_column_name="row",
        comparisons=[
            _names(plain_names),
            _birth(),
            cl.ExactMatch("gender"),
            cl.ExactMatch("nationality"),
            *(cl.ArrayIntersectAtSizes(c, [1]) for c in IDENTIFIERS if c != "documents"),
            _documents(),
        ],
        blocking_rules_to_generate_predictions=[
            # Names alike part for part (any script, romanisation or order) with dates of
            # birth that agree as far as both go (or with day and month swapped); the same
            # uncommon name; a part alike with the same full date; any identifier shared.
            # Pairs the rules leave out (one part alike and the same year, or birth dates
            # that disagree) scored below 0.5 unless they shared an identifier, and were
            # most of the candidates: hundreds of millions at a million records (Nguyễn,
            # Mohamed). Rules that explode arrays come last, so that Splink leaves out the
            # pairs the rules before them made.
            CustomRule(f"l.name_key = r.name_key and l.birth_year = r.birth_year "
                       f"and {_DATES_AGREE}"),
            block_on("rare_name_key"),
            block_on("name_keys", "birth_year", "birth_month", "birth_day",
                     arrays_to_explode=["name_keys"]),
            *(block_on(c, arrays_to_explode=[c]) for c in IDENTIFIERS),
        ],
        # keeps each comparison's level and weight on the scored pairs, for the explanations
        retain_intermediate_calculation_columns=True,
    )


# What each comparison is about, in an analyst's words.
SUBJECTS = {
    "name": "name", "birth": "date of birth", "gender": "gender", "nationality": "nationality",
    "phones": "phone", "documents": "identity document", "emails": "e-mail",
    "accounts": "account",
}
MISSING = "missing on one side"
# Splink's own labels for the levels of its library comparisons, in words.
_WORDS = {"All other comparisons": "different", "Array intersection size >= 1": "one in common"}


@dataclass(frozen=True)
class Match:
    """Two records scored as one person, and why: each comparison's finding and its weight
    (log2 of the Bayes factor: positive for, negative against)."""

    left: str
    right: str
    probability: float
    weight: float
    reasons: tuple[tuple[str, str, float], ...]  # (subject, finding, weight)

    def explanation(self) -> str:
        """The reasons in words, strongest first, then what either record lacks:
        "date of birth: the same date (+10.0); name: two parts sound alike (+6.1); … not
        recorded on both: phone, e-mail"."""
        missing = [s for s, finding, _ in self.reasons if finding == MISSING]
        ranked = sorted((r for r in self.reasons if r[1] != MISSING), key=lambda r: -abs(r[2]))
        said = [f"{subject}: {finding} ({weight:+.1f})" for subject, finding, weight in ranked]
        if missing:
            said.append("not recorded on both: " + ", ".join(missing))
        return "; ".join(said)


@dataclass
class Linkage:
    """Scored pairs above the threshold, and the clusters they make (``resolve.cluster``,
    with no judgements: record -> the cluster's representative record)."""

    matches: list[Match] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # unique_id -> cluster id

    def best(self) -> dict[str, Match]:
        """Each linked record's most probable match."""
        found: dict[str, Match] = {}
        for match in self.matches:
            for uid in (match.left, match.right):
                if uid not in found or match.probability > found[uid].probability:
                    found[uid] = match
        return found


def _findings(model: dict[str, Any]) -> dict[str, list[str]]:
    """For each comparison, the words for each level, indexed by Splink's gamma value."""
    findings = {}
    for comparison in model["comparisons"]:
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        words = []
        for level in levels:
            label = level.get("label_for_charts") or ""
            words.append("the same" if label.startswith("Exact match") else
                         _WORDS.get(label, label))
        findings[comparison["output_column_name"]] = list(reversed(words))
    return findings


Reasons = tuple[tuple[str, str, float], ...]


def _reasons(findings: dict[str, list[str]]) -> Callable[[dict[str, Any]], Reasons]:
    """A function from one scored pair's levels and weights to its reasons. The same reason
    recurs on many pairs, so each is made once and shared (a million matches then cost a
    few hundred megabytes, not gigabytes)."""
    made: dict[tuple[str, int, float], tuple[str, str, float]] = {}

    def reasons(pair: dict[str, Any]) -> Reasons:
        found = []
        for name, words in findings.items():
            gamma = pair[f"gamma_{name}"]
            weight = round(float(pair[f"mw_{name}"] or 0.0)
                           + float(pair.get(f"mw_tf_adj_{name}") or 0.0), 2)
            reason = made.get((name, gamma, weight))
            if reason is None:
                finding = MISSING if gamma < 0 else words[gamma]
                reason = made[name, gamma, weight] = (SUBJECTS.get(name, name), finding, weight)
            found.append(reason)
        return tuple(found)

    return reasons


def link(rows: list[dict[str, Any]] | pa.Table, *, plain_names: bool = False,
         threshold: float = MATCH_THRESHOLD, seed: int = 0,
         memory_limit: str = "3GB") -> Linkage:
    """Train the model on ``rows`` (``tessera.linkage.features`` rows, or an Arrow table of
    them with ``schema()``), score the candidate pairs and cluster those at or above
    ``threshold``. DuckDB keeps its tables within ``memory_limit`` and spills the rest to a
    temporary folder."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=schema())
    with tempfile.TemporaryDirectory(prefix="tessera-linkage-") as spill:
        con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill,
                                     "preserve_insertion_order": False})
        try:
            return _link(con, table, plain_names, threshold, seed)
        finally:
            con.close()


def _prepare(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    """The table Splink reads, ``people``: the rows numbered in their order, and the name's
    key again where the name is uncommon (a column for one blocking rule)."""
    con.register("people_in", table)
    con.execute("""
        create table people as
        select row_number() over () - 1 as row, *,
               case when count(*) over (partition by name_key) <= ?
                    then name_key end as rare_name_key
        from people_in""", [COMMON_NAME])
    con.unregister("people_in")


def _link(con: duckdb.DuckDBPyConnection, table: pa.Table, plain_names: bool,
          threshold: float, seed: int) -> Linkage:
    api = DuckDBAPI(con)
    _prepare(con, table)
    people = api.register("people", table_name="people_input")
    # Splink warns of parameters EM could not train (a level no pair reached); they keep
    # their defaults, which is what the scores in bench/linkage.py are measured with.
    linker = Linker(people, settings(plain_names=plain_names), log_level="ERROR")
    # Pairs that are almost surely one person: a shared document or phone, or the same name
    # parts and the same full date of birth; together they find about half the true pairs.
    linker.training.estimate_probability_two_random_records_match(
        [*(block_on(c, arrays_to_explode=[c]) for c in ("documents", "phones")),
         block_on("name_sorted", "birth_year", "birth_month", "birth_day")],
        recall=0.5,
    )
    if not 0 < linker.misc.save_model_to_json()["probability_two_random_records_match"] < 1:
        # No two records share a document or a phone, so that estimate is empty: assume
        # about one other record of each person (n/2 matching pairs of n(n-1)/2).
        prior = min(0.5, 1 / max(table.num_rows - 1, 1))
        linker = Linker(people, settings(plain_names=plain_names, prior=prior),
                        log_level="ERROR")
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # Two rounds of EM, each blocked on columns the other compares, so every comparison is
    # trained once (Splink cannot train on blocking rules that explode arrays, nor a
    # comparison on the columns its round blocks on: the first round, on the same name parts,
    # trains the dates of birth, the second the names). Each round samples records so that it
    # sees about TRAINING_PAIRS pairs: tens of millions at a million records otherwise.
    for rule in (block_on("name_sorted"), block_on("birth_year", "birth_month", "birth_day")):
        _train(linker, rule)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    reasons = _reasons(_findings(linker.misc.save_model_to_json()))
    ids = table["unique_id"].to_pylist()
    matches = []
    # only what a Match needs (the output also holds both records' values, arrays and all)
    scored = con.table(predictions.physical_name)
    wanted = ["row_l", "row_r", "match_probability", "match_weight",
              *(c for c in scored.columns if c.startswith(("gamma_", "mw_")))]
    batches = scored.select(*wanted).to_arrow_reader()
    for batch in batches:
        for pair in batch.to_pylist():
            matches.append(Match(ids[pair["row_l"]], ids[pair["row_r"]],
                                 float(pair["match_probability"]), float(pair["match_weight"]),
                                 reasons(pair)))
    predictions.drop_table_from_database_and_remove_from_cache()
    groups = cluster(ids, ((m.left, m.right, m.probability) for m in matches), {})
    return Linkage(matches, groups.of)


def _train(linker: Linker, rule: Any) -> None:
    """One round of EM. With few records a round may find no pairs at all, or no pair at
    some level of a comparison (Splink 5 then refuses the m probability of 0 it estimates):
    the model then stays as it was. Splink takes the comparisons a round cannot train out of
    the model while it trains and leaves them out when the round fails, which would drop,
    say, the dates of birth from every score: hence the copy put back."""
    model = linker._settings_obj  # Splink offers no public way to put it back
    before = copy.deepcopy(model.core_model_settings)
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=TRAINING_PAIRS)
    except EMTrainingException:
        model.core_model_settings = before
    except ValueError as exc:
        if "m_probability" not in str(exc):
            raise
        model.core_model_settings = before


def schema() -> pa.Schema:
    """The Arrow schema of the rows ``link`` takes (``tessera.linkage.features.COLUMNS``)."""
    text, number, texts = pa.string(), pa.int32(), pa.list_(pa.string())
    kinds = {"birth_year": number, "birth_month": number, "birth_day": number,
             "name_keys": texts, **dict.fromkeys(IDENTIFIERS, texts)}
    return pa.schema([(c, kinds.get(c, text)) for c in COLUMNS])
