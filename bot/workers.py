"""Which process holds a claim, and whether that process is known to be gone.

A worker is named ``host/pid/start``: the machine, the process id and the
process's start time (so that a recycled pid is not mistaken for the old
process). Only a worker on this machine can be known dead; one elsewhere is
assumed alive, and its claims wait for their lease.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or ``None``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces: the fields after its ")" are fixed.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


@cache
def this_worker() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}/{pid}/{_start_time(pid) or '-'}"


def is_dead(worker: str | None) -> bool:
    """True only for a worker of this machine whose process no longer runs."""
    if not worker:
        return False
    host, _, rest = worker.partition("/")
    pid_text, _, start = rest.partition("/")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if start != "-":
        return _start_time(pid) != start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
