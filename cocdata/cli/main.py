"""The ``cocdata`` command: its global options, its command groups, and how it ends.

Each group lives in a module of its own (``store``, ``cases``, ``reports``,
``handoff``, ``keys``, ``serving``, ``team``, ``hub``); each command parses its arguments and hands over to
the package. Mistakes end in a message on stderr and the exit code of the
error's class (``cocdata.errors.EXIT_CODES``), never in a traceback.
"""

from __future__ import annotations

import gc
import sys

from cocdata.cli import cases, handoff, hub, keys, reports, serving, store, team
from cocdata.cli.options import KeyFileOption, StoreOption, group, remember_global, say
from cocdata.errors import CocdataError, FileAccess

app = group(
    "Code of Conduct incident records: capture, store, analyse and report.",
    epilog="Example: cocdata --key-file ~/coc/team.key show amber-falcon\n\n"
    "Example: cocdata --store ~/coc/pycon-store cases",
)
for part in (store, keys, cases, reports, handoff, serving, team, hub):
    app.add_typer(part.app)


@app.callback()
def _options(store: StoreOption = None, key_file: KeyFileOption = None) -> None:
    """Code of Conduct incident records: capture, store, analyse and report."""
    remember_global(store, key_file)


def main() -> None:
    """Entry point: run the command, turning cocdata's errors into messages and exit codes."""
    try:
        app()
    except CocdataError as exc:
        say(f"cocdata: {exc}")
        sys.exit(exc.exit_code)
    except OSError as exc:
        # A path the user named (a folder given as a file, a missing folder, a full
        # disk) is a mistake to explain, not a crash to debug.
        error = FileAccess.from_os_error(exc)
        say(f"cocdata: {error}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        say("cocdata: interrupted; nothing half-written was kept.")
        sys.exit(130)
    finally:
        # The command is over and everything it wrote is on disk. Python's last
        # garbage collection at exit would walk every object a report batch left
        # (0.3 s of a 6 s batch); the process ends instead.
        gc.freeze()
