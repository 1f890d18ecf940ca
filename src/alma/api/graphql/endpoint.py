"""``/graphql`` over HTTP: ``POST`` a JSON body ``{"query", "variables"?, "operationName"?}``, or ``GET``
with the same as query parameters; read queries only, with a key that may read (the gate authenticated
it before the body was read).

What is refused, before anything runs, as problem JSON (400): a body that is not a JSON object, a query
over the limits (``limits``), a query that does not validate against the schema. Execution is bounded by
``ALMA_API_GRAPHQL_TIMEOUT_S`` (503 past it). Errors inside an answer carry ALMA's own messages (scrubbed
of secrets); anything else — a database error, a bug — is logged and reaches the client only as
"internal error" with the request id: never SQL, never parameters.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from graphql import GraphQLError, validate
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from alma.api.graphql.limits import QueryRefused, checked_document
from alma.api.graphql.schema import Context, schema
from alma.api.problems import REQUEST_ID, problem, redactor_of
from alma.bootstrap import Services
from alma.errors import AlmaError
from alma.perimeter import caller_of
from alma.perimeter.gate import NEEDS_KEY

log = logging.getLogger("alma.api.graphql")


async def graphql_endpoint(request: Request) -> Response:
    caller = caller_of(request.scope)
    if caller is None:
        refused = problem(401, "Unauthorized", NEEDS_KEY)
        refused.headers["WWW-Authenticate"] = 'Bearer realm="alma"'
        return refused
    if not caller.may("read"):
        return problem(403, f"role {caller.role} may not read", f"role {caller.role} may not read")
    try:
        query, variables, operation = await _request_of(request)
        document = checked_document(query)
    except QueryRefused as refused:
        return problem(400, "Invalid GraphQL request", str(refused))
    services: Services = request.app.state.services
    invalid = validate(schema._schema, document)
    if invalid:
        errors = [_located(e) for e in invalid[:20]]
        return problem(400, "Invalid GraphQL query", invalid[0].message, errors=errors)
    timeout_s = services.settings.api_graphql_timeout_s
    try:
        async with asyncio.timeout(timeout_s):
            result = await schema.execute(
                query, variable_values=variables, context_value=Context(services, caller), operation_name=operation
            )
    except TimeoutError:
        detail = f"the query ran past {timeout_s:g} s (ALMA_API_GRAPHQL_TIMEOUT_S); ask for less at once"
        return problem(503, "Query timed out", detail)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_answerable(request, error) for error in result.errors]
    return JSONResponse(body)


async def _request_of(request: Request) -> tuple[str, dict[str, Any] | None, str | None]:
    """query, variables and operation name from the body (POST) or the query string (GET)."""
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        if "variables" in params:
            try:
                params["variables"] = json.loads(params["variables"])
            except ValueError as exc:
                raise QueryRefused("'variables' is not JSON") from exc
    else:
        raw = await request.body()  # bounded by the gate as it streamed
        try:
            params = json.loads(raw)
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise QueryRefused('the body is not JSON: send {"query": "...", "variables": {...}}') from exc
        if not isinstance(params, dict):
            raise QueryRefused("the body must be a JSON object with a 'query'")
    query = params.get("query")
    variables = params.get("variables")
    operation = params.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise QueryRefused("'query' must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise QueryRefused("'variables' must be a JSON object")
    if operation is not None and not isinstance(operation, str):
        raise QueryRefused("'operationName' must be a string")
    return query, variables, operation


def _located(error: GraphQLError) -> dict[str, Any]:
    found: dict[str, Any] = {"message": error.message}
    if error.locations:
        found["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return found


def _answerable(request: Request, error: GraphQLError) -> dict[str, Any]:
    """What a client may see of an error raised while executing."""
    found = _located(error)
    if error.path:
        found["path"] = list(error.path)
    original = error.original_error
    if original is None:  # GraphQL's own: a variable that does not coerce, a null where none may be
        found["message"] = redactor_of(request).scrub(error.message)
    elif isinstance(original, AlmaError):
        found["message"] = redactor_of(request).scrub(str(original))
    else:
        request_id = request.scope.get(REQUEST_ID, "")
        log.error("GraphQL field %s failed (request %s)", found.get("path"), request_id, exc_info=original)
        found["message"] = f"internal error; the server log has it (request {request_id})"
    return found
