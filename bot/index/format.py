"""The index's format key: which code produced a stored index, as one short string.

The ingest names the versions of everything that shapes what is stored (how text
is cut into passages and sentences, which model embeds them, how fiches are
rendered as text) and this module folds them, with the record version, into one
key kept in the manifest. A stored index whose key differs is rebuilt from
scratch; so a changed sentence splitter can never pair sentences with vectors
computed from other sentences.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from bot.index.records import RECORD_VERSION


def behaviour_version(outputs: Iterable[object]) -> str:
    """A version computed from what a component produces on fixed probe inputs."""
    text = json.dumps(list(outputs), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def format_key(components: Mapping[str, str]) -> str:
    """``records=…;chunker=…;model=…`` folded into a readable, stable key."""
    parts = {"records": RECORD_VERSION, **components}
    return ";".join(f"{name}={parts[name]}" for name in sorted(parts))
