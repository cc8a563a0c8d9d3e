"""Entry point of the engine. For now: `--demo` files sample cases on the SQLite store and
prints their histories (the durable-procedure issue turns this into the Temporal worker)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table


def demo(data_dir: Path) -> int:
    """File and advance sample cases through the application; print each history."""
    from domain.application import EnforcementCases
    from domain.samples import sample_commands

    console = Console()
    app = EnforcementCases.sqlite(data_dir / "events.sqlite")
    for number, commands in sample_commands().items():
        for cmd in commands:
            app.execute(cmd)  # idempotent: re-running the demo writes nothing new
        table = Table(title=f"{number} — history", show_lines=False)
        for column in ("v", "business time", "event", "actor", "basis"):
            table.add_column(column)
        for event in app.case_events(number):
            table.add_row(str(event.originator_version), event.recorded_at.isoformat(" "),
                          type(event).__name__, f"{event.actor.id} ({event.actor.role.value})",
                          event.basis or "")
        console.print(table)
        state = app.get_case(number)
        verified = app.verify(number)
        console.print(f"phase={state.phase.value} outstanding=¥{state.outstanding} "
                      f"hash chain ok={verified.ok}\n")
    console.print(f"Event store: {data_dir / 'events.sqlite'}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="file sample cases, print histories")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    return demo(args.data_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
