"""Readings found by blind set 12 (eval/intents-tune-12.jsonl), each by a phrasing of its own."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        ("I need an architecture for a self-hosted gitlab with runners on proxmox, HA if possible", "design", None),
        ("make web-01 start on boot", "update", "web-01"),
        ("can i get a list of all vms with more than 8GB of ram", "list", None),
        ("need a throwaway ubuntu lxc, call it sandbox-42", "deploy", "sandbox-42"),
        ("what did i deploy yesterday", "list", None),
        ("kubectl-ish question: why is deployment image-resizer in CrashLoopBackOff", "troubleshoot", "image-resizer"),
    ],
)
def test_reads_in_other_words(parser: IntentParser, text: str, name: str, target: str | None) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == (name, target)


@pytest.mark.parametrize(
    ("turns", "name", "target"),
    [
        (("deploy a debian lxc named tmp-build", "ok build finished, nuke it"), "destroy", "tmp-build"),
        (("scale the api down to 2", "hmm, do 3 instead"), "scale", "api"),
        (("web-07 is down", "is it the host or the vm?", "ok and what about web-08, is that one up?"), "status",
         "web-08"),
        (("how many replicas does api-v2 have", "give it 2 more"), "scale", "api-v2"),
        (("web-05 won't boot after the kernel update", "ok whatever. can you look at the storage config for it?"),
         "troubleshoot", "web-05"),
        (("design a small k3s cluster on 3 proxmox nodes", "and how would you add persistent storage to that?"),
         "design", None),
    ],
)  # fmt: skip
def test_follow_ups_in_other_words(turns: tuple[str, ...], name: str, target: str | None) -> None:
    reading, _ = converse(*turns)
    assert (reading.name, reading.target) == (name, target)


def test_more_copies_is_no_shrink() -> None:
    reading, destructive = converse("how many replicas does api-v2 have", "give it 2 more")
    assert (reading.direction, destructive) == ("up", False)
