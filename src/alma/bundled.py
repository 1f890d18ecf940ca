"""What an installation carries besides code: the example blueprints and the web UI's built assets.

Both live inside the package, so a wheel, an editable checkout and the container image find them at the
same place: ``alma/examples`` and ``alma/web_assets``. In a checkout those two are symbolic links to
``examples/`` and ``web/dist`` (the web UI's build output, present once it has been built); building a
wheel or an sdist copies what they point to, so an installed ALMA needs no checkout.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from alma.errors import NotFoundError

PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLE_SUFFIXES = (".yaml", ".yml", ".json")

__all__ = ["Example", "examples", "examples_dir", "find_example", "web_assets_dir"]


def examples_dir() -> Path:
    return PACKAGE_DIR / "examples"


@dataclass(frozen=True)
class Example:
    name: str  # the file name without its suffix: `alma examples show web-stack`
    path: Path

    @property
    def file_name(self) -> str:
        return self.path.name

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def summary(self) -> str:
        """The example's opening comment, first line: what it builds."""
        for line in self.text().splitlines():
            if not line.startswith("#"):
                break
            stripped = line.lstrip("#").strip()
            if stripped:
                return stripped
        return ""


def examples() -> list[Example]:
    """The example blueprints this installation ships, by name. Empty only for a broken install."""
    directory = examples_dir()
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.suffix in EXAMPLE_SUFFIXES and p.is_file()]
    return [Example(p.stem, p) for p in sorted(found)]


def find_example(name: str) -> Example:
    """The example called ``name`` (``web-stack`` or ``web-stack.yaml``); an unknown name says which exist."""
    shipped = examples()
    for example in shipped:
        if name in (example.name, example.file_name):
            return example
    names = [e.name for e in shipped]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise NotFoundError(
        f"no example named '{name}'; {hint}the examples are: {', '.join(names) or 'none (broken install)'}"
    )


def web_assets_dir() -> Path | None:
    """The web UI's built assets (a directory with ``index.html``), or None when this install has none."""
    directory = PACKAGE_DIR / "web_assets"
    return directory if (directory / "index.html").is_file() else None
