"""The words operators use: verbs and their particles, kinds of resource, templates, spec labels.

Tables are constants; ``Lexicon`` adds inflections ("deleted", "removing" are descriptions, not
commands) and typo tolerance: a word we do not know is matched to a known one when it is a close
spelling (difflib) or the same letters transposed ("restrat", "contianer").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from alma.conversation.english import COMMON_WORDS


def words(text: str) -> list[str]:
    """The words of a space-separated list (keeps the tables below readable)."""
    return text.split()


# Single-word command verbs (lemmas) → action. Actions are intent names or the markers below:
# "proceed"/"cancel" (of a pending action), "add"/"run"/"show"/"bring" (decided by their object).
VERBS: dict[str, str] = {
    **dict.fromkeys(words("deploy create provision launch install instantiate setup allocate build spawn"), "deploy"),
    **dict.fromkeys(
        words(
            "delete remove destroy nuke wipe purge decommission terminate drop trash scrap erase rm del "
            "obliterate uninstall deprovision teardown eliminate retire decommision decom decomm prune ditch axe zap "
            "sunset toss eol cull chuck scrub demolish dismantle undeploy unprovision unregister deregister offboard "
            "yeet"
        ),
        "destroy",
    ),
    **dict.fromkeys(
        words(
            "stop halt shutdown poweroff kill suspend pause drain unplug freeze park hibernate mothball "
            "disconnect isolate quarantine unmount"
        ),
        "stop",
    ),
    **dict.fromkeys(words("start boot resume unpause poweron wake unhibernate"), "start"),
    **dict.fromkeys(words("restart reboot bounce recycle reload reset kick cycle respawn"), "restart"),
    **dict.fromkeys(words("scale autoscale"), "scale"),
    **dict.fromkeys(
        words(
            "update change modify resize rename tag label upgrade bump increase decrease reduce raise lower grow "
            "shrink expand extend reconfigure configure edit adjust attach detach expose assign patch give enable "
            "disable upsize downsize upscale downscale double halve triple quadruple cut trim migrate move relocate "
            "squeeze cap limit"
        ),
        "update",
    ),
    **dict.fromkeys(words("status check ping inspect monitor"), "status"),
    **dict.fromkeys(words("list enumerate inventory ls"), "list"),
    **dict.fromkeys(words("show display view get"), "show"),
    **dict.fromkeys(words("make spin"), "make"),
    **dict.fromkeys(words("plan simulate preview"), "plan"),
    **dict.fromkeys(words("rollback revert undo restore downgrade"), "rollback"),
    **dict.fromkeys(words("design architect sketch propose recommend suggest"), "design"),
    **dict.fromkeys(words("troubleshoot debug diagnose investigate fix repair analyze analyse"), "troubleshoot"),
    **dict.fromkeys(words("explain describe define teach compare clarify"), "explain"),
    **dict.fromkeys(words("proceed confirm approve execute apply continue"), "proceed"),
    **dict.fromkeys(words("cancel abort nevermind"), "cancel"),
    "add": "add",
    "put": "add",
    "set": "update",
    # holding a count or a size where it is: "pin it at 10 replicas", "cap web at 4 pods"
    **dict.fromkeys(words("pin cap peg"), "update"),
    **dict.fromkeys(words("rebuild reinstall recreate reimage redeploy reprovision reformat"), "update"),
    "run": "run",
    "bring": "bring",
}

# Verb + particle, adjacent or around a short object ("tear it down", "scale web up").
PARTICLE_VERBS: dict[tuple[str, str], str] = {
    ("tear", "down"): "destroy",
    ("blow", "away"): "destroy",
    ("wipe", "out"): "destroy",
    ("take", "down"): "stop",
    ("take", "offline"): "stop",
    ("bring", "offline"): "stop",
    ("put", "offline"): "stop",
    ("bring", "online"): "start",
    ("put", "online"): "start",
    ("shut", "down"): "stop",
    ("shut", "off"): "stop",
    ("power", "off"): "stop",
    ("power", "down"): "stop",
    ("throw", "away"): "destroy",
    ("take", "out"): "destroy",  # "take out the old db-3"
    ("back", "out"): "rollback",  # "back out the change"
    ("knock", "offline"): "stop",
    ("throw", "out"): "destroy",
    ("close", "down"): "stop",
    ("switch", "back"): "rollback",
    # pushing or ramping a number up or down: "push it up to 6", "ramp workers down to 2" (a count or a size;
    # grammar.refine and the new count decide which)
    ("push", "up"): "update",
    ("push", "down"): "update",
    ("ramp", "up"): "update",
    ("ramp", "down"): "update",
    ("crank", "up"): "update",
    ("crank", "down"): "update",
    ("dial", "down"): "scale",
    ("dial", "back"): "scale",
    ("knock", "down"): "scale",
    ("knock", "back"): "scale",
    ("power", "up"): "start",
    ("get", "off"): "destroy",  # "get it off the cluster"
    ("take", "back"): "rollback",  # "take nginx-edge back to yesterday's config"
    ("roll", "out"): "update",  # a new version of what runs ("roll out a new vm" is a deploy: grammar.refine)
    ("turn", "off"): "stop",
    ("switch", "off"): "stop",
    ("bring", "down"): "stop",
    ("spin", "down"): "stop",
    ("wind", "down"): "stop",
    ("power", "on"): "start",
    ("turn", "on"): "start",
    ("switch", "on"): "start",
    ("bring", "up"): "bring",
    ("fire", "up"): "bring",
    ("throw", "up"): "deploy",
    ("knock", "up"): "deploy",
    ("boot", "up"): "start",
    ("wake", "up"): "start",
    ("spin", "up"): "deploy",
    ("stand", "up"): "deploy",
    ("set", "up"): "deploy",
    ("roll", "back"): "rollback",
    ("scale", "up"): "scale",
    ("scale", "down"): "scale",
    ("scale", "out"): "scale",
    ("scale", "in"): "scale",
    ("power", "cycle"): "restart",
    ("figure", "out"): "troubleshoot",
    ("clean", "up"): "destroy",
    ("clear", "out"): "destroy",
    ("power", "of"): "stop",  # a dropped letter: "power of the vm"
    ("turn", "of"): "stop",
    ("switch", "of"): "stop",
    ("shut", "of"): "stop",
    ("look", "into"): "troubleshoot",
    ("dig", "into"): "troubleshoot",
}
# Fixed phrases (exact word sequences), longest first when matched.
PHRASES: dict[tuple[str, ...], str] = {
    ("get", "rid", "of"): "destroy",
    ("pull", "the", "plug"): "stop",
    ("out", "of", "rotation"): "stop",
    ("out", "of", "service"): "stop",
    ("dry", "run"): "plan",
    ("dry-run",): "plan",
    ("what", "would", "happen"): "hypothetical",
    ("what", "will", "happen"): "hypothetical",
    ("what", "happens", "if"): "hypothetical",
    ("what", "if"): "hypothetical",
    ("go", "ahead"): "proceed",
    ("do", "it"): "proceed",
    ("make", "it", "so"): "proceed",
    ("carry", "on"): "proceed",
    ("make", "it", "happen"): "proceed",
    ("never", "mind"): "cancel",
    ("leave", "it"): "cancel",
    ("keep", "it"): "cancel",
    ("go", "back", "to"): "rollback",
    ("compose", "down"): "destroy",  # docker compose down: the project's containers and networks go
    ("can", "go"): "destroy",  # "that one can go" (not "can go ahead": see grammar._phrase_at)
}
PARTICLES = frozenset(
    {"up", "down", "off", "of", "on", "back", "out", "in", "away", "into", "cycle", "offline", "online"}
)
DIRECTION_OF_PARTICLE: dict[str, str] = {"up": "up", "out": "up", "down": "down", "in": "down"}

# Resource kinds: word sequences → canonical kind. Plurals are folded before lookup.
KIND_PHRASES: dict[tuple[str, ...], str] = {
    ("web", "server"): "webserver",
    ("webserver",): "webserver",
    ("web", "app"): "webserver",
    ("web", "application"): "webserver",
    ("load", "balancer"): "loadbalancer",
    ("loadbalancer",): "loadbalancer",
    ("lb",): "loadbalancer",
    ("reverse", "proxy"): "loadbalancer",
    ("proxy",): "loadbalancer",
    ("virtual", "machine"): "vm",
    ("vm",): "vm",
    ("server",): "vm",
    ("box",): "vm",
    ("guest",): "vm",
    ("lxc",): "lxc",
    ("lxc", "container"): "lxc",
    ("linux", "container"): "lxc",
    ("system", "container"): "lxc",
    ("ct",): "lxc",
    ("container",): "container",
    ("docker", "container"): "container",
    ("pod",): "container",
    ("database",): "database",
    ("db",): "database",
    ("database", "server"): "database",
    ("db", "server"): "database",
    ("cache",): "cache",
    ("queue",): "queue",
    ("message", "queue"): "queue",
    ("broker",): "queue",
    ("network",): "network",
    ("vlan",): "network",
    ("volume",): "storage",
    ("bucket",): "storage",
    ("storage", "pool"): "storage",
    ("pool",): "storage",
    ("nfs", "share"): "storage",
    ("share",): "storage",
    ("computer",): "vm",
    ("machine",): "vm",
    # Kubernetes workloads: "an nginx deployment in k8s", "kubectl create deployment x"
    ("deployment",): "deployment",
    ("k8s", "deployment"): "deployment",
    ("kubernetes", "deployment"): "deployment",
    ("statefulset",): "deployment",
    ("daemonset",): "deployment",
}
KIND_HINTS: dict[str, str] = {"docker": "container", "kvm": "vm", "qemu": "vm", "lxc": "lxc", "kubernetes": "container"}
INFRA_KINDS = frozenset({"lxc", "vm", "container", "deployment"})

TEMPLATE_ALIASES: dict[str, str] = {
    **{t: t for t in words("alpine ubuntu debian centos rocky fedora arch opensuse windows freebsd")},
    **{t: t for t in words("nginx apache caddy traefik haproxy postgres mysql mariadb mongodb redis memcached")},
    **{t: t for t in words("rabbitmq kafka elasticsearch grafana prometheus loki minio wordpress jenkins")},
    **{t: t for t in words("gitlab nextcloud node python busybox vault consul etcd keycloak zabbix valkey nats")},
    **{t: t for t in words("gitea n8n mosquitto jellyfin plex zookeeper php-fpm pihole opnsense pfsense")},
    "postgresql": "postgres",
    "pg": "postgres",
    "psql": "postgres",
    "mongo": "mongodb",
    "httpd": "apache",
    "nodejs": "node",
    "rockylinux": "rocky",
    "win": "windows",
}
# A distribution written with its release glued on: "deb12", "ubuntu24", "alpine3", "rocky9".
_DISTRO_RELEASE = re.compile(r"^(deb|debian|ubuntu|alpine|rocky|centos|fedora)(\d{1,2})$")
_DISTRO_NAMES = {"deb": "debian"}


def distro_release(word: str) -> str | None:
    """The template a distribution-and-release word ("deb12") names, or None."""
    found = _DISTRO_RELEASE.match(word)
    return _DISTRO_NAMES.get(found.group(1), found.group(1)) if found is not None else None


# Signs of an infrastructure topic: without one, a question is out of scope.
INFRA_WORDS = frozenset(
    words(
        "container containers vm vms lxc lxcs docker kubernetes k8s proxmox pve node nodes cluster server servers "
        "database databases db network networks storage disk disks memory ram cpu cores core snapshot snapshots "
        "backup backups deploy deployment deployments plan plans blueprint blueprints rollback stack stacks "
        "resource resources image images template templates volume volumes ha load balancer balancer replica "
        "replicas pod pods service services infrastructure infra ipr iprs host hosts hypervisor vlan firewall "
        "dns ip port ports ssh web app application apps provider providers engine engines cache queue uptime "
        "monitoring logging logs log metrics alerting homelab instance instances machine machines guest guests "
        "qemu kvm virtualization migration migrate scaling autoscaling terraform ansible yaml cgroup cgroups "
        "namespace namespaces helm chart release releases kernel zfs ceph raid subnet subnets dhcp nat bridge "
        "overlay ingress pvc pv daemon systemd cron crontab certificate certificates tls ssl vpn proxy gateway "
        "registry replication failover cluster clusters quorum quorate backend frontend microservice microservices "
        "hypervisors bare metal baremetal lvm thin provisioning swap cpu gpu nic nics mtu iops latency bandwidth "
        "throughput uptime downtime outage sla rollout canary deployment blue green runner runners pipeline ci cd "
        "apply applies setup saas platform architecture microservice webapp website site deployed drift guest "
        "lease leases lock locks revision revisions approval approvals probe probes readiness liveness "
        "poddisruptionbudget pdb hpa statefulset statefulsets daemonset daemonsets configmap configmaps secret "
        "secrets sidecar sidecars crd crds kubelet kubectl helm operator operators k3s microk8s openshift "
        "terraform docker-compose compose swarm nomad vmid vmids snapshot lvm nfs smb iscsi"
    )
) | frozenset(TEMPLATE_ALIASES)
OPERATING_SYSTEMS = frozenset(words("alpine ubuntu debian centos rocky fedora arch opensuse windows freebsd"))
ROLE_OF_TEMPLATE: dict[str, str] = {
    **dict.fromkeys(words("postgres mysql mariadb mongodb elasticsearch etcd"), "database"),
    **dict.fromkeys(words("nginx apache caddy"), "webserver"),
    **dict.fromkeys(words("haproxy traefik"), "loadbalancer"),
    **dict.fromkeys(words("redis memcached valkey"), "cache"),
    **dict.fromkeys(words("rabbitmq kafka nats"), "queue"),
}

CORE_WORDS = frozenset(words("core cores cpu cpus vcpu vcpus vcore vcores processor processors thread threads"))
MEMORY_WORDS = frozenset(words("ram memory mem"))
DISK_WORDS = frozenset(words("disk disks storage ssd hdd rootfs drive space volume"))
COUNT_WORDS = frozenset(words("replica replicas instance instances copy copies node nodes unit units pod pods"))
# Words that say "the property of a resource", not the resource: "remove the tag", "add a label".
PROPERTY_WORDS = frozenset(
    words(
        "tag tags label labels port ports annotation annotations variable variables var vars rule rules alias "
        "password passwords passphrase token tokens credentials certificate certificates cert certs counters index"
    )
)

DETERMINERS = frozenset(words("a an the some my our your their this that these those all every whole entire"))
PRONOUNS = frozenset({"it", "them", "that", "this", "those", "these"})
NEGATORS = frozenset({"not", "never", "dont", "no", "without"})
QUESTION_WORDS = frozenset({"what", "why", "how", "which", "who", "where", "when", "is", "are", "does", "do", "can"})

# Common words that must never be "corrected" into a command or a kind.
_PLAIN_WORDS = frozenset(
    words(
        "state stack stage stats stare steady there these those their where which while would could should "
        "about after again still shape please place plain plane panel lapse sleep loose lease delay stable "
        "table deal dealt detail desire spot post tops pots opts slit silt serve severe sever scope store "
        "stars start today total torn tried trust parts petal plate plant stall stalls steal rest reset "
        "tears rates dates delta later alter angel dealer leader search reach sales scales slate least"
    )
)


@dataclass(frozen=True, slots=True)
class Word:
    """A word as the lexicon reads it: its lemma and whether it is an inflected (descriptive) form."""

    lemma: str
    inflected: bool = False
    corrected: bool = False


def _inflections(lemma: str) -> set[str]:
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = {lemma + "s", lemma + "es", stem + "ed", stem + "ing", lemma + "d"}
    if len(lemma) >= 3 and lemma[-1] in "bdgmnpt" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms - {lemma}


_IRREGULAR = {
    "ran": "run",
    "running": "run",
    "built": "build",
    "made": "make",
    "spun": "spin",
    "torn": "tear",
    "tore": "tear",
    "brought": "bring",
    "took": "take",
    "taken": "take",
    "undone": "undo",
    "shut": "shut",
    "began": "begin",
    "broke": "break",
    "set": "set",
}


class Lexicon:
    """Looks words up; remembers its typo corrections (per instance: no shared state)."""

    def __init__(self) -> None:
        self._verbs: dict[str, Word] = {}
        for lemma in {*VERBS, *(v for v, _ in PARTICLE_VERBS)}:
            for form in _inflections(lemma):
                self._verbs.setdefault(form, Word(lemma, inflected=True))
        for form, lemma in _IRREGULAR.items():
            if form != lemma:
                self._verbs[form] = Word(lemma, inflected=True)
        for lemma in {*VERBS, *(v for v, _ in PARTICLE_VERBS)}:
            self._verbs[lemma] = Word(lemma)
        kind_words = {w for phrase in KIND_PHRASES for w in phrase}
        self._known = (
            set(self._verbs)
            | kind_words
            | {w + "s" for w in kind_words}
            | set(TEMPLATE_ALIASES)
            | CORE_WORDS
            | MEMORY_WORDS
            | DISK_WORDS
            | COUNT_WORDS
            | PROPERTY_WORDS
            | DETERMINERS
            | _PLAIN_WORDS
        )
        self._targets = sorted({*VERBS, *(v for v, _ in PARTICLE_VERBS), *kind_words, *TEMPLATE_ALIASES})
        self._corrections: dict[str, str | None] = {}

    def unknown(self, word: str) -> bool:
        """A word neither this lexicon nor everyday English knows: probably a name ("jellyfin", "mailrelay")."""
        return (
            word.isalpha()
            and len(word) >= 3
            and not word.endswith(("ing", "ed", "ly"))
            and word not in COMMON_WORDS
            and word not in INFRA_WORDS
            and not self.known(word)
            and self.verb(word) is None
            and not everyday(word)  # "pointless", "capacty", "memroy": English, however spelt
        )

    def known(self, word: str) -> bool:
        """Whether ``word`` is in the lexicon's vocabulary (verbs and their forms, kinds, templates, labels)."""
        return word in self._known or (word.endswith("s") and word[:-1] in self._known)

    def verb(self, word: str) -> Word | None:
        """The verb a word is (a command lemma or an inflected form), typos corrected."""
        found = self._verbs.get(word)
        if found is not None:
            return found
        fixed = self.correct(word)
        if fixed is not None and fixed in self._verbs:
            return Word(self._verbs[fixed].lemma, self._verbs[fixed].inflected, corrected=True)
        return None

    def correct(self, word: str) -> str | None:
        """The known word a misspelling stands for, or None (known words, names, short words: None)."""
        if word in self._known or word in COMMON_WORDS or not word.isalpha():
            return None
        if len(word) < 4:  # "kil", "stp": only a dropped letter of a command verb, never a guess
            return next((v for v in VERBS if len(v) == 4 and _dropped(word, v)), None)
        if word in self._corrections:
            return self._corrections[word]
        best = misspelling_of(word, self._targets)
        self._corrections[word] = best
        return best


# Endings that make another everyday word of an everyday one ("pointless", "hopeful"). Not the plural:
# operators name services with plural nouns ("orders", "payments"), as name-like as the noun itself; nor
# "-er", which makes the names of roles ("worker", "scheduler").
_EVERYDAY_ENDINGS = ("less", "ful", "ness", "ish")
_DAYS = frozenset(words("yesterday today tomorrow tonight"))
# What a misspelled everyday word may stand for: English, and the words for sizes and counts ("memroy").
_SPELLED = tuple(sorted(COMMON_WORDS | CORE_WORDS | MEMORY_WORDS | DISK_WORDS | COUNT_WORDS | PROPERTY_WORDS))


# Everyday words that operators name services by ("the workers", "roll back the worker to 3.2"): after a verb
# that acts on something, such a word is that thing's name, not a word that names nothing.
SERVICE_ROLES = frozenset(
    words(
        "worker workers manager managers scheduler schedulers mail mailer writer writers reader readers runner runners"
    )
)


@lru_cache(maxsize=4096)
def everyday(word: str) -> bool:
    """An everyday word, a form of one ("pointless", "yesterdays") or a misspelling of one
    ("capacty"): in a name's place it names nothing, so the thing the conversation is about is meant.
    A name the session already knows is matched before this is asked."""
    if word in COMMON_WORDS or word in _DAYS or (word.endswith("s") and word[:-1] in _DAYS):
        return True
    if not word.isalpha() or len(word) < 4:
        return False
    for ending in _EVERYDAY_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and (stem in COMMON_WORDS or stem + "e" in COMMON_WORDS):
            return True
    if word.endswith("s") and (word[:-1] in COMMON_WORDS or word[:-2] in COMMON_WORDS):
        return False  # a plural, not a misspelling: "orders"
    return len(word) >= 5 and misspelling_of(word, _SPELLED) is not None


def misspelling_of(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The candidate ``word`` is a misspelling of (letters swapped or dropped, or a close spelling), or None."""
    best: str | None = None
    best_ratio = 0.0
    for candidate in candidates:
        if abs(len(candidate) - len(word)) > 2:
            continue
        if _transposed(word, candidate) or _dropped(word, candidate):
            return candidate
        if len(word) >= 5 and candidate[0] == word[0]:
            ratio = SequenceMatcher(None, word, candidate).ratio()
            if ratio >= 0.84 and ratio > best_ratio:
                best, best_ratio = candidate, ratio
    return best


def _transposed(word: str, candidate: str) -> bool:
    """Same letters, rearranged: one adjacent swap for four letters, any order for five or more."""
    if len(word) != len(candidate) or word == candidate:
        return False
    if len(word) >= 5:
        return sorted(word) == sorted(candidate) and word[0] == candidate[0]
    diffs = [i for i in range(len(word)) if word[i] != candidate[i]]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and word[diffs[0]] == candidate[diffs[1]]


def _dropped(word: str, candidate: str) -> bool:
    """One letter left out: "powr" for "power", "restat" for "restart", "contaner" for "container"."""
    if len(candidate) != len(word) + 1 or word[0] != candidate[0]:
        return False
    return any(candidate[:k] + candidate[k + 1 :] == word for k in range(1, len(candidate)))
