"""``python -m cocdata.cli``: the same as the ``cocdata`` command."""

from cocdata.cli.main import main

main()
