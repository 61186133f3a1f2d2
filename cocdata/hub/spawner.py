"""Each member's server, started as that member and handed to the hub the moment it listens.

JupyterHub's ``LocalProcessSpawner`` returns as soon as the process exists;
the hub then asks the server whether it is up with a growing, random wait
between tries (0.2 s, 0.4 s, ... 3.2 s), so a server up after three seconds
was often found only two or three seconds later, with the member looking at
the "starting" page. ``TeamSpawner`` waits for the server's port itself,
every ``POLL_S``, and returns once it accepts a connection (or the process
ended, which the hub then reports as a failed start): the hub's first try
finds it.
"""

from __future__ import annotations

import asyncio
import time

from jupyterhub.spawner import LocalProcessSpawner

POLL_S = 0.05


async def port_open(ip: str, port: int) -> bool:
    """True if something accepts a connection on ``ip:port`` now."""
    try:
        _, writer = await asyncio.open_connection(ip, port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


class TeamSpawner(LocalProcessSpawner):
    """``LocalProcessSpawner`` whose start ends when the member's server listens."""

    async def start(self) -> tuple[str, int]:
        ip, port = await super().start()
        deadline = time.monotonic() + self.http_timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if await port_open(ip, port):
                break
            await asyncio.sleep(POLL_S)
        return ip, port
