"""evenkeel.check, check_many and check_arrow against the CLI's JSON, and their errors."""

import json
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

import evenkeel
from conftest import canonical

REPO = Path(__file__).resolve().parents[3]

CUSTOMER = (REPO / "examples" / "customer.txt").read_text()
# (reply, customer): every stance, every side, accents, emoji, CJK, several lines.
CASES = [
    ((REPO / "examples" / "reply.txt").read_text(), CUSTOMER),
    ((REPO / "examples" / "reply-rewritten.txt").read_text(), CUSTOMER),
    ("Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable.", None),
    ("I can understand why that makes you angry. Could you tell me what happened when you tried to pay?", "I'm furious, you charged me twice!"),
    ("As I already said, you should have read the terms. That's our policy.", "Why was I charged??"),
    ("Your call is important to us.", None),
    ("Thanks, the store opens at 9.", None),
    ("Oh no! 😟 I'm so sorry your parcel didn't come today — I've re-sent it with express delivery.", "Où est mon colis ? 😡"),
    ("Je comprends votre frustration. Désolé pour l'attente, j'ai remboursé la commande n°42.", None),
    ("申し訳ありません。I can see how frustrating this has been, and I've escalated it to our billing team.", "これは最悪です！"),
    ("you poor thing, I feel so sorry for you 😢😢\nI guarantee it arrives tomorrow!!", "I'm so sad, it was a gift."),
    ("Calm down, it's just a small delay.", "I am absolutely furious with you people!"),
]


def cli_check(cli, reply, customer):
    args = ["check", "--text", reply, "--format", "json", "--fail-on", "none"]
    if customer is not None:
        args += ["--customer", customer]
    return json.loads(cli(*args))


@pytest.mark.parametrize("reply,customer", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_check_equals_the_cli_json(cli, reply, customer):
    expected = canonical(cli_check(cli, reply, customer))
    assert canonical(evenkeel.check(reply, customer)) == expected
    assert canonical(json.loads(evenkeel.check_json(reply, customer))) == expected


def test_check_with_the_rules_engine_equals_the_cli(cli):
    for reply, customer in CASES[:4]:
        args = ["--engine", "rules", "check", "--text", reply, "--format", "json", "--fail-on", "none"]
        if customer is not None:
            args += ["--customer", customer]
        assert canonical(evenkeel.check(reply, customer, engine="rules")) == canonical(json.loads(cli(*args)))


def test_check_many_equals_check_jsonl(cli):
    lines = "".join(json.dumps({"reply": r, "customer": c}) + "\n" for r, c in CASES)
    out = [json.loads(l) for l in cli("check", "--jsonl", "-", "--fail-on", "none", stdin=lines.encode()).splitlines()]
    for o in out:
        del o["line"], o["id"]
    replies = [r for r, _ in CASES]
    customers = [c for _, c in CASES]
    many = evenkeel.check_many(replies, customers)
    assert [canonical(x) for x in many] == [canonical(x) for x in out]
    assert [canonical(json.loads(x)) for x in evenkeel.check_many_json(replies, customers)] == [canonical(x) for x in out]
    # Without customers, and from any iterable.
    alone = evenkeel.check_many(r for r in replies)
    assert [a["stance"] for a in alone] == [evenkeel.check(r)["stance"] for r in replies]


def test_check_many_runs_with_the_gil_released():
    replies = [r for r, _ in CASES] * 400
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    evenkeel.check("warm up the engine")
    t = threading.Thread(target=tick)
    t.start()
    started = time.time()
    evenkeel.check_many(replies)
    took = time.time() - started
    stop.set()
    t.join()
    # A thread that holds the GIL for the whole call would leave the ticker at ~0.
    assert len(ticks) > took * 100, (len(ticks), took)


def test_errors_read_like_the_cli():
    with pytest.raises(ValueError, match="the reply is empty: there is nothing to check"):
        evenkeel.check("   ")
    with pytest.raises(ValueError, match=r"unknown engine `turbo` \(expected rules, model or hybrid\)"):
        evenkeel.check("Hi", engine="turbo")
    with pytest.raises(TypeError):
        evenkeel.check(42)
    with pytest.raises(TypeError, match=r"replies\[1\] must be a string, not int"):
        evenkeel.check_many(["ok", 3])
    with pytest.raises(TypeError, match="not one string"):
        evenkeel.check_many("a reply")
    with pytest.raises(ValueError, match="customers has 1 items and replies 2"):
        evenkeel.check_many(["a", "b"], ["c"])
    # Empty replies in bulk are analysed, as `check --jsonl` does.
    assert evenkeel.check_many([""])[0]["stance"] == "neutral"


# ---------------------------------------------------------------------------------------
# check_arrow


def test_check_arrow_adds_the_columns_and_agrees_with_check_many():
    replies = [r for r, _ in CASES]
    customers = [c for _, c in CASES]
    t = pa.table({"id": list(range(len(CASES))), "reply": replies, "customer": customers})
    out = evenkeel.check_arrow(t, customer="customer")
    assert out.column_names == ["id", "reply", "customer", "stance", "empathy", "sympathy", "dismissive", "findings"]
    assert out.schema.field("findings").type == pa.list_(
        pa.field(
            "item",
            pa.struct(
                [
                    pa.field("cue", pa.string(), False),
                    pa.field("side", pa.string(), False),
                    pa.field("severity", pa.string(), False),
                    pa.field("start", pa.int64(), False),
                    pa.field("end", pa.int64(), False),
                    pa.field("text", pa.string(), False),
                ]
            ),
            False,
        )
    )
    many = evenkeel.check_many(replies, customers)
    rows = out.to_pylist()
    for row, a in zip(rows, many):
        assert row["stance"] == a["stance"]
        assert (row["empathy"], row["sympathy"], row["dismissive"]) == (a["scores"]["empathy"], a["scores"]["sympathy"], a["scores"]["dismissive"])
        assert row["findings"] == [{k: f[k] for k in ("cue", "side", "severity", "start", "end", "text")} for f in a["findings"]]


def test_check_arrow_handles_nulls_empty_strings_and_non_ascii():
    replies = [None, "", "Oh no! 😟 Désolé — I've re-sent it.", "   ", "申し訳ありません。I can see how frustrating this has been.", None]
    t = pa.table({"reply": pa.array(replies, pa.string())})
    out = evenkeel.check_arrow(t)
    rows = out.to_pylist()
    for row, reply in zip(rows, replies):
        if reply is None:
            assert row["stance"] is None and row["empathy"] is None and row["findings"] is None
        else:
            assert row["stance"] in evenkeel.STANCES
            assert row["findings"] is not None
            for f in row["findings"]:
                # Byte offsets into the UTF-8 reply, exactly the finding's text.
                assert reply.encode()[f["start"] : f["end"]].decode() == f["text"]
            assert row["stance"] == evenkeel.check_many([reply])[0]["stance"]
    assert rows[1]["stance"] == "neutral" and rows[1]["findings"] == []
    assert any(f["cue"] == "acknowledges_emotion" for f in rows[2]["findings"]), rows[2]
    assert out.column("stance").null_count == 2


def test_check_arrow_passes_the_input_through_without_a_copy():
    t = pa.table({"reply": ["This is not acceptable.", "I can understand why that makes you angry."], "n": [1, 2]})
    out = evenkeel.check_arrow(t)
    for name in ("reply", "n"):
        before = [b.address for b in t.column(name).chunk(0).buffers() if b is not None]
        after = [b.address for b in out.column(name).chunk(0).buffers() if b is not None]
        assert before == after, f"column {name} was copied"


def test_check_arrow_reads_every_string_layout_and_batches():
    replies = ["This is not acceptable.", None, "Could you tell me what happened?"]
    expected = [r["stance"] if r else None for r in [evenkeel.check(replies[0]), None, evenkeel.check(replies[2])]]
    for ty in (pa.string(), pa.large_string(), pa.string_view()):
        out = evenkeel.check_arrow(pa.table({"text": pa.array(replies, ty)}), reply="text")
        assert out.column("stance").to_pylist() == expected, ty
    batch = pa.record_batch({"reply": replies})
    assert evenkeel.check_arrow(batch).column("stance").to_pylist() == expected
    # Several chunks keep their rows.
    chunked = pa.Table.from_batches([pa.record_batch({"reply": replies[:1]}), pa.record_batch({"reply": replies[1:]})])
    assert evenkeel.check_arrow(chunked).column("stance").to_pylist() == expected
    # An empty table stays empty.
    empty = evenkeel.check_arrow(pa.table({"reply": pa.array([], pa.string())}))
    assert empty.num_rows == 0 and "findings" in empty.column_names


def test_check_arrow_errors_name_the_column():
    t = pa.table({"body": ["hi"], "n": [1]})
    with pytest.raises(ValueError, match=r"no column `reply` .*it has: body, n"):
        evenkeel.check_arrow(t)
    with pytest.raises(TypeError, match=r"column `n` holds Int64, not text"):
        evenkeel.check_arrow(t, reply="n")
    with pytest.raises(ValueError, match="no column `cust`"):
        evenkeel.check_arrow(t, reply="body", customer="cust")
    with pytest.raises(ValueError, match="already has a column `stance`"):
        evenkeel.check_arrow(pa.table({"reply": ["hi"], "stance": ["x"]}))
    with pytest.raises(TypeError):
        evenkeel.check_arrow([1, 2, 3])
