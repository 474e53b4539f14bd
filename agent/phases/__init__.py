"""The four phases and their review pauses, one module each."""
