"""GraphQL (``/graphql``): read queries over stacks, resources, deployments, IPRs and events — the same
services and keys as the REST routes (a key with the read permission), bounded before anything runs
(``limits``) and in time while it runs (``endpoint``)."""

from alma.api.graphql.endpoint import graphql_endpoint

__all__ = ["graphql_endpoint"]
