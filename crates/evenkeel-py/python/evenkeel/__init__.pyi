"""evenkeel: tell empathy from sympathy in customer-support replies (type stubs)."""

from typing import Any, Dict, List, Literal, Optional, Sequence, TypedDict, Union

__version__: str
STANCES: tuple[str, str, str, str]

Stance = Literal["empathetic", "sympathetic", "neutral", "dismissive"]
Engine = Literal["hybrid", "rules", "model"]

class Scores(TypedDict):
    empathy: float
    sympathy: float
    dismissive: float

class _Fix(TypedDict):
    kind: Literal["replace", "remove"]
    text: str

class _FindingRequired(TypedDict):
    cue: str
    side: Literal["empathy", "sympathy", "dismissive"]
    severity: Literal["info", "low", "medium", "high"]
    start: int
    end: int
    utf16_start: int
    utf16_end: int
    line: int
    column: int
    text: str
    rule: str
    message: str

class Finding(_FindingRequired, total=False):
    suggestion: str
    fix: _Fix
    confidence: float

class _AnalysisRequired(TypedDict):
    schema_version: int
    stance: Stance
    scores: Scores
    findings: List[Finding]
    engine: Engine

class Analysis(_AnalysisRequired, total=False):
    customer_emotion: Literal["anger", "frustration", "sadness", "anxiety", "confusion", "disappointment", "none"]
    notes: List[str]
    stance_probabilities: Dict[Stance, float]

def check(reply: str, customer: Optional[str] = None, *, engine: Optional[Engine] = None) -> Analysis:
    """Analyse one reply; the JSON contract of ``evenkeel check --format json`` as a dict.

    Raises ValueError for an empty reply or an unknown engine, TypeError for a non-string."""

def check_json(reply: str, customer: Optional[str] = None, *, engine: Optional[Engine] = None) -> str:
    """Like ``check``, but the JSON text (compact), as the command line writes it."""

def check_many(
    replies: Sequence[str], customers: Optional[Sequence[Optional[str]]] = None, *, engine: Optional[Engine] = None
) -> List[Analysis]:
    """Analyse many replies on every core with the GIL released; one dict per reply, in order.

    Empty replies are analysed (as ``evenkeel check --jsonl`` does). Raises TypeError naming
    the index of a non-string item, ValueError when ``customers`` has another length."""

def check_many_json(
    replies: Sequence[str], customers: Optional[Sequence[Optional[str]]] = None, *, engine: Optional[Engine] = None
) -> List[str]:
    """Like ``check_many``, but each result as its JSON text."""

def check_arrow(table: Any, reply: str = "reply", customer: Optional[str] = None, *, engine: Optional[Engine] = None) -> Any:
    """Return ``table`` (a ``pyarrow.Table`` or ``RecordBatch``) as a ``pyarrow.Table`` with the
    columns ``stance``, ``empathy``, ``sympathy``, ``dismissive`` and ``findings``
    (``list<struct<cue, side, severity, start, end, text>>``, byte offsets) added.

    Input columns are passed through without a copy; null replies give null results."""

def engine_name(engine: Optional[Engine] = None) -> str:
    """The engine that ``engine`` selects (``None``: the default)."""
