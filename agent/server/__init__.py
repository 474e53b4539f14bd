"""reelgraph behind ``langgraph dev``: the served graph, checkpointer, auth, admission, forks.

``langgraph.json`` points here: :mod:`.graph` (the app's graph with the server's first node and
pause door), :mod:`.checkpointer` (our Postgres saver), :mod:`.auth` (bearer tokens → owners,
per-owner isolation, no client writes to graph state). The served graph uses :mod:`.admit` (a
new video from a client's input), :mod:`.fork` (a fork resume makes a new thread) and
:mod:`.tree` (threads as branches; the server's own in-process calls). Nothing outside this
package imports it.
"""
