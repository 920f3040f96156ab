"""Extract stage: roles and titles of named people, and role nominals that stand for them.

Three patterns, all read off one spaCy parse:
- a *premodifier title* directly before a name: "Kremlin spokesman Dmitry Peskov", "the Russian
  Ambassador in Washington Sergei Kislyak", "former FBI Director Robert Mueller";
- an *apposition* or relative clause after a name: "Dmitry Peskov, the Kremlin spokesman",
  "Richard Armitage, former Deputy Secretary of state", "Jeff Sissom, who at that time was a Senator,
  and later became the attorney General";
- a *role nominal* with no name at all: "the Kremlin spokesman said", "the Russian ambassador",
  "Press Secretary of the President recalled" — a mention that resolution may attach to the one known
  entity holding that role.

A title must contain a role head word (ROLE_HEADS) in the singular; the words "former", "ex-", "then",
"later", "incoming" set the role's time. Pure functions of a parsed Doc; no corpus knowledge here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from storyline.nlp.parse import text_of

# Nouns that head a role or title. Singular, lower-case. Kept to roles a news story attributes to one
# person; kinship terms are included because machine translation often renders titles through them.
ROLE_HEADS = frozenset(
    """spokesman spokeswoman spokesperson secretary ambassador president president-elect vice-president
    minister premier chancellor director adviser advisor counsel prosecutor senator congressman
    congresswoman governor mayor chairman chairwoman chair ceo chief head leader lawyer attorney judge
    general envoy diplomat commander king queen prince princess pope candidate nominee founder owner
    editor correspondent executive officer deputy representative aide assistant strategist
    son-in-law daughter-in-law oligarch politician actor actress singer rapper star coach manager
    captain sheriff official economist analyst consultant lobbyist investigator detective publicist
    justice speaker treasurer commissioner administrator inspector mp lawmaker legislator""".split()
)

# Words that set the time of a role rather than being part of the title.
TIME_WORDS = {"former": "former", "ex": "former", "then": "then", "later": "later", "incoming": "later",
              "future": "later", "outgoing": "current", "late": "former", "erstwhile": "former"}

# Prepositions allowed inside a title ("Ambassador in Washington", "Secretary of the President").
_TITLE_ADP = frozenset({"of", "to", "in", "for", "at", "on"})
_TITLE_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "ADP", "PUNCT", "CCONJ", "PART", "NUM", "ADV"})
_STOP_DETS = frozenset({"a", "an", "any", "every", "each", "some", "no", "another", "all", "both", "either", "neither"})
# A premodifier title never runs longer than this many tokens ("the assistant to the President for
# national security" is 9); longer windows are clauses, not titles.
MAX_TITLE_TOKENS = 10


@dataclass(frozen=True, slots=True)
class FoundRole:
    """A role found next to (or standing for) a name: the title, its evidence span and its time."""

    title: str
    start: int  # character offsets of the evidence (time words included)
    end: int
    time: str | None


def _is_head(token: Any) -> bool:
    low = token.text.lower()
    if low not in ROLE_HEADS and token.lemma_.lower() not in ROLE_HEADS:
        return False
    return token.tag_ not in ("NNS", "NNPS") or low in ROLE_HEADS


def is_role_head(token: Any) -> bool:
    """True when the token is a singular role head ("minister", "spokesperson"): a title ends or turns here."""
    return _is_head(token)


def _time_of(tokens: list[Any]) -> str | None:
    for t in tokens:
        low = t.text.lower().rstrip("-")
        if low in TIME_WORDS:
            return TIME_WORDS[low]
        if low.startswith("ex-"):
            return "former"
        if low.endswith("-elect"):
            return "later"
    return None


def _title_from(tokens: list[Any]) -> FoundRole | None:
    """A FoundRole from a run of tokens that contains a role head (leading dets/possessors/time words cut)."""
    heads = [i for i, t in enumerate(tokens) if _is_head(t)]
    if not heads:
        return None
    first = heads[0]
    # Walk left from the head over its modifiers (adjectives, nouns, names, hyphens, time words).
    i = first
    while i > 0 and tokens[i - 1].pos_ in ("ADJ", "PROPN", "NOUN", "NUM", "ADV", "PUNCT") and tokens[i - 1].text not in ",;:()\"“”":
        if tokens[i - 1].pos_ == "ADV" and tokens[i - 1].text.lower() not in TIME_WORDS:
            break
        i -= 1
    evidence = tokens[i:]
    time = _time_of(tokens)
    if i > 0 and tokens[i - 1].text.lower() in TIME_WORDS:  # "the then Senator"
        evidence = tokens[i - 1:]
    words = [t for t in evidence if t.text.lower().rstrip("-") not in TIME_WORDS and not (t.pos_ == "DET" and t is evidence[0])]
    while words and (words[-1].pos_ in ("ADP", "DET", "CCONJ", "PART") or words[-1].text in "-,"):
        words = words[:-1]
        evidence = evidence[: len(evidence) - 1]
    if not words:
        return None
    title = re.sub(r"\s+", " ", "".join(t.text_with_ws for t in words).strip())
    title = re.sub(r"^ex-", "", title, flags=re.IGNORECASE)
    start, end = evidence[0].idx, evidence[-1].idx + len(evidence[-1].text)
    return FoundRole(title=title, start=start, end=end, time=time)


def preceding_apposition(doc: Any, start: int, end: int) -> FoundRole | None:
    """The title set off by a comma before the name between tokens ``start`` and ``end``, when the name
    is itself closed by a comma or the sentence end: "The mayor of Dunmore, Felix Ortega, said",
    "The office's director, Ruth Ambler, said". A name in a list ("Varga, Orlov and ...") has no role
    head before its comma, so it gets none."""
    if start < 2 or doc[start - 1].text != "," or (end < len(doc) and doc[end].text not in (",", ".", ";")):
        return None
    return premodifier_role(doc, start - 1, set())


def premodifier_role(doc: Any, start: int, person_token_starts: set[int], cross_prepositions: bool = True) -> FoundRole | None:
    """The title written directly before the name starting at token ``start`` ("Kremlin spokesman X").

    ``cross_prepositions=False`` for a possessive name ("a top official for President-elect Donald
    Trump's team"): the words before the preposition belong to the outer phrase, not to the title."""
    window: list[Any] = []
    j = start - 1
    sent_start = doc[start].sent.start if doc.has_annotation("SENT_START") else 0
    while j >= sent_start and len(window) < MAX_TITLE_TOKENS:
        t = doc[j]
        if t.is_space or "\n" in t.whitespace_ or t.pos_ not in _TITLE_POS or j in person_token_starts:
            break
        if t.text in ",;:()\"“”—–" or (t.pos_ == "ADP" and (t.text.lower() not in _TITLE_ADP or not cross_prepositions)):
            break
        if t.pos_ == "DET" and t.text.lower() in _STOP_DETS:
            break
        if t.pos_ == "ADV" and t.text.lower() not in TIME_WORDS:
            break
        window.append(t)
        j -= 1
    window.reverse()
    if not window or window[-1].pos_ in ("ADP", "DET", "CCONJ", "PART"):  # "representatives of X": not a title
        return None
    return _title_from(window)


_RELATIVE = re.compile(
    r"^\s*,?\s*who\s+(?P<when>at (?:that|the) time\s+|then\s+|now\s+|later\s+|previously\s+|formerly\s+)?"
    r"(?P<verb>was|is|had been|has been|became|becomes|served as|serves as)\s+",
    re.IGNORECASE,
)
_RELATIVE_PRONOUNS = frozenset({"who", "whose", "which", "that"})
_LATER = re.compile(r"^\s*,?\s*and\s+(?:later|then|subsequently)\s+(?:became|was named|was appointed)\s+", re.IGNORECASE)


def _phrase_after(doc: Any, i: int, limit: int = MAX_TITLE_TOKENS) -> list[Any]:
    """Tokens from ``i`` up to the next comma/stop, provided they form a noun phrase (no verb)."""
    out: list[Any] = []
    while i < len(doc) and len(out) < limit:
        t = doc[i]
        if t.text in ",.;:()\"“”—–!?" or t.is_space or t.is_sent_start and out:
            break
        if out and t.text.lower() in _RELATIVE_PRONOUNS:
            break  # "the opposition MP who chairs ...": the noun phrase ends at the relative clause
        if t.pos_ in ("VERB", "AUX", "PRON", "SCONJ") or (t.pos_ == "ADP" and t.text.lower() not in _TITLE_ADP):
            return []
        out.append(t)
        i += 1
    else:
        if len(out) >= limit:
            return []
    return out


def _token_at(doc: Any, char: int) -> int | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None and len(span) else None


def following_roles(doc: Any, end: int) -> list[FoundRole]:
    """Roles written after the name ending at token ``end``: apposition or relative clause."""
    found: list[FoundRole] = []
    if end >= len(doc) or doc[end].text != ",":
        return found
    rest = text_of(doc)[doc[end].idx : doc[end].idx + 200]
    m = _RELATIVE.match(rest)
    if m:
        i = _token_at(doc, doc[end].idx + m.end())
        if i is not None:
            when = (m.group("when") or "").strip().lower()
            verb = m.group("verb").lower()
            time = "then" if when.startswith(("at", "then")) or verb in ("was", "had been") else "later" if when == "later" or verb == "became" else "former" if when in ("previously", "formerly") else "current"
            phrase = _phrase_after(doc, i)
            role = _title_from(phrase) if phrase else None
            if role:
                found.append(FoundRole(role.title, role.start, role.end, role.time or time))
                nxt = phrase[-1].i + 1
                if nxt < len(doc):
                    later = _LATER.match(text_of(doc)[doc[nxt].idx : doc[nxt].idx + 120])
                    if later:
                        k = _token_at(doc, doc[nxt].idx + later.end())
                        phrase2 = _phrase_after(doc, k) if k is not None else []
                        role2 = _title_from(phrase2) if phrase2 else None
                        if role2:
                            found.append(FoundRole(role2.title, role2.start, role2.end, "later"))
        return found
    phrase = _phrase_after(doc, end + 1)
    if phrase and phrase[0].text.lower() not in _STOP_DETS:
        role = _title_from(phrase)
        # The apposition must end the clause (", the Kremlin spokesman, said" / "... spokesman.").
        after = phrase[-1].i + 1
        if role and (after >= len(doc) or doc[after].text in ",.;:)—–" or doc[after].is_space or doc[after].text.lower() in _RELATIVE_PRONOUNS):
            found.append(role)
    return found


def role_nominals(doc: Any, taken: list[tuple[int, int]]) -> Iterator[FoundRole]:
    """Definite role noun phrases with no name ("the Kremlin spokesman", "Press Secretary of the President").

    ``taken``: character ranges already covered by name mentions or titles (skipped)."""
    taken = list(taken)
    for chunk in doc.noun_chunks:
        root = chunk.root
        if not _is_head(root) or root.tag_ in ("NNS", "NNPS"):
            continue
        first = chunk[0]
        det = first.text.lower() if first.pos_ == "DET" else None
        if det is None and first.pos_ in ("PRON",):
            continue
        if det is not None and det not in ("the",):
            continue
        if det is None and not (first.is_sent_start or first.text[:1].isupper()):
            continue
        if any(t.pos_ == "PROPN" and t.ent_type_ == "PERSON" for t in chunk):
            continue
        if any(t.tag_ == "PRP$" or t.tag_ == "POS" for t in chunk):
            continue
        tokens = [t for t in chunk if t.pos_ != "DET" or t.i != chunk.start]
        # A chunk across a line break (a headline's end and the next line) keeps only its last line.
        for k in range(len(tokens) - 1, -1, -1):
            if tokens[k].is_space or "\n" in tokens[k].whitespace_:
                tokens = [t for t in tokens[k + 1 :] if not t.is_space]
                break
        # One "of/to/in" phrase after the head belongs to the title ("Secretary of the President").
        nxt = chunk.end
        if nxt < len(doc) and doc[nxt].text.lower() in ("of", "to", "in", "for") and not doc[nxt].is_space:
            obj = [c for c in doc[nxt].children if c.dep_ == "pobj"]
            if obj and obj[0].i - nxt <= 3 and (obj[0].pos_ == "PROPN" or _is_head(obj[0])):
                tokens = tokens + list(doc[nxt : obj[0].i + 1])
        if not tokens:
            continue
        if len(doc) > tokens[-1].i + 1 and doc[tokens[-1].i + 1].ent_type_ == "PERSON":
            continue  # a premodifier title, handled with the name
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        if any(s < end and start < e for s, e in taken):
            continue
        role = _title_from(tokens)
        if role is None:
            continue
        taken.append((start, end))
        yield FoundRole(title=role.title, start=start, end=end, time=role.time)
