"""JSON values in a schema that says what they are (clients and MCP hosts reject a bare ``{}``): shared by
every model that carries free-form data (the response models, drift reports, template parameters)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import WithJsonSchema

JsonValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": t} for t in ("string", "number", "boolean", "object", "array", "null")],
            "description": "Any JSON value.",
        }
    ),
]
JsonObject = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", "additionalProperties": True, "description": "A JSON object."}),
]
