"""``python -m alma`` is the ``alma`` command."""

from alma.cli.main import run

run()
