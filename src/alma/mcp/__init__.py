"""The MCP server (issue #7): ALMA's capabilities as tools for LLM agents, safe by construction.

Imported as ``alma.mcp``; the SDK it is built on is the top-level ``mcp`` package (absolute imports keep
the two apart). See ``docs/mcp.md``.
"""

from alma.mcp.changing import Applies
from alma.mcp.server import create_server, serve_http, serve_stdio

__all__ = ["Applies", "create_server", "serve_http", "serve_stdio"]
