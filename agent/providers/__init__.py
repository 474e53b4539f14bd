"""Providers: one interface per capability, a registry by name."""
