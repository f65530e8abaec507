"""Whole archives on Spark: ``evenkeel audit`` as a Spark job.

:func:`audit` takes a Spark DataFrame of conversation turns (one row per message, its columns
named as ``evenkeel audit --map`` names them) and returns the per-turn results and the
per-agent and per-team scorecards as DataFrames, with the audit's ``summary.json`` as a dict.

How it runs: the turns are repartitioned by conversation and sorted by their order in the
input, so that every conversation lies whole in one partition; ``mapInArrow`` hands each
partition's Arrow batches to evenkeel's Rust code, which groups the turns into conversations,
analyses each one exactly as ``evenkeel audit`` does (responsiveness and the other
conversation-level measures included) on every core of the executor, and folds the results
into a partial aggregate. The driver merges the partial aggregates (counts add up, so the
order does not matter) and writes the summary with the audit's own code.

Compared with ``evenkeel audit`` on the same input, the scorecards (per agent, per team, all
agents, bots), the totals, stance counts, customer emotions, weekly trends and the wellbeing
signal are equal. What may differ: the worst and best examples on ties of weight, and the
order of the listed malformed records (a distributed job has no single reading order); a
result's ``source.line`` is the row's number in its input (Spark has no line numbers), not
the CSV line; and Spark keeps every conversation whole, where ``evenkeel audit`` analyses a
conversation whose turns lie more than ``--window`` records apart in two parts.

Run as a command (``python -m evenkeel.spark INPUT... --out DIR``) it writes ``results/``
(Parquet), ``summary.json``, ``agents.csv`` and ``report.html``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from evenkeel import _evenkeel  # absolute: this file also runs as a spark-submit script

__all__ = ["SparkAudit", "audit", "read_turns", "RESULTS_DDL", "main"]

#: The parts of a turn, as ``--map`` names them.
FIELDS: Tuple[str, ...] = tuple(_evenkeel.turn_fields())
_REQUIRED = ("conversation", "author", "text")

#: The schema of the per-turn results (Spark DDL).
RESULTS_DDL = (
    "conversation string, turn long, role string, agent string, team string, time string, "
    "source_file string, source_line long, reply string, customer string, stance string, "
    "empathy double, sympathy double, dismissive double, customer_emotion string, "
    "customer_emotional boolean, acknowledged boolean, explored_before_solving boolean, "
    "emotion_rose boolean, "
    "findings array<struct<cue:string,side:string,severity:string,start:long,end:long,text:string,rule:string>>, "
    "json string"
)
_OUT_DDL = RESULTS_DDL + ", partial string"


@dataclass
class SparkAudit:
    """What :func:`audit` returns.

    Attributes:
        results: one row per agent or bot turn (schema :data:`RESULTS_DDL`); ``json`` holds the
            line ``evenkeel audit`` writes to ``results.jsonl`` for the turn.
        agents: one row per agent: the scorecard of ``agents.csv`` (``agent``, ``team``,
            ``turns``, the four stance counts and rates, ``emotional_turns``,
            ``acknowledgment_rate``, ``explored_before_solving_rate``,
            ``emotion_rose_after_risky``, ``emotion_rose_after_empathetic``, ``strain_rate``,
            ``wellbeing_rising``, ``top_cues``).
        teams: one row per team, the same columns (``wellbeing_rising`` is null).
        summary: ``summary.json`` as a dict.
        summary_json: ``summary.json`` as ``evenkeel audit`` writes it.
        agents_csv: ``agents.csv`` as ``evenkeel audit`` writes it.
        report_html: ``report.html`` as ``evenkeel audit`` writes it.
    """

    results: Any
    agents: Any
    teams: Any
    summary: Dict[str, Any]
    summary_json: str
    agents_csv: str
    report_html: str
    _cached: Any = field(default=None, repr=False)

    def unpersist(self) -> None:
        """Releases the cached analysis (the results DataFrame is recomputed if used again)."""
        if self._cached is not None:
            self._cached.unpersist()


def _mapping(mapping: Union[None, str, Dict[str, str]]) -> Dict[str, str]:
    """``--map``, as a string (``conversation=ticket_id,text=body``) or a dict."""
    if mapping is None:
        return dict(_evenkeel.parse_map(""))
    if isinstance(mapping, str):
        return dict(_evenkeel.parse_map(mapping))
    spec = ",".join(f"{k}={v}" for k, v in mapping.items())
    return dict(_evenkeel.parse_map(spec))


def _resolve(df: Any, name: str) -> Optional[Any]:
    """The column for ``name``: exact, else case-insensitive (as the CSV reader), else a dotted
    path into a struct (as the JSON Lines reader)."""
    from pyspark.sql import functions as F

    cols = df.columns
    if name in cols:
        return F.col(f"`{name}`")
    lower = [c for c in cols if c.lower() == name.lower()]
    if lower:
        return F.col(f"`{lower[0]}`")
    if "." in name and name.split(".", 1)[0] in cols:
        try:
            df.select(F.col(name))
            return F.col(name)
        except Exception:  # noqa: BLE001 - no such nested field
            return None
    return None


def read_turns(df: Any, mapping: Union[None, str, Dict[str, str]] = None, label: str = "dataframe") -> Any:
    """The turn table in the job's own column names: the parts of ``--map`` as strings, plus
    ``_file`` (the input's label) and ``_row`` (the row's order in the input).

    Raises:
        ValueError: a required part (conversation, author, text) has no column; the message
            names it and the columns the table has, as ``evenkeel audit`` does.
    """
    from pyspark.sql import functions as F

    m = _mapping(mapping)
    cols = []
    missing = []
    for part in FIELDS:
        c = _resolve(df, m[part])
        if c is None:
            if part in _REQUIRED:
                missing.append(f"{part} (column `{m[part]}`)")
            c = F.lit(None)
        cols.append(c.cast("string").alias(part))
    if missing:
        raise ValueError(
            f"{label}: the table has no column for {', '.join(missing)}; it has: {', '.join(df.columns)}. "
            "Name the columns with map=, e.g. map=\"conversation=ticket_id,author=role,text=body\""
        )
    # The row's place in the input, taken before any shuffle: ascending in reading order.
    return df.select(*cols, F.lit(label).alias("_file"), (F.monotonically_increasing_id() + 1).alias("_row"))


def _analyse_partitions(engine: Optional[str], redact: bool, schema: Any):
    """The function ``mapInArrow`` runs on each partition (on the executors); ``schema`` is
    the Arrow schema Spark expects back, computed on the driver."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from evenkeel import _evenkeel as native

        auditor = native.Auditor(engine, redact)
        for b in batches:
            out = auditor.feed(b)
            if out.num_rows:
                yield _conform(out, schema)
        out = auditor.finish()
        if out.num_rows:
            yield _conform(out, schema)
        row = {f.name: pa.nulls(1, f.type) for f in schema if f.name != "partial"}
        row["partial"] = pa.array([auditor.partial()], schema.field("partial").type)
        yield pa.RecordBatch.from_pydict(row, schema=schema)

    return run


def _arrow_schema(spark: Any) -> Any:
    """The Arrow schema Spark expects for :data:`_OUT_DDL` (field names, nullability and string
    layout as this session writes them)."""
    from pyspark.sql.types import StructType

    try:
        from pyspark.sql.pandas.types import to_arrow_schema
    except ImportError:  # pragma: no cover
        from pyspark.sql.types import to_arrow_schema  # type: ignore
    large = spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false") == "true"
    try:
        return to_arrow_schema(StructType.fromDDL(_OUT_DDL), prefers_large_types=large)
    except TypeError:  # pyspark 3.5: no large types
        return to_arrow_schema(StructType.fromDDL(_OUT_DDL))


def _conform(batch: Any, schema: Any) -> Any:
    """The Rust results with a null ``partial`` column, cast to Spark's schema."""
    import pyarrow as pa

    cols = [batch.column(i) for i in range(batch.num_columns)] + [pa.nulls(batch.num_rows, schema.field("partial").type)]
    names = [f.name for f in schema]
    t = pa.Table.from_arrays(cols, names=names).cast(schema)
    return t.to_batches()[0] if t.num_rows else pa.RecordBatch.from_pylist([], schema=schema)


def audit(
    df: Any,
    mapping: Union[None, str, Dict[str, str]] = None,
    *,
    engine: Optional[str] = None,
    redact: bool = False,
    label: str = "dataframe",
    inputs: Optional[Sequence[Tuple[str, str]]] = None,
    partitions: Optional[int] = None,
    turns: Any = None,
) -> SparkAudit:
    """Audit a Spark DataFrame of conversation turns, as ``evenkeel audit`` audits an export.

    Args:
        df: one row per message; the columns named by ``mapping``.
        mapping: which column holds each part of a turn, as ``--map`` says it
            (``"conversation=ticket_id,author=role,agent=assignee,text=body,time=created_at"``)
            or as a dict; unmapped parts use their own name. Parts: conversation, author,
            agent, team, time, text, public (``public`` false-like: an internal note, skipped).
        engine: ``"hybrid"`` (the default), ``"rules"`` or ``"model"``.
        redact: mask e-mail addresses, phone, card and order numbers in every output (as
            ``--redact``).
        label: how results and the summary name the input (``source.file``).
        inputs: ``(file, format)`` pairs for ``summary.json``'s ``inputs`` (default:
            ``[(label, "dataframe")]``).
        partitions: how many partitions to analyse in (default: Spark's
            ``spark.sql.shuffle.partitions``).
        turns: already the output of :func:`read_turns` (the command uses it to read several
            files); ``df`` and ``mapping`` are then ignored.

    Returns:
        A :class:`SparkAudit`. Computing it runs the analysis once; ``results`` is cached
        (memory and disk) so that writing it does not analyse again; call ``unpersist()`` when
        done.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    _evenkeel.engine_name(engine)  # an unknown engine fails here, on the driver
    if turns is None:
        turns = read_turns(df, mapping, label)
    spark = turns.sparkSession
    key = [F.col("_file"), F.trim(F.col("conversation"))]
    n = partitions or int(spark.conf.get("spark.sql.shuffle.partitions"))
    grouped = turns.repartition(n, *key).sortWithinPartitions(*key, F.col("_row"))
    out = grouped.mapInArrow(_analyse_partitions(engine, redact, _arrow_schema(spark)), _OUT_DDL)
    out = out.persist(StorageLevel.MEMORY_AND_DISK)
    partials = [r[0] for r in out.where(F.col("partial").isNotNull()).select("partial").collect()]
    results = out.where(F.col("partial").isNull()).drop("partial")
    summary_json, agents_csv, report_html = _evenkeel.summarize(
        partials, list(inputs or [(label, "dataframe")]), engine, redact
    )
    summary = json.loads(summary_json)
    agents = _scorecards(spark, summary["agents"], with_wellbeing=True)
    teams = _scorecards(spark, summary["teams"], with_wellbeing=False)
    return SparkAudit(results, agents, teams, summary, summary_json, agents_csv, report_html, out)


_STANCES = ("empathetic", "sympathetic", "neutral", "dismissive")
_CARD_DDL = (
    "{key} string, team string, turns long, "
    + ", ".join(f"{s} long" for s in _STANCES)
    + ", "
    + ", ".join(f"{s}_rate double" for s in _STANCES)
    + ", emotional_turns long, acknowledgment_rate double, explored_before_solving_rate double, "
    "emotion_rose_after_risky double, emotion_rose_after_empathetic double, strain_rate double, "
    "wellbeing_rising boolean, top_cues string"
)


def _scorecards(spark: Any, cards: List[Dict[str, Any]], with_wellbeing: bool) -> Any:
    rows = []
    for c in cards:
        rows.append(
            (
                c["name"],
                c.get("team"),
                c["turns"],
                *(c["stances"][s] for s in _STANCES),
                *(float(c["rates"][s]) for s in _STANCES),
                c["emotional_turns"],
                c["acknowledgment_rate"],
                c["explored_before_solving_rate"],
                c["emotion_rose_after_risky"],
                c["emotion_rose_after_empathetic"],
                c["strain_rate"],
                (c.get("wellbeing") or {}).get("rising") if with_wellbeing else None,
                "; ".join(f"{t['cue']} ({t['turns']})" for t in c["top_cues"]),
            )
        )
    ddl = _CARD_DDL.format(key="agent" if with_wellbeing else "team_name")
    return spark.createDataFrame(rows, ddl)


# ---------------------------------------------------------------------------------------
# python -m evenkeel.spark


def _format_of(path: str, given: Optional[str]) -> str:
    if given:
        return given
    low = path.lower().rstrip("/")
    if low.endswith((".csv", ".tsv")):
        return "csv"
    if low.endswith(".parquet"):
        return "parquet"
    return "jsonl"


def _read(spark: Any, path: str, fmt: str) -> Any:
    if fmt == "csv":
        # Every cell as text, quoted fields may hold newlines (HTML e-mails do), "" escapes ".
        return (
            spark.read.option("header", True)
            .option("multiLine", True)
            .option("escape", '"')
            .option("inferSchema", False)
            .option("sep", "\t" if path.lower().endswith(".tsv") else ",")
            .option("mode", "PERMISSIVE")
            .csv(path)
        )
    if fmt == "jsonl":
        return spark.read.option("primitivesAsString", True).json(path)
    if fmt == "parquet":
        return spark.read.parquet(path)
    raise ValueError(f"unknown format `{fmt}`; the Spark job reads csv, jsonl, parquet (turn tables)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m evenkeel.spark INPUT... --out DIR``: ``evenkeel audit`` on Spark."""
    p = argparse.ArgumentParser(
        prog="python -m evenkeel.spark",
        description="Audit turn tables (CSV, JSON Lines, Parquet) on Spark: writes results/ (Parquet), "
        "summary.json, agents.csv and report.html, as evenkeel audit does.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="turn tables: .csv/.tsv, JSON Lines, or Parquet")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--format", choices=["csv", "jsonl", "parquet"], help="read every input as this format")
    p.add_argument("--map", metavar="FIELD=COLUMN,...", help="as evenkeel audit --map")
    p.add_argument("--engine", choices=["hybrid", "rules", "model"])
    p.add_argument("--redact", action="store_true")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run's outputs in --out")
    p.add_argument("--master", help="Spark master when not run by spark-submit (default: local[*])")
    p.add_argument("--partitions", type=int, help="partitions to analyse in (default: spark.sql.shuffle.partitions)")
    p.add_argument(
        "--driver-memory",
        metavar="SIZE",
        help="JVM heap of a local run, e.g. 4g (Spark's default, 1g, is too small for a million turns "
        "on local[N]; under spark-submit use its own --driver-memory)",
    )
    p.add_argument("--quiet", "-q", action="store_true")
    args = p.parse_args(argv)

    try:
        mapping = _mapping(args.map)
    except ValueError as e:
        print(f"evenkeel.spark: {e}", file=sys.stderr)
        return 2
    out = args.out
    if os.path.exists(os.path.join(out, "summary.json")) and not args.overwrite:
        print(f"evenkeel.spark: {out} already holds an earlier audit; pass --overwrite to replace it, or choose another --out", file=sys.stderr)
        return 2
    for path in args.inputs:
        if not os.path.exists(path) and "://" not in path:
            print(f"evenkeel.spark: {path}: No such file or directory (os error 2)", file=sys.stderr)
            return 2

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("evenkeel audit")
    if args.master:
        builder = builder.master(args.master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Not launched by spark-submit (which sets the master): run on this machine.
        builder = builder.master("local[*]")
    if args.driver_memory:
        # Only takes effect when this process starts the JVM, i.e. not under spark-submit.
        builder = builder.config("spark.driver.memory", args.driver_memory)
    spark = builder.getOrCreate()
    started = time.time()
    try:
        parts = []
        inputs = []
        for path in args.inputs:
            fmt = _format_of(path, args.format)
            inputs.append((path, fmt))
            try:
                parts.append(read_turns(_read(spark, path, fmt), mapping, label=path))
            except ValueError as e:
                print(f"evenkeel.spark: {e}", file=sys.stderr)
                return 2
        turns = parts[0]
        for t in parts[1:]:
            turns = turns.unionByName(t)
        a = audit(None, engine=args.engine, redact=args.redact, inputs=inputs, partitions=args.partitions, turns=turns)
        os.makedirs(out, exist_ok=True)
        a.results.write.mode("overwrite").parquet(os.path.join(out, "results"))
        for name, text in (("summary.json", a.summary_json), ("agents.csv", a.agents_csv), ("report.html", a.report_html)):
            tmp = os.path.join(out, name + ".tmp")
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.replace(tmp, os.path.join(out, name))
        a.unpersist()
        if not args.quiet:
            t = a.summary["totals"]
            print(
                f"audited {t['conversations']:,} conversations: {t['agent_turns']:,} agent turns, "
                f"{t['bot_turns']:,} bot turns, {t['customer_turns']:,} customer turns ({time.time() - started:.1f} s)"
            )
            print(f"wrote {out}/results (Parquet), {out}/summary.json, {out}/agents.csv, {out}/report.html")
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
