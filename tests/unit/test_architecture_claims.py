"""Claims of docs/architecture.md that no import contract can check, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "tongue_mirror"
FILE_CALLS = {"open", "load", "loads", "save", "savez", "savez_compressed", "loadtxt", "savetxt",
              "fromfile", "tofile", "read_text", "write_text", "read_bytes", "write_bytes",
              "imread", "imwrite", "VideoCapture", "VideoWriter", "dump"}


def _calls(path: Path) -> list[tuple[str, int]]:
    """(called name, line) of every call in a module: `f(...)` and `x.f(...)` give "f"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            found.append((name, node.lineno))
    return found


def _modules(*parts: str) -> list[Path]:
    out = []
    for part in parts:
        target = PACKAGE / part
        out += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return out


def test_core_and_the_root_modules_read_and_write_no_files() -> None:
    offenders = [f"{p.relative_to(PACKAGE)}:{line} {name}()"
                 for p in _modules("core", "values.py", "landmarks.py", "errors.py")
                 for name, line in _calls(p) if name in FILE_CALLS]
    assert offenders == [], "file I/O belongs in io/ (e.g. io/detector_files)"


def test_only_the_worker_idiom_and_the_camera_start_threads() -> None:
    starters = {str(p.relative_to(PACKAGE)) for p in _modules(".")
                for name, _ in _calls(p) if name == "Thread"}
    assert starters == {"io/workers.py", "io/camera.py"}
