"""Run the dashboard's script once as soon as the server listens, so its caches are warmed before the first visitor.

`make run` starts this beside the server: a server start is one of the ways a data version goes live
(dashboard/warmup.py), and the script's first run is what starts the warming. It uses Streamlit's
script health check (`--server.scriptHealthCheckEnabled true`), which runs the script in a session
of its own. Usage: `python scripts/start_warming.py PORT`.
"""

from __future__ import annotations

import sys
import time
import urllib.request

TRIES, PAUSE_S = 240, 0.5  # two minutes for the server to start listening


def main(port: int) -> None:
    for _ in range(TRIES):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/script-health-check", timeout=600).read()
            return
        except OSError:  # not listening yet, or the check's answer was an error status: the server logs why
            time.sleep(PAUSE_S)


if __name__ == "__main__":
    main(int(sys.argv[1]))
