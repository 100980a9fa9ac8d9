"""The JSON API fuzzed against its OpenAPI schema (schemathesis, in-process ASGI): no 5xx.

GET operations only: the POSTs start scenario runs or write to the store, and are
covered by test_api.  Half the examples name the real case (a random name only
reaches the 404), and examples are bounded so the run stays well under a minute.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.checks import not_a_server_error

from tests.web.conftest import CASE

EXAMPLES = 15
HOST = {"Host": "127.0.0.1"}


def _on_real_case(pair):
    case, real = pair
    if real and case.path_parameters and "case" in case.path_parameters:
        case.path_parameters["case"] = CASE
    return case


def test_json_api_has_no_server_errors(web_app):
    from redline.web.app import warm
    warm(web_app, CASE)  # fit once, so no example pays for it
    # The app answers only to this machine's names (no test-only host), so say which.
    schema = schemathesis.openapi.from_asgi("/openapi.json", web_app,
                                            headers=HOST).include(method="GET")
    seen = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path == "/runs/{run_id}/progress":
            continue  # an endless stream for a live run; 404 for any other id (test_api)
        seen.append(op.path)

        @given(st.tuples(op.as_strategy(), st.booleans()).map(_on_real_case))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(checks=[not_a_server_error], headers=HOST)

        run()
    assert "/cases/{case}/events.json" in seen and len(seen) >= 10
