"""The at-a-glance summary of a store (what `make demo` prints first)."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from redline.cli.render import frame_table
from redline.data.filters import EventFilter


def month_pivot(long: pd.DataFrame, top: int = 8) -> pd.DataFrame:
    """Long (month, key, events) -> months x keys, the ``top`` keys by total, rest as 'other'."""
    if long.empty:
        return pd.DataFrame()
    totals = long.groupby("key")["events"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    long = long.assign(key=long["key"].where(long["key"].isin(keep), "other"))
    wide = long.pivot_table(index="month", columns="key", values="events", aggfunc="sum", fill_value=0)
    wide = wide[[k for k in keep + ["other"] if k in wide.columns]]
    wide.index = pd.to_datetime(wide.index).strftime("%Y-%m")
    wide.loc["total"] = wide.sum()
    return wide.reset_index().rename(columns={"index": "month"})


def print_summary(store, case_name: str | None, console: Console) -> None:
    from redline.data.case import load_case

    filt = EventFilter(id_prefix=f"{case_name}:" if case_name else None)
    ov = store.overview(filt)
    title = f"{ov['events']:,} events"
    if case_name:
        title += f" of case {case_name}"
    console.rule(title)
    console.print(f"dates {ov['first']:%Y-%m-%d} .. {ov['last']:%Y-%m-%d} · "
                  f"{ov['sources']:,} distinct sources cited · "
                  f"{int(ov['machine_coded'] or 0):,} machine-coded rows · store {store.path}")
    by_type = month_pivot(store.monthly_by(filt, "event_type"))
    console.print(frame_table(by_type, title="Events per month by type (PLOVER)", max_width=14))
    by_actor = month_pivot(store.monthly_by(filt, "actor"), top=6)
    console.print(frame_table(by_actor, title="Events per month by actor", max_width=18))
    if case_name:
        case = load_case(case_name)
        names = {a.id: a.name for a in case.actors}
        ties = pd.DataFrame([{"from": names[t.source], "tie": t.kind.replace("_", " "),
                              "to": names[t.target], "sources": len(t.sources)}
                             for t in case.ties])
        console.print(frame_table(ties, title=f"{len(case.actors)} actors, {len(case.ties)} ties"))
