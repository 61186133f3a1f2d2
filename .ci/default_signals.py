#!/usr/bin/env python3
"""Run a command with SIGINT, SIGQUIT and SIGPIPE handled the default way.

A CI runner may start ``.ci/run`` with SIGINT ignored (a shell's background
job is), and ignored signals are inherited by every child; bash itself
cannot undo that (``trap - INT`` does nothing for a signal ignored on entry).
The tests interrupt kernels and servers with SIGINT, so they would hang or
fail for a reason that has nothing to do with the code. Python also ignores
SIGPIPE for itself, which ``exec`` would hand on. Usage:
``python3 .ci/default_signals.py COMMAND [ARG...]``; the exit status is the
command's.
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> None:
    """Reset the signals and become ``argv`` (never returns unless it cannot start)."""
    if not argv:
        sys.exit("usage: default_signals.py COMMAND [ARG...]")
    for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        sys.exit(f"default_signals.py: cannot run {argv[0]}: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])
