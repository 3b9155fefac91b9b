"""Children that answer signals as they would in a terminal, however the suite was started."""

from __future__ import annotations

import signal


def default_signal_handling() -> None:
    """`preexec_fn` for a child the test will signal: a shell starts background jobs with SIGINT
    ignored and `nohup` ignores SIGHUP, and an ignored signal stays ignored across exec (Python
    then installs no Ctrl-C handler at all), so the child would never see what the test sends."""
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
