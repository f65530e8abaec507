"""evenkeel.spark on a real local Spark session (local[2]) against `evenkeel audit` on the same
demo data: the scorecards, totals and results must be equal."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import evenkeel
import evenkeel.spark as eks
from conftest import canonical

# What a distributed job cannot order as one reader does: the examples on ties of weight.
UNORDERED = ("worst_examples", "best_examples")


@pytest.fixture(scope="module")
def demo(cli, tmp_path_factory):
    """Demo data as CSV and JSON Lines, and `evenkeel audit`'s outputs for each."""
    d = tmp_path_factory.mktemp("demo")
    out = {}
    for name in ("demo.csv", "demo.jsonl"):
        subprocess.run([os.environ["EVENKEEL_BIN"], "demo-data", "--out", name, "--conversations", "120", "--seed", "5"], cwd=d, check=True, capture_output=True)
        audit_dir = d / f"audit-{name}"
        subprocess.run([os.environ["EVENKEEL_BIN"], "--no-config", "audit", name, "--out", str(audit_dir), "--quiet"], cwd=d, check=True, capture_output=True)
        out[name] = audit_dir
    return d, out


def comparable(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in UNORDERED}


def result_lines(lines):
    """results.jsonl lines without `source` (Spark numbers rows, not CSV lines), sorted."""
    out = []
    for l in lines:
        v = json.loads(l)
        del v["source"]
        out.append(canonical(v))
    return sorted(out)


def test_the_command_writes_what_evenkeel_audit_writes(demo):
    d, audits = demo
    out = d / "spark-csv"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    p = subprocess.run(
        [sys.executable, "-m", "evenkeel.spark", "demo.csv", "--out", str(out), "--master", "local[2]", "--partitions", "3"],
        cwd=d,
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-4000:]
    assert "audited 120 conversations" in p.stdout
    want = audits["demo.csv"]
    got_summary = json.loads((out / "summary.json").read_text())
    want_summary = json.loads((want / "summary.json").read_text())
    assert canonical(comparable(got_summary)) == canonical(comparable(want_summary))
    assert len(got_summary["worst_examples"]) == len(want_summary["worst_examples"])
    # agents.csv holds only scorecards: byte for byte.
    assert (out / "agents.csv").read_bytes() == (want / "agents.csv").read_bytes()
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    # Every turn's result, as results.jsonl has it (less the CSV line number).
    results = pq.read_table(out / "results")
    assert results.num_rows == got_summary["totals"]["agent_turns"] + got_summary["totals"]["bot_turns"]
    assert result_lines(results.column("json").to_pylist()) == result_lines((want / "results.jsonl").read_text().splitlines())
    # The typed columns agree with the JSON.
    for row in results.slice(0, 50).to_pylist():
        j = json.loads(row["json"])
        assert (row["conversation"], row["turn"], row["stance"], row["acknowledged"]) == (
            j["conversation"],
            j["turn"],
            j["stance"],
            j["responsiveness"].get("acknowledged"),
        )
        assert [f["cue"] for f in row["findings"]] == [f["cue"] for f in j["findings"]]
    # A second run into the same folder is refused without --overwrite, like evenkeel audit.
    again = subprocess.run([sys.executable, "-m", "evenkeel.spark", "demo.csv", "--out", str(out)], cwd=d, env=env, capture_output=True, text=True)
    assert again.returncode == 2 and "--overwrite" in again.stderr


def test_audit_of_a_dataframe_gives_the_cli_scorecards(spark, demo):
    """JSON Lines read by Spark, columns renamed and mapped back with `mapping`."""
    d, audits = demo
    df = spark.read.option("primitivesAsString", True).json(str(d / "demo.jsonl"))
    renamed = df.withColumnRenamed("conversation", "ticket_id").withColumnRenamed("text", "body")
    a = eks.audit(renamed, "conversation=ticket_id,text=body", label="demo.jsonl", inputs=[("demo.jsonl", "jsonl")])
    try:
        want = json.loads((audits["demo.jsonl"] / "summary.json").read_text())
        assert canonical(comparable(a.summary)) == canonical(comparable(want))
        assert a.agents_csv == (audits["demo.jsonl"] / "agents.csv").read_text()
        # The scorecards as DataFrames.
        agents = {r["agent"]: r for r in (x.asDict() for x in a.agents.collect())}
        assert sorted(agents) == sorted(c["name"] for c in want["agents"])
        for c in want["agents"]:
            r = agents[c["name"]]
            assert r["turns"] == c["turns"] and r["team"] == c.get("team")
            assert {s: r[s] for s in evenkeel.STANCES} == c["stances"]
            assert r["acknowledgment_rate"] == c["acknowledgment_rate"]
            assert r["wellbeing_rising"] == c["wellbeing"]["rising"]
        teams = {r["team_name"]: r for r in (x.asDict() for x in a.teams.collect())}
        assert {k: v["turns"] for k, v in teams.items()} == {c["name"]: c["turns"] for c in want["teams"]}
        # Per-turn results: one per agent or bot turn, the same as results.jsonl (less source).
        got = [r["json"] for r in a.results.select("json").collect()]
        assert result_lines(got) == result_lines((audits["demo.jsonl"] / "results.jsonl").read_text().splitlines())
    finally:
        a.unpersist()


def test_conversations_are_analysed_whole_across_partitions_and_batches(spark):
    """Responsiveness needs the whole conversation: turns scattered over many input partitions
    and Arrow batches are gathered by conversation before analysis."""
    rows = []
    for c in range(40):
        rows.append((f"c{c}", "customer", None, "I'm furious, you charged me twice!", f"2026-01-05T10:{c:02d}:00Z"))
        rows.append((f"c{c}", "agent", "Ana", "I can understand why that makes you angry. I've refunded it.", f"2026-01-05T10:{c:02d}:30Z"))
        rows.append((f"c{c}", "customer", None, "Thanks, that's fine now.", f"2026-01-05T10:{c:02d}:40Z"))
    df = spark.createDataFrame(rows, "conversation string, author string, agent string, text string, time string").repartition(7)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "5")
    try:
        a = eks.audit(df, partitions=3)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    try:
        ana = a.summary["agents"][0]
        assert a.summary["totals"]["conversations"] == 40
        assert ana["turns"] == 40 and ana["emotional_turns"] == 40
        assert ana["acknowledgment_rate"] == 1.0
        assert ana["emotion_rose_after_empathetic"] == 0.0
        res = a.results.select("customer", "stance").collect()
        assert all(r["customer"] == "I'm furious, you charged me twice!" for r in res)
    finally:
        a.unpersist()


def test_missing_columns_fail_with_the_cli_message(spark):
    df = spark.createDataFrame([("1", "hi")], "ticket string, body string")
    with pytest.raises(ValueError, match=r"no column for conversation \(column `conversation`\), author \(column `author`\), text \(column `text`\); it has: ticket, body"):
        eks.audit(df)
    with pytest.raises(ValueError, match="unknown field `customer`"):
        eks.audit(df, "customer=x")
