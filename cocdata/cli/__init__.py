"""The ``cocdata`` command line (entry point ``cocdata.cli:main``)."""

from cocdata.cli.main import app, main

__all__ = ["app", "main"]
