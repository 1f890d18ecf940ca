"""Print ALMA's runtime requirements (``[project].dependencies`` of pyproject.toml), one per line.

The image installs its dependencies in a layer of their own, keyed by this list and requirements.lock, so
editing ALMA's code or the rest of pyproject.toml does not reinstall them; scripts/images fills the
wheelhouse from the same list.
"""

import sys
import tomllib

with open(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
print("\n".join(project["dependencies"]))
