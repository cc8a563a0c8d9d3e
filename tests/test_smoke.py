"""The sample cases run through the application and verify."""

from __future__ import annotations

from tests.samples import sample_commands
from tests.support import new_app


def test_sample_cases_reach_their_closure_and_verify() -> None:
    app = new_app()
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    phases = {n: app.get_case(n).phase.value for n in sample_commands()}
    assert phases == {"(2026)甘0402执1号": "closed", "(2026)甘0402执2号": "closed",
                      "(2026)甘0402执3号": "terminated"}
    assert all(app.verify(n).ok for n in sample_commands())
