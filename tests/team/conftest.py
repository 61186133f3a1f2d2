"""Team-mode fixtures (defined in ``fixtures.py`` so the CLI and form tests share them)."""

from tests.team.fixtures import accounts, act_as, shared_dir, team_store  # noqa: F401
