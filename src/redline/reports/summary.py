"""The at-a-glance summary of a store (what `make demo` prints first).

The tables are built here; how a table is drawn is the caller's choice (the CLI
passes its width-fitting renderer), so this module does not import the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from rich.console import Console
from rich.table import Table

from redline.data.filters import EventFilter

Render = Callable[..., Table]


def plain_table(df: pd.DataFrame, title: str | None = None, **_: object) -> Table:
    """A rich table of ``df`` without width fitting (the default renderer)."""
    table = Table(title=title, header_style="bold", title_justify="left")
    for col in df.columns:
        table.add_column(str(col))
    for row in df.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def month_pivot(long: pd.DataFrame, top: int = 8, window: tuple | None = None) -> pd.DataFrame:
    """Long (month, key, events) -> one row per key, one column per month.

    The ``top`` keys by total are kept (the rest summed as 'other').  With a
    ``window`` (start, end), months outside it are summed into 'before'/'after'
    columns, so a case's summary stays as wide as its observation window.
    """
    if long.empty:
        return pd.DataFrame()
    long = long.copy()
    totals = long.groupby("key")["events"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    long["key"] = long["key"].where(long["key"].isin(keep), "other")
    month = pd.to_datetime(long["month"])
    label = month.dt.strftime("%Y-%m")
    if window is not None:
        lo = pd.Timestamp(window[0]).to_period("M").to_timestamp()
        hi = pd.Timestamp(window[1])
        label = label.where(month >= lo, "before").where(month <= hi, "after")
    long["col"] = label
    wide = long.pivot_table(index="key", columns="col", values="events", aggfunc="sum", fill_value=0)
    cols = sorted(c for c in wide.columns if c[0].isdigit())
    cols = (["before"] if "before" in wide.columns else []) + cols + (["after"] if "after" in wide.columns else [])
    wide = wide[cols]
    wide["total"] = wide.sum(axis=1)
    order = [k for k in keep + ["other"] if k in wide.index]
    wide = wide.loc[order]
    wide.loc["total"] = wide.sum()
    return wide.reset_index().rename(columns={"key": ""})


def print_summary(store, case_name: str | None, console: Console,
                  render: Render | None = None) -> None:
    """Print the store's (or one case's) events at a glance on ``console``.

    ``render(df, title=...)`` draws each table (default :func:`plain_table`).  For a
    case, events of its own file outside its window are counted and stated.
    """
    from redline.data.case import load_case
    frame_table = render or plain_table

    case = load_case(case_name) if case_name else None  # an unknown name fails here, clearly
    filt = EventFilter().in_case(case) if case else EventFilter()
    ov = store.overview(filt)
    if not ov["events"]:
        where = f"of case {case.name} " if case else ""
        console.print(f"the store {store.path} holds no events {where}yet; "
                      f"`redline ingest {case.name if case else 'FILE'}` adds them")
        return
    title = f"{ov['events']:,} events"
    if case_name:
        title += f" of case {case_name}"
    console.rule(title)
    console.print(f"dates {ov['first']:%Y-%m-%d} .. {ov['last']:%Y-%m-%d} · "
                  f"{ov['sources']:,} distinct sources cited · "
                  f"{int(ov['machine_coded'] or 0):,} machine-coded rows · store {store.path}")
    window = (case.start, case.end) if case else None
    if case is not None:
        one = dt.timedelta(days=1)
        after = store.count(EventFilter(id_prefix=f"{case.name}:", start=case.end + one))
        before = store.count(EventFilter(id_prefix=f"{case.name}:", end=case.start - one))
        for n, word, d in ((before, "before", case.start), (after, "after", case.end)):
            if n:
                console.print(f"{n:,} {'event' if n == 1 else 'events'} of the case lie {word} its "
                              f"window ({d:%-d %b %Y}): counted here, not modelled")
    by_type = month_pivot(store.monthly_by(filt, "event_type"), window=window)
    console.print(frame_table(by_type, title="Events per month by type (PLOVER)"))
    by_actor = month_pivot(store.monthly_by(filt, "actor"), top=7, window=window)
    if case is not None:
        names = {a.id: a.name for a in case.actors}
        by_actor[""] = by_actor[""].map(lambda k: names.get(k, k))
    console.print(frame_table(by_actor, title="Events per month by actor"))
    if case is not None:
        ties = pd.DataFrame([{"from": names[t.source], "tie": t.kind.replace("_", " "),
                              "to": names[t.target], "sources": len(t.sources)}
                             for t in case.ties])
        console.print(frame_table(ties, title=f"{len(case.actors)} actors, {len(case.ties)} ties"))
