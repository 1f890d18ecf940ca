"""ALMA — infrastructure as conversation.

Blueprints become validated, persisted plans; plans are applied exactly, in dependency order, with
state, history, locks and rollback. See DESIGN.md for the layer map.
"""

__version__ = "0.1.0"
