"""What the intent classifier sees of a sentence: its words, and the classes the lexicon puts them in.

A sentence becomes a bag of features: each word (lower case, contractions spelled out), and in place of
what varies between sentences that mean the same, its class — a name (``web-01``) is ``#name``, a
number ``#num``, a size ``#size``, a template ``#tmpl``, a kind ``K:vm``; a verb the lexicon knows adds
its action (``A:destroy``; ``A:destroy~`` for a descriptive form: "deleted", "removing"). Neighbouring
classes make bigrams ("A:destroy #name", "what A:stop~"). So "nuke db-01" and "delete web-02" share
``A:destroy #name``, which is how a synonym the corpus never paired with a name still carries over.
Training (``training``) and prediction (``classifier``) use this one function.
"""

from __future__ import annotations

from itertools import pairwise

from alma.conversation.lexicon import KIND_PHRASES, PARTICLE_VERBS, PARTICLES, TEMPLATE_ALIASES, VERBS, Lexicon
from alma.conversation.quantities import Tok
from alma.conversation.resources import is_name
from alma.conversation.text import tokenize

VERSION = "1"  # part of a trained model's key: change it when the features change
_KIND_WORDS = {phrase[0]: kind for phrase, kind in KIND_PHRASES.items() if len(phrase) == 1}


def _class_of(tok: Tok, nxt: str, lexicon: Lexicon) -> str:
    word = tok.text
    if tok.size is not None:
        return "#size"
    if tok.number is not None:
        return "#ord" if tok.ordinal else "#num"
    if tok.punct:
        return word
    if word in TEMPLATE_ALIASES:
        return "#tmpl"
    if is_name(word):
        return "#name"
    kind = _KIND_WORDS.get(word) or (_KIND_WORDS.get(word[:-1]) if word.endswith("s") else None)
    if kind is not None:
        return f"K:{kind}"
    verb = lexicon.verb(word) if word.isalpha() else None
    if verb is not None:
        action = PARTICLE_VERBS.get((verb.lemma, nxt)) if nxt in PARTICLES else None
        action = action or VERBS.get(verb.lemma)
        if action is not None:
            return f"A:{action}{'~' if verb.inflected else ''}"
    return word


def features(text: str, lexicon: Lexicon) -> list[str]:
    """The features of ``text`` (with repeats; the classifier counts presence)."""
    tokens, _ = tokenize(text)
    if not tokens:
        return ["<empty>"]
    words = [t.text for t in tokens]
    classes = [_class_of(t, words[k + 1] if k + 1 < len(words) else "", lexicon) for k, t in enumerate(tokens)]
    out = [f"w:{w}" for w in words if w.isalpha()]
    out += [f"c:{c}" for c in classes if c != "," and not c.isalpha()]
    sequence = ["<s>", *classes, "</s>"]
    out += [f"b:{a} {b}" for a, b in pairwise(sequence)]
    out.append(f"first:{classes[0]}")
    if len(classes) > 1:
        out.append(f"first2:{classes[0]} {classes[1]}")
    if "?" in words:
        out.append("question")
    return out
