"""Suite-wide: the replay gate (tests/replay_gate_plugin.py; docs/workflows.md, "Replay gate")."""

pytest_plugins = ("tests.replay_gate_plugin",)
