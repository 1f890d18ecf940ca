"""From raw text to words: lower case, contractions spelled out, prompt injections cut off, clauses.

"don't" → "do not", "won't" → "will not", "what's" → "what is", "web-01's" → "web-01". A sentence that
tries to instruct the assistant ("ignore previous instructions and …") is read only up to that point:
what follows is data, never a command.
"""

from __future__ import annotations

import re

from alma.conversation.english import COMMON_WORDS
from alma.conversation.lexicon import TEMPLATE_ALIASES, VERBS, misspelling_of
from alma.conversation.quantities import Tok, quantify

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bwon'?t\b", "will not"),
        (r"\b(what|how|where|who|there|that)s\b", r"\1 is"),  # typed without the apostrophe, as on a phone
        (r"\bgimme\b", "give me"),
        # "wtf is down", "wtf is even running": the question asked, its mood left to frustration (raw text)
        (r"\bwtf (?=is |are |was |were |happened|did |does |do )", "what "),
        (r"\b(what|who|where|why) (is|are|was|were) even\b", r"\1 \2"),
        # a machine called "him" or "her", as in several languages: "restart him", "his disk"
        (r"\b(?:him|her)\b", "it"),
        (r"\bhis\b", "its"),
        # function words typed fast: the lexicon corrects commands and kinds, never these
        (r"\b(?:teh|hte)\b", "the"),
        (r"\badn\b", "and"),
        (r"\b(?:waht|wat|wut)\b", "what"),
        (r"\bwiht\b", "with"),
        (r"\btaht\b", "that"),
        (r"\b(do|does|did|is|are|was|were|has|have|could|should|would)nt\b", r"\1 not"),
        (r"\bim\b", "i am"),
        (r"\bcan'?t\b", "can not"),
        (r"\bcannot\b", "can not"),
        (r"\bshan'?t\b", "shall not"),
        (r"\bain'?t\b", "is not"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|could|should|would|must|need)n'?t\b", r"\1 not"),
        (r"\b(it|what|that|there|here|who|where|how|he|she|everything|nothing|something)'s\b", r"\1 is"),
        (r"\blet's\b", "let us"),
        (r"'re\b", " are"),
        (r"\bi'm\b", "i am"),
        (r"'ll\b", " will"),
        (r"'ve\b", " have"),
        (r"'d\b", " would"),
        (r"'s\b", ""),  # possessive: "web-01's tags"
        # An expletive inside a question changes its mood, not its meaning ("what the hell is wrong with
        # it" asks what is wrong); frustration reads the raw text, so nothing is lost to the guard.
        (
            r"\b(what|why|how|where|who|when)"
            r"(?: the (?:hell|heck|fuck|f\*+k?|frick|fudge|devil)| on earth| in the world)\b",
            r"\1",
        ),
        (r"\bwt[fh]\b", "what"),
        # A verb and its particle written as one word: "power-cycle hv-07", "spin-up", "shut-down" are the act,
        # never a resource's name (which then went unread: "power-cycle" was the target).
        (
            r"\b(power|shut|spin|tear|roll|clean|scale|start|boot|turn|switch|wind|bring|take|back|log|"
            r"set|hard|cold|warm)-(cycle|down|up|off|on|back|out|in|reset|reboot|restart|boot)\b(?!-)",
            r"\1 \2",
        ),
    )
)
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.;!?]{0,40}?\b(instructions?|prompts?|rules?|guardrails?|"
    r"system\s+prompt)\b|\b(you\s+are\s+now|new\s+instructions?|system\s*:|jailbreak)",
)
_WORD = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*|[,;:!?]|\.(?=\s|$)|\*")
# Compact specs as people type them: "name=x", "mem: 256m", "cpu=4", "image=redis:7", "2 -> 4".
_SPEC_PAIRS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:name|hostname|host)\s*[=:]\s*", " named "),
        (
            r"\b(?:image|img|template|os|distro)\s*[=:]\s*(?:[a-z0-9.-]+/)*([a-z][a-z0-9.-]*)(?::[\w.-]+)?",
            r" image \1 ",
        ),
        # a number without a unit, as Proxmox and most configs write it: memory in MiB (a small number, in
        # GiB: "mem=8"), disk in GiB: "mem=8192 disk=60"
        (r"\b(?:mem|memory|ram)\s*[=:]\s*([0-9]{3,})(?![0-9.a-z])", r" \1 mb ram "),
        (r"\b(?:mem|memory|ram)\s*[=:]\s*([0-9]{1,2})(?![0-9.a-z])", r" \1 gb ram "),
        (r"\b(?:disk|storage|rootfs|size)\s*[=:]\s*([0-9]+)(?![0-9.a-z])", r" \1 gb disk "),
        (r"\b(?:mem|memory|ram)\s*[=:]\s*([0-9.]+\s*[a-z]*)", r" \1 ram "),
        (r"\b(?:disk|storage|rootfs|size)\s*[=:]\s*([0-9.]+\s*[a-z]*)", r" \1 disk "),
        (r"\b(?:cpus?|cores?|vcpus?)\s*[=:]\s*([0-9]+)", r" \1 cores "),
        (r"\b(?:replicas|count|instances)\s*[=:]\s*([0-9]+)", r" \1 replicas "),
        # command-line flags: "--name x", "-m 512m", "--memory 1024" (Proxmox counts memory in MiB), "--cpus 2"
        (r"(?:^|\s)--(?:name|hostname)[= ]", " named "),
        (r"(?:^|\s)(?:-m|--memory)[= ]([0-9.]+[a-z]+)\b", r" \1 ram "),
        (r"(?:^|\s)--memory[= ]([0-9]+)\b", r" \1 mb ram "),
        (r"(?:^|\s)--(?:cores|cpus|vcpus)[= ]([0-9]+)\b", r" \1 cores "),
        # a disk as qm and pct give one, "STORAGE:SIZE" in GiB: "--scsi0 local-lvm:64", "--rootfs local-zfs:8"
        (r"(?:^|\s)--(?:rootfs|(?:scsi|virtio|sata|ide|mp)[0-9]+)[= ][a-z0-9_.-]+:([0-9]+)\b", r" \1 gb disk "),
        (r"\bvztmpl/([a-z]+)[\w.-]*", r" image \1 "),
        (r"\s*(?:->|=>|\u2192|\u27f6|\u21d2)\s*", " to "),
        (r"(?:(?<=\s)|^)/[a-z0-9_.-]+(?:/[a-z0-9_.-]*)*", " a path "),  # "404 for /api": a URL's path, no name
        # any other "KEY=value" is a setting ("set LOG_LEVEL=debug on api"): neither its key nor its value names
        # what it is set on
        (r"(?:(?<=\s)|^)(?<!--scale )[a-z_][a-z0-9_.-]*=\S+", " a setting "),  # not "--scale worker=5": a count
        (r"\bw/o\b", " without "),
        (r"\bw/", " with "),
        (r"\s\+\s|\s&\s", " and "),
    )
)


# Listing commands typed as on a shell, said as the request they make: "docker ps -a", "qm list",
# "kubectl get deploy -A" (a kind and flags only; "kubectl get pod web-1" names one, read below).
_KUBE_KINDS = {
    "po": "pods", "pod": "pods", "pods": "pods", "deploy": "deployments", "deployment": "deployments",
    "deployments": "deployments", "svc": "services", "service": "services", "services": "services",
    "no": "nodes", "node": "nodes", "nodes": "nodes", "ns": "namespaces", "namespace": "namespaces",
    "namespaces": "namespaces", "sts": "statefulsets", "statefulset": "statefulsets", "statefulsets": "statefulsets",
    "ds": "daemonsets", "daemonset": "daemonsets", "daemonsets": "daemonsets", "all": "resources",
    "pvc": "volumes", "pv": "volumes", "ing": "ingresses", "ingress": "ingresses", "ingresses": "ingresses",
}  # fmt: skip
_KUBE_LIST = re.compile(
    r"\b(?:kubectl|oc|k)\s+get\s+(?P<kind>" + "|".join(sorted(_KUBE_KINDS, key=len, reverse=True)) + r")"
    r"(?P<flags>(?:\s+(?:-[a-z]|--[a-z-]+)(?:[= ](?!-)[a-z0-9-]+)?)*)\s*(?=$|[.;!?,])"
)
_LISTINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:docker|podman)\s+(?:ps|container\s+(?:ls|list))(?:\s+-[a-z]+)*\b", "list the containers"),
        (r"\b(?:docker|podman)\s+(?:images|image\s+(?:ls|list))(?:\s+-[a-z]+)*\b", "list the images"),
        (r"\bqm\s+list\b", "list the vms"),
        (r"\bpct\s+list\b", "list the lxcs"),
        (r"\bvirsh\s+list(?:\s+--all)?\b", "list the vms"),
    )
)
# An image's tag is not a count: "postgres:16", "redis:7-alpine", "nginx:latest" → the image.
_IMAGE_TAG = re.compile(
    r"\b(?P<image>[a-z][a-z0-9-]*):(?:\d[\w.-]*|latest|stable|alpine|slim|lts|edge|[a-z]+-\d[\w.-]*)\b"
)


# "docker run -d --rm --name x prom/prometheus": the switches say nothing; the image is its path's last part.
_DOCKER_RUN = re.compile(r"\b(?:docker|podman) run\b(?:\s+(?:-d|-it|-i|-t|--rm|--detach|--privileged))*")
_IMAGE_PATH = re.compile(r"(?<=\s)(?:[a-z0-9.-]+/)+([a-z][a-z0-9-]*)(?::[\w.-]+)?(?=\s*$)")


# Switches of `docker run` that say how it is wired, not what it is: "-p 3001:3001", "-e TZ=UTC", "-v data:/data".
_WIRING = re.compile(
    r"\s(?:-p|--publish|-e|--env|-v|--volume|--restart|--network|--net|-l|--label|-w|--workdir|--mount)[ =]\S+"
)


def _docker_run(text: str) -> str:
    if _DOCKER_RUN.search(text) is None:
        return text
    return _IMAGE_PATH.sub(r" image \1", _WIRING.sub(" ", _DOCKER_RUN.sub("docker run", text)))


_NAMESPACE_FLAG = re.compile(r"(?:-n|--namespace)[= ]([a-z0-9][a-z0-9-]*)")


def _listing(match: re.Match[str]) -> str:
    """ "kubectl get pods -n sandbox": the listing, and the namespace it looks in (named, for "that namespace")."""
    namespace = _NAMESPACE_FLAG.search(match.group("flags") or "")
    where = f" in the namespace named {namespace.group(1)}" if namespace is not None else ""
    return f"list the {_KUBE_KINDS[match.group('kind')]}{where}"


def _untagged(match: re.Match[str]) -> str:
    image = match.group("image")
    return image if image in TEMPLATE_ALIASES else match.group()


# "please run `docker rm -f web-1`", "execute: qm destroy 104": the command is the request, not a start
_RUN_COMMAND = re.compile(
    r"\b(?:run|execute|exec|type|do)\s*:?\s+(?=[`'\"]?(?:sudo\s+)?(?:qm|pct|docker|docker-compose|podman|kubectl|oc|"
    r"helm|systemctl)\s)"
)
# Commands typed as on a shell: "qm stop 101", "pct destroy 205", "kubectl rollout undo deployment/frontend".
_SHELL: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bqm ([a-z]+) (\d+)\b", r"\1 vm \2"),
        # "docker compose up -d --scale worker=1": so many of that service
        (r"\b(?:docker[- ])?compose up\b(?:\s+-[a-z]+)*\s+--scale[ =]([a-z0-9][a-z0-9_.-]*)=(\d+)", r"scale \1 to \2"),
        # a Go template argument ("docker inspect -f '{{.State.Health.Status}}' kc"): a format, no name
        (r"\{\{.*?\}\}", " "),
        # "docker inspect -f … keycloak": its switches say nothing; what it shows is the state of what it names
        (r"\b(?:docker|podman)\s+(?:container\s+)?inspect\b(?:\s+(?:-[a-z]|--[a-z-]+)(?:[= ]'[^']*')?)*", "status of"),
        # "kubectl apply -f k8s/x.yaml": what the manifest describes, deployed
        (r"\b(?:kubectl|oc)\s+(?:apply|create)\s+(?:-f|--filename|-k|--kustomize)[= ]?\s*\S+", "deploy the manifest"),
        # "helm rollback monitoring 3", "helm uninstall grafana": that act on the release it names
        (r"\bhelm\s+(rollback|uninstall|delete)\s+([a-z0-9][a-z0-9-]*)\b", r"\1 the release named \2"),
        (r"\bhelm\s+(?:status|history|get \w+)\s+([a-z0-9][a-z0-9-]*)\b", r"status of the release named \1"),
        # "helm install grafana grafana/grafana": a release named after its first word, of the chart's software
        (
            r"\bhelm (?:install|upgrade --install) ([a-z0-9][a-z0-9-]*) (?:[a-z0-9.-]+/)*([a-z0-9][a-z0-9-]*)\b",
            r"deploy \2 named \1",
        ),
        (r"\bpct ([a-z]+) (\d+)\b", r"\1 ct \2"),
        # "Windows isn't needed, Ubuntu is fine": what is not wanted is no part of the order
        (r"\b[a-z0-9.]+ (?:is not|are not) (?:needed|required|necessary|wanted)\b,?", " "),
        # "the Container with the name printserver": named so
        (r"\bwith the name\b", "named"),
        # "docker compose down -v": the stack torn down (its switches, volumes too, say how thoroughly)
        (r"\b(?:docker[- ])?compose\s+down\b(?:\s+(?:-[a-z]+|--[a-z-]+(?:[= ][a-z]+)?))*", "tear down"),
        # "kubectl delete deploy api", "kubectl scale sts kafka --replicas=2": the thing is named after its kind
        (
            r"\b(?:kubectl|oc)\s+([a-z]+)\s+(?:deploy|deployments?|sts|statefulsets?|ds|daemonsets?)\s+"
            r"([a-z0-9][a-z0-9.-]*)\b",
            r"\1 the deployment named \2",
        ),
        (r"\b(?:kubectl|oc)\s+([a-z]+)\s+(?:po|pods?)\s+([a-z0-9][a-z0-9.-]*)\b", r"\1 the pod named \2"),
        # "kubectl delete ns payments": the namespace is named after its kind word
        (r"\b(?:kubectl|oc)\s+([a-z]+)\s+(?:ns|namespaces?)\s+([a-z0-9][a-z0-9-]*)\b", r"\1 the namespace named \2"),
        (r"\b(?:kubectl|kubectl\.exe|oc)\s+(?:rollout\s+)?", ""),
        (
            r"\b(?:deploy|deployments?|sts|statefulsets?|ds|daemonsets?)/([a-z0-9][a-z0-9.-]*)",
            r"the deployment named \1",
        ),
        (r"\b(?:po|pods?)/([a-z0-9][a-z0-9.-]*)", r"the pod named \1"),
        (r"\b(?:svc|services?)/([a-z0-9][a-z0-9.-]*)", r"the service named \1"),
        # "don't restart anything - just tell me": a dash between clauses
        (r"(?<=\w) - (?=\w)", ", "),
        # "no wait, 0 — shut it all off": a dash (em or en) between clauses, too
        (r"\s*[\u2014\u2013]\s*", " , "),
        # "the vm 'shop'": a quoted word after a kind is its name, however ordinary the word
        (
            r"\b(vm|container|lxc|ct|server|box|host|machine|service|app|database|db|stack|guest) "
            r"['\"]([a-z][\w.-]*)['\"]",
            r"\1 named \2",
        ),
    )
)
_THUMBS = re.compile("[\U0001f44d\u2705\U0001f44c\u2714]")


# A swear word masked with symbols: "f***ing", "sh*t", "f#@%ing", "a**hole" (frustration reads it in the raw text).
# "!" only between letters: "stop!" and "now!!" are words said loudly, not masked ones; "ops@example.com" is an address.
_MASKED = re.compile(r"(?<![\w*-])[a-z]{1,3}(?:[*#@$%]{1,4}[a-z]*|!{1,3}[a-z]+)(?![\w*])(?!\.[a-z])")


# Whom a chat message is addressed to: "@here @alma deleting …", "@bob:" (not an address like ops@example.com).
_MENTION = re.compile(r"(?<!\S)@[\w.-]+[,:]?\s*")
# A word written with digits or symbols for letters: "D3LETE", "n0w", "k1ll", "wip3 3verything".
_LEET_WORD = re.compile(
    r"(?<![\w@$-])(?=[a-z0-9@$]*[a-z][a-z0-9@$]*[a-z])(?=[a-z@$]*[0134579@$])[a-z0-9@$]{4,}(?![\w-])"
)
_LEET = str.maketrans("034579@$", "oeastgas")


def _unleet(match: re.Match[str]) -> str:
    """The word meant, when it is a verb or an everyday word once its digits are read as letters ("d3lete");
    otherwise the word as written ("k3s", "vm104", "s3" are names)."""
    word = match.group(0)
    for ones in ("i", "l"):
        meant = word.replace("1", ones).translate(_LEET)
        if meant.isalpha() and (meant in VERBS or meant in COMMON_WORDS):
            return meant
    return word


def normalize(text: str) -> tuple[str, bool]:
    """Lower-cased text with contractions spelled out, cut at a prompt injection; and whether one was cut."""
    lowered = _MENTION.sub("", text.translate(_APOSTROPHES).lower())
    lowered = _LEET_WORD.sub(_unleet, lowered)
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    lowered = _RUN_COMMAND.sub("", lowered)
    lowered = _KUBE_LIST.sub(_listing, lowered)
    for pattern, replacement in _LISTINGS:
        lowered = pattern.sub(replacement, lowered)
    lowered = _IMAGE_TAG.sub(_untagged, lowered)
    lowered = _docker_run(lowered)
    for pattern, replacement in _SHELL:
        lowered = pattern.sub(replacement, lowered)
    for pattern, replacement in _SPEC_PAIRS:
        lowered = pattern.sub(replacement, lowered)
    lowered = _THUMBS.sub(" yes ", lowered)  # "👍": a yes
    lowered = _MASKED.sub(" ", lowered)  # "the f***ing api": a masked swear word is no part of the request
    lowered = lowered.replace("'", " ").replace('"', " ")
    injection = _INJECTION.search(lowered)
    if injection is not None:
        return lowered[: injection.start()], True
    return lowered, False


def tokenize(text: str) -> tuple[list[Tok], bool]:
    """Tokens of ``text`` (numbers and sizes read), and whether a prompt injection was cut off."""
    normalized, injected = normalize(text)
    words = [_spelled(w) for w in _WORD.findall(normalized) if w != "*"]
    return quantify(words), injected


# Nouns that frames and counts are read by ("has no network", "to a single instance"), whose misspellings
# ("netwrok", "instnace") would otherwise read as names. Kinds, verbs and templates the lexicon corrects itself.
_FRAME_NOUNS = ("network", "internet", "connectivity", "instance", "instances", "replica", "replicas")


def _spelled(word: str) -> str:
    """``word``, or the frame noun it misspells (a word of five letters or more that English does not know)."""
    if len(word) < 5 or not word.isalpha() or word in COMMON_WORDS or word in _FRAME_NOUNS:
        return word
    return misspelling_of(word, _FRAME_NOUNS) or word


def clauses(tokens: list[Tok]) -> list[list[Tok]]:
    """Tokens split at punctuation and at "but"/"then"/"instead": each clause holds one request."""
    out: list[list[Tok]] = [[]]
    for tok in tokens:
        if tok.punct or tok.text in {"but", "then", "instead"}:
            if out[-1]:
                out.append([])
            continue
        out[-1].append(tok)
    return [c for c in out if c]
