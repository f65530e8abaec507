"""evenkeel: tell empathy from sympathy in customer-support replies.

The analyzer is evenkeel's own Rust code, called natively: the results are exactly those of
the ``evenkeel`` command line (``evenkeel check --format json``), as Python objects.

>>> import evenkeel
>>> r = evenkeel.check("This is so irresponsible of my team. This is not acceptable.")
>>> r["stance"]
'sympathetic'
>>> [f["cue"] for f in r["findings"]]
['blames_own_side', 'condemns']

``check_many`` analyses a list of replies on every core; ``check_arrow`` adds the analysis
to a ``pyarrow.Table`` as columns; ``evenkeel.spark`` audits conversation archives on Spark.

Engines: ``engine=None`` (the default) is the engine the command line uses by default
(``hybrid``: the rules plus the learned model embedded in the build); ``"rules"`` and
``"model"`` are the others. Each is built once per process, on first use (about half a
second).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence

from . import _evenkeel

__version__: str = _evenkeel.__version__

__all__ = [
    "check",
    "check_json",
    "check_many",
    "check_many_json",
    "check_arrow",
    "engine_name",
    "STANCES",
    "__version__",
]

#: The four stances, in the taxonomy's order.
STANCES = ("empathetic", "sympathetic", "neutral", "dismissive")


def check(reply: str, customer: Optional[str] = None, *, engine: Optional[str] = None) -> Dict[str, Any]:
    """Analyse one reply; return the JSON contract of ``evenkeel check --format json`` as a dict.

    Args:
        reply: the agent's reply.
        customer: the customer message it answers (adds ``customer_emotion`` and notes such
            as an upset customer whose feeling is never acknowledged).
        engine: ``"hybrid"`` (the default), ``"rules"`` or ``"model"``.

    Returns:
        ``{"schema_version": 1, "stance": ..., "scores": {"empathy", "sympathy",
        "dismissive"}, "findings": [{"cue", "side", "severity", "start", "end",
        "utf16_start", "utf16_end", "line", "column", "text", "rule", "message",
        "suggestion"?, "fix"?, "confidence"?}], "customer_emotion"?, "notes"?, "engine",
        "stance_probabilities"?}``. ``start``/``end`` are byte offsets into the UTF-8 reply;
        use ``utf16_start``/``utf16_end`` or ``text`` to find the span in a Python string
        with non-ASCII text (or ``reply.encode()[start:end].decode()``).

    Raises:
        ValueError: the reply is empty (as the command line refuses it), or the engine is
            unknown.
        TypeError: ``reply`` or ``customer`` is not a string.
    """
    return _evenkeel.check(reply, customer, engine)


def check_json(reply: str, customer: Optional[str] = None, *, engine: Optional[str] = None) -> str:
    """Like :func:`check`, but the JSON text itself (compact), as the command line writes it."""
    return _evenkeel.check_json(reply, customer, engine)


def check_many(
    replies: Sequence[str],
    customers: Optional[Sequence[Optional[str]]] = None,
    *,
    engine: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """Analyse many replies at once, on every core, with the GIL released.

    Args:
        replies: the replies (any sequence or iterable of ``str``). Empty replies are analysed
            (neutral, no findings), as ``evenkeel check --jsonl`` does.
        customers: optionally, one customer message (or ``None``) per reply.
        engine: as for :func:`check`.

    Returns:
        One dict per reply, in order, each what :func:`check` returns.

    Raises:
        TypeError: an item is not a string (the message names its index).
        ValueError: ``customers`` and ``replies`` differ in length, or the engine is unknown.
    """
    return _evenkeel.check_many(replies, customers, engine)


def check_many_json(
    replies: Sequence[str],
    customers: Optional[Sequence[Optional[str]]] = None,
    *,
    engine: Optional[str] = None,
) -> List[str]:
    """Like :func:`check_many`, but each result as its JSON text (cheaper when you store it)."""
    return _evenkeel.check_many_json(replies, customers, engine)


def check_arrow(table: Any, reply: str = "reply", customer: Optional[str] = None, *, engine: Optional[str] = None) -> Any:
    """Analyse a text column of an Arrow table; return the table with the analysis added.

    Adds the columns ``stance`` (string), ``empathy``, ``sympathy``, ``dismissive`` (float64)
    and ``findings`` (``list<struct<cue, side, severity: string, start, end: int64,
    text: string>>``; ``start``/``end`` are byte offsets into the UTF-8 reply). The input
    columns come back as they went in (the same Arrow buffers, no copy), and the replies are
    read in place through the Arrow C data interface; the rows are analysed on every core with
    the GIL released.

    A null reply gives nulls in every added column; an empty one is analysed (neutral, no
    findings), as ``evenkeel check --jsonl`` does.

    Args:
        table: a ``pyarrow.Table`` or ``pyarrow.RecordBatch`` (or any object that exports an
            Arrow stream through ``__arrow_c_stream__``, such as a ``RecordBatchReader`` or a
            polars DataFrame).
        reply: the column holding the replies (``string``, ``large_string`` or
            ``string_view``).
        customer: optionally, the column holding the customer messages.
        engine: as for :func:`check`.

    Returns:
        A ``pyarrow.Table``.

    Raises:
        ValueError: a named column is missing, or the table already has one of the added
            columns.
        TypeError: a named column does not hold text, or ``table`` is not Arrow data.
    """
    try:
        import pyarrow as pa
    except ImportError as e:  # pragma: no cover - pyarrow is a requirement of this function
        raise ImportError("evenkeel.check_arrow needs pyarrow: pip install pyarrow") from e
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    return _evenkeel.check_arrow(table, reply, customer, engine)


def engine_name(engine: Optional[str] = None) -> str:
    """The engine that ``engine`` selects (``None``: the default, ``"hybrid"`` in this build)."""
    return _evenkeel.engine_name(engine)
