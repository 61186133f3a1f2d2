"""``cocdata hub``: a real JupyterHub for a team store, each member logged in as themselves.

From the outside in: ``launch`` checks what was asked and starts the hub as a
child (stopped with everything it started); ``listen`` holds the rule that a
hub reached from beyond this machine speaks TLS; ``state`` is the hub's own
private folder; ``reach`` checks the members' Unix accounts can run this
Python; ``keys`` hands an encrypted store's key to the team's kernels;
``hubconfig`` turns the settings into JupyterHub's configuration, run inside
the hub; ``membership`` (also inside the hub) lets in the team's members
only, asked again at every login and spawn; ``removal`` (a hub service)
stops the server of a member a lead removed; ``workspace`` is each member's
folder with the form notebooks; ``spawner`` starts each member's server and
hands it over the moment it listens; ``singleuser`` is that server's command.

Nothing is imported here: a member's server starts as ``python -m
cocdata.hub.singleuser``, and every import on the way costs each sign-in.
"""
