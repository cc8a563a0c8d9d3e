"""``python -m cli`` = ``enforce``."""

from cli import app

app(prog_name="enforce")
