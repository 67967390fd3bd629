"""Shared code of *Iran–Azerbaijan Relations, 2012–2025*: corpus, tables, validation, measures, charts."""

__all__ = ["__version__"]
__version__ = "0.2.0"
