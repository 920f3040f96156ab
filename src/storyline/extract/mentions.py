"""Extract stage ``mentions``: the spans of one document that name a person, organisation, place ...

Reads the spaCy parse (NER, tags, dependencies) and repairs what news text and machine translation do
to it before anything is stored:
- entity spans are trimmed to the name: leading "the", trailing possessive ("Donald Trump's" ->
  "Donald Trump"), quotes, line breaks ("Vladimir Putin\\n"), photo credits ("Ivan Sekretarev / AP");
- titles glued to a name become roles ("President Putin" -> mention "Putin", role "President"); an
  occupation glued to a bare surname by machine translation ("Lawyer Flynn", from "Flynn's lawyer") is cut
  off but is not the person's role;
- a title's complement glued to the name after it ("Deputy Minister for Energy Lena Varga" tagged
  "Energy Lena Varga") is cut at the name, when the document uses the surname on its own elsewhere;
- a photo credit ("Tomas Reyes/Riverton Ledger") is split into the photographer and the outlet, and a
  place glued after a building ("Hotel Aldermoor in Riverton") into the building and the place, when
  the document names that place elsewhere;
- a name NER missed is found when an apposition or relative clause gives it a role ("Ines Calloway,
  the opposition MP who ...");
- a place glued after a person ("Kislyak Moscow") and a person glued after a place ("the US Sergey
  Kislyak", tagged ORG) are split, using the names this same document tags elsewhere;
- mentions without a single capital letter are dropped here (NER on lower-case text is noise); the
  corpus lexicon pass in resolve/entities.py finds lower-cased known names ("trump") instead;
- premodifier titles, appositions and role nominals ("the Kremlin spokesman") come from extract/roles.py.

Produces ``mention`` and ``role`` records; ids are content-derived (doc id + offsets).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from storyline.extract.roles import (
    FoundRole,
    following_roles,
    is_role_head,
    preceding_apposition,
    premodifier_role,
    role_nominals,
)
from storyline.ids import record_id
from storyline.model import Mention, Role
from storyline.resolve.names import HONORIFICS
from storyline.stages import DocumentContext, document_stage

MENTIONS_VERSION = "3"

# spaCy (OntoNotes) labels that name something a story is about. DATE, MONEY, CARDINAL ... are not.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})

# Nouns that never start or sit inside a person's name; a PERSON span holding one is an organisation
# or building mis-tagged ("Top White House", "Department Jeff" is cut to "Jeff").
ORG_WORDS = frozenset(
    """department ministry committee council agency office party court government administration embassy
    house senate congress parliament commission university bank company corporation group service""".split()
)
# Occupations that machine translation glues before a bare surname from a possessive ("Flynn's lawyer
# declined to comment" -> "Lawyer Flynn declined"): cut from the name, but not the person's role, since
# the words usually describe someone else. Formal titles ("Senator Flynn", "President Putin") stay roles.
OCCUPATIONS_NOT_TITLES = frozenset("lawyer attorney spokesman spokeswoman spokesperson agent officer".split())
# Labels of names that may have a place glued after them by NER ("Hotel Aldermoor in Riverton").
_PLACE_GLUE_LABELS = frozenset({"FAC", "ORG"})
# Nouns of buildings and sites: an ORG holding one before "in" is a building with its place glued on
# ("Aldermoor Hotel in Riverton"); other ORGs with "in" keep it ("Women in Film").
BUILDING_NOUNS = frozenset(
    """hotel museum hospital embassy consulate airport station stadium arena theatre theater church cathedral
    mosque temple palace castle prison school college library gallery centre center hall tower mall
    restaurant cafe bar club park bridge port harbour harbor building plant factory""".split()
)
# A capitalised run of two or three words before a comma and an apposition or relative clause: a name
# NER may have missed ("Ines Calloway, the opposition MP who ..."). Checked with the parse before use.
_APPOSED_NAME = re.compile(r"(?<![\w\-])((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?),\s+(?:the|a|an|who|former)\s", re.UNICODE)
_LEADING_DETS = ("the ", "The ", "THE ")
_TRAILING_JUNK = " \t\r\n'\"’”“‘`,;:!?)(]["
_KEEP_DOT = re.compile(r"(?:\b[A-Za-z]\.)+$|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St|Bros)\.$")


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int, bool]:
    """Trim an entity span to the name; returns (start, end, possessive_stripped)."""
    s, e = start, end
    chunk = text[s:e]
    if "\n" in chunk.strip():  # a span across a line break is two things; keep the first line's part
        first = chunk.strip().split("\n", 1)[0]
        lead = len(chunk) - len(chunk.lstrip())
        e = s + lead + len(first)
    for sep in (" / ", " | ", " • "):
        cut = text.find(sep, s, e)
        if cut != -1:
            e = cut
    possessive = False
    while e > s:
        tail = text[s:e]
        if tail.endswith(("'s", "’s")) and e - s > 2:
            e -= 2
            possessive = True
        elif tail[-1] in _TRAILING_JUNK:
            e -= 1
        elif tail[-1] == "." and not _KEEP_DOT.search(tail):
            e -= 1
        else:
            break
    while s < e and text[s] in _TRAILING_JUNK:
        s += 1
    if text.startswith(_LEADING_DETS, s) and e - s > 4:
        s += 4
    return s, e, possessive


def _tokens(doc: Any, start: int, end: int) -> Any:
    return doc.char_span(start, end, alignment_mode="contract")


def _title_complement(doc: Any, tokens: list[Any], surnames_here: set[str]) -> int:
    """How many leading tokens of an entity belong to the title before it, or 0.

    "Deputy Minister for Energy Lena Varga" is tagged "Energy Lena Varga": the entity follows "<role
    head> for/of", so its first words complete the title ("Minister for Energy"). The name is its last two
    words, and only when the document writes that surname on its own elsewhere ("Varga said") — the news
    habit of full name first, surname after — so "head of Kestrel Grid Holdings" is never cut."""
    if len(tokens) < 3:
        return 0
    first = tokens[0].i
    if first < 2 or doc[first - 1].text.lower() not in ("for", "of"):
        return 0
    if not any(is_role_head(doc[j]) for j in range(max(0, first - 4), first - 1)):
        return 0
    given, last = tokens[-2], tokens[-1]
    if not (given.text.istitle() and last.text.istitle() and given.text.isalpha() and last.text.isalpha()):
        return 0
    return len(tokens) - 2 if last.text in surnames_here else 0


def _apposed_names(doc: Any, text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Capitalised names NER missed that an apposition or relative clause shows to be people.

    A regex over the text finds the few candidates ("Ines Calloway, the ..."), so the cost is one scan of
    the text, not a Python loop over tokens."""
    out: list[tuple[int, int]] = []
    for match in _APPOSED_NAME.finditer(text):
        s, e = match.start(1), match.end(1)
        if any(cs < e and s < ce for cs, ce in covered):
            continue
        span = _tokens(doc, s, e)
        if span is None or len(span) < 2 or any(t.pos_ != "PROPN" or t.ent_type_ for t in span):
            continue
        if span[0].i > 0 and doc[span[0].i - 1].pos_ == "PROPN" and not doc[span[0].i - 1].is_space:
            continue  # the end of a longer name, not a name on its own
        if following_roles(doc, span.end) or re.match(r",\s+who\s", text[e : e + 8]):
            out.append((s, e))
    return out


@document_stage("mentions", MENTIONS_VERSION, produces=("mention", "role"), needs_parse=True)
def extract_mentions(ctx: DocumentContext) -> Iterator[Mention | Role]:
    """Name mentions, their roles/titles and role nominals of one parsed document."""
    doc = ctx.parsed
    text = ctx.document.text
    doc_id = ctx.document.id
    ents = [e for e in doc.ents if e.label_ in NAME_LABELS]
    # What this document itself says each surface string is (majority label), and the surnames of its
    # multi-word person names: evidence for splitting "Kislyak Moscow" and "the US Sergey Kislyak".
    labels_by_text: dict[str, Counter[str]] = {}
    person_words: set[str] = set()
    for e in ents:
        labels_by_text.setdefault(e.text.strip(), Counter())[e.label_] += 1
        if e.label_ == "PERSON":
            person_words.add(e[-1].text)
    places = {t for t, c in labels_by_text.items() if c.most_common(1)[0][0] in ("GPE", "LOC")}
    # Words this document names on their own (any label) or as a person's last word: surnames in use.
    surnames_here = person_words | {t for t in labels_by_text if t.isalpha()}

    found: list[tuple[int, int, str, str]] = []  # start, end, label, source
    no_title: set[int] = set()  # starts of names whose glued occupation is not their role ("Lawyer Flynn")
    roles: list[tuple[int, int, FoundRole]] = []  # (mention start, end, role)
    for ent in ents:
        label = ent.label_
        start, end, possessive = _trim(text, ent.start_char, ent.end_char, label)
        source = "possessive" if possessive else "ner"
        span = _tokens(doc, start, end)
        if span is None or not len(span):
            continue
        tokens = list(span)
        slash = text.find("/", start, end)
        if slash != -1 and label in ("ORG", "PERSON"):
            # A photo credit "Tomas Reyes/Riverton Ledger": the photographer, then the outlet.
            before, after = _tokens(doc, start, slash), _tokens(doc, slash + 1, end)
            if before is not None and after is not None and len(before) and len(after):
                a_start, a_end, _ = _trim(text, after.start_char, after.end_char, "ORG")
                if a_end > a_start:
                    found.append((a_start, a_end, "ORG", "split"))
                tokens, label, source = list(before), "PERSON" if len(before) >= 2 else label, "split"
        if label in _PLACE_GLUE_LABELS and len(tokens) >= 3:
            # "Hotel Aldermoor in Riverton": the building, then the place it is in.
            # Only a building (FAC, or a building noun in the name) and a tail this document names as a
            # place: "Citizens for Responsibility and Ethics in Washington" is one organisation.
            cut = next((i for i, t in enumerate(tokens) if t.text == "in" and 0 < i < len(tokens) - 1), 0)
            building = label == "FAC" or any(t.text.lower() in BUILDING_NOUNS for t in tokens[:cut])
            tail = text[tokens[cut + 1].idx : tokens[-1].idx + len(tokens[-1].text)] if cut else ""
            # spaCy sm often tags an unfamiliar town PERSON on its own ("Riverton"): after a FAC's "in" the
            # tail needs only to be named elsewhere in the document; an ORG's tail must be a place there.
            named_place = tail in places or (label == "FAC" and tail in labels_by_text)
            if cut and building and tokens[cut + 1].text[:1].isupper() and named_place:
                place = tokens[cut + 1 :]
                p_start, p_end, _ = _trim(text, place[0].idx, place[-1].idx + len(place[-1].text), "GPE")
                if p_end > p_start:
                    found.append((p_start, p_end, "GPE", "split"))
                tokens, source = tokens[:cut], "split"
        complement = _title_complement(doc, tokens, surnames_here)
        if complement:
            tokens, label, source = tokens[complement:], "PERSON", "title"
        if label != "PERSON" and len(tokens) >= 3 and tokens[-1].text in person_words and tokens[-2].pos_ == "PROPN" and tokens[-2].text[:1].isupper():
            # "the US Sergey Kislyak" tagged ORG: the person at the end is a name this document knows.
            cut = len(tokens) - 2
            while cut > 0 and tokens[cut - 1].pos_ == "PROPN" and tokens[cut - 1].text.istitle() and tokens[cut - 1].text not in labels_by_text:
                cut -= 1
            head = tokens[:cut]
            if head:
                h_start, h_end, _ = _trim(text, head[0].idx, head[-1].idx + len(head[-1].text), label)
                if h_end > h_start:
                    found.append((h_start, h_end, label, "ner"))
            tokens, label, source = tokens[cut:], "PERSON", "split"
        if label == "PERSON":
            while len(tokens) > 1 and tokens[-1].text in places:  # "Kislyak Moscow"
                tokens = tokens[:-1]
                source = "split"
            lead = 0
            while lead < len(tokens) - 1 and (tokens[lead].text.lower() in HONORIFICS or tokens[lead].text.lower() in ORG_WORDS):
                lead += 1
            if lead:
                stripped = tokens[:lead]
                occupation_only = len(tokens) - lead == 1 and all(t.text.lower() in OCCUPATIONS_NOT_TITLES for t in stripped)
                if occupation_only:
                    no_title.add(tokens[lead].idx)
                elif any(t.text.lower() in HONORIFICS for t in stripped):
                    roles.append((tokens[lead].idx, tokens[-1].idx + len(tokens[-1].text), FoundRole(
                        " ".join(t.text for t in stripped), stripped[0].idx, stripped[-1].idx + len(stripped[-1].text), None)))
                tokens = tokens[lead:]
                source = "title"
            if any(t.text.lower() in ORG_WORDS for t in tokens):
                label = "ORG"
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        start, end, poss = _trim(text, start, end, label)
        if end <= start or not any(c.isupper() for c in text[start:end]) or not any(c.isalpha() for c in text[start:end]):
            continue
        found.append((start, end, label, "possessive" if poss else source))
    for s, e in _apposed_names(doc, text, [(e.start_char, e.end_char) for e in ents]):
        found.append((s, e, "PERSON", "apposition"))

    # Keep one mention per span (the first wins: NER order), no overlaps.
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, str]] = []
    for f in found:
        if kept and f[0] < kept[-1][1]:
            continue
        kept.append(f)

    person_starts = set()
    for s, e, label, _ in kept:
        if label == "PERSON":
            span = _tokens(doc, s, e)
            if span is not None and len(span):
                person_starts.add(span.start)
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for s, e, label, source in kept:
        mention = Mention(id=record_id("m", doc_id, s, e), doc_id=doc_id, start=s, end=e, text=text[s:e], type=label, source=source)
        mentions.append(mention)
        if label != "PERSON":
            continue  # "the Kremlin spokesman" holds the ORG mention "Kremlin": a nominal may contain other names
        taken.append((s, e))
        span = _tokens(doc, s, e)
        if span is None or not len(span):
            continue
        possessive = text.startswith(("'s", "’s"), e)
        before = None if s in no_title else premodifier_role(doc, span.start, person_starts - {span.start}, cross_prepositions=not possessive)
        if before is None and s not in no_title:
            before = preceding_apposition(doc, span.start, span.end)
        for found_role in [before, *following_roles(doc, span.end)]:
            if found_role is not None:
                roles.append((s, e, found_role))
                taken.append((found_role.start, found_role.end))

    by_span = {(m.start, m.end): m for m in mentions}
    seen: set[tuple[int, int, int, int]] = set()
    for s, e, found_role in roles:
        owner = by_span.get((s, e))
        if owner is None or (s, e, found_role.start, found_role.end) in seen:
            continue
        seen.add((s, e, found_role.start, found_role.end))
        yield Role(
            id=record_id("r", doc_id, found_role.start, found_role.end, owner.id), mention_id=owner.id, title=found_role.title,
            doc_id=doc_id, start=found_role.start, end=found_role.end, text=text[found_role.start : found_role.end], time=found_role.time,
        )
    yield from mentions
    for nominal in role_nominals(doc, taken):
        m = Mention(id=record_id("m", doc_id, nominal.start, nominal.end), doc_id=doc_id, start=nominal.start, end=nominal.end,
                    text=text[nominal.start : nominal.end], type="PERSON", source="role-nominal")
        taken.append((nominal.start, nominal.end))
        yield m
        yield Role(id=record_id("r", doc_id, nominal.start, nominal.end, m.id), mention_id=m.id, title=nominal.title, doc_id=doc_id,
                   start=nominal.start, end=nominal.end, text=m.text, time=nominal.time)
