"""One computed brief (built-in case + its after-tower-22 scenario), shared by the report tests."""

from __future__ import annotations

import dataclasses

import pytest

CASE = "us-iran-proxies-2023"
SCENARIO = "after-tower-22"


@pytest.fixture(scope="session")
def store(builtin_store):
    return builtin_store


@pytest.fixture(scope="session")
def results(store):
    from redline.reports.brief import compute_results
    return compute_results(store, CASE, SCENARIO, n_paths=2000, seed=3)


@pytest.fixture(scope="session")
def brief(results):
    from redline.reports.brief import build_brief
    return build_brief(results)


@pytest.fixture(scope="session")
def plain_brief(results):
    """The same case without a scenario (no second fit: the results are reused)."""
    from redline.reports.brief import build_brief
    bare = dataclasses.replace(results, scenario=None, scenario_result=None)
    return build_brief(bare)


@pytest.fixture(scope="session")
def brief_file(brief, tmp_path_factory):
    return brief.write_html(tmp_path_factory.mktemp("html") / "brief.html")
