"""Type stubs for evenkeel's native module (the Rust analyzer). Use the functions of
``evenkeel`` and ``evenkeel.spark``; this module is their implementation."""

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

__version__: str

def check(reply: str, customer: Optional[str] = None, engine: Optional[str] = None) -> Dict[str, Any]:
    """One reply's analysis: the JSON of ``evenkeel check --format json``, parsed."""

def check_json(reply: str, customer: Optional[str] = None, engine: Optional[str] = None) -> str:
    """One reply's analysis as compact JSON text."""

def check_many(
    replies: Sequence[str], customers: Optional[Sequence[Optional[str]]] = None, engine: Optional[str] = None
) -> List[Dict[str, Any]]:
    """Many replies on every core, the GIL released; one dict per reply, in order."""

def check_many_json(
    replies: Sequence[str], customers: Optional[Sequence[Optional[str]]] = None, engine: Optional[str] = None
) -> List[str]:
    """Many replies on every core; one JSON text per reply, in order."""

def check_arrow(table: Any, reply: str = "reply", customer: Optional[str] = None, engine: Optional[str] = None) -> Any:
    """A ``pyarrow.Table`` with ``stance``, ``empathy``, ``sympathy``, ``dismissive`` and ``findings`` added."""

def parse_map(spec: str) -> List[Tuple[str, str]]:
    """``--map FIELD=COLUMN,...`` parsed as ``evenkeel audit`` does: (part, column) for every part."""

def turn_fields() -> List[str]:
    """The parts of a turn: conversation, author, agent, team, time, text, public."""

def summarize(
    partials: Sequence[str], inputs: Sequence[Tuple[str, str]], engine: Optional[str] = None, redacted: bool = False
) -> Tuple[str, str, str]:
    """Merges partial aggregates: ``(summary.json, agents.csv, report.html)`` as ``evenkeel audit`` writes them."""

def engine_name(engine: Optional[str] = None) -> str:
    """The engine a name selects (``None``: the default)."""

class Auditor:
    """One partition of a Spark audit: reads turn rows sorted by file, conversation and row,
    analyses each conversation as ``evenkeel audit`` does, keeps a partial aggregate."""

    def __init__(self, engine: Optional[str] = None, redact: bool = False) -> None: ...
    def feed(self, batch: Any) -> Any:
        """A ``pyarrow.RecordBatch`` of turns in; the results of the conversations it completed out."""
    def finish(self) -> Any:
        """The results of the last conversation; call once after the last batch."""
    def partial(self) -> str:
        """This partition's aggregate, as JSON, for :func:`summarize`."""
    @staticmethod
    def results_schema() -> Any:
        """The ``pyarrow.Schema`` of the results."""
