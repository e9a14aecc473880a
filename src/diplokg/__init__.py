"""diplokg: a knowledge graph of diplomatic relations, with evidence for every fact."""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``diplokg.KnowledgeGraph`` without importing rdflib for ``diplokg --version``."""
    if name == "KnowledgeGraph":
        from .graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'diplokg' has no attribute {name!r}")
