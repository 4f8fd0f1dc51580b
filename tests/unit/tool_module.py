"""Imports a script under tools/ as the package module it runs as (`python -m tools.NAME`), for the
tests of its parts; pytest puts the repository root on the path (pyproject `pythonpath`)."""

from __future__ import annotations

import importlib
from types import ModuleType


def load_tool(name: str) -> ModuleType:
    """tools/<name>.py as `tools.<name>` (a slash for a subpackage: "tongue_data/engine")."""
    return importlib.import_module("tools." + name.replace("/", "."))
