"""Source labels, reliability grades and citation runs of the brief's source list."""

from __future__ import annotations

import re
from types import SimpleNamespace as NS

import pytest

from redline.errors import InputError
from redline.reports.sources import (
    COLLECTION,
    case_grades,
    citation_markup,
    reliability_of,
    source_label,
)


def test_a_grade_comes_from_the_exact_source_then_its_domain_then_the_defaults():
    grades = {"https://x.org/a": "partisan", "example.net": "official"}
    assert reliability_of("https://x.org/a", grades) == "partisan"
    assert reliability_of("https://x.org/b", grades) == "unrated"
    assert reliability_of("https://news.example.net/story", grades) == "official"   # subdomain
    assert reliability_of("https://www.reuters.com/world/x") == "established"       # default
    assert reliability_of("https://www.reuters.com/world/x", {"reuters.com": "partisan"}) == "partisan"
    assert reliability_of("https://203.0.113.9/page") == "unrated"
    assert reliability_of("seed:notes") == "document"
    assert reliability_of("SOHR,2016-01-01,Clashes") == "unrated"
    assert reliability_of(f"{COLLECTION}400:x") == "mixed"


def test_a_case_sets_its_grades_in_sources_yaml(tmp_path):
    assert case_grades(NS(folder=tmp_path)) == {}
    (tmp_path / "sources.yaml").write_text(
        "reliability: {WWW.Example.org: state media, 'https://a.b/c': established}\n")
    assert case_grades(NS(folder=tmp_path)) == {"example.org": "state media",
                                                 "https://a.b/c": "established"}
    (tmp_path / "sources.yaml").write_text("reliability: [not, a, map]\n")
    with pytest.raises(InputError, match="reliability"):
        case_grades(NS(folder=tmp_path))
    assert case_grades(NS(folder=None)) == {}


def test_labels_are_short_and_readable():
    assert source_label("seed:us-notes") == "document us-notes"
    assert source_label("https://www.example.org/a/b/") == "example.org/a/b"
    long = "https://example.org/" + "x" * 100
    assert source_label(long) == "example.org/" + "x" * 66 + "…"
    assert source_label("UNAMI,2017-08-30,Report") == "UNAMI,2017-08-30,Report"


def test_runs_of_large_source_numbers_read_as_ranges():
    html = str(citation_markup([1000, 1001, 1002, 1004, 5000, 5001]))
    assert re.findall(r">\[([^\]]+)\]<", html) == ["1000–1002", "1004", "5000", "5001"]


def test_what_a_source_backs_counts_key_judgments_and_names_the_rest():
    from redline.reports.sources import Source
    s = Source(3, "https://x.org/a", uses=("key judgment: a.b", "key judgment: c.d",
                                            "tie: A hosts B", "dyads of some_group"))
    assert s.plain_uses == ("2 key judgments", "tie: A hosts B", "dyads of some group")
    assert Source(1, "x", uses=("key event: Y",)).plain_uses == ("key event: Y",)


def test_more_than_six_citations_fold_by_default():
    html = str(citation_markup([1, 3, 5, 7, 9, 11, 13]))
    assert "+1 more" in html and html.index("details") > html.index('data-cite="11"')
