"""reelgraph behind ``langgraph dev``: checkpointer, auth, admission, resumes, branches.

``langgraph.json`` points here: :mod:`.checkpointer` (our Postgres saver), :mod:`.auth`
(bearer tokens → owners, per-owner isolation). The graph itself uses :mod:`.admit` (a new
video from a client's input), :mod:`.resume` (what a client may send to a pause) and
:mod:`.tree` (threads as branches); :mod:`.fork` is the client-side fork helper.
"""
