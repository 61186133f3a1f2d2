"""Hand-off to a foundation: case packages, linkage without names, receiving and receipts.

- ``package``: the package file format, its JSON Schema and hash, making and checking one;
- ``linkage``: linkage keys and the keyed pseudonyms people carry in packages;
- ``receive``: checking packages and importing them into the receiving body's store;
- ``provenance``: the timeline note a received package leaves, and reading it back;
- ``linking``: received people's person codes, linked by their pseudonyms;
- ``receipts``: the receipt a receiving body sends back, recorded on the sender's case;
- ``commands``: the ``cocdata`` commands for all of it.
"""
