"""The container's health check: GET /healthz on the loopback listener; 0 when HTTP 200."""

import os
import sys
import urllib.error
import urllib.request

port = os.environ.get("CUF_HEALTH_PORT", "8080")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=8) as response:
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as error:  # 503 included (HTTPError)
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
