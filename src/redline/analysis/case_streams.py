"""What the analyses share: which of a case's streams they read, and rows as JSON.

Phases, reaction, deterrence and the network each take the case's attack and
response streams by the same rule and write their tables as the same plain JSON
rows; the rule and the writer live here so no analysis borrows another's internals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from redline.data.case import Case
from redline.errors import AnalysisError

__all__ = ["attack_and_strike", "default_streams", "json_records"]


def json_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dicts: dates as ISO text, numpy numbers as Python
    numbers, non-finite floats as ``None``, arrays as lists."""
    out = []
    for rec in df.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            elif isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, (np.integer,)):
                v = int(v)
            elif isinstance(v, (np.floating, float)):
                v = None if not np.isfinite(v) else float(v)
            elif isinstance(v, np.ndarray):
                v = v.tolist()
            row[k] = v
        out.append(row)
    return out


def attack_and_strike(case: Case, attack: str | None, strike: str | None) -> tuple[str, str]:
    """The (attack, strike) stream pair: given names, else the case's first two
    model streams; raises when a name is not a stream of the case."""
    names = default_streams(case)
    attack = attack or names[0]
    strike = strike or (names[1] if len(names) > 1 else None)
    if strike is None:
        raise AnalysisError("no strike stream given and the case's model has only one stream",
                            field="strike", expected="a stream name")
    for n in (attack, strike):
        case.stream(n)
    return attack, strike


def default_streams(case: Case) -> list[str]:
    """The case's ``model.streams``, else its first two streams (attack, response)."""
    names = list(case.model.streams) or [s.name for s in case.streams[:2]]
    if not names:
        raise AnalysisError(f"case {case.name!r} defines no streams", field="streams",
                            expected="a `streams:` list in case.yaml")
    return names
