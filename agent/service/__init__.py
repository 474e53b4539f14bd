"""The service layer every door calls: the command line, the chat, the HTTP API, the server.

Doors (``ui/``, ``tools/operations.py``, ``agent/server/``) turn what a user sent into calls
here and render what comes back; they hold no SQL and never reach the graph or the deps.
:class:`agent.studio.Studio` is the service's face for runs, edits and status;
:mod:`.videos` makes new videos (shared with the LangGraph server's admission, which has deps
but no studio).
"""
