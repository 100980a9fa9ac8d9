"""The diagnostics channel: registered codes, fixed JSON shape, lookups."""

import json

import pytest

from redline.diagnostics import CODES, Diagnostic, Diagnostics, diagnostic


def test_round_trip_keeps_the_fixed_shape():
    ds = Diagnostics()
    ds.add("fit.not_converged", "stopped after 500 iterations", subject=("stream", "a"))
    ds.add("fit.supercritical", "spectral radius 1.2")
    rows = json.loads(json.dumps(ds.to_list()))
    assert rows[0] == {"code": "fit.not_converged", "severity": "warning",
                       "message": "stopped after 500 iterations",
                       "subject": {"kind": "stream", "id": "a"}}
    assert rows[1]["subject"] is None
    assert Diagnostics.from_list(rows).to_list() == rows


def test_unknown_code_and_bad_fields_are_refused():
    with pytest.raises(KeyError):
        diagnostic("no.such_code", "x")
    with pytest.raises(ValueError):
        Diagnostic("fit.not_converged", "fatal", "x")
    with pytest.raises(ValueError):
        Diagnostic("fit.not_converged", "warning", "x", "stream", None)
    with pytest.raises(ValueError):
        Diagnostic("fit.not_converged", "warning", "x", "planet", "mars")


def test_lookups_by_subject_and_severity_and_no_repeats():
    ds = Diagnostics()
    ds.add("fit.not_converged", "m1", subject=("stream", "a"))
    ds.add("fit.not_converged", "m1", subject=("stream", "a"))
    ds.add("fit.bootstrap_thin", "m2", severity="info", subject=("stream", "b"))
    ds.add("fit.supercritical", "m3", severity="error")
    assert len(ds) == 3
    assert [d.message for d in ds.about("stream", "b")] == ["m2"]
    assert [d.code for d in ds.at_least("warning")] == ["fit.not_converged", "fit.supercritical"]
    assert ds.has("fit.not_converged", "a") and not ds.has("fit.not_converged", "b")
    assert ds.codes() == ["fit.not_converged", "fit.bootstrap_thin", "fit.supercritical"]


def test_every_code_has_a_meaning_and_a_dotted_name():
    for name, code in CODES.items():
        assert "." in name and code.meaning.strip().endswith("."), name


def test_an_errors_reason_is_its_message_and_what_was_needed_without_its_location():
    from redline.errors import InputError
    e = InputError("13 days are too few", file="x.csv", line=3, field="window",
                   expected="at least 58 days")
    assert e.reason == "13 days are too few (needed: at least 58 days)"
    assert InputError("no streams").reason == "no streams"
    assert str(e).startswith("x.csv, line 3, field 'window': ")
