"""The words people use for spec keys: aliases an engine reads as its own keys, and meanings for "did you mean".

Blueprints written for other tools (and those ALMA 0.8 shipped) say ``cpu`` for ``cores``, ``ram`` for
``memory``, ``storage`` for ``disk`` and ``os`` for an image or a template. An *alias* is such a spelling
that a spec model reads as one of its own keys: the loader renames it before the engine sees the specs,
warns naming the canonical key, and ``alma fmt`` writes the canonical key into the file. An alias never
shadows a real key of the same model (Proxmox's ``storage`` is a datastore, not a disk size).

Keys that are not aliases but mean something a model has (``vcpu``, ``ram_mb``, ``instances``) are
suggested by meaning before spelling: ``cpu`` is nowhere near ``cores`` by edit distance.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from alma.diagnostics import did_you_mean

# Spellings read as a model's own key wherever the model has that key (and not the spelling itself).
COMMON_ALIASES: Mapping[str, str] = {
    "cpu": "cores",
    "cpus": "cores",
    "vcpus": "cores",
    "ram": "memory",
    "mem": "memory",
    "storage": "disk",
    "disk_size": "disk",
}

# Words that mean the same thing in a spec. A key that is not a model's is suggested as the model's key
# of the same meaning. Words are compared without case, '-' or '_'.
MEANINGS: tuple[frozenset[str], ...] = tuple(
    frozenset(words.split())
    for words in (
        "cores cpus cpu vcpu vcpus cpucount numcpus processors processor threads cpucores",
        "memory ram mem memorymb rammb memsize memorysize memmb",
        "disk storage disksize diskgb hdd ssd rootfs rootdisk volumesize capacity size",
        "image os dockerimage containerimage img osimage distro distribution",
        "template os ostemplate distro distribution baseimage",
        "clone templatevm sourcevm basevm cloneof",
        "replicas instances count scale replicacount numreplicas copies",
        "ports port expose exposedports publishedports publish listen",
        "env environment envvars variables vars",
        "cidr subnet addressrange iprange prefix network",
        "networks network net nets",
        "volumes volume mounts mount",
        "command cmd args entrypoint",
        "backends members targets upstreams servers pool",
        "algorithm method balance strategy lbmethod",
        "sshkeys sshkey authorizedkeys publickeys keys",
        "ip address ipaddress ipv4",
        "gateway gw router",
        "bridge vmbr netbridge",
        "node host hypervisor",
        "healthcheck health check",
        "restart restartpolicy",
        "tags labels",
        "servicetype expose exposure",
    )
)


def _word(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def aliases_for(fields: Collection[str], own: Mapping[str, str]) -> dict[str, str]:
    """The aliases a model with ``fields`` reads: the common ones that name one of its fields, then its
    ``own`` (which win); never a spelling that is itself a field."""
    found = {alias: key for alias, key in COMMON_ALIASES.items() if key in fields}
    found.update(own)
    return {alias: key for alias, key in found.items() if alias not in fields and key in fields}


def suggest_key(key: str, fields: Collection[str]) -> str:
    """A ``; did you mean 'x'?`` suffix for an unknown spec ``key``: by meaning first, then by spelling."""
    word = _word(key)
    by_meaning = sorted(
        {field for field in fields for words in MEANINGS if word in words and _word(field) in words and field != key}
    )
    if len(by_meaning) == 1:
        return f"; did you mean '{by_meaning[0]}'?"
    if by_meaning:
        return "; did you mean " + " or ".join(f"'{m}'" for m in by_meaning) + "?"
    if any(word in words for words in MEANINGS):
        # A word we know, for which this model has no key: a near spelling would mean something else.
        return "; no key here means that; expected one of: " + ", ".join(sorted(fields))
    return did_you_mean(key, tuple(fields))
