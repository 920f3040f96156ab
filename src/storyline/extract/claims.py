"""Extract stage (part of ``extract.attributions``): claims — propositions stated in a document.

Two sources of claims:
- the content of every attribution ("Peskov said Flynn and Kislyak had not discussed sanctions"),
  held by the speaker, with the speaker's stance;
- the article's own reporting sentences that no attribution covers, held by the outlet.

Each claim is normalised from the dependency parse into subject, predicate (lemma), object or
complement, polarity (negation), modality (asserted, reported, alleged, confirmed, denied, possible),
time (a timex in the clause, if the timex stage ran) and participants (the named people and
organisations in it, pronoun subjects and possessives resolved to the nearest person or organisation
named before).

Events named by a noun take the noun's verb as predicate: "No such meeting took place" and "had no
private contact with ..." are claims about *meeting* and *contact*, not about "take" and "have". When
such a noun is definite or demonstrative and names nobody ("no such meeting", "the meeting", "that
meeting", "any meeting"), it points back to an event the document reported before (event anaphora):
the claim takes the participants of the nearest earlier report of the same kind of event in the
document and is marked ``anaphoric``; with none, ``resolve.propositions`` attaches it to the story's
most reported event of that kind.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from storyline.extract.attributions import _judgement
from storyline.ids import record_id
from storyline.model import Attribution, Claim, Document
from storyline.nlp.parse import text_of

# Cue lemma -> modality of what the cue reports.
MODALITY_OF_CUE: dict[str, str] = {
    **{v: "reported" for v in "report write publish tweet post".split()},
    **{v: "alleged" for v in "allege claim accuse charge contend".split()},
    **{v: "confirmed" for v in "confirm acknowledge admit concede".split()},
    **{v: "denied" for v in "deny reject dismiss dispute refute contest rebut".split()},
    **{v: "possible" for v in "believe think suspect hope fear expect guess speculate wonder".split()},
}
HEDGES = frozenset("may might could possibly perhaps reportedly allegedly likely probably".split())
NEGATORS = frozenset("no never nothing nobody none neither nor".split())
# Claims longer than this (characters) are cut to their sentence: a 6-sentence quote is 6 claims.
MAX_CLAIMS_PER_ATTRIBUTION = 6
PARTICIPANT_LABELS = ("PERSON", "ORG")  # places are too generic to identify a proposition
# An unattributed sentence becomes an outlet claim only when it names someone: the rest is colour.
MIN_OUTLET_CLAIM_TOKENS = 5
# Nouns that name an event -> the verb that reports the same event ("the meeting" = "met").
EVENT_NOUNS: dict[str, str] = {
    "meeting": "meet", "encounter": "meet", "talk": "talk", "conversation": "talk", "discussion": "discuss",
    "negotiation": "negotiate", "contact": "contact", "call": "call",
}
# Verbs that only say that their subject happened: the subject noun carries the predicate.
HAPPEN_VERBS = frozenset("happen occur".split())
# Light verbs whose event-noun object carries the predicate ("had no contact", "held talks").
EVENT_OBJECT_VERBS = frozenset("have hold".split())
# Determiners that make an event noun point back to an event already reported.
ANAPHORIC_DETERMINERS = frozenset("such the this that these those any".split())
# Possessive pronouns -> the entity label they stand for ("its chief executive" -> an organisation).
POSSESSIVE_LABELS = {"its": "ORG", "his": "PERSON", "her": "PERSON"}
# An anaphoric event noun ("No such meeting took place") looks this many characters back for the report
# it points to: a reporter writes "the meeting" for one told a few sentences before (the seed and demo
# antecedents were all within ~600 characters), and a bounded window keeps long documents linear.
ANTECEDENT_WINDOW_CHARS = 2000


def _text(doc: Any, tokens: list[Any]) -> str:
    if not tokens:
        return ""
    toks = sorted(tokens, key=lambda t: t.i)
    return text_of(doc)[toks[0].idx : toks[-1].idx + len(toks[-1].text)]


def _phrase(tok: Any, limit: int = 12) -> str:
    toks = [t for t in tok.subtree if not t.is_punct or t.text in "-'’"]
    return _text(tok.doc, toks[:limit])


def _negative(root: Any) -> bool:
    """Whether the clause headed by ``root`` is negated (not, never, no X, nothing ...)."""
    for c in root.children:
        if c.dep_ == "neg" or c.lower_ in ("never",):
            return True
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and (
            c.lower_ in NEGATORS or any(d.dep_ == "det" and d.lower_ == "no" for d in c.children)
        ):
            return True
    # "could not have been connected": the negation may sit on an auxiliary chain
    return any(c.dep_ in ("aux", "auxpass") and any(g.dep_ == "neg" for g in c.children) for c in root.children)


def _clause_parts(root: Any) -> tuple[str, str, str | None]:
    """(subject, predicate lemma, object/complement) of the clause headed by ``root``."""
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl")), None)
    predicate = root.lemma_.lower()
    obj = None
    for dep in ("dobj", "attr", "acomp", "xcomp", "ccomp", "oprd"):
        obj = next((c for c in root.children if c.dep_ == dep), None)
        if obj is not None:
            break
    if obj is None:
        prep = next((c for c in root.children if c.dep_ in ("prep", "agent")), None)
        if prep is not None:
            obj = prep
    subject = _phrase(subj) if subj is not None and subj.dep_ != "expl" else ""
    noun = _event_noun(root)
    if subj is not None and subj.dep_ == "expl" and obj is not None and obj.dep_ == "attr":
        # existential: "there have not been any talks" -> predicate "talk"
        predicate = EVENT_NOUNS.get(obj.lemma_.lower(), obj.lemma_.lower())
        subject, obj = "", None
    elif noun is not None:
        # "No such meeting took place" -> meet; "had no private contact with ..." -> contact
        predicate = EVENT_NOUNS.get(noun.lemma_.lower(), noun.lemma_.lower())
    elif predicate == "be" and obj is not None and obj.dep_ in ("attr", "acomp"):
        predicate = "be " + obj.lemma_.lower()
    return subject, predicate, _phrase(obj) if obj is not None else None


def _event_noun(root: Any) -> Any:
    """The noun that names the clause's event, when the verb only says it happened or was had:
    "the meeting took place", "it never happened", "had no contact", or a bare "meeting of X with Y"."""
    lemma = root.lemma_.lower()
    if root.pos_ in ("NOUN", "PROPN"):
        return root if lemma in EVENT_NOUNS else None
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    takes_place = lemma == "take" and any(c.dep_ == "dobj" and c.lemma_.lower() == "place" for c in root.children)
    if (takes_place or lemma in HAPPEN_VERBS) and subj is not None and subj.pos_ == "NOUN":
        return subj
    if lemma in EVENT_OBJECT_VERBS:
        obj = next((c for c in root.children if c.dep_ == "dobj"), None)
        if obj is not None and obj.lemma_.lower() in EVENT_NOUNS:
            return obj
    return None


def _names_someone(tok: Any) -> bool:
    """Whether the phrase headed by ``tok`` names a person or organisation of its own."""
    return any(t.ent_type_ in PARTICIPANT_LABELS or t.pos_ == "PROPN" for t in tok.subtree)


def _anaphoric(noun: Any) -> bool:
    """An event noun that points back to an event already reported: definite, demonstrative, "such"
    or "any", and naming nobody of its own ("No such meeting", "the meeting", not "a meeting with X")."""
    return any(c.dep_ in ("det", "amod", "predet") and c.lower_ in ANAPHORIC_DETERMINERS for c in noun.children) and not _names_someone(noun)


def _antecedent_participants(doc: Any, noun: Any) -> tuple[str, ...]:
    """Participants of the event an anaphoric event noun points back to: the nearest earlier report, in
    the same document and at most ANTECEDENT_WINDOW_CHARS before, of the same kind of event (a verb or a
    noun of the same class) that names someone — naming two or more preferred, since a meeting or a talk
    is between two parties."""
    from storyline.resolve.propositions import predicate_class

    wanted = predicate_class(EVENT_NOUNS.get(noun.lemma_.lower(), noun.lemma_.lower()))
    if not wanted:
        return ()
    horizon = noun.idx - ANTECEDENT_WINDOW_CHARS
    fallback: tuple[str, ...] = ()
    for tok in reversed(doc[: noun.i]):
        if tok.idx < horizon:
            break
        if tok.pos_ == "VERB":
            kind = predicate_class(tok.lemma_.lower())
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in EVENT_NOUNS and not _anaphoric(tok):
            kind = predicate_class(EVENT_NOUNS[tok.lemma_.lower()])
        else:
            continue
        if kind != wanted:
            continue
        start, end = _clause_extent(tok, tok.sent.start_char, tok.sent.end_char)
        found = _participants(doc, start, end, tok)
        if len(found) >= 2:
            return found
        fallback = fallback or found
    return fallback


class _EntityIndex:
    """A document's named entities by position, so that "the entities inside this clause" and "the last
    person named before here" cost a binary search, not a pass over every entity of the document."""

    __slots__ = ("doc", "starts", "ents", "ends_of", "texts_of")

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        # spaCy's entities do not overlap and come sorted by position, so their ends are sorted too
        self.ents = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
        self.starts = [e[0] for e in self.ents]
        self.ends_of: dict[str, list[int]] = {}
        self.texts_of: dict[str, list[str]] = {}
        for _s, e, label, text in self.ents:
            self.ends_of.setdefault(label, []).append(e)
            self.texts_of.setdefault(label, []).append(text)

    def within(self, start: int, end: int, labels: tuple[str, ...]) -> list[str]:
        """Texts of the entities with one of ``labels`` lying wholly inside [start, end)."""
        out = []
        for i in range(bisect_left(self.starts, start), len(self.ents)):
            s, e, label, text = self.ents[i]
            if s >= end:
                break
            if e <= end and label in labels:
                out.append(text)
        return out

    def last_before(self, pos: int, label: str) -> str | None:
        """The text of the last entity with ``label`` ending at or before ``pos``."""
        ends = self.ends_of.get(label)
        if not ends:
            return None
        i = bisect_right(ends, pos) - 1
        return self.texts_of[label][i] if i >= 0 else None


# The index of the document being read (one at a time: claims are extracted document by document).
_current_index: list[_EntityIndex] = []


def _entity_index(doc: Any) -> _EntityIndex:
    if not _current_index or _current_index[0].doc is not doc:
        _current_index[:] = [_EntityIndex(doc)]
    return _current_index[0]


def _participants(doc: Any, start: int, end: int, root: Any) -> tuple[str, ...]:
    index = _entity_index(doc)
    names: list[str] = index.within(start, end, PARTICIPANT_LABELS)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ in ("he", "she"):
        person = index.last_before(subj.idx, "PERSON")
        if person:
            names.append(person)
    # "its chief executive had no contact ...": the subject belongs to the organisation named before
    poss = next((c for c in subj.children if c.dep_ == "poss" and c.lower_ in POSSESSIVE_LABELS), None) if subj is not None else None
    if poss is not None:
        owner = index.last_before(poss.idx, POSSESSIVE_LABELS[poss.lower_])
        if owner:
            names.append(owner)
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return tuple(seen)


def _question(root: Any) -> bool:
    """Whether the clause is an embedded question ("whether X discussed Y", "if they met"): its own
    clause or the cue it hangs on opens with whether/if."""
    return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in root.children) and root.dep_ in (
        "ccomp", "pcomp", "xcomp", "csubj", "pobj", "conj", "advcl", "ROOT"
    ) and not any(c.dep_ in ("ccomp", "parataxis") and c.i > root.i for c in root.children)


def _modality(root: Any, cue_lemma: str | None, default: str) -> str:
    if any(c.lower_ in HEDGES for c in root.children) or any(c.lower_ == "whether" for c in root.children):
        return "possible"
    if cue_lemma and cue_lemma in MODALITY_OF_CUE:
        return MODALITY_OF_CUE[cue_lemma]
    return default


def _time(timexes: Iterable[Any], start: int, end: int) -> str | None:
    for t in timexes:
        if getattr(t, "start", -1) >= start and getattr(t, "end", 10**12) <= end:
            return getattr(t, "value", None)
    return None


def _tokens_between(doc: Any, start: int, end: int) -> list[Any]:
    """The tokens that start in [start, end), found by offset instead of a scan of the whole document
    (claims are framed many times per document)."""
    span = doc.char_span(start, end, alignment_mode="expand") if 0 <= start < end <= len(text_of(doc)) else None
    return [t for t in (doc if span is None else span) if start <= t.idx < end]


def _roots_in(doc: Any, start: int, end: int) -> list[Any]:
    """Clause heads within [start, end): tokens whose head lies outside the range (verbs preferred)."""
    toks = [t for t in _tokens_between(doc, start, end) if not t.is_punct and not t.is_space]
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    # a multi-sentence quote: each sentence's root is a clause of its own; within a sentence the
    # head of the largest piece is the clause (not a stray subject or modifier the parse let out)
    best: dict[int, Any] = {}
    for t in roots:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        size = sum(1 for x in t.subtree if x.i in inside)
        key = t.sent.start
        if key not in best or size > best[key][0]:
            best[key] = (size, t)
    verbs = [t for _, t in best.values()]
    return sorted(verbs, key=lambda t: t.i) or roots[:1]


def _clause_extent(root: Any, start: int, end: int) -> tuple[int, int]:
    """The clause's character extent: its subtree, inside [start, end), its sentence and its line."""
    text = text_of(root.doc)
    lo = max(start, text.rfind("\n", 0, root.idx) + 1)
    hi = text.find("\n", root.idx)
    hi = min(end, len(text) if hi < 0 else hi)
    toks = [t for t in root.subtree if lo <= t.idx < hi]
    sent = root.sent
    toks = [t for t in toks if sent.start <= t.i < sent.end] or [root]
    while len(toks) > 1 and toks[0].dep_ == "mark" and toks[0].head.i == root.i:
        toks = toks[1:]  # "that Flynn discussed ..." -> "Flynn discussed ..."
    while len(toks) > 1 and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    while len(toks) > 1 and (toks[0].is_punct or toks[0].is_space):
        toks = toks[1:]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _cue_lemma(doc: Any, attribution: Attribution) -> str | None:
    if attribution.cue is None:
        return None
    # "has denied": the verb, not its auxiliary, says what the cue reports
    verbs = [t for t in _tokens_between(doc, attribution.cue.start, attribution.cue.end) if t.pos_ in ("VERB", "AUX")]
    main = [t for t in verbs if t.pos_ == "VERB"] or verbs
    if main:
        return main[0].lemma_.lower()
    return attribution.cue.text.lower().split()[0] if attribution.cue.text else None


def _frame(doc: Any, root: Any, start: int, end: int) -> tuple[str, str, str | None, tuple[str, ...], bool]:
    """(subject, predicate, object, participants, anaphoric) of the clause headed by ``root``."""
    subject, predicate, obj = _clause_parts(root)
    participants = _participants(doc, start, end, root)
    noun = _event_noun(root)
    if noun is None and root.pos_ in ("VERB", "AUX"):
        # existential "there was no such meeting"
        if any(c.dep_ == "expl" for c in root.children):
            noun = next((c for c in root.children if c.dep_ == "attr" and c.lemma_.lower() in EVENT_NOUNS), None)
    anaphoric = noun is not None and _anaphoric(noun)
    if anaphoric:
        # the clause may still name a place or a witness ("the meeting took place in Riverton")
        participants = tuple(dict.fromkeys(participants + _antecedent_participants(doc, noun)))
    return subject, predicate, obj, participants, anaphoric


def claims_for_attribution(doc: Any, document: Document, attribution: Attribution, timexes: Iterable[Any] = ()) -> list[Claim]:
    """The claims an attribution's content makes, held by its speaker with its stance."""
    if attribution.stance == "declines":
        return []
    cue_lemma = _cue_lemma(doc, attribution)
    out: list[Claim] = []
    for piece in attribution.content:
        for root in _roots_in(doc, piece.start, piece.end):
            if len(out) >= MAX_CLAIMS_PER_ATTRIBUTION:
                break
            if _question(root):
                continue  # "asked to comment on whether X discussed Y": a question asserts nothing
            start, end = _clause_extent(root, piece.start, piece.end)
            subject, predicate, obj, participants, anaphoric = _frame(doc, root, start, end)
            negative = _negative(root)
            modality = _modality(root, cue_lemma, "reported" if attribution.speaker_kind in ("outlet", "document") else "asserted")
            stance = attribution.stance
            if stance == "asserts" and negative:
                # "the issue was not raised" denies; "the contacts are not uncommon" says what they are
                # like and asserts it, with negative polarity
                stance = "asserts" if _judgement(root) else "denies"
            out.append(
                Claim(
                    id=record_id("c", document.id, start, end, attribution.id),
                    doc_id=document.id, start=start, end=end, text=document.text[start:end],
                    subject=subject, predicate=predicate, object=obj,
                    polarity="negative" if negative else "positive", modality=modality, stance=stance,  # type: ignore[arg-type]
                    holder=attribution.speaker_name or (attribution.source.text if attribution.source else None),
                    attribution_id=attribution.id, participants=participants, time=_time(timexes, start, end),
                    anaphoric=anaphoric,
                )
            )
    return out


def _line_clauses(doc: Any) -> Iterable[tuple[int, int, Any, int]]:
    """(start, end, head, tokens) of every sentence cut at line breaks: the small parser often runs a
    headline into the first paragraph, and the paragraph's own clause must not be lost in it."""
    for sent in doc.sents:
        piece: list[Any] = []
        for tok in [*sent, None]:
            if tok is not None and not (tok.is_space and "\n" in tok.text):
                if not tok.is_space:
                    piece.append(tok)
                continue
            if piece:
                inside = {t.i for t in piece}
                heads = [t for t in piece if t.head.i not in inside or t.head.i == t.i]
                head = max(heads, key=lambda t: (sum(1 for x in t.subtree if x.i in inside), t.pos_ in ("VERB", "AUX")))
                yield piece[0].idx, piece[-1].idx + len(piece[-1].text), head, len(piece)
            piece = []


def outlet_claims(doc: Any, document: Document, attributions: list[Attribution], timexes: Iterable[Any] = ()) -> list[Claim]:
    """Claims the article makes in its own voice: reporting sentences no attribution covers."""
    covered: list[tuple[int, int]] = []
    for a in attributions:
        covered.extend((c.start, c.end) for c in a.content)
        if a.cue is not None:
            covered.append((a.cue.start, a.cue.end))
    from storyline.extract.attributions import find_quotes

    covered.extend(find_quotes(document.text))
    out: list[Claim] = []
    for s, e, root, size in _line_clauses(doc):
        if any(cs < e and s < ce for cs, ce in covered):
            continue
        if root.pos_ not in ("VERB", "AUX") or size < MIN_OUTLET_CLAIM_TOKENS or document.text[s:e].rstrip().endswith("?"):
            continue
        if not any(ent.label_ in ("PERSON", "ORG") and s <= ent.start_char < e for ent in doc.ents):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children):
            continue
        start, end = _clause_extent(root, s, e)
        subject, predicate, obj, participants, anaphoric = _frame(doc, root, start, end)
        negative = _negative(root)
        out.append(
            Claim(
                id=record_id("c", document.id, start, end, "outlet"),
                doc_id=document.id, start=start, end=end, text=document.text[start:end],
                subject=subject, predicate=predicate, object=obj,
                polarity="negative" if negative else "positive", modality=_modality(root, None, "asserted"),
                stance="asserts", holder=document.outlet, attribution_id=None,
                participants=participants, time=_time(timexes, start, end), anaphoric=anaphoric,
            )
        )
    return out


def claims_for_document(doc: Any, document: Document, attributions: list[Attribution], timexes: Iterable[Any] = ()) -> list[Claim]:
    """Every claim of a document: attributed contents first, then the outlet's own sentences."""
    timexes = list(timexes)
    claims: list[Claim] = []
    for a in attributions:
        claims.extend(claims_for_attribution(doc, document, a, timexes))
    claims.extend(outlet_claims(doc, document, attributions, timexes))
    seen: set[str] = set()
    unique = []
    for c in claims:
        if c.id not in seen:
            seen.add(c.id)
            unique.append(c)
    return unique
