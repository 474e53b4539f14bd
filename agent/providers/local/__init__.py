"""Offline providers: real, deterministic, free."""
