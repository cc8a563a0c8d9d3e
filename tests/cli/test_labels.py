"""The CLI prints phases, closure modes and stages with the console's Chinese labels
(console/labels.py), and the codes alone with ``--lang en`` (``ENFORCE_LANG``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cli import render
from cli.common import LANG_ENV, term
from tests.cli.conftest import Enforce
from workflows.messages import ActResult


def test_a_term_is_its_code_with_its_chinese_label_or_the_code_alone(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert term("phase", "inquiry") == "inquiry (财产调查)"
    assert term("closure", "ended") == "ended (终结执行)"
    assert term("phase", "new_phase") == "new_phase" and term("phase", None) is None
    result = ActResult(case_number="(2026)甘0402执1号", command_ids=(), events=("X",),
                       duplicate=False, phase="control", outstanding=Decimal("1.00"))
    render.print_act(result, "record_payment")
    assert "phase control (控制财产), outstanding ¥1.00" in capsys.readouterr().out
    monkeypatch.setenv(LANG_ENV, "en")
    assert term("phase", "inquiry") == "inquiry"
    render.print_act(result, "record_payment")
    assert "phase control, outstanding ¥1.00" in capsys.readouterr().out


def test_the_lang_option_is_zh_or_en(offline: Enforce) -> None:
    assert offline("--lang", "fr", "users", "list").code == 2
