"""Language-model backends: one interface (``LLMBackend``), one pooled client per backend.

Importable by ``services`` and ``conversation``: this package imports only ``alma.errors`` and
third-party libraries. The composition root makes the backend from settings and closes it.
"""

from alma.llm.backend import JsonMode, LLMBackend, LLMConfig, Message
from alma.llm.errors import ModelError, ModelTimeoutError, endpoint_of
from alma.llm.openai_compat import OpenAICompatibleBackend
from alma.llm.transformers_local import LocalModelConfig, TransformersBackend  # torch is imported on first use

__all__ = [
    "JsonMode",
    "LLMBackend",
    "LLMConfig",
    "LocalModelConfig",
    "Message",
    "ModelError",
    "ModelTimeoutError",
    "OpenAICompatibleBackend",
    "TransformersBackend",
    "endpoint_of",
]
