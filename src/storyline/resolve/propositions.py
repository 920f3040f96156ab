"""Resolve stage: propositions — the same claim across documents — and the contradictions among them.

Corpus stage ``resolve.propositions`` reads the claims (and attributions, documents, and — once the
entity stages have run — entities) and groups claims that say the same thing in different words:

- **blocking**: a claim is filed under (predicate class, keyword) for each content keyword of its
  text; only claims sharing a block are compared, and over-full blocks (a keyword that everything
  has) are skipped, so cost grows near-linearly with the corpus;
- **matching**: same predicate class ("discuss", "talk", "raise" ... are one class), and either
  shared participants plus a shared keyword, or — when one side names nobody — at least
  ``MIN_SHARED_KEYWORDS`` shared keywords;
- **stance toward the proposition**: a claim is *for* it when positive and not reported as denied,
  *against* it when negated ("had not discussed", "was not raised") or explicitly denied ("denied
  that ..."); hedged claims (possible) and refusals to comment take no side;
- **contradiction**: a proposition with a *for* claim and an *against* claim that name the same
  participants, from different holders (or from one holder in two documents).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from storyline.ids import record_id
from storyline.model import Claim, Contradiction, Proposition
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

# Predicates that say the same thing about communication between participants.
PREDICATE_CLASSES: dict[str, str] = {
    **{v: "communicate" for v in "discuss talk raise negotiate mention speak converse ask broach consult confer chat conversation".split()},
    **{v: "meet" for v in "meet meeting encounter".split()},
    **{v: "influence" for v in "influence affect sway".split()},
    **{v: "interfere" for v in "interfere meddle intervene interference".split()},
    **{v: "deny" for v in "deny reject refute".split()},
}
STOPWORDS = frozenset(
    """
    the a an and or but of to in on at for with by from as that this these those there their they them it its
    was were is are be been being have has had do does did not no any such some all about into over after before
    than then also just only very more most other which who whom whose what when where while would could should
    will can may might must he she his her him we our us you your i me my one two said says say told according
    """.split()
)
# Blocks holding more claims than this are keywords everything shares; they add cost, not matches.
MAX_BLOCK = 200
# When one claim names no participant, this many shared keywords make the match (calibrated by reading
# the seed articles' claims: one shared word, e.g. "sanctions", joins unrelated claims; two rarely do).
MIN_SHARED_KEYWORDS = 2


# Predicates too light to identify a proposition on their own ("X was ...", "X has ...").
LIGHT_PREDICATES = frozenset("be have do get become seem appear go come make take give".split())


def predicate_class(predicate: str) -> str:
    """The class a predicate lemma belongs to ("raise" -> "communicate"), the lemma itself, or ""
    for light verbs that cannot identify a proposition."""
    if not predicate or predicate in LIGHT_PREDICATES:
        return ""
    return PREDICATE_CLASSES.get(predicate.split()[-1], predicate)


def _stem(word: str) -> str:
    w = word.lower().strip("'’")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if len(w) > 5 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        return w[:-3]
    if len(w) > 4 and w.endswith("ed"):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def participant_keys(claim: Claim) -> frozenset[str]:
    """Participants as comparable keys: a person's surname, an organisation's last word, lowercased."""
    keys = set()
    for p in claim.participants:
        words = re.findall(r"[\w’'-]+", p.lower())
        if words:
            keys.add(_stem(words[-1]))
    return frozenset(keys)


def keywords(claim: Claim) -> frozenset[str]:
    """Content words of a claim, stemmed, without participants' names or the predicate itself."""
    names = {_stem(w) for p in claim.participants for w in re.findall(r"[\w’'-]+", p.lower())}
    pred = {_stem(w) for w in claim.predicate.split()}
    words = {_stem(w) for w in re.findall(r"[A-Za-z][A-Za-z’'-]+", claim.text)}
    return frozenset(w for w in words if len(w) > 2 and w not in STOPWORDS and w not in names and w not in pred)


def side(claim: Claim) -> str | None:
    """'for' or 'against' the proposition in its positive form; None for hedges and refusals."""
    if claim.stance == "declines" or claim.modality == "possible":
        return None
    negative = claim.polarity == "negative"
    denied = claim.modality == "denied"
    return "against" if negative != denied else "for"


def _matches(a: Claim, b: Claim, ka: frozenset[str], kb: frozenset[str], pa: frozenset[str], pb: frozenset[str]) -> bool:
    """Same predicate class is given (blocking). Two claims naming two or more participants each must
    name the same pair ("Flynn ... Kislyak"); otherwise a shared participant needs a shared keyword
    and MIN_SHARED_KEYWORDS of them when either names fewer than two."""
    shared = ka & kb
    if len(pa) >= 2 and len(pb) >= 2:
        return len(pa & pb) >= 2 and bool(shared)
    if pa and pb:
        return bool(pa & pb) and len(shared) >= MIN_SHARED_KEYWORDS
    return len(shared) >= MIN_SHARED_KEYWORDS


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _speaker_entities(source: RecordSource) -> dict[str, str]:
    """attribution id -> entity name, for attributions whose source span overlaps an entity's mention."""
    entity_of_mention: dict[str, str] = {}
    for entity in source.records("entity"):
        for mid in entity.mention_ids:
            entity_of_mention[mid] = entity.name
    if not entity_of_mention:
        return {}
    mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for m in source.records("mention"):
        name = entity_of_mention.get(m.id)
        if name:
            mentions[m.doc_id].append((m.start, m.end, name))
    out: dict[str, str] = {}
    for a in source.records("attribution"):
        if a.source is None:
            continue
        for s, e, name in mentions.get(a.doc_id, ()):
            if s < a.source.end and a.source.start < e:
                out[a.id] = name
    return out


def group_claims(claims: list[Claim]) -> list[list[Claim]]:
    """Groups of claims that state the same proposition (blocking by predicate class and keyword)."""
    keys = {c.id: keywords(c) for c in claims}
    parts = {c.id: participant_keys(c) for c in claims}
    blocks: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        cls = predicate_class(c.predicate)
        if not cls:
            continue
        for k in keys[c.id]:
            blocks[(cls, k)].append(c)
    union = _Union()
    compared: set[tuple[str, str]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
                if pair in compared or a.id == b.id:
                    continue
                compared.add(pair)
                if _matches(a, b, keys[a.id], keys[b.id], parts[a.id], parts[b.id]):
                    union.union(a.id, b.id)
    groups: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.id in union.parent:
            groups[union.find(c.id)].append(c)
    return [sorted(g, key=lambda c: (c.doc_id, c.start)) for g in groups.values() if len(g) > 1]


def _holder(claim: Claim, speakers: dict[str, str], outlets: dict[str, str | None]) -> str:
    if claim.attribution_id and claim.attribution_id in speakers:
        return speakers[claim.attribution_id]
    return claim.holder or outlets.get(claim.doc_id) or f"article {claim.doc_id}"


def _contradiction_pair(group: list[Claim], holders: dict[str, str]) -> tuple[Claim, Claim] | None:
    """An opposite-polarity pair on the same participants, from two holders or one holder twice."""
    pros = [c for c in group if side(c) == "for"]
    cons = [c for c in group if side(c) == "against"]
    best: tuple[tuple[int, bool, bool], Claim, Claim] | None = None
    for a in pros:
        pa = participant_keys(a)
        for d in cons:
            shared = pa & participant_keys(d)
            if not shared or (holders[a.id] == holders[d.id] and a.doc_id == d.doc_id):
                continue
            # the clearest evidence: most shared participants, the same predicate, two different holders
            rank = (len(shared), a.predicate == d.predicate, holders[a.id] != holders[d.id])
            if best is None or rank > best[0]:
                best = (rank, a, d)
    return (best[1], best[2]) if best else None


@corpus_stage("resolve.propositions", "1", produces=("proposition", "contradiction"), requires=("claim", "entity"))
def resolve_propositions(source: RecordSource, settings: Settings) -> Iterator[Any]:
    """Corpus stage: propositions across documents (who asserts, who denies, first reported) and contradictions."""
    published: dict[str, str | None] = {}
    outlets: dict[str, str | None] = {}
    for doc in source.documents():
        published[doc.id] = doc.published.value if doc.published else None
        outlets[doc.id] = doc.outlet
    claims = [c for c in source.records("claim") if c.predicate]
    speakers = _speaker_entities(source)
    for group in group_claims(claims):
        docs = {c.doc_id for c in group}
        holders = {c.id: _holder(c, speakers, outlets) for c in group}
        pair = _contradiction_pair(group, holders)
        if len(docs) < 2 and pair is None:
            continue
        asserted = tuple(dict.fromkeys(holders[c.id] for c in group if side(c) == "for"))
        denied = tuple(dict.fromkeys(holders[c.id] for c in group if side(c) == "against"))
        dated = sorted((published[c.doc_id] or "", c.doc_id, c.id) for c in group if published.get(c.doc_id))
        first_doc = dated[0][1] if dated else None
        first_date = dated[0][0] if dated else None
        anchor = pair[0] if pair else next((c for c in group if side(c) == "for"), group[0])
        pid = record_id("p", *sorted(c.id for c in group))
        yield Proposition(
            id=pid, label=anchor.text[:200], claim_ids=tuple(c.id for c in group), asserted_by=asserted,
            denied_by=denied, first_reported_doc=first_doc, first_reported_date=first_date, contradiction=pair is not None,
        )
        if pair is not None:
            a, d = pair
            pros = tuple(c.id for c in group if side(c) == "for")
            cons = tuple(c.id for c in group if side(c) == "against")
            same = holders[a.id] == holders[d.id]
            explanation = (
                f"{holders[a.id]} {'said' if not same else 'first said'}: \u201c{a.text}\u201d ({a.doc_id}); "
                f"{holders[d.id]} {'later ' if same else ''}{'denied' if d.modality == 'denied' else 'said'}: "
                f"\u201c{d.text}\u201d ({d.doc_id}) — opposite polarity on {', '.join(sorted(participant_keys(a) & participant_keys(d)))}"
            )
            yield Contradiction(
                id=record_id("x", pid), proposition_id=pid, asserting_claim_ids=pros, denying_claim_ids=cons, explanation=explanation
            )
