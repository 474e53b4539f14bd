"""The command line (and, later, the chat)."""
