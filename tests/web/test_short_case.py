"""A case too short for some analyses: its pages say what could not run, and answer 200."""

from __future__ import annotations

import pytest

from tests.reports.anycase import write_any_case


@pytest.fixture(scope="module")
def short_client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from redline.data.store import DuckDBStore
    from redline.web import create_app
    root = tmp_path_factory.mktemp("short")
    folder, _ = write_any_case(root / "case", n_days=10, drop_day=6, n_after=0,
                               name="northland-ten-days")
    store = DuckDBStore(root / "s.duckdb")
    store.ingest(folder)
    app = create_app(DuckDBStore(store.path, read_only=True), cases={"northland-ten-days": folder})
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.mark.parametrize("path", ["", "/events", "/actors", "/dynamics", "/dynamics/backtest",
                                  "/judgments"])
def test_every_page_of_a_ten_day_case_answers(short_client, path):
    r = short_client.get("/cases/northland-ten-days" + path)
    assert r.status_code == 200, (path, r.text[:300])


def test_a_scenario_that_does_not_fit_the_window_is_a_clear_error(short_client):
    """The fixture's scenario decides on a day before this short window: a 400 naming the
    file, line and field, not a 500."""
    r = short_client.get("/cases/northland-ten-days/options.json")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["field"] == "decision_day" and "lantern.yaml, line" in err["message"]


def test_the_dynamics_page_says_which_analyses_could_not_run(short_client):
    html = short_client.get("/cases/northland-ten-days/dynamics").text
    assert "could not run on this case: 10 days are too few" in html
    bt = short_client.get("/cases/northland-ten-days/dynamics/backtest").text
    assert "the case window holds 10 days, too few to backtest" in bt
