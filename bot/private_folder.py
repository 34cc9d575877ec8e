"""Folders only the service account may read: the state folder, the index, backups.

Apart from :mod:`bot.storage` so that an ingest, which keeps no state, does not
import SQLAlchemy for it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FOLDER_MODE = 0o700


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and parents) and make it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != _FOLDER_MODE:
        os.chmod(path, _FOLDER_MODE)
