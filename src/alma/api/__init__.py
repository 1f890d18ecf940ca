"""The HTTP API: a thin FastAPI surface over the services (``create_app``)."""

from alma.api.app import create_app

__all__ = ["create_app"]
