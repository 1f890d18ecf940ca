"""An in-memory ``KeyValueStore``: for engines in tests and for throwaway runs."""

from __future__ import annotations

import copy

from alma.engines.base import JSONDict, KeyValueStore


class MemoryKeyValueStore:
    def __init__(self) -> None:
        self._data: dict[str, JSONDict] = {}

    async def load_all(self) -> dict[str, JSONDict]:
        return copy.deepcopy(self._data)

    async def put(self, key: str, value: JSONDict) -> None:
        self._data[key] = copy.deepcopy(value)

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)


_: type[KeyValueStore] = MemoryKeyValueStore
