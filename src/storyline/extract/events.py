"""Extract stage: event mentions — who did what to whom, when and where, in one document.

``extract_events`` (document stage, needs the parse, produces ``event_mention``) finds event triggers
among verbs ("Flynn called", "pleaded guilty", "imposed sanctions") and nominals ("the Dec. 29 call",
"a possible meeting"), types them with the small ontology below (each type mapped to a CAMEO code
and a PLOVER category, see docs/time-and-events.md), and attaches:

- arguments (EventArgument): actor (subject / possessor / "between X and ..."), target (object,
  passive subject, "with"/"to" partner), place ("in"/"at" a place name), topic ("about"/"on" ...),
  spans widened to the named entity they belong to and linked to "mention" records when the
  mentions stage ran (its absence is fine: spans then stand alone);
- time: the timex (from extract_timexes) attached to the trigger in the dependency tree, or the time
  of the reporting verb the event is announced under ("announced on Wednesday that it has appointed");
- modality: negated ("did not retaliate"), hypothetical ("may be weakened", "possible meeting"),
  planned ("will meet", "plans to visit"), reported (under "said"/"according to"), else asserted.
  Nothing is dropped and nothing non-asserted is presented as a fact.

Pronoun actors ("he", "it") take the subject of the governing clause or the latest named subject
before them: a cheap, documented stand-in for coreference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from storyline.extract.timexes import offset_event_value, range_value, timex_ranges
from storyline.ids import record_id
from storyline.model import EventArgument, EventMention, Mention, Span, Timex
from storyline.nlp.parse import text_of
from storyline.resolve.events import name_key
from storyline.stages import DocumentContext, document_stage


@dataclass(frozen=True, slots=True)
class EventType:
    """One type of the ontology: a name, its CAMEO code and PLOVER category, and a description."""

    name: str
    cameo: str | None
    plover: str | None
    description: str


# The ontology (docs/time-and-events.md has the table). CAMEO codes are the closest CAMEO event code;
# PLOVER the closest PLOVER category; None where the scheme has no such event (appointments).
ONTOLOGY: dict[str, EventType] = {t.name: t for t in (
    EventType("statement", "010", None, "make a public statement, comment, tweet, report"),
    EventType("decline_comment", "011", None, "decline to comment"),
    EventType("deny", "016", "REJECT", "deny an accusation or report"),
    EventType("acknowledge", "015", "CONCEDE", "admit, plead guilty, confess"),
    EventType("request", "020", "REQUEST", "ask, urge, demand, appeal"),
    EventType("consult", "040", "CONSULT", "talk, discuss, contact, negotiate"),
    EventType("call", "041", "CONSULT", "telephone call or conversation"),
    EventType("meet", "044", "CONSULT", "meet, visit, hold talks in person"),
    EventType("agree", "057", "AGREE", "agree, sign an agreement"),
    EventType("ease_sanctions", "085", "CONCEDE", "lift or ease sanctions"),
    EventType("resign", "0831", "CONCEDE", "resign, step down"),
    EventType("investigate", "090", "ACCUSE", "investigate, probe, inquire"),
    EventType("accuse", "112", "ACCUSE", "accuse, allege, criticise"),
    EventType("charge", "1121", "ACCUSE", "charge, indict (accuse of a crime)"),
    EventType("threaten", "130", "THREATEN", "threaten"),
    EventType("protest", "140", "PROTEST", "protest, demonstrate"),
    EventType("impose_sanctions", "163", "SANCTION", "impose sanctions, embargo, boycott"),
    EventType("retaliate", "170", "COERCE", "retaliate, hit back"),
    EventType("dismiss", "172", "SANCTION", "fire, dismiss, oust an official (administrative sanction)"),
    EventType("arrest", "173", "COERCE", "arrest, detain"),
    EventType("expel", "174", "COERCE", "expel or deport people, close their premises"),
    EventType("attack", "190", "ASSAULT", "attack, kill, bomb"),
    EventType("appoint", None, None, "appoint, name, nominate to a post"),
    EventType("take_office", None, None, "be sworn in, take office, be inaugurated"),
    EventType("election", None, None, "an election is held, someone is elected"),
    EventType("sentence", None, None, "sentence, convict"),
    EventType("communicate", "040", "CONSULT", "send a note, letter or message to someone"),
    EventType("attend", None, None, "open, attend or address a forum, conference or session"),
    EventType("change_deadline", None, None, "extend, postpone or bring forward a deadline or date"),
    EventType("disclose", None, None, "publish, release or disclose a document (diary, records, report)"),
)}

# Objects that make a verb one of the newer types: "sent a note", "opened the forum", "extended the
# deadline", "published the diary". The verbs alone have too many other senses to be triggers.
MESSAGE_WORDS = frozenset(("note", "letter", "message", "email", "e-mail", "memo", "text", "notice", "invitation"))
OCCASION_WORDS = frozenset(("forum", "conference", "congress", "session", "exhibition", "fair", "festival", "convention", "assembly", "ceremony", "symposium"))
DEADLINE_WORDS = frozenset(("deadline", "date", "closing", "cutoff", "cut-off"))
DOCUMENT_WORDS = frozenset(("diary", "document", "documents", "records", "record", "transcript", "transcripts", "emails",
                            "list", "findings", "data", "minutes", "files", "correspondence", "calendar", "schedule"))
# Verbs that open an investigation named by their object ("opened a review", "launched an inquiry").
OPENING_VERBS = frozenset(("open", "launch", "start", "begin", "announce", "order"))
# Words of saying whose negated complement makes the statement a denial ("said no such meeting had
# taken place", "told reporters he had not met her").
SAYING_VERBS = frozenset(("say", "tell", "insist", "state", "maintain"))

VERB_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(("comment", "tweet", "announce", "state", "declare", "report", "write", "post"), "statement"),
    **dict.fromkeys(("deny", "dismiss_claim", "refute", "reject"), "deny"),
    **dict.fromkeys(("admit", "confess", "acknowledge", "concede"), "acknowledge"),
    **dict.fromkeys(("ask", "urge", "request", "demand", "appeal", "press", "implore"), "request"),
    **dict.fromkeys(("discuss", "talk", "contact", "negotiate", "consult", "speak", "communicate", "exchange"), "consult"),
    **dict.fromkeys(("call", "phone", "telephone"), "call"),
    **dict.fromkeys(("meet", "visit", "host"), "meet"),
    **dict.fromkeys(("agree", "sign"), "agree"),
    **dict.fromkeys(("resign", "quit"), "resign"),
    **dict.fromkeys(("investigate", "probe", "examine", "inspect", "study", "review"), "investigate"),
    **dict.fromkeys(("accuse", "allege", "criticize", "criticise", "blame", "condemn"), "accuse"),
    **dict.fromkeys(("charge", "indict", "prosecute"), "charge"),
    **dict.fromkeys(("threaten", "warn"), "threaten"),
    **dict.fromkeys(("protest", "demonstrate", "rally"), "protest"),
    **dict.fromkeys(("sanction", "levy", "impose", "embargo", "boycott"), "impose_sanctions"),
    **dict.fromkeys(("retaliate", "respond"), "retaliate"),
    **dict.fromkeys(("fire", "dismiss", "sack", "oust", "remove"), "dismiss"),
    **dict.fromkeys(("arrest", "detain", "apprehend", "jail"), "arrest"),
    **dict.fromkeys(("expel", "deport", "expulse"), "expel"),
    **dict.fromkeys(("attack", "kill", "bomb", "shoot", "strike", "murder", "assault", "invade"), "attack"),
    **dict.fromkeys(("appoint", "name", "nominate", "hire"), "appoint"),
    **dict.fromkeys(("inaugurate",), "take_office"),
    **dict.fromkeys(("elect",), "election"),
    **dict.fromkeys(("sentence", "convict"), "sentence"),
}
NOUN_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(("comment", "tweet", "announcement", "statement", "remark"), "statement"),
    **dict.fromkeys(("denial",), "deny"),
    **dict.fromkeys(("plea", "confession", "admission"), "acknowledge"),
    **dict.fromkeys(("request", "demand", "appeal", "plea_request"), "request"),
    **dict.fromkeys(("talk", "talks", "discussion", "negotiation", "consultation", "contact", "contacts", "interaction", "communication", "exchange"), "consult"),
    **dict.fromkeys(("call", "conversation", "phone call", "telephone call"), "call"),
    **dict.fromkeys(("meeting", "visit", "summit", "encounter"), "meet"),
    **dict.fromkeys(("agreement", "deal", "accord", "treaty"), "agree"),
    **dict.fromkeys(("resignation", "departure"), "resign"),
    **dict.fromkeys(("investigation", "probe", "inquiry", "review"), "investigate"),
    **dict.fromkeys(("accusation", "allegation", "criticism"), "accuse"),
    **dict.fromkeys(("indictment",), "charge"),
    **dict.fromkeys(("threat",), "threaten"),
    **dict.fromkeys(("protest", "demonstration", "rally"), "protest"),
    **dict.fromkeys(("retaliation", "response"), "retaliate"),
    **dict.fromkeys(("dismissal", "firing", "ouster"), "dismiss"),
    **dict.fromkeys(("arrest", "detention"), "arrest"),
    **dict.fromkeys(("expulsion", "deportation"), "expel"),
    **dict.fromkeys(("attack", "killing", "bombing", "shooting", "strike", "assault", "invasion"), "attack"),
    **dict.fromkeys(("appointment", "nomination"), "appoint"),
    **dict.fromkeys(("inauguration",), "take_office"),
    **dict.fromkeys(("election", "elections", "vote", "referendum"), "election"),
}
# Verbs whose complement clause is *reported*, not asserted by the publisher.
REPORTING_VERBS = frozenset(("say", "report", "claim", "allege", "tell", "state", "write", "add", "announce", "insist", "believe", "suggest", "note", "argue", "assert", "maintain", "contend", "acknowledge", "confirm", "deny", "recall"))
PLANNING_VERBS = frozenset(("plan", "intend", "want", "expect", "hope", "propose", "aim", "seek", "prepare", "schedule", "decide", "agree", "promise", "vow", "try", "offer", "threaten"))
HYPOTHETICAL_MODALS = frozenset(("may", "might", "could", "would", "should", "can", "must"))
HYPOTHETICAL_ADJECTIVES = frozenset(("possible", "potential", "proposed", "planned", "alleged", "likely", "prospective", "future", "hypothetical", "rumoured", "rumored"))
PLANNED_AUX = frozenset(("will", "shall", "'ll", "wo"))
ENTITY_LABELS = frozenset(("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"))
PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))
PRONOUNS = frozenset(("he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "who", "which", "that"))
# Nominals that only make an event in the company of a sanctions word ("impose sanctions").
SANCTION_WORDS = frozenset(("sanction", "sanctions", "embargo", "embargoes", "restriction", "restrictions", "tariff", "tariffs", "measure", "measures"))


def _entity_span(token: Any) -> tuple[int, int]:
    """Token offsets of the named entity a token belongs to, else its compound/flat name group."""
    if token.ent_type_:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return ent.start, ent.end
    left = token.i
    while left > 0 and token.doc[left - 1].dep_ in ("compound", "amod", "nmod") and token.doc[left - 1].head.i in range(left, token.i + 1) and token.doc[left - 1].pos_ in ("PROPN", "NOUN", "ADJ") \
            and token.doc[left - 1].ent_type_ not in ("DATE", "TIME"):  # "in that day varga": the date is no part of the name
        left -= 1
    return left, token.i + 1


# How far after a title ("ambassador") its holder's name may stand in the same phrase (tokens).
TITLE_NAME_WINDOW = 8


# Nouns for the people around someone who act in their name: "Varga's office denied", "Orlov's team
# sent a note", "the office of Deputy Minister Lena Varga" have Varga / Orlov as the actor.
GROUP_NOUNS = frozenset(("office", "team", "staff", "aides", "camp", "entourage", "lawyers", "lawyer", "representatives", "press office"))


def _path_through_names(name: Any, head: Any) -> bool:
    """Whether ``name`` hangs on ``head`` only through prepositions and name parts ("the office of
    Deputy Minister for Energy Lena Varga")."""
    cur = name
    while cur.i != head.i:
        if cur.dep_ not in ("pobj", "prep", "compound", "appos", "flat") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return True


def _best_name(token: Any) -> Any:
    """The name-bearing token for an argument head: an appositive or compound name if the head is a
    common noun ("the Russian ambassador Sergei Kislyak" -> Kislyak), the person a group noun
    belongs to ("Varga's office", "the office of ... Lena Varga")."""
    if token.ent_type_ in ENTITY_LABELS or token.pos_ == "PROPN":
        return token
    if token.lemma_.lower() in GROUP_NOUNS:
        for child in token.children:
            if child.dep_ == "poss" and (child.ent_type_ in ENTITY_LABELS or child.pos_ == "PROPN"):
                return child
        # the last name of the phrase ("Deputy Minister for Energy Lena Varga" -> Varga): the small
        # tagger often calls such names ORG, so any proper noun will do
        people = [t for t in token.subtree if t.pos_ == "PROPN" and t.dep_ != "compound" and t.i > token.i
                  and t.i - token.i <= TITLE_NAME_WINDOW and _path_through_names(t, token)]
        if people:
            return people[-1]
    for child in token.children:
        if child.dep_ == "appos" and (child.ent_type_ in ENTITY_LABELS or child.pos_ == "PROPN"):
            return child
    # a title whose phrase ends in the holder's name, through "to"/"of"/compound links (a parse of
    # "the ambassador to the United States Sergei Kislyak" hangs the name under "to")
    for t in token.subtree:
        if t.ent_type_ == "PERSON" and t.i > token.i and t.i - token.i <= TITLE_NAME_WINDOW:
            path, cur = [], t
            while cur.i != token.i and cur.head.i != cur.i and len(path) < 6:
                path.append(cur.dep_ if cur.dep_ != "prep" else cur.lower_)
                cur = cur.head
            if cur.i == token.i and set(path) <= {"pobj", "to", "of", "compound", "appos", "flat"}:
                return t
    return token


class _Pronouns:
    """Resolves a pronoun argument to a named subject: the subject of the governing clause, or the
    latest named subject before it in the document."""

    def __init__(self, parsed: Any) -> None:
        self.subjects: list[Any] = [t for t in parsed if t.dep_ in ("nsubj", "nsubjpass") and t.ent_type_ in ENTITY_LABELS]

    def resolve(self, token: Any) -> Any:
        if token.lower_ not in PRONOUNS:
            return token
        want_org = token.lower_ in ("it", "its", "which")
        if token.lower_ in ("which", "who", "that") and token.head.dep_ == "relcl" and token.head.head.i != token.i:
            return token.head.head  # "the Office, which opened a review": the noun the clause describes
        # the subject of a governing clause ("Flynn ... is struggling ... a call he had")
        head = token.head
        for _ in range(10):
            if head.head.i == head.i:
                break
            head = head.head
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i < token.i and child.ent_type_ in ENTITY_LABELS and child.i != token.i:
                    if (child.ent_type_ != "PERSON") == want_org:
                        return child
                    if not want_org and child.pos_ == "PROPN" and child.ent_type_ == "ORG" and len(list(child.subtree)) == 1:
                        # "Halloran said Varga had spent the day in Dunmore, where she opened ...": a
                        # one-word name the small tagger calls an organisation, subject of the clause
                        # "she" hangs on, is the better antecedent than an earlier person
                        return child
        before = [s for s in self.subjects if s.i < token.i and ((s.ent_type_ != "PERSON") == want_org)]
        return before[-1] if before else token


def _modality(trigger: Any, is_noun: bool) -> str:
    """negated | hypothetical | planned | reported | asserted (first that applies, in that order)."""
    verb = trigger
    if is_noun:
        for child in trigger.children:
            if child.dep_ == "det" and child.lower_ == "no":
                return "negated"
            if child.dep_ == "amod" and child.lemma_.lower() in HYPOTHETICAL_ADJECTIVES:
                return "hypothetical"
        # a nominal takes the modality of the verb it is the object of ("did not discuss the call")
        verb = trigger.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX"):
            return "asserted"
        if verb.lemma_ in ("discuss", "talk") and verb.i < trigger.i:
            pass
    chain = [verb]
    cur = verb
    for _ in range(3):  # a control verb up the tree: "decision to not retaliate", "plans to meet"
        if cur.dep_ in ("xcomp", "acl", "ccomp", "advcl", "conj") and cur.head.i != cur.i:
            cur = cur.head
            chain.append(cur)
        else:
            break
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children) or (verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in verb.head.children) and verb.head.lemma_ in PLANNING_VERBS):
        return "negated"
    if any(t.dep_ == "neg" and t.head.i == verb.i for t in verb.doc[max(0, verb.i - 3): verb.i]):
        return "negated"
    if is_noun and any(c.dep_ == "neg" for c in verb.children):
        return "negated"
    auxes = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass")}
    if auxes & HYPOTHETICAL_MODALS or any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in children):
        return "hypothetical"
    if auxes & PLANNED_AUX:
        return "planned"
    for up in chain[1:]:
        if up.lemma_ in PLANNING_VERBS and up.i != verb.i:
            return "planned"
        up_aux = {c.lower_ for c in up.children if c.dep_ in ("aux", "auxpass")}
        if up_aux & HYPOTHETICAL_MODALS:
            return "hypothetical"
    # reported: in the complement of a reporting verb, or next to "according to"
    cur = verb
    for _ in range(4):
        if cur.dep_ in ("ccomp", "parataxis") and cur.head.lemma_ in REPORTING_VERBS:
            return "reported"
        if cur.head.i == cur.i:
            break
        cur = cur.head
    sent = trigger.sent
    if any(t.lower_ == "according" and t.nbor(1).lower_ == "to" for t in sent if t.i + 1 < len(t.doc)):
        return "reported"
    return "asserted"


@dataclass(slots=True)
class _Arg:
    role: str
    token: Any


def _arguments(trigger: Any, is_noun: bool, etype: str, pronouns: _Pronouns) -> list[_Arg]:
    """Actor, target, place and topic tokens for a trigger (heads; spans are widened later)."""
    args: list[_Arg] = []
    children = list(trigger.children)
    if is_noun:
        for c in children:
            if c.dep_ == "poss":
                args.append(_Arg("actor", c))
            elif c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") and c.ent_type_ != "DATE":
                args.append(_Arg("actor", c))
            elif c.dep_ == "prep" and c.lower_ in ("with", "to", "between", "by", "of", "against", "on", "about", "over", "in", "at"):
                objs = [g for g in c.children if g.dep_ == "pobj"]
                for o in objs:
                    role = {"with": "target", "to": "target", "against": "target", "by": "actor", "between": "actor", "of": "target",
                            "on": "topic", "about": "topic", "over": "topic", "in": "place", "at": "place"}[c.lower_]
                    if role == "place" and o.ent_type_ not in PLACE_LABELS:
                        continue
                    if c.lower_ == "of" and o.ent_type_ not in ENTITY_LABELS:
                        continue
                    args.append(_Arg(role, o))
                    if c.lower_ == "between":
                        for conj in o.conjuncts:
                            args.append(_Arg("target", conj))
            elif c.dep_ == "relcl":  # "a call he had with the ambassador"
                for g in c.children:
                    if g.dep_ == "nsubj":
                        args.append(_Arg("actor", g))
                    if g.dep_ == "prep" and g.lower_ in ("with", "to"):
                        args.extend(_Arg("target", o) for o in g.children if o.dep_ == "pobj")
        if not any(a.role == "actor" for a in args) and trigger.dep_ in ("dobj",) and trigger.head.pos_ == "VERB":
            # "Flynn had a call", "Flynn made a call": the light verb's subject is the actor
            for g in trigger.head.children:
                if g.dep_ == "nsubj":
                    args.append(_Arg("actor", g))
    else:
        for c in children:
            if c.dep_ == "nsubj":
                args.append(_Arg("actor", c))
            elif c.dep_ == "nsubjpass":
                args.append(_Arg("actor" if etype == "take_office" else "target", c))
            elif c.dep_ == "agent":
                args.extend(_Arg("actor", o) for o in c.children if o.dep_ == "pobj")
            elif c.dep_ in ("dobj", "dative", "oprd"):
                if c.lemma_.lower() in SANCTION_WORDS:
                    args.append(_Arg("topic", c))
                else:
                    args.append(_Arg("target" if etype not in ("consult", "statement", "deny", "investigate") or c.ent_type_ in ENTITY_LABELS else "topic", c))
            elif c.dep_ == "prep":
                for o in c.children:
                    if o.dep_ != "pobj":
                        continue
                    if c.lower_ in ("with", "to", "against", "on") and o.ent_type_ in ENTITY_LABELS:
                        args.append(_Arg("target", o))
                    elif c.lower_ in ("in", "at") and o.ent_type_ in PLACE_LABELS:
                        args.append(_Arg("place", o))
                    elif c.lower_ in ("about", "on", "over", "regarding") and o.ent_type_ not in ("DATE", "TIME"):
                        args.append(_Arg("topic", o))
        if not any(a.role == "actor" for a in args) and trigger.dep_ in ("xcomp", "conj", "advcl"):
            # "Putin's decision to not retaliate" / "X decided to expel"; a bare passive participle
            # ("When asked about it, Peskov told ...") makes the clause's subject its target
            reduced_passive = trigger.dep_ == "advcl" and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in children) and (
                trigger.tag_ == "VBN" or (trigger.tag_ == "VBD" and any(c.lower_ in ("when", "if", "once", "after", "as") for c in children)))
            for g in trigger.head.children:
                if g.dep_ == "nsubj" or (g.dep_ == "nsubjpass" and trigger.dep_ == "conj"):
                    args.append(_Arg("target" if reduced_passive else "actor", g))
        if not any(a.role == "target" for a in args) and etype in ("appoint", "dismiss", "charge", "arrest", "expel", "call", "meet"):
            # parse slips ("appointed Mueller to investigate" with Mueller as the subject of the clause):
            # the first name to the right of the trigger in its own subtree
            named = [t for t in trigger.subtree if t.i > trigger.i and t.ent_type_ in ("PERSON", "ORG", "GPE") and t.dep_ != "amod"]
            named.sort(key=lambda t: (t.ent_type_ != "PERSON", t.i))
            if named:
                args.append(_Arg("target", named[0]))
    resolved = []
    for a in args:
        if a.role == "target" and a.token.dep_ == "dobj" and a.token.lower_ in ("it", "which"):
            # "was at the energy forum and has opened it": the occasion, not the latest organisation
            occasion = [t for t in a.token.sent if t.i < trigger.i and t.pos_ == "NOUN" and t.lemma_.lower() in OCCASION_WORDS]
            if etype == "attend" and occasion:
                resolved.append(_Arg(a.role, occasion[-1]))
                continue
        tok = pronouns.resolve(a.token) if a.role in ("actor", "target") else a.token
        resolved.append(_Arg(a.role, _best_name(tok)))
    return resolved


def _antecedent_nouns(verb: Any) -> set[str]:
    """What a pronoun object of ``verb`` may stand for: the noun a relative clause describes ("its
    review, which it opened"), or an occasion named before it in the same sentence ("was at the
    energy forum and has opened it"). Lemmas, for typing the verb only; arguments keep the pronoun's
    own span. (Any earlier noun would be too loose: "extended the deadline ..., moving it".)"""
    if verb.dep_ == "relcl":
        return {verb.head.lemma_.lower()}
    return {t.lemma_.lower() for t in verb.sent if t.i < verb.i and t.pos_ == "NOUN" and t.lemma_.lower() in OCCASION_WORDS}


def _negated_clause(verb: Any) -> bool:
    """ "no such meeting had taken place", "they had not discussed sanctions": a clause that says an
    event did not happen (its verb or its subject/object is an event word other than a statement;
    "said it is not uncommon", "we do not comment" deny nothing)."""
    lemma = verb.lemma_.lower()
    parts = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    about_event = (VERB_TRIGGERS.get(lemma) not in (None, "statement")
                   or (lemma in ("take", "happen", "occur") and any(NOUN_TRIGGERS.get(c.lemma_.lower()) for c in parts))
                   or any(NOUN_TRIGGERS.get(c.lemma_.lower()) not in (None, "statement") for c in parts))
    if not about_event:
        return False
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    return any(any(d.dep_ == "det" and d.lower_ == "no" for d in c.children) for c in parts)


def _trigger_type(token: Any) -> tuple[str, bool] | None:
    """(event type, is_noun) for a trigger token, or None."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        prt = {c.lower_ for c in token.children if c.dep_ == "prt"}
        objs = {c.lemma_.lower() for c in token.children if c.dep_ in ("dobj", "nsubjpass", "acomp", "oprd")}
        if objs & {"which", "that", "it"}:
            objs |= _antecedent_nouns(token)
        if lemma == "plead" and ("guilty" in objs or "guilty" in {c.lower_ for c in token.children}):
            return "acknowledge", False
        if lemma == "swear" and "in" in prt:
            return "take_office", False
        if lemma in ("hit", "strike") and "back" in prt:
            return "retaliate", False
        if lemma == "step" and "down" in prt:
            return "resign", False
        if lemma in ("lift", "ease", "remove", "reverse", "relax", "weaken") and objs & SANCTION_WORDS:
            return "ease_sanctions", False
        if lemma in ("levy", "impose", "introduce", "announce", "slap") and objs & SANCTION_WORDS:
            return "impose_sanctions", False
        if lemma in ("weaken", "lift", "ease") and token.dep_ in ("ROOT", "ccomp", "relcl") and any(c.dep_ == "nsubjpass" and c.lemma_.lower() in SANCTION_WORDS for c in token.children):
            return "ease_sanctions", False
        if lemma in ("levy", "impose"):
            return ("impose_sanctions", False) if objs & SANCTION_WORDS or any(c.lemma_.lower() in SANCTION_WORDS for c in token.subtree) else None
        if lemma == "send" and objs & MESSAGE_WORDS:
            return "communicate", False
        if lemma in OPENING_VERBS and any(NOUN_TRIGGERS.get(o) == "investigate" for o in objs):
            return "investigate", False
        if lemma in ("open", "attend", "address", "inaugurate") and (objs & OCCASION_WORDS or any(
                c.dep_ == "dobj" and any(t.lower_ in OCCASION_WORDS for t in c.subtree if t.i <= c.i) for c in token.children)):
            return "attend", False
        if lemma in ("extend", "postpone", "delay", "move", "push", "bring", "change") and objs & DEADLINE_WORDS:
            return "change_deadline", False
        if lemma in ("publish", "release", "disclose", "leak", "make") and objs & DOCUMENT_WORDS:
            return "disclose", False
        if lemma in SAYING_VERBS and any(c.dep_ == "ccomp" and _negated_clause(c) for c in token.children) or lemma in SAYING_VERBS and any(
                # a parse slip: "said the following day that no meeting had taken place" hangs the
                # clause on "day" as a relative clause
                c.dep_ == "npadvmod" and any(r.dep_ == "relcl" and _negated_clause(r) for r in c.children) for c in token.children):
            return "deny", False
        if lemma in ("decline", "refuse") and any(c.dep_ == "xcomp" and c.lemma_ in ("comment", "talk", "respond") for c in token.children):
            return "decline_comment", False
        if lemma in ("remove", "strike", "review", "study", "examine", "post", "write", "name", "press", "respond", "exchange", "speak", "host", "sign"):
            # frequent verbs with many non-event senses: only with a named participant
            if not any(c.ent_type_ in ENTITY_LABELS for c in token.children if c.dep_ in ("nsubj", "dobj", "nsubjpass")):
                return None
        if lemma in VERB_TRIGGERS:
            etype = VERB_TRIGGERS[lemma]
            if etype == "consult" and _by_phone(token):
                return "call", False  # "discussed on the phone", "spoke by telephone": CAMEO 041
            return etype, False
        return None
    # a capitalised common noun opening a sentence ("Exchange 18 calls ... took place") is often
    # tagged as a proper noun; it is not a name when no entity covers it
    sentence_initial = token.tag_ == "NNP" and token.is_sent_start and not token.ent_type_
    if token.pos_ in ("NOUN", "PROPN") and (token.tag_ not in ("NNP",) or sentence_initial):
        if sentence_initial:
            lemma = token.lower_
        if lemma in ("call", "talk", "contact", "exchange", "review", "strike", "deal", "response", "exchange"):
            if token.dep_ == "compound":
                return None
        if lemma == "exchange" and token.head.lower_ == "in" and any(c.lower_ == "for" for c in token.children):
            return None  # "in exchange for": an idiom, not a talk
        if lemma in NOUN_TRIGGERS:
            return NOUN_TRIGGERS[lemma], True
    return None


PHONE_WORDS = frozenset(("phone", "telephone", "telephones", "phones", "phonecall"))


def _by_phone(verb: Any) -> bool:
    """Whether a talking verb is modified by "on/by/over the phone"."""
    heads = [verb] + [c for c in verb.children if c.dep_ == "dobj"]  # "discussed the tariffs on the phone"
    for head in heads:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "by", "over", "via"):
                if any(t.lower_ in PHONE_WORDS for t in c.subtree):
                    return True
    return False


# Words saying a report is of a habit or of many occurrences, not of one event.
FREQUENCY_WORDS = frozenset(("frequent", "frequently", "often", "regularly", "repeatedly", "routinely", "usually",
                             "constantly", "occasionally", "sometimes", "daily", "weekly", "twice", "always"))
COUNT_WORDS = frozenset(("times", "occasions"))


def _generic(trigger: Any, is_noun: bool) -> bool:
    """A report of many occurrences or of a habit: a plural nominal ("six telephone conversations",
    "contacts"), a verb with a plural event object ("exchanged 18 calls") or a count ("met four
    times"), or a frequency word on the trigger or the verb it hangs on ("conversations became more
    frequent"). "talks" is a plural form for one event and does not count."""
    if is_noun and trigger.tag_ in ("NNS", "NNPS") and trigger.lower_ not in ("talks",):
        return True
    verb = trigger
    if is_noun:
        verb = trigger.head
    for tok in {trigger.i: trigger, verb.i: verb}.values():
        for c in tok.children:
            if c.lower_ in FREQUENCY_WORDS or c.lemma_.lower() in FREQUENCY_WORDS:
                return True
            if c.dep_ in ("acomp", "advmod", "npadvmod", "dobj") and (c.lower_ in COUNT_WORDS or any(g.lower_ in FREQUENCY_WORDS for g in c.children)):
                return True
            if not is_noun and c.dep_ == "dobj" and c.tag_ == "NNS" and c.lemma_.lower() in NOUN_TRIGGERS:
                return True
    return False


def _attached_timex(trigger: Any, timexes: list[tuple[Timex, Any]], triggers: set[int]) -> Timex | None:
    """The timex whose dependency path reaches the trigger without passing another trigger."""
    best: tuple[int, Timex] | None = None
    doc = trigger.doc
    for timex, root in timexes:
        lo, hi = sorted((root.idx, trigger.idx))
        if "\n" in text_of(doc)[lo:hi]:
            continue  # a time expression never dates an event in another paragraph (merged sentences)
        tok, steps = root, 0
        while steps < 6:
            if tok.i == trigger.i:
                if best is None or steps < best[0]:
                    best = (steps, timex)
                break
            if tok.head.i == tok.i or (tok.i in triggers and tok.i != root.i):
                break
            if tok.pos_ in ("VERB", "AUX") and tok.i != trigger.i and steps > 0 and not (tok.dep_ == "acl" and tok.tag_ in ("VBG", "VBN")):
                break  # (a participle describing a noun is no clause of its own: "sent a note summarising X the following day")
            tok = tok.head
            steps += 1
    return best[1] if best else None


def _governing_verb(token: Any, hops: int = 6) -> Any | None:
    """The first verb above a token, climbing through nouns, adjectives and prepositions only."""
    cur = token
    for _ in range(hops):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


# Verbs that carry a nominal event without being one ("had a call", "held talks", "gave false
# information about a conversation", "the exchange took place"), and how far up the nominal may sit.
SUPPORT_VERBS = frozenset(("have", "hold", "make", "conduct", "host", "arrange", "attend", "provide", "give", "take",
                           "occur", "happen", "begin", "start", "end", "continue", "last"))
SUPPORT_HOPS = 3
OCCURRENCE_VERBS = frozenset(("occur", "happen", "begin", "start", "end", "continue", "last"))


def _support_verb_timex(trigger: Any, timexes: list[tuple[Timex, Any]], triggers: set[int]) -> Timex | None:
    """A nominal event without a time of its own takes the time of the verb that carries it, when that
    verb is not an event itself ("had a call on Dec. 29", "held talks in July", "gave false
    information about a conversation at the end of December")."""
    verb = _governing_verb(trigger, SUPPORT_HOPS)
    if verb is None or verb.i in triggers or verb.lemma_.lower() not in SUPPORT_VERBS:
        return None
    return _attached_timex(verb, timexes, triggers)


def _clause_timex(verb: Any, timexes: list[tuple[Timex, Any]], triggers: set[int]) -> Timex | None:
    """A verb without a time of its own takes the time of the clause it continues: a conjunct ("was
    in Dunmore that day and opened the forum") or a "where"/"when" clause on a place or time of that
    clause ("spent that day in Dunmore, where she opened the forum")."""
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _attached_timex(verb.head, timexes, set())
    if verb.dep_ == "relcl" and any(c.lower_ in ("where", "when") for c in verb.children):
        host = _governing_verb(verb.head)
        return _attached_timex(host, timexes, set()) if host is not None else None
    return None


def _occurrence(trigger: Any) -> bool:
    """Whether a nominal event is the subject of a verb of occurring ("talks took place in July",
    "the exchange happened"): the sentence is about the event itself."""
    while trigger.dep_ in ("appos", "conj") and trigger.head.i != trigger.i:
        trigger = trigger.head
    verb = trigger.head
    if trigger.dep_ not in ("nsubj", "nsubjpass") or verb.pos_ not in ("VERB", "AUX"):
        return False
    lemma = verb.lemma_.lower()
    return lemma in OCCURRENCE_VERBS or (lemma == "take" and any(c.lower_ == "place" for c in verb.children))


# The longest phrase kept as the topic of an event no one is named in (tokens).
PHRASE_TOKENS = 8
# Types that are informative alone when dated ("the November elections", "the G20 summit in July").
SELF_STANDING_TYPES = frozenset(("election", "meet", "attack", "protest"))


# Mention sources that are descriptions, not names ("the deputy minister", "her office").
DESCRIPTION_SOURCES = frozenset(("role-nominal", "possessive", "pronoun"))


def _informative(etype: str, args: list[EventArgument], trigger: Any, is_noun: bool, timex: Timex | None,
                 names: frozenset[str] = frozenset()) -> bool:
    """Whether a mention is worth a timeline row: it names who took part (a named speaker for speech
    acts), or it is a dated event of a kind that stands alone ("the November elections"). ``names``
    are the ids of mention records that are names (the mentions stage knows a lower-case "varga" in
    a machine translation is one; capitalisation alone does not)."""
    people = [a for a in args if a.role in ("actor", "target")]
    if any(name_key(a.text) or a.entity_id or a.mention_id in names for a in people):
        return True  # someone named took part ("visit our site" names no one)
    if etype in ("ease_sanctions", "impose_sanctions") and args:
        return True  # the sanctions are what the event is about ("sanctions may be weakened")
    anaphoric = is_noun and any(c.dep_ == "det" and c.lower_ in ("that", "this", "the") for c in trigger.children)
    dated_alone = timex is not None and (etype in SELF_STANDING_TYPES or (is_noun and _occurrence(trigger)))
    return dated_alone or (anaphoric and etype in COMPATIBLE)


def _reporting_timex(trigger: Any, timexes: list[tuple[Timex, Any]], triggers: set[int]) -> Timex | None:
    """For "announced on Wednesday that it has appointed ...": the reporting verb's own timex."""
    verb = trigger if trigger.pos_ == "VERB" else None
    if verb is None or verb.dep_ != "ccomp" or verb.head.lemma_ not in REPORTING_VERBS:
        return None
    if verb.tag_ not in ("VBD", "VBN"):
        return None
    return _attached_timex(verb.head, timexes, set())


def _mention_for(start: int, end: int, mentions: list[Mention]) -> Mention | None:
    for m in mentions:
        if m.start <= start < m.end or start <= m.start < end:
            return m
    return None


def _is_date_value(value: str) -> bool:
    return bool(value) and value[:4].isdigit()


def event_mentions(doc_id: str, text: str, parsed: Any, timexes: list[Timex], mentions: list[Mention]) -> list[EventMention]:
    """Event mentions of one parsed document (see the module docstring)."""
    triggers: dict[int, tuple[str, bool]] = {}
    for token in parsed:
        found = _trigger_type(token)
        if found:
            triggers[token.i] = found
    timex_roots = []
    for t in timexes:
        span = parsed.char_span(t.start, t.end, alignment_mode="expand")
        if span is not None and len(span):
            timex_roots.append((t, span.root))
    pronouns = _Pronouns(parsed)
    names = frozenset(m.id for m in mentions if m.source not in DESCRIPTION_SOURCES)
    range_of: dict[str, str] = {}
    for begin, end in timex_ranges(text, timexes):
        value = range_value(begin, end)
        if value:
            range_of[begin.id] = range_of[end.id] = value
    out: list[EventMention] = []
    for i, (etype, is_noun) in sorted(triggers.items()):
        token = parsed[i]
        # a nominal inside a time expression ("the Dec. 29 call" is fine; "election day" is not)
        if any(t.start <= token.idx < t.end for t in timexes):
            continue
        if is_noun and token.dep_ in ("appos", "conj") and token.head.i in triggers and triggers[token.head.i][1]:
            continue  # "Exchange 18 calls and text messages": the apposition re-describes the same event
        if is_noun and token.dep_ == "dobj" and triggers.get(token.head.i) == (etype, False):
            continue  # "opened a review": the verb is the event, its object names it
        etype_info = ONTOLOGY[etype]
        start, end = token.idx, token.idx + len(token.text)
        if not is_noun:
            # multiword triggers keep their particle / complement ("pleaded guilty", "sworn in")
            for c in token.children:
                if c.dep_ in ("prt",) or (etype == "acknowledge" and c.lower_ == "guilty"):
                    end = max(end, c.idx + len(c.text))
        args = []
        seen: set[tuple[str, int]] = set()
        for a in _arguments(token, is_noun, etype, pronouns):
            if (a.role, a.token.i) in seen or a.token.i == token.i:
                continue
            seen.add((a.role, a.token.i))
            s_tok, e_tok = _entity_span(a.token) if a.role != "topic" else (min(t.i for t in a.token.subtree), max(t.i for t in a.token.subtree) + 1)
            if a.role == "topic" and e_tok - s_tok > 8:
                s_tok, e_tok = _entity_span(a.token)
            s_char = parsed[s_tok].idx
            e_char = parsed[e_tok - 1].idx + len(parsed[e_tok - 1].text)
            mention = _mention_for(parsed[a.token.i].idx, parsed[a.token.i].idx + len(a.token.text), mentions)
            if mention is not None and a.role != "topic" and mention.start <= parsed[a.token.i].idx < mention.end:
                s_char, e_char = mention.start, mention.end  # the mentions stage knows where a name starts ("in that day varga")
            args.append(EventArgument(a.role, doc_id, s_char, e_char, text[s_char:e_char],  # type: ignore[arg-type]
                                      mention.entity_id if mention else None, mention.id if mention else None))
        timex = _attached_timex(token, timex_roots, set(triggers)) or _reporting_timex(token, timex_roots, set(triggers)) \
            or (_support_verb_timex(token, timex_roots, set(triggers)) if is_noun else _clause_timex(token, timex_roots, set(triggers)))
        if is_noun and etype in COMPATIBLE and not any(a.role == "actor" for a in args):
            # "Prior to the Dec. 29 call with Kislyak, Flynn called ...": a nominal call/meeting in an
            # adverbial phrase takes the named person who is the subject of the verb the phrase
            # hangs on (not any subject of the sentence: "Trump fired Flynn when ... a conversation
            # with Kislyak" gives the conversation no actor)
            targets = {a.text for a in args if a.role == "target"}
            verb = _governing_verb(token)
            subj = next((t for t in verb.children if t.dep_ == "nsubj" and t.ent_type_ == "PERSON" and t.text not in targets), None) if verb is not None else None
            if subj is not None and token.dep_ in ("pobj",) and token.head.dep_ in ("prep",):
                s_tok, e_tok = _entity_span(subj)
                s_char, e_char = parsed[s_tok].idx, parsed[e_tok - 1].idx + len(parsed[e_tok - 1].text)
                mention = _mention_for(subj.idx, subj.idx + len(subj.text), mentions)
                args.append(EventArgument("actor", doc_id, s_char, e_char, text[s_char:e_char], mention.entity_id if mention else None, mention.id if mention else None))
        if not _informative(etype, args, token, is_noun, timex, names):
            continue
        if is_noun and not any(a.role in ("actor", "target", "topic") for a in args):
            # no one named: the event's own phrase ("Exchange 18 calls and text messages") says what it is
            sub = [t for t in token.subtree if t.pos_ != "PUNCT"][:PHRASE_TOKENS]
            if len(sub) > 1:
                s_char, e_char = sub[0].idx, sub[-1].idx + len(sub[-1].text)
                args.append(EventArgument("topic", doc_id, s_char, e_char, text[s_char:e_char]))
        sent = token.sent
        modality = _modality(token, is_noun)
        date = timex.value if timex and timex.type in ("DATE", "TIME") else None
        if timex is not None:
            # "Jan. 24, two days after he was sworn in": the swearing-in is two days before the date;
            # "from April to November 2016": the event spans the range
            date = offset_event_value(text, timex, timexes) or range_of.get(timex.id) or date
        out.append(EventMention(
            id=record_id("em", doc_id, start, end, etype),
            doc_id=doc_id, start=start, end=end, text=text[start:end], type=etype,
            cameo=etype_info.cameo, plover=etype_info.plover, arguments=tuple(args),
            timex_id=timex.id if timex else None,
            date=date,
            modality=modality,
            sentence=Span(doc_id, sent.start_char, sent.end_char, text[sent.start_char:sent.end_char]),
            generic=_generic(token, is_noun),
        ))
    return [m for m in _inherit_anaphoric(out, parsed) if m.date or any(a.role in ("actor", "target") for a in m.arguments)]


# A definite or demonstrative nominal ("that call", "the conversation") with no date of its own takes
# the date and participants of the latest event of a compatible type this close before it (sentences).
ANAPHORA_WINDOW_SENTENCES = 3
COMPATIBLE = {"call": {"call", "consult", "request"}, "consult": {"call", "consult", "meet"}, "meet": {"meet", "consult"}}


def _inherit_anaphoric(mentions: list[EventMention], parsed: Any) -> list[EventMention]:
    sent_index = {s.start_char: n for n, s in enumerate(parsed.sents)}
    out: list[EventMention] = []
    for m in mentions:
        if m.date is None and m.type in COMPATIBLE and m.sentence is not None:
            tok = parsed.char_span(m.start, m.end, alignment_mode="expand")
            det = [c.lower_ for c in tok.root.children if c.dep_ == "det"] if tok is not None else []
            if det and det[0] in ("that", "this", "the") and tok.root.pos_ == "NOUN":
                here = sent_index.get(m.sentence.start, 0)
                for prev in reversed(out):
                    if prev.sentence is None or prev.date is None or prev.type not in COMPATIBLE[m.type]:
                        continue
                    if here - sent_index.get(prev.sentence.start, 0) > ANAPHORA_WINDOW_SENTENCES:
                        break
                    extra = tuple(a for a in prev.arguments if a.role in ("actor", "target") and not any(b.role == a.role for b in m.arguments))
                    m = EventMention(m.id, m.doc_id, m.start, m.end, m.text, m.type, m.cameo, m.plover, m.arguments + extra,
                                     prev.timex_id, prev.date, m.modality, m.sentence, m.generic)
                    break
        out.append(m)
    return out


@document_stage("extract_events", "3", produces=("event_mention",), requires=("timex",), needs_parse=True)
def extract_events(ctx: DocumentContext) -> Iterator[EventMention]:
    """Document stage: the document's event mentions (needs the parse; uses timexes and, when the
    mentions stage ran, mention records for arguments)."""
    if ctx.parsed is None:
        return
    yield from event_mentions(ctx.document.id, ctx.document.text, ctx.parsed, list(ctx.records.get("timex", [])), list(ctx.records.get("mention", [])))
