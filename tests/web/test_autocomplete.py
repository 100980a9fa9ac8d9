"""Every filter that takes a name suggests the names the case knows (a datalist), escaped
and bounded in size."""

from __future__ import annotations

import warnings
from html.parser import HTMLParser

import pandas as pd
import pytest

from tests.web.conftest import CASE, LOCAL

C = f"/cases/{CASE}"
#: Inputs that take no name: dates, numbers, choices, files, and the summary's words.
NOT_NAMES = {"date", "number", "checkbox", "radio", "file", "hidden", "search", "submit",
             "range"}


class _Form(HTMLParser):
    """The page's inputs, and its datalists with their option values."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.lists: dict[str, list[str]] = {}
        self._list: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.inputs.append(a)
        elif tag == "datalist":
            self._list = a.get("id")
            self.lists[self._list] = []
        elif tag == "option" and self._list is not None:
            self.lists[self._list].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "datalist":
            self._list = None


def form_of(client, path: str) -> _Form:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    f = _Form()
    f.feed(r.text)
    return f


@pytest.mark.parametrize("path", ["/", C, f"{C}/events", f"{C}/events?actor=KH&country=Iraq",
                                  f"{C}/actors", f"{C}/actors/kataib_hezbollah", f"{C}/dynamics",
                                  f"{C}/options", f"{C}/events/{CASE}:USP-0153", "/glossary"])
def test_every_input_that_takes_a_name_has_a_list_of_names(client, path):
    f = form_of(client, path)
    for field in f.inputs:
        if field.get("type", "text") in NOT_NAMES:
            continue
        assert field.get("list"), f"{path}: input {field.get('name')!r} suggests nothing"
        assert f.lists.get(field["list"]), f"{path}: no datalist {field['list']!r} with options"


def test_the_events_filters_suggest_the_cases_names_and_its_events_values(client):
    from redline.data.case import load_case
    case = load_case(CASE)
    f = form_of(client, f"{C}/events")
    inputs = {x["name"]: x for x in f.inputs if "name" in x}
    assert {n for n, x in inputs.items() if x.get("list")} == {"actor", "target", "country"}
    actor_list = f.lists[inputs["actor"]["list"]]
    assert inputs["target"]["list"] == inputs["actor"]["list"]
    names = {a.name for a in case.actors} | {al for a in case.actors for al in a.aliases}
    assert names <= set(actor_list)
    # Beyond the case's actors: the actor ids its events hold (here, unnamed attackers).
    events = client.get(f"{C}/events.json?per_page=500").json()
    ids = {a.id for a in case.actors}
    seen = {r[c] for r in events["rows"] for c in ("actor", "target") if r[c] and r[c] not in ids}
    assert seen and seen & set(actor_list) == seen
    countries = f.lists[inputs["country"]["list"]]
    assert {a.country for a in case.actors if a.country} <= set(countries)
    assert {r["country"] for r in events["rows"] if r["country"]} <= set(countries)
    assert len(countries) == len(set(countries))  # each once


@pytest.fixture
def crowded_client(tmp_path):
    """The built-in case plus events with many distinct targets and a country made of
    markup, in a store of their own."""
    from redline.data.store import DuckDBStore
    from redline.web import create_app
    store = DuckDBStore(tmp_path / "store.duckdb")
    store.ingest(CASE)
    rows = []
    for i in range(150):  # target t000 has 150 events, t001 149, ...: a known order
        for j in range(150 - i):
            rows.append({"event_id": f"{CASE}:CROWD-{i}-{j}", "date": pd.Timestamp("2024-01-10").date(),
                         "actor": "crowd_actor", "target": f"t{i:03d}", "event_type": "PROTEST",
                         "mode": None, "summary": "crowd", "place": None,
                         "country": '<img src=x onerror=alert(1)>"' if i == 0 else None,
                         "machine_coded": False, "sources": ["x"], "killed": None,
                         "latitude": None, "longitude": None})
    rows += [{**rows[0], "event_id": f"{CASE}:COMMA-{j}", "target": "Some, Body"}
             for j in range(500)]  # the most frequent target, but a comma splits the filter
    store.ingest_frame(pd.DataFrame(rows), "crowd-test")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(create_app(store), base_url=LOCAL) as c:
        yield c


def test_suggestions_are_escaped_and_bounded_to_the_most_frequent(crowded_client):
    from redline.data.case import load_case
    from redline.web.routes.events import SUGGEST_LIMIT
    case = load_case(CASE)
    r = crowded_client.get(f"{C}/events")
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    f = _Form()
    f.feed(r.text)
    actors = f.lists["actor-names"]
    named = len({a.name for a in case.actors}) + sum(len(a.aliases) for a in case.actors)
    others = actors[named:]
    assert len(others) == SUGGEST_LIMIT < 150 + 1  # more values exist than are listed
    # The most frequent first: crowd_actor (11,325 events), then t000, t001, ... in order.
    assert others[:3] == ["crowd_actor", "t000", "t001"], others[:5]
    assert "t149" not in actors  # the rarest is left out
    assert "Some, Body" not in actors  # picked, it would filter on "Some" or "Body"
    assert '<img src=x onerror=alert(1)>"' in f.lists["country-names"]  # unescaped by the parser
