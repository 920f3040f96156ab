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
- **scope**: a claim that points back to an event ("No such meeting took place") joins only a
  proposition reported in its own story — the same document, a copy of it, or a document the
  ``cluster_stories`` stage put in the same story — never one from an unrelated story;
- **contradiction**: a proposition with a *for* claim and an *against* claim that name the same
  participants, from different holders (or from one holder in two documents).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from storyline.grouping import DisjointSets
from storyline.ids import record_id
from storyline.model import Attribution, Claim, Contradiction, Entity, Proposition
from storyline.resolve.events import Interner, collector_paused
from storyline.resolve.links import _by_document, _Documents
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage
from storyline.story.clusters import ALL_STORIES_ID

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


# Legal-form words that end company names: the distinctive word is the first ("Kestrel Grid Holdings").
COMPANY_SUFFIXES = frozenset("holdings holding group inc ltd limited plc llc corp corporation company co gmbh ag sa".split())
# Denying a broader event denies the narrower ones it includes: "had no contact with" denies a meeting
# and a talk, so such a denial may join a proposition of those classes (never the other way round).
DENIAL_ENTAILS: dict[str, tuple[str, ...]] = {"contact": ("meet", "communicate")}
# Within a block (one participant, or one keyword, of one predicate class) a claim is compared with at
# most this many others: a household name in every story would otherwise make the block quadratic. The
# claims of one proposition sit close together in the block (documents arrive story by story), so the
# window keeps the matches; the bench corpus's largest blocks were a few hundred claims.
BLOCK_WINDOW = 100
# A claim of a contradiction is compared with at most this many claims of the other side.
MAX_OPPONENTS = 200


def _class_families() -> dict[str, str]:
    families: DisjointSets[str] = DisjointSets()
    for broader, narrower in DENIAL_ENTAILS.items():
        for cls in narrower:
            families.union(broader, cls)
    return families.representatives()


# Claims of different predicate classes are never compared, except that a denial of a broader event may join
# the classes it entails (DENIAL_ENTAILS): class -> its family (the smallest class it can meet), for those.
CLASS_FAMILIES: dict[str, str] = _class_families()

# Predicates too light to identify a proposition on their own ("X was ...", "X has ...").
LIGHT_PREDICATES = frozenset("be have do get become seem appear go come make take give".split())


def claim_block(claim: Claim) -> str | None:
    """The independent block a claim is grouped in: its predicate class's family (None: the claim has no class
    and joins no proposition). Grouping (:func:`group_claims`) never links, compares or ranks claims of two
    blocks against each other, so grouping each block alone, its claims in the order the stage reads them,
    gives exactly the groups of the whole corpus (spark/propositions.py relies on it)."""
    cls = predicate_class(claim.predicate)
    return CLASS_FAMILIES.get(cls, cls) if cls else None


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
    """Participants as comparable keys: a person's surname, an organisation's distinctive word
    ("Kestrel Grid Holdings" and "Kestrel" -> "kestrel"), lowercased."""
    keys = set()
    for p in claim.participants:
        words = [w for w in re.findall(r"[\w’'-]+", p.lower()) if w != "the"]
        if not words:
            continue
        if len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
            keys.add(_stem(words[0]))
        else:
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


def mention_entity_names(entities: Iterable[Entity]) -> dict[str, str]:
    """mention id -> the name of its entity (the last entity read names a shared mention)."""
    out: dict[str, str] = {}
    for entity in entities:
        for mid in entity.mention_ids:
            out[mid] = entity.name
    return out


def document_speakers(attributions: Iterable[Attribution], mentions: Iterable[tuple[int, int, str]]) -> dict[str, str]:
    """attribution id -> entity name within one document: ``mentions`` are the document's resolved mentions
    as (start, end, entity name) in record order; the last one overlapping an attribution's source names it."""
    spans = list(mentions)
    out: dict[str, str] = {}
    for a in attributions:
        if a.source is None:
            continue
        for s, e, name in spans:
            if s < a.source.end and a.source.start < e:
                out[a.id] = name
    return out


def _speaker_entities(source: RecordSource) -> dict[str, str]:
    """attribution id -> entity name, for attributions whose source span overlaps an entity's mention."""
    entity_of_mention = mention_entity_names(source.records("entity"))
    if not entity_of_mention:
        return {}
    mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for m in source.records("mention"):
        name = entity_of_mention.get(m.id)
        if name:
            mentions[m.doc_id].append((m.start, m.end, name))
    out: dict[str, str] = {}
    for a in source.records("attribution"):  # streamed: one attribution at a time
        if a.doc_id in mentions:
            out.update(document_speakers((a,), mentions[a.doc_id]))
    return out


@dataclass(slots=True)
class _Frame:
    """What grouping compares of one claim, computed once: class, keywords, participant keys, side."""

    claim: Claim
    cls: str
    keys: frozenset[str]
    parts: frozenset[str]
    side: str | None


def _frames(claims: Iterable[Claim], intern: Callable[[Any], Any] | None = None) -> list[_Frame]:
    """The frames of the claims that have a predicate class. ``intern`` (the stage's): equal strings and key
    sets are shared between frames, and each claim is kept without the fields grouping never reads."""
    out = []
    for c in claims:
        cls = predicate_class(c.predicate)
        if not cls:
            continue
        if intern is None:
            out.append(_Frame(c, cls, keywords(c), participant_keys(c), side(c)))
            continue
        keys = intern(frozenset(intern(k) for k in keywords(c)))
        parts = intern(frozenset(intern(k) for k in participant_keys(c)))
        out.append(_Frame(_slim(c, intern), intern(cls), keys, parts, side(c)))
    return out


def _slim(claim: Claim, intern: Callable[[Any], Any]) -> Claim:
    """The claim with only what grouping and the records read (not its subject, object, participants or time:
    the frame has its keys)."""
    return Claim(claim.id, claim.doc_id, claim.start, claim.end, claim.text, "", intern(claim.predicate), None,
                 intern(claim.polarity), intern(claim.modality), intern(claim.stance),
                 holder=intern(claim.holder) if claim.holder else claim.holder, attribution_id=claim.attribution_id,
                 anaphoric=claim.anaphoric)


def _windowed_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    """Pairs of a block: every pair of a small block, each member's BLOCK_WINDOW successors in a large one."""
    for i, a in enumerate(members):
        for b in members[i + 1 : i + 1 + BLOCK_WINDOW]:
            yield a, b


def _group_frames(frames: list[_Frame], story_of: Mapping[str, str] | None = None) -> list[list[_Frame]]:
    """Groups of frames that state the same proposition (see group_claims)."""
    def story(f: _Frame) -> str:
        # no story map: the caller says the claims are one story
        return "" if story_of is None else story_of.get(f.claim.doc_id, f.claim.doc_id)

    union: DisjointSets[str] = DisjointSets()
    ids = [f.claim.id for f in frames]
    named = [i for i, f in enumerate(frames) if f.parts and not f.claim.anaphoric]
    in_group: set[int] = set()

    # 1. claims that name their participants, blocked by (class, participant); a pair sharing several
    #    participants is compared in the block of the first of them only
    by_part: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in named:
        for k in frames[i].parts:
            by_part[(frames[i].cls, k)].append(i)
    for (_cls, key), members in by_part.items():
        for i, j in _windowed_pairs(members):
            a, b = frames[i], frames[j]
            if min(a.parts & b.parts) != key:
                continue
            if _matches(a.claim, b.claim, a.keys, b.keys, a.parts, b.parts):
                union.union(ids[i], ids[j])
                in_group.update((i, j))

    # 2. claims that name nobody join the one claim they share most keywords with (MIN_SHARED_KEYWORDS at
    #    least): joining one, never linking two, they cannot make two propositions one
    by_keyword: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(frames):
        if not f.claim.anaphoric:
            for k in f.keys:
                by_keyword[(f.cls, k)].append(i)
    nameless = [i for i, f in enumerate(frames) if not f.parts and not f.claim.anaphoric]
    attached: set[int] = set()
    for pass_named in (True, False):
        for i in nameless:
            if i in attached:
                continue
            shared: dict[int, int] = defaultdict(int)
            for k in frames[i].keys:
                block = by_keyword[(frames[i].cls, k)]
                if len(block) > MAX_BLOCK:
                    continue  # a word every claim of the class has
                for j in block:
                    if j != i and (bool(frames[j].parts) == pass_named) and (pass_named or j not in attached):
                        shared[j] += 1
            nearest = max(shared, key=lambda j: (shared[j], -j), default=None)
            if nearest is not None and shared[nearest] >= MIN_SHARED_KEYWORDS:
                union.union(ids[i], ids[nearest])
                attached.update((i, nearest))

    # 3. claims that name their event by reference ("No such meeting took place") and denials of a broader
    #    event ("had no contact with") join the most reported proposition among those they fit, of
    #    their own story only: in a workspace of many stories the corpus's most reported meeting is
    #    another story's meeting
    docs_of: dict[str, set[str]] = defaultdict(set)
    for i in named:
        docs_of[union.find(ids[i])].add(frames[i].claim.doc_id)
    salient: dict[tuple[str, str], str] = {}
    for i in named:
        root = union.find(ids[i])
        key = (story(frames[i]), frames[i].cls)
        best_root = salient.get(key)
        if best_root is None or (len(docs_of[root]), best_root) > (len(docs_of[best_root]), root):
            salient[key] = root
    for i, f in enumerate(frames):
        broader = f.side == "against" and f.cls in DENIAL_ENTAILS and i not in in_group
        if not f.claim.anaphoric and not broader:
            continue
        classes = (f.cls, *DENIAL_ENTAILS.get(f.cls, ())) if f.side == "against" else (f.cls,)
        if not f.parts:
            target = next((salient[(story(f), c)] for c in classes if (story(f), c) in salient), None)
            if target is not None:
                union.union(ids[i], target)
            continue
        best: tuple[tuple[int, int], str] | None = None
        for cls in classes:
            for k in sorted(f.parts):  # sorted: a set's order changes with the hash seed and the set's history
                for j in by_part.get((cls, k), ())[:MAX_OPPONENTS]:
                    g = frames[j]
                    if story(g) != story(f):
                        continue  # a shared surname in another story is another person's event
                    overlap = len(f.parts & g.parts)
                    if f.claim.anaphoric:
                        # participants borrowed from the document's earlier report are often partial
                        # ("Lena" for Lena Varga in a machine translation): one shared is enough, the
                        # best-overlapping proposition wins
                        fits = overlap >= 1
                    else:
                        fits = _matches(f.claim, g.claim, f.keys, g.keys, f.parts, g.parts)
                    if fits:
                        root = union.find(ids[j])
                        rank = (overlap, len(docs_of[root]))
                        if best is None or (rank, best[1]) > (best[0], root):  # ties: the smallest root
                            best = (rank, root)
        if best is not None:
            union.union(ids[i], best[1])

    groups: dict[str, list[_Frame]] = defaultdict(list)
    for f in frames:
        if f.claim.id in union:
            groups[union.find(f.claim.id)].append(f)
    return [sorted(g, key=lambda f: (f.claim.doc_id, f.claim.start)) for g in groups.values() if len(g) > 1]


def group_claims(claims: list[Claim], story_of: Mapping[str, str] | None = None) -> list[list[Claim]]:
    """Groups of claims that state the same proposition.

    Claims naming participants are blocked by (predicate class, participant) and matched pairwise;
    claims naming nobody join the single claim they share most keywords with; anaphoric claims and
    denials of a broader event join the best-fitting (then the most reported) proposition. Every step
    compares a bounded number of claims per claim. ``story_of`` maps a document to its story (see
    story_scopes); anaphoric claims join only propositions of their story. Without it the claims are
    taken to be one story."""
    return [[f.claim for f in g] for g in _group_frames(_frames(claims), story_of)]


def story_scopes(source: RecordSource) -> dict[str, str]:
    """document id -> a key shared by the documents of one story: those the stories stage put in one
    story, and copies of one report (duplicate groups). A document in neither is a story of its own."""
    union: DisjointSets[str] = DisjointSets()
    for story in source.records("story"):
        if story.id != ALL_STORIES_ID:
            for d in story.doc_ids[1:]:
                union.union(story.doc_ids[0], d)
    for group in source.records("duplicate_group"):
        for d in group.doc_ids:
            union.union(group.origin_doc_id, d)
    return union.representatives()


def _holder(claim: Claim, speakers: dict[str, str], outlets: dict[str, str | None]) -> str:
    if claim.attribution_id and claim.attribution_id in speakers:
        return speakers[claim.attribution_id]
    return claim.holder or outlets.get(claim.doc_id) or f"article {claim.doc_id}"


def _contradiction_pair(group: list[_Frame], holders: Mapping[str, str]) -> tuple[_Frame, _Frame] | None:
    """An opposite-polarity pair on the same participants, from two holders or one holder twice.

    The other side is looked up by participant key (each claim meets at most MAX_OPPONENTS opponents),
    so a large proposition costs about its size, not its size squared."""
    cons_by_part: dict[str, list[_Frame]] = defaultdict(list)
    for f in group:
        if f.side == "against":
            for k in f.parts:
                cons_by_part[k].append(f)
    best: tuple[tuple[int, bool, bool, str, str], _Frame, _Frame] | None = None
    for a in group:
        if a.side != "for":
            continue
        seen: set[str] = set()
        for k in sorted(a.parts):
            for d in cons_by_part.get(k, ())[:MAX_OPPONENTS]:
                if d.claim.id in seen:
                    continue
                seen.add(d.claim.id)
                shared = a.parts & d.parts
                if holders[a.claim.id] == holders[d.claim.id] and a.claim.doc_id == d.claim.doc_id:
                    continue
                # the clearest evidence: most shared participants, the same predicate, two different holders
                # (then the ids, so the choice does not depend on the order claims were read in)
                rank = (len(shared), a.claim.predicate == d.claim.predicate, holders[a.claim.id] != holders[d.claim.id],
                        a.claim.id, d.claim.id)
                if best is None or rank[:3] > best[0][:3] or (rank[:3] == best[0][:3] and rank[3:] < best[0][3:]):
                    best = (rank, a, d)
    return (best[1], best[2]) if best else None


def _members(group: list[_Frame], pair: tuple[_Frame, _Frame], wanted: str) -> tuple[str, ...]:
    """The claims of one side of a contradiction: that side's claims naming at least one participant the
    contradiction is about (a claim in the proposition that names someone else, or nobody, is not
    evidence of *this* disagreement)."""
    core = pair[0].parts & pair[1].parts
    return tuple(f.claim.id for f in group if f.side == wanted and f.parts & core)


def claim_holders(source: RecordSource, claims: list[Claim]) -> dict[str, str]:
    """claim id -> who holds it as the propositions name them: the speaker's entity (canonical name)
    when the attribution's source is a resolved mention, else the speaker as written, else the outlet."""
    outlets = {doc.id: doc.outlet for doc in source.documents()}
    speakers = _speaker_entities(source)
    return {c.id: _holder(c, speakers, outlets) for c in claims}


# requires "story": anaphoric claims are scoped to their story (story_scopes)
@corpus_stage("resolve.propositions", "4", produces=("proposition", "contradiction"), requires=("claim", "entity", "story"))
def resolve_propositions(source: RecordSource, settings: Settings) -> Iterator[Any]:
    """Corpus stage: propositions across documents (who asserts, who denies, first reported) and contradictions.

    The records are those of grouping every claim at once with every speaker known, at a fraction of the
    memory: claims are kept slim (:func:`_frames`); speakers are found only for the attributions claims
    point to, from the mentions that overlap their source (attributions and mentions are streamed a
    document at a time), and only those mentions' entity names are kept; documents' dates and outlets
    only for the documents of the propositions."""
    with collector_paused():
        records = _propositions(source)
    yield from records


def _propositions(source: RecordSource) -> list[Any]:
    intern = Interner()

    frames = _frames((c for c in source.records("claim") if c.predicate), intern)
    speakers = _claim_speakers(source, {f.claim.attribution_id for f in frames if f.claim.attribution_id})
    groups = _group_frames(frames, story_scopes(source))
    del frames
    intern.clear()
    wanted = {f.claim.doc_id for g in groups for f in g}
    published: dict[str, str | None] = {}
    outlets: dict[str, str | None] = {}
    for doc in source.documents():
        if doc.id in wanted:
            published[doc.id] = doc.published.value if doc.published else None
            outlets[doc.id] = doc.outlet
    out: list[Any] = []
    for group in groups:
        holders = {f.claim.id: _holder(f.claim, speakers, outlets) for f in group}
        out.extend(proposition_records(group, holders, published))
    return out


def _claim_speakers(source: RecordSource, wanted: set[str]) -> dict[str, str]:
    """attribution id -> speaker entity name for the ``wanted`` attributions: what _speaker_entities gives
    for them (the last resolved mention, in record order, overlapping the attribution's source), found by
    keeping only the mentions that overlap a wanted source and then only those mentions' entity names."""
    if next(iter(source.records("entity")), None) is None:
        return {}  # no entity names a speaker (and the mentions need not be read)
    overlapping: dict[str, tuple[str, ...]] = {}
    mentions = _Documents(source.records("mention"))
    for doc_id, attributions in _by_document(source.records("attribution")):
        found = [a for a in attributions if a.id in wanted and a.source is not None]
        if not found:
            continue
        spans = [(m.start, m.end, m.id) for m in mentions.of(doc_id)]
        for a in found:
            ids = tuple(mid for s, e, mid in spans if s < a.source.end and a.source.start < e)  # type: ignore[union-attr]
            if ids:
                overlapping[a.id] = ids
    names: dict[str, str] = {}
    needed = {mid for ids in overlapping.values() for mid in ids}
    for entity in source.records("entity"):
        for mid in entity.mention_ids:
            if mid in needed:
                names[mid] = entity.name
    del needed
    out: dict[str, str] = {}
    for attribution_id, ids in overlapping.items():
        named = [names[mid] for mid in ids if mid in names]
        if named:
            out[attribution_id] = named[-1]
    return out


def proposition_records(frames: list[_Frame], holders: Mapping[str, str], published: Mapping[str, str | None]) -> Iterator[Any]:
    """The Proposition (and Contradiction, if any) of one group of frames; nothing for a group that is one
    document's and holds no contradiction. ``holders``: claim id -> holder; ``published``: doc id -> date."""
    group = [f.claim for f in frames]
    docs = {c.doc_id for c in group}
    pair = _contradiction_pair(frames, holders)
    if len(docs) < 2 and pair is None:
        return
    asserted = tuple(dict.fromkeys(holders[f.claim.id] for f in frames if f.side == "for"))
    denied = tuple(dict.fromkeys(holders[f.claim.id] for f in frames if f.side == "against"))
    dated = sorted((published[c.doc_id] or "", c.doc_id, c.id) for c in group if published.get(c.doc_id))
    first_doc = dated[0][1] if dated else None
    first_date = dated[0][0] if dated else None
    anchor = pair[0].claim if pair else next((f.claim for f in frames if f.side == "for"), group[0])
    pid = record_id("p", *sorted(c.id for c in group))
    yield Proposition(
        id=pid, label=anchor.text[:200], claim_ids=tuple(c.id for c in group), asserted_by=asserted,
        denied_by=denied, first_reported_doc=first_doc, first_reported_date=first_date, contradiction=pair is not None,
    )
    if pair is not None:
        a, d = pair[0].claim, pair[1].claim
        same = holders[a.id] == holders[d.id]
        explanation = (
            f"{holders[a.id]} {'said' if not same else 'first said'}: \u201c{a.text}\u201d ({a.doc_id}); "
            f"{holders[d.id]} {'later ' if same else ''}{'denied' if d.modality == 'denied' else 'said'}: "
            f"\u201c{d.text}\u201d ({d.doc_id}) — opposite polarity on {', '.join(sorted(pair[0].parts & pair[1].parts))}"
        )
        yield Contradiction(
            id=record_id("x", pid), proposition_id=pid, asserting_claim_ids=_members(frames, pair, "for"),
            denying_claim_ids=_members(frames, pair, "against"), explanation=explanation,
        )
