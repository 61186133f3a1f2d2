"""Where the hub listens, and the rule that beyond this machine it speaks TLS.

A hub on ``127.0.0.1`` is reached only from this machine (or through an SSH
tunnel, which encrypts). Any other address is the venue's network, where a
login page without TLS hands every member's Unix password to whoever shares
the Wi-Fi: refused unless ``--insecure`` says the operator knows (a TLS
proxy in front, a closed lab network).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cocdata.errors import HubRefused

LOCAL_NAMES = {"localhost", "ip6-localhost"}
CERT_HOWTO = (
    "Give a certificate with --ssl-cert FILE --ssl-key FILE (e.g. from Let's Encrypt: "
    "certbot certonly --standalone -d team.example.org), or listen on --ip 127.0.0.1"
)


def is_local(ip: str) -> bool:
    """True for an address only this machine can reach (loopback)."""
    if ip.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(ip.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Listen:
    """The address the hub's public face listens on, and its certificate if any."""

    ip: str = "127.0.0.1"
    port: int = 8000
    ssl_cert: Path | None = None
    ssl_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.ssl_cert is not None

    @property
    def url(self) -> str:
        """The address members open (the machine's name goes where a wildcard ip is)."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "") else self.ip
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/"

    @property
    def bind_url(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/"


def checked_listen(
    ip: str,
    port: int,
    ssl_cert: Path | None = None,
    ssl_key: Path | None = None,
    insecure: bool = False,
) -> Listen:
    """The listening address if the rules allow it; else ``HubRefused`` saying what to do."""
    if not 0 < port < 65536:
        raise HubRefused(f"--port {port} is not a port number.", "Give a port from 1 to 65535.")
    if (ssl_cert is None) != (ssl_key is None):
        given, missing = ("--ssl-cert", "--ssl-key") if ssl_cert else ("--ssl-key", "--ssl-cert")
        raise HubRefused(
            f"{given} was given without {missing}.",
            "Give both: the certificate (full chain) and its private key.",
        )
    for option, path in (("--ssl-cert", ssl_cert), ("--ssl-key", ssl_key)):
        if path is not None and not Path(path).is_file():
            raise HubRefused(f"{option} {path}: there is no such file.", CERT_HOWTO + ".")
    if ssl_cert is None and not is_local(ip) and not insecure:
        raise HubRefused(
            f"--ip {ip} lets other machines reach the hub, and without TLS every member's "
            "password would cross the network in the clear.",
            CERT_HOWTO + "; --insecure listens without TLS anyway (only behind a TLS proxy).",
        )
    cert = Path(ssl_cert).resolve() if ssl_cert else None
    key = Path(ssl_key).resolve() if ssl_key else None
    return Listen(ip=ip, port=port, ssl_cert=cert, ssl_key=key)
