"""A story workspace for the API, UI and export tests: the real flynn-kislyak build plus hand-made
records of every kind, each with spans found (str.find) in the real clean texts.

The extraction stages are being built in parallel, so these records stand in for their output; they
are written through Workspace.put_stage_output / put_corpus_output exactly as stages write theirs.
One extra document carries script/handler payloads as *text* (an article quoting an attack).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.ids import record_id
from storyline.model import (
    Attribution,
    Citation,
    Claim,
    Contradiction,
    DuplicateGroup,
    Entity,
    Event,
    EventArgument,
    EventMention,
    Judgement,
    Mention,
    Proposition,
    PublishedDate,
    RemovedLine,
    Role,
    Span,
    Story,
    SummarySentence,
    TimelineEntry,
    Timex,
)
from storyline.pipeline import BuildReport, ingest
from storyline.settings import Settings
from storyline.store.workspace import Workspace

from .conftest import SEEDS

STAGE_VERSION = "fixture-1"
XSS_TEXT = (
    "Security researchers warn about a fake Michael Flynn memo.\n\n"
    'The memo embedded <script>window.__pwned = "script"; alert("script")</script> in its body and an image '
    '<img src=x onerror="window.__pwned=\'onerror\'; alert(1)"> that runs code when it fails to load.\n\n'
    "Readers were told to visit javascript:alert(document.cookie) to see the original.\n"
)

# (substring that identifies the document, outlet, published ISO date, precision)
DOC_METADATA = [
    ("was not influenced by Michael Flynn", "NBC News", "2017-02-13", "day"),
    ("INTERFAX.RU", "Interfax", "2017-03-11", "day"),
    ("Flynn discussed on the phone", "RIA Novosti (translated)", "2017-01-13", "day"),
    ("G20 summit", "The Independent", "2017-02-13T13:04:00+00:00", "minute"),
    ("at least 18 calls and emails", "Reuters (translated)", "2017-05-18", "day"),
]

# canonical name, type, the surface forms that name it
PEOPLE = [
    ("Michael Flynn", "PERSON", ["Michael Flynn", "Flynn"]),
    ("Sergei Kislyak", "PERSON", ["Sergei Kislyak", "Sergey Kislyak", "Kislyak"]),
    ("Dmitry Peskov", "PERSON", ["Dmitry Peskov", "Peskov", "Sands"]),
    ("Vladimir Putin", "PERSON", ["Vladimir Putin", "Putin"]),
    ("Donald Trump", "PERSON", ["Donald Trump", "Donald trump"]),
    ("Kremlin", "ORG", ["Kremlin"]),
    ("Reuters", "ORG", ["Reuters"]),
    ("Washington Post", "ORG", ["Washington Post"]),
]


@dataclass
class StoryFixture:
    """Ids and spans the tests click through."""

    db: Path
    docs: dict[str, str] = field(default_factory=dict)  # outlet -> doc id
    xss_doc: str = ""
    entities: dict[str, str] = field(default_factory=dict)  # canonical name -> entity id
    mentions: dict[str, list[Mention]] = field(default_factory=dict)  # canonical name -> mentions
    claims: dict[str, Claim] = field(default_factory=dict)
    contradiction: Contradiction | None = None
    events: dict[str, Event] = field(default_factory=dict)
    event_mentions: dict[str, EventMention] = field(default_factory=dict)
    attributions: dict[str, Attribution] = field(default_factory=dict)
    story: Story | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _span(text: str, doc_id: str, needle: str, after: int = 0) -> Span:
    start = text.find(needle, after)
    assert start >= 0, f"fixture phrase {needle!r} not in document {doc_id}"
    return Span(doc_id, start, start + len(needle), needle)


def _all_occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + len(needle))
    return found


def make_story_workspace(folder: Path) -> StoryFixture:
    """Build the seeds (plus the hostile document) into ``folder/story.db`` and add a full set of records."""
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    for p in SEEDS.iterdir():
        (inputs / p.name).write_bytes(p.read_bytes())
    (inputs / "hostile.txt").write_text(XSS_TEXT, encoding="utf-8")
    db = folder / "story.db"
    fx = StoryFixture(db=db)

    with Workspace(db, write=True) as ws:
        # Only the ingest part of `build`: the real documents, without the extraction stages other
        # engineers are still writing (their output would make these tests depend on work in progress).
        ingest(ws, [str(inputs)], Settings(db=str(db)), BuildReport())
        docs = {d.id: d for d in ws.documents()}
        by_outlet: dict[str, Any] = {}
        for doc in list(docs.values()):
            if "window.__pwned" in doc.text:
                fx.xss_doc = doc.id
                new = dataclasses.replace(
                    doc, outlet="Hostile <b>Outlet</b>", url="javascript:alert(document.domain)",
                    title='<img src=x onerror="window.__pwned=\'title\'">Fake memo',
                    published=PublishedDate("2017-02-20", "day", "input-field"),
                    removed=(RemovedLine(0, '<script>window.__pwned="removed"</script>Subscribe now', "boilerplate"),),
                )
                ws.replace_document(new)
                docs[doc.id] = new
                continue
            for marker, outlet, date, precision in DOC_METADATA:
                if marker in doc.text:
                    new = dataclasses.replace(
                        # fixed values (not whatever metadata extraction finds today) keep the tests deterministic
                        doc, outlet=outlet, url=f"https://example.org/{doc.id}",
                        published=PublishedDate(date, precision, "input-field"),
                        removed=doc.removed or (RemovedLine(0, "Join our commenting forum", "boilerplate: call to action"),),
                    )
                    ws.replace_document(new)
                    docs[doc.id] = new
                    by_outlet[outlet] = new
        assert fx.xss_doc and len(by_outlet) == 5, "seed documents changed: update DOC_METADATA markers"
        fx.docs = {k: v.id for k, v in by_outlet.items()}
        nbc, interfax, ria, indep, reuters = (by_outlet[m[1]] for m in DOC_METADATA)

        # -- mentions and entities -------------------------------------------------------------
        per_doc: dict[str, list[Any]] = {d: [] for d in docs}
        mention_at: dict[tuple[str, int], Mention] = {}
        for canonical, etype, forms in PEOPLE:
            eid = record_id("e", canonical)
            fx.entities[canonical] = eid
            fx.mentions[canonical] = []
            for doc in docs.values():
                taken: list[tuple[int, int]] = []
                for form in sorted(forms, key=len, reverse=True):
                    for start in _all_occurrences(doc.text, form):
                        end = start + len(form)
                        if any(s < end and start < e for s, e in taken) or (end < len(doc.text) and doc.text[end].isalpha()):
                            continue
                        taken.append((start, end))
                        m = Mention(record_id("m", doc.id, start, end), doc.id, start, end, form, etype, "lexicon", eid)
                        per_doc[doc.id].append(m)
                        fx.mentions[canonical].append(m)
                        mention_at[(doc.id, start)] = m
        peskov_role_span = _span(nbc.text, nbc.id, "Kremlin spokesman")
        peskov_mention = next(m for m in fx.mentions["Dmitry Peskov"] if m.doc_id == nbc.id and m.start > peskov_role_span.start)
        role = Role(record_id("r", nbc.id, peskov_role_span.start), peskov_mention.id, "Kremlin spokesman", nbc.id,
                    peskov_role_span.start, peskov_role_span.end, peskov_role_span.text, "current")
        per_doc[nbc.id].append(role)
        sands = next(m for m in fx.mentions["Dmitry Peskov"] if m.text == "Sands")
        full = next(m for m in fx.mentions["Dmitry Peskov"] if m.text == "Dmitry Peskov" and m.doc_id == sands.doc_id)
        entities = []
        for canonical, etype, _forms in PEOPLE:
            ms = fx.mentions[canonical]
            evidence: tuple[Judgement, ...] = ()
            if canonical == "Dmitry Peskov":
                evidence = (Judgement(full.id, sands.id, "same", 0.71,
                                      "'Sands' is the machine translation of Песков; quoted as press secretary in the same article"),)
            elif canonical == "Sergei Kislyak":
                evidence = tuple(Judgement(ms[0].id, m.id, "same", 0.93, "transliteration variant Sergey/Sergei, same role: Russian ambassador")
                                 for m in ms[1:3])
            entities.append(Entity(fx.entities[canonical], etype, canonical, tuple(sorted({m.text for m in ms} - {canonical})),
                                   (role,) if canonical == "Dmitry Peskov" else (), tuple(m.id for m in ms), evidence))

        # -- time expressions --------------------------------------------------------------------
        for doc, phrase, ttype, value in [
            (nbc, "Monday", "DATE", "2017-02-13"), (interfax, "March 11", "DATE", "2017-03-11"),
            (indep, "in July", "DATE", "2017-07"), (reuters, "2016", "DATE", "2016"),
            (reuters, "the last seven months", "DURATION", "P7M"),
        ]:
            s = _span(doc.text, doc.id, phrase)
            per_doc[doc.id].append(Timex(record_id("t", doc.id, s.start), doc.id, s.start, s.end, s.text, ttype, value, None, "DCT"))

        # -- quotes and claims -------------------------------------------------------------------
        def attribution(doc: Any, content: str, source: str, cue: str, stance: str, direct: bool, speaker: str | None, kind: str,
                        chain: tuple[str, ...]) -> Attribution:
            c = _span(doc.text, doc.id, content)
            s = _span(doc.text, doc.id, source, max(0, c.start - 400))
            q = _span(doc.text, doc.id, cue, max(0, c.start - 400))
            a = Attribution(record_id("a", doc.id, c.start), doc.id, q, (c,), s, fx.entities.get(speaker or ""), speaker, kind,
                            direct, stance, chain)  # type: ignore[arg-type]
            per_doc[doc.id].append(a)
            return a

        fx.attributions["peskov_decision"] = attribution(
            nbc, "Of course Putin took the decision, it was his decision,", "Peskov", "said", "asserts", True, "Dmitry Peskov", "named",
            ("NBC News", "Dmitry Peskov"))
        fx.attributions["peskov_not_raised"] = attribution(
            ria, "during his contacts with US officials the issue of lifting economic sanctions was not raised", "Dmitry Peskov", "said",
            "denies", False, "Dmitry Peskov", "named", ("RIA Novosti (translated)", "Dmitry Peskov"))
        fx.attributions["wapo_phone"] = attribution(
            ria, "Flynn discussed on the phone anti-Russian sanctions", "the Washington Post", "reported", "asserts", False,
            "Washington Post", "outlet", ("RIA Novosti (translated)", "Washington Post"))
        fx.attributions["reuters_18"] = attribution(
            reuters, "Michael Flynn and other advisers Donald trump exchanged at least 18 calls and emails with Russian officials",
            "Reuters", "reported", "asserts", False, "Reuters", "outlet", ("Reuters (translated)", "Reuters"))
        fx.attributions["sands_job"] = attribution(
            interfax, "It’s his job.", "Sands", "said", "asserts", True, "Dmitry Peskov", "named", ("Interfax", "Dmitry Peskov"))

        def claim(name: str, doc: Any, phrase: str, subject: str, predicate: str, obj: str | None, polarity: str, stance: str,
                  holder: str, att: Attribution | None, participants: tuple[str, ...]) -> Claim:
            s = _span(doc.text, doc.id, phrase)
            c = Claim(record_id("c", doc.id, s.start), doc.id, s.start, s.end, s.text, subject, predicate, obj, polarity, "asserted",  # type: ignore[arg-type]
                      stance, holder, fx.entities.get(holder), att.id if att else None,  # type: ignore[arg-type]
                      tuple(fx.entities[p] for p in participants), None)
            per_doc[doc.id].append(c)
            fx.claims[name] = c
            return c

        c_phone = claim("phone", ria, "Flynn discussed on the phone anti-Russian sanctions", "Michael Flynn", "discussed", "sanctions",
                        "positive", "asserts", "Washington Post", fx.attributions["wapo_phone"], ("Michael Flynn", "Sergei Kislyak"))
        c_not_raised = claim("not_raised", ria, "the issue of lifting economic sanctions was not raised", "Michael Flynn", "discussed",
                             "sanctions", "negative", "denies", "Dmitry Peskov", fx.attributions["peskov_not_raised"],
                             ("Michael Flynn", "Sergei Kislyak"))
        c_influence = claim("influence", nbc, "was not influenced by Michael Flynn", "Michael Flynn", "influenced", "Putin's decision",
                            "negative", "denies", "Kremlin", None, ("Michael Flynn", "Vladimir Putin"))
        c_contacts = claim("contacts", reuters, "exchanged at least 18 calls and emails with Russian officials", "Trump advisers",
                           "exchanged calls with", "Russian officials", "positive", "asserts", "Reuters", fx.attributions["reuters_18"],
                           ("Michael Flynn", "Donald Trump"))
        c_job = claim("job", interfax, "has performed the usual work of a diplomat", "Sergei Kislyak", "performed", "usual work",
                      "positive", "asserts", "Dmitry Peskov", None, ("Sergei Kislyak",))

        # -- events ------------------------------------------------------------------------------
        def event_mention(name: str, doc: Any, phrase: str, etype: str, cameo: str, plover: str, actor: str, target: str | None,
                          date: str | None) -> EventMention:
            s = _span(doc.text, doc.id, phrase)
            am = next((m for m in fx.mentions[actor] if m.doc_id == doc.id), None)
            args = [EventArgument("actor", doc.id, am.start, am.end, am.text, fx.entities[actor], am.id)] if am else []
            tm = next((m for m in fx.mentions[target] if m.doc_id == doc.id), None) if target else None
            if tm:
                args.append(EventArgument("target", doc.id, tm.start, tm.end, tm.text, fx.entities[target], tm.id))  # type: ignore[index]
            em = EventMention(record_id("em", doc.id, s.start), doc.id, s.start, s.end, s.text, etype, cameo, plover, tuple(args),
                              None, date, "reported", None)
            per_doc[doc.id].append(em)
            fx.event_mentions[name] = em
            return em

        em_call1 = event_mention("call_ria", ria, "discussed on the phone", "phone-call", "040", "CONSULT", "Michael Flynn",
                                 "Sergei Kislyak", "2016-12-29")
        em_call2 = event_mention("call_reuters", reuters, "telephone conversation", "phone-call", "040", "CONSULT", "Sergei Kislyak",
                                 "Michael Flynn", "2016-12")
        em_meet = event_mention("meeting", interfax, "met with representatives of Donald trump", "meeting", "043", "CONSULT",
                                "Sergei Kislyak", "Donald Trump", "2016")
        em_decide = event_mention("decision", nbc, "the decision to not hit back", "decision", "012", "REDUCE", "Vladimir Putin", None,
                                  "2016-12-30")
        ev_call = Event(record_id("ev", "call"), "phone-call", "Flynn and Kislyak discuss sanctions by phone", (em_call1.id, em_call2.id),
                        (ria.id, reuters.id), "2016-12-29", "day", ("2016-12",), (fx.entities["Michael Flynn"],), (fx.entities["Sergei Kislyak"],))
        ev_meet = Event(record_id("ev", "meet"), "meeting", "Kislyak meets Trump campaign representatives", (em_meet.id,), (interfax.id,),
                        "2016", "year", (), (fx.entities["Sergei Kislyak"],), (fx.entities["Donald Trump"],))
        ev_decide = Event(record_id("ev", "decide"), "decision", "Putin decides not to retaliate against US sanctions", (em_decide.id,),
                          (nbc.id,), "2016-12-30", "day", (), (fx.entities["Vladimir Putin"],), ())
        fx.events = {"call": ev_call, "meet": ev_meet, "decide": ev_decide}

        # -- write document-stage output ---------------------------------------------------------
        with ws.transaction():
            for doc_id, records in per_doc.items():
                ws.put_stage_output(doc_id, "fixture-annotations", STAGE_VERSION, records)

        # -- cross-document records ----------------------------------------------------------------
        p_phone = Proposition(record_id("p", "phone"), "Flynn discussed sanctions with Kislyak", (c_phone.id, c_not_raised.id),
                              ("Washington Post",), ("Dmitry Peskov",), ria.id, "2017-01-13", True)
        p_influence = Proposition(record_id("p", "influence"), "Flynn influenced Putin's decision on sanctions", (c_influence.id,),
                                  (), ("Kremlin",), nbc.id, "2017-02-13", False)
        p_contacts = Proposition(record_id("p", "contacts"), "Trump advisers had contacts with Russian officials", (c_contacts.id,),
                                 ("Reuters",), (), reuters.id, "2017-05-18", False)
        p_job = Proposition(record_id("p", "job"), "Kislyak only did a diplomat's usual work", (c_job.id,), ("Dmitry Peskov",), (),
                            interfax.id, "2017-03-11", False)
        fx.contradiction = Contradiction(record_id("x", p_phone.id), p_phone.id, (c_phone.id,), (c_not_raised.id,),
                                         "The Washington Post reports the call covered sanctions; Peskov says sanctions were not raised.")
        timeline = [
            TimelineEntry("event", ev_call.id, "2016-12-29", "day", ev_call.label, ev_call.doc_ids, True),
            TimelineEntry("event", ev_decide.id, "2016-12-30", "day", ev_decide.label, ev_decide.doc_ids),
            TimelineEntry("event", ev_meet.id, "2016", "year", ev_meet.label, ev_meet.doc_ids),
        ] + [
            TimelineEntry("document", d.id, d.published.value or "", d.published.precision, d.title or d.id, (d.id,))
            for d in docs.values() if d.published.value
        ]

        def cite(doc: Any, phrase: str) -> Citation:
            s = _span(doc.text, doc.id, phrase)
            return Citation(s.doc_id, s.start, s.end, s.text)

        fx.story = Story(
            record_id("s", "flynn"), "Flynn's contacts with Kislyak", tuple(d for d in docs),
            "2017-01-13", "2017-05-18",
            tuple(fx.entities[n] for n in ("Michael Flynn", "Sergei Kislyak", "Dmitry Peskov", "Vladimir Putin", "Donald Trump")),
            (
                SummarySentence("Michael Flynn discussed sanctions with Russia's ambassador Sergei Kislyak by phone, the Washington Post reported; the Kremlin denies sanctions came up.",
                                (cite(ria, "Flynn discussed on the phone anti-Russian sanctions"),
                                 cite(ria, "the issue of lifting economic sanctions was not raised")), "disputed"),
                SummarySentence("The Kremlin said Putin's decision not to retaliate was not influenced by Flynn.",
                                (cite(nbc, "was not influenced by Michael Flynn"),), "single-source"),
                SummarySentence("Trump advisers had at least 18 contacts with Russian officials during the campaign.",
                                (cite(reuters, "exchanged at least 18 calls and emails with Russian officials"),), "single-source"),
            ),
        )
        dup = DuplicateGroup(record_id("dg", ria.id, interfax.id), interfax.id, (interfax.id, ria.id), "near", 0.42,
                             ("different headline", "translated by another service"))
        ws.put_corpus_output("fixture-entities", STAGE_VERSION, "x", entities)
        ws.put_corpus_output("fixture-judgements", STAGE_VERSION, "x", [j for e in entities for j in e.evidence])
        ws.put_corpus_output("fixture-events", STAGE_VERSION, "x", list(fx.events.values()))
        ws.put_corpus_output("fixture-timeline", STAGE_VERSION, "x", timeline)
        ws.put_corpus_output("fixture-propositions", STAGE_VERSION, "x", [p_phone, p_influence, p_contacts, p_job, fx.contradiction])
        ws.put_corpus_output("fixture-duplicates", STAGE_VERSION, "x", [dup])
        ws.put_corpus_output("fixture-stories", STAGE_VERSION, "x", [fx.story])
        fx.extra = {"propositions": {"phone": p_phone, "influence": p_influence}, "duplicate": dup, "role": role}
    return fx


class RunningServer:
    """The real API + UI under uvicorn on 127.0.0.1 with an ephemeral port, in a background thread."""

    def __init__(self, db: Path, token: str | None = None, produced: dict[str, bool | None] | None = None) -> None:
        import socket
        import threading

        import uvicorn

        from storyline.api.app import create_app

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(db, token=token, produced=produced)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> RunningServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
