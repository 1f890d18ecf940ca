"""What one GraphQL query may ask, checked on the parsed document before it is validated or executed.

Parsing and validating run on the event loop and cost time in the size of the document (some validation
rules more than linearly), and execution costs database reads per aliased field. So, in order:

- the query text is at most ``MAX_QUERY_CHARS`` characters, its brackets nest at most ``MAX_NESTING``
  deep (the parser is recursive: a deeper text would exhaust Python's stack before any other check), and
  parsing stops at ``MAX_TOKENS`` tokens;
- over the operations with every fragment spread expanded (memoized, so a fragment used a thousand times
  is counted a thousand times but walked once; a fragment that spreads itself is refused):
  at most ``MAX_FIELDS`` fields, ``MAX_ALIASES`` aliases, ``MAX_DIRECTIVES`` directives and a depth of
  ``MAX_DEPTH`` (the standard introspection query fits).

Each refusal says which limit and by how much. Execution itself is bounded in time by the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

MAX_QUERY_CHARS = 10_000
MAX_TOKENS = 2_000
MAX_FIELDS = 500
MAX_ALIASES = 10
MAX_DIRECTIVES = 10
MAX_DEPTH = 16  # the standard introspection query has 15 levels
MAX_NESTING = 40  # of {, [ and ( together, counted in the text (inside strings too: it errs on refusing)


class QueryRefused(Exception):
    """The query is over a limit or is not GraphQL; the message says why (a 400 for the client)."""


@dataclass(frozen=True, slots=True)
class Cost:
    fields: int = 0
    aliases: int = 0
    directives: int = 0
    depth: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.fields + other.fields,
            self.aliases + other.aliases,
            self.directives + other.directives,
            max(self.depth, other.depth),
        )


def checked_document(query: str) -> DocumentNode:
    """The parsed query, or ``QueryRefused`` saying which limit it passed."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query has {len(query)} characters; at most {MAX_QUERY_CHARS} are accepted")
    nesting = _nesting(query)
    if nesting > MAX_NESTING:
        raise QueryRefused(f"the query's brackets nest {nesting} deep; at most {MAX_NESTING} are accepted")
    try:
        document = parse(query, max_tokens=MAX_TOKENS, no_location=False)
    except GraphQLSyntaxError as error:
        raise QueryRefused(error.message) from error
    cost = measure(document)
    for what, used, limit in (
        ("fields", cost.fields, MAX_FIELDS),
        ("aliases", cost.aliases, MAX_ALIASES),
        ("directives", cost.directives, MAX_DIRECTIVES),
        ("levels of nesting", cost.depth, MAX_DEPTH),
    ):
        if used > limit:
            raise QueryRefused(f"the query asks for {used} {what} (fragments expanded); at most {limit} are accepted")
    return document


def _nesting(text: str) -> int:
    deepest = depth = 0
    for char in text:
        if char in "{[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "}])":
            depth = max(0, depth - 1)
    return deepest


def measure(document: DocumentNode) -> Cost:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = _Walker(fragments)
    total = Cost()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            own = Cost(directives=len(definition.directives or ()))
            for variable in definition.variable_definitions or ():
                own = own + Cost(directives=len(variable.directives or ()))
            total = total + own + walker.selections(definition.selection_set)
    return total


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._costs: dict[str, Cost] = {}
        self._walking: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> Cost:
        """The cost of a selection set; its depth counts the levels of fields below and including it."""
        total = Cost()
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            directives = Cost(directives=len(selection.directives or ()))
            if isinstance(selection, FieldNode):
                below = self.selections(selection.selection_set)
                here = Cost(fields=1, aliases=1 if selection.alias else 0, depth=below.depth + 1)
                total = total + directives + Cost(below.fields, below.aliases, below.directives) + here
            elif isinstance(selection, InlineFragmentNode):
                total = total + directives + self.selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + directives + self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> Cost:
        if name in self._costs:
            return self._costs[name]
        definition = self._fragments.get(name)
        if definition is None:
            return Cost()  # an unknown fragment: validation names it
        if name in self._walking:
            raise QueryRefused(f"fragment '{name}' spreads itself")
        self._walking.add(name)
        cost = Cost(directives=len(definition.directives or ())) + self.selections(definition.selection_set)
        self._walking.discard(name)
        self._costs[name] = cost
        return cost
