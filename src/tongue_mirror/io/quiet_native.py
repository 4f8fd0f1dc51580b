"""Silences MediaPipe's C++ start-up chatter (glog/TFLite write straight to fd 2, not via Python)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

VERBOSE_ENV = "TONGUE_MIRROR_VERBOSE"


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Points fd 2 at /dev/null for the block; Python exceptions still carry their messages."""
    if os.environ.get(VERBOSE_ENV):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (embedded, some IDEs): leave it alone
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
