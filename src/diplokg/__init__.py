"""diplokg: a knowledge graph of diplomatic relations, with evidence for every fact."""

__version__ = "0.1.0"
