"""W3C Trace Context identifiers: 128-bit trace ids and 64-bit span ids in lower-case hex."""

from __future__ import annotations

import os
import random
import re

_TRACE_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_SPAN_ID_RE = re.compile(r"^[0-9a-f]{16}$")
INVALID_TRACE_ID = "0" * 32
INVALID_SPAN_ID = "0" * 16

# A private generator seeded from the OS, so a program that calls
# random.seed() cannot make two processes produce the same ids.
_rng = random.Random(os.urandom(32))


def _reseed() -> None:
    _rng.seed(os.urandom(32))


if hasattr(os, "register_at_fork"):
    # Without this, a forked child would repeat its parent's id sequence.
    os.register_at_fork(after_in_child=_reseed)


def new_trace_id() -> str:
    bits = _rng.getrandbits(128)
    while bits == 0:
        bits = _rng.getrandbits(128)
    return "%032x" % bits


def new_span_id() -> str:
    bits = _rng.getrandbits(64)
    while bits == 0:
        bits = _rng.getrandbits(64)
    return "%016x" % bits


def is_valid_trace_id(value: object) -> bool:
    return isinstance(value, str) and bool(_TRACE_ID_RE.match(value)) and value != INVALID_TRACE_ID


def is_valid_span_id(value: object) -> bool:
    return isinstance(value, str) and bool(_SPAN_ID_RE.match(value)) and value != INVALID_SPAN_ID
