"""reelgraph: the LangGraph pipeline, its providers, storage and media."""
