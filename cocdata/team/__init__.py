"""Team mode: one store shared by a response team, each member acting as themselves.

``config`` reads and writes the ``[team]`` tables of ``cocdata.toml`` (group,
members and roles, admins, recusals); ``identity`` says who is acting (the
login); ``permissions`` checks an action against the member's role and
recusals; ``recusal`` hides what a recused member must not see;
``accounts`` makes Unix groups and accounts; ``admin`` is ``cocdata team``'s
work (init, add, remove, recuse, show).
"""

from cocdata.team.config import Recusal, Role, Team, load_team
from cocdata.team.identity import acting_member, current_member

__all__ = ["Recusal", "Role", "Team", "acting_member", "current_member", "load_team"]
