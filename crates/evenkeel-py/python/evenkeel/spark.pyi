"""Whole archives on Spark (type stubs): ``evenkeel audit`` as a Spark job."""

from typing import Any, Dict, Optional, Sequence, Tuple, Union

FIELDS: Tuple[str, ...]
RESULTS_DDL: str

class SparkAudit:
    """Per-turn ``results``, per-agent ``agents`` and per-team ``teams`` scorecards (Spark
    DataFrames), ``summary`` (``summary.json`` as a dict) and the texts of ``summary.json``,
    ``agents.csv`` and ``report.html`` as ``evenkeel audit`` writes them."""

    results: Any
    agents: Any
    teams: Any
    summary: Dict[str, Any]
    summary_json: str
    agents_csv: str
    report_html: str
    def unpersist(self) -> None: ...

def read_turns(df: Any, mapping: Union[None, str, Dict[str, str]] = None, label: str = "dataframe") -> Any:
    """The turn table in the job's column names (the parts of ``--map`` as strings, ``_file``, ``_row``)."""

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
    """Audit a Spark DataFrame of conversation turns (columns named as ``evenkeel audit --map``
    names them): each conversation is analysed whole, natively, inside ``mapInArrow``; the
    scorecards equal those of ``evenkeel audit`` on the same turns."""

def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m evenkeel.spark INPUT... --out DIR``."""
