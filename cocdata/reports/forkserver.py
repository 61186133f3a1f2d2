"""A process that imports ipykernel once and forks one fresh kernel per request.

Starting a kernel the standard way costs about a second, nearly all of it
spent importing IPython, ipykernel and then the template's own libraries
(pandas, plotly). This server pays for those imports once per ``render()``
call; every kernel it forks starts from that clean, never-used state, so
nothing one report does can reach another. It never runs notebook code
itself.

It is started by :mod:`cocdata.reports.kernels` (and, for a team member's
kernels, by :mod:`cocdata.hub.kernels`) as ``python forkserver.py MODULE...``
(by path, so that it imports nothing but ipykernel and the modules it is
asked to preload) and speaks JSON lines on stdin/stdout:
``{"connection_file", "cwd", "env", "log", "argv"}`` in (``log`` null: the
kernel prints where this server does), ``{"pid"}`` or ``{"error"}`` out.
When stdin closes, it kills every kernel it forked and exits.

Only the standard library is imported at module level: a thread started
before ``fork()`` would not exist in the child and could leave a lock held.
That holds for threads the libraries start in C as much as for Python's own:
numpy's OpenBLAS and pyarrow's jemalloc each start one when they load, so the
server turns both off before it imports anything, and refuses to fork while
any thread but its own runs.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import threading
from pathlib import Path

# The modules every kernel needs; preloading them is what makes a fork fast.
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
)


NO_LIBRARY_THREADS = {
    # OpenBLAS (numpy's linear algebra) starts a worker per core at import.
    "OPENBLAS_NUM_THREADS": "1",
    # pyarrow's bundled jemalloc starts a purging thread when the library loads.
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}
"""Settings, read once when a library loads, that keep it from starting threads; they
hold for this server's imports only (each kernel's environment is its request's)."""


WARM_UP = "warm_up"
"""A preloaded module's function of this name, if it has one, runs once after the imports:
what it builds on first use (plotly's validators, say) every kernel then inherits."""


def _preload(modules: list[str]) -> list[str]:
    """Import modules now so every kernel inherits them; return those that failed.

    A module that cannot be imported is skipped: the template that needs it
    imports it itself and reports the error from its own cell. A failing
    warm-up only costs the kernels the time it would have saved them.
    """
    failed = []
    for name in modules:
        try:
            __import__(name)
            warm_up = getattr(sys.modules[name], WARM_UP, None)
            if callable(warm_up):
                warm_up()
        except Exception as exc:  # any import-time error is the template's to report
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return failed


def other_threads() -> list[str]:
    """The names of this process's threads besides the calling one, whether Python
    or a library in C started them (Linux lists them all; elsewhere Python's only)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    names = []
    for task in tasks:
        if int(task) == threading.get_native_id():
            continue
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as comm:
                names.append(comm.read().strip())
        except OSError:  # it ended while we looked
            continue
    return sorted(names)


def _become_kernel(request: dict, server_pid: int) -> None:
    """Turn this freshly forked child into an IPython kernel; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # Own process group, as jupyter_client gives a launched kernel: an
        # interrupt or kill then reaches the kernel and whatever it started.
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if request.get("log") is None:
            os.dup2(2, 1)  # what it prints goes where the server's own messages go
        else:
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.close(log)

        cwd = request["cwd"]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(server_pid)
        # A kernel started with ``python -m ipykernel_launcher`` has its
        # working directory first on sys.path; keep that behaviour.
        sys.path.insert(0, cwd)
        sys.argv = [
            "ipykernel_launcher",
            "-f",
            request["connection_file"],
            # ipykernel read JPY_PARENT_PID when the server imported it, so
            # say it again: the kernel then exits as soon as the server is
            # gone (ipykernel's ParentPollerUnix) instead of living on.
            f"--IPKernelApp.parent_handle={server_pid}",
        ]

        # numpy's global generator is seeded once at import, so without this
        # every forked kernel would draw the same "random" numbers.
        # (The random module reseeds itself after fork.)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()

        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize([*sys.argv[1:], *request.get("argv", [])])
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(modules: list[str]) -> None:
    """Preload modules, then fork a kernel for each request line on stdin."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.update(NO_LIBRARY_THREADS)
    failed = _preload([*KERNEL_MODULES, *modules])
    others = other_threads()
    if others:
        # Forking a process with threads can deadlock the child; refuse
        # rather than hand out kernels that hang at random.
        names = ", ".join(others)
        print(json.dumps({"error": f"preloading started threads ({names})"}), flush=True)
        return
    # Objects that exist now are shared with every kernel; freezing them keeps
    # the kernels' garbage collector from touching (and so copying) their pages.
    gc.freeze()
    print(json.dumps({"ready": True, "skipped": failed}), flush=True)

    children: set[int] = set()

    def reap(_signum: int, _frame: object) -> None:
        # Reap at once so a finished kernel's pid does not linger as a zombie
        # that the engine would still see as alive.
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    signal.signal(signal.SIGCHLD, reap)
    # Ctrl-C is the engine's to handle; it closes our stdin when it is done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server_pid = os.getpid()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                pid = os.fork()
            except Exception as exc:
                print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
                continue
            if pid == 0:
                _become_kernel(request, server_pid)
            children.add(pid)
            print(json.dumps({"pid": pid}), flush=True)
    finally:
        for pid in list(children):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)


def main() -> None:
    """Entry point when run as a script: preload the modules named on the command line."""
    # Run by path, sys.path[0] is this folder; importing e.g. ``present`` from
    # there would shadow real packages, so replace it with the package root.
    here = Path(__file__).resolve().parent
    if sys.path and Path(sys.path[0] or ".").resolve() == here:
        sys.path[0] = str(here.parents[1])
    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
