"""Extract stage: who said what — attributions (source, cue, content spans) and their claims.

Stage ``extract.attributions`` (document stage, needs the parse) finds, in one document:

- direct quotes in any quotation-mark style (straight, curly, guillemets, „low-high“, doubled
  apostrophes), spanning sentences and paragraphs, interrupted by their cue ("It's his job," said X,
  "He talked ..."), continued by the next quote with no cue of its own (a run of quotes);
- indirect speech: a reporting verb with a subject and a clausal complement ("X said (that) ...",
  "X told Reuters ...", "X denied that ...", "X believes ..."), "according to X, ...", parenthetical
  cues ("..., the sources said"), refusals ("X declined to comment", "did not respond to requests for
  comment");
- the speaker, typed named / pronoun / role / anonymous / outlet / document, with pronouns, role
  nominals and unintroduced surnames resolved to the nearest compatible named speaker;
- the stance (asserts, denies, declines, confirms) and the reporting chain (outlet -> cited outlet or
  document -> speaker).

Then :mod:`storyline.extract.claims` turns each attribution's content, and the article's own
unattributed reporting sentences, into claims. Everything is a pure function of the spaCy ``Doc``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from storyline.ids import record_id
from storyline.model import Attribution, Span
from storyline.nlp.parse import text_of
from storyline.stages import DocumentContext, document_stage

# ---------------------------------------------------------------------------------------------
# Lexicons

# Reporting, cognition and intention verbs that head an attribution when they have a subject and a
# clausal complement. Checked on PolNeAR *train* (840 articles) with
# `python -m storyline.eval.attribution calibrate train.jsonl`: a lemma stays when, with a subject and a
# complement, it was an annotated cue in >= CUE_RATIO_FLOOR of its (>= 5) occurrences, or it is a core
# speech verb of news style too rare there to be measured. That removed think (0.12), know (0.13),
# want (0.18), see (0.17), mean (0.09), feel (0.14), understand (0.10), hear (0.11), intend (0.23):
# mostly the reporter's or a quoted speaker's turns of phrase, not attributions. A lemma outside the
# list joins it when the same count puts it at >= CUE_RATIO_ADMIT (over F1/2, the precision at which an
# extra prediction still raises F1): the last block below, e.g. seek 0.47 (141 occurrences), issue 0.68
# (40), post 0.61 (41), compare 0.68 (19), publish 0.69 (16), voice 0.79 (14), lament 0.90 (10), decry
# 1.00 (11), read 0.41 (41). Admitted lemmas whose predictions then scored under 0.33 token precision on
# train (release, sign, file, ban, look, unveil, anger, coin, cheer, alarm: "released a poll", "signed
# a bill") were taken out again. Train content overlap F1 0.663 -> 0.674 (P 0.793 -> 0.779, R 0.570 ->
# 0.594); the 0.30-0.40 band (cast, pass, learn, view, embrace, ...) added 0.001 F1 for 0.013 precision
# and stays out, as do want (0.18: +0.000 F1, -0.008 P) and think (0.12).
CUE_RATIO_FLOOR = 0.25
CUE_RATIO_ADMIT = 0.40
CUE_VERBS: frozenset[str] = frozenset(
    """
    say tell add write ask note report announce suggest claim state argue explain insist deny confirm
    acknowledge admit believe hope hop warn predict promise pledge vow tweet testify allege
    contend assert declare reply respond retort recall reveal disclose concede complain charge
    accuse urge caution emphasize emphasise stress indicate signal agree disagree dispute reject dismiss
    estimate expect fear worry doubt suspect conclude find show recommend propose demand call question
    wonder remark observe point continue boast joke quip muse speculate counter reiterate repeat assure
    inform notify threaten plan decline refuse hint imply reckon seem appear decide vote support
    describe order recognize prefer offer mention endorse aim rule push request remind forget persuade
    criticize criticise praise blame denounce blast tout mock thank defend oppose attack express cite
    back extol slam tweet acknowledge exclaim confess shout chant yell scream answer echo
    discuss list share challenge congratulate applaud highlight debate condemn disavow recite email
    encourage promote champion favor favour portray
    seek read post issue lay identify name nominate compare publish voice quote decry knock project
    sound resist lament invoke advocate press deem reference retweet retweete prohibit rattle renew
    negotiate approve recount brush position characterize characterise perceive regard convince
    reaffirm contrast credit contradict outline distance hail liken calculate explore insult detail
    hammer spot dub bemoan illustrate attribute pressure proclaim rebut disparage single
    """.split()
)

# Verb + preposition cues whose prepositional object is the content: "called for an investigation",
# "voted for Cruz", "referred to Trump".
PREP_CUES: dict[str, frozenset[str]] = {
    lemma: frozenset(preps.split("|"))
    for lemma, preps in (
        ("call", "for|on"), ("refer", "to"),
        ("speak", "about|of|out"), ("point", "to"), ("ask", "about|for"), ("push", "for"), ("argue", "for|against"),
        ("warn", "of|about|against"), ("complain", "about"), ("rail", "against"), ("advocate", "for"),
        ("lash", "out"), ("hit", "back"), ("weigh", "in"), ("comment", "on"), ("insist", "on"), ("plead", "for"),
        ("campaign", "for|against"), ("express", "support"), ("agree", "with"), ("side", "with"), ("pray", "for"),
        ("root", "for"), ("testify", "about"), ("boast", "about|of"), ("joke", "about"), ("write", "about"),
        ("talk", "about|of"), ("focus", "on"), ("apologize", "for"), ("apologise", "for"),
    )
}

# Verbs whose infinitive complement is the content: "hopes to ...", "declined to comment".
INTENTION_CUES: frozenset[str] = frozenset(
    "hope hop plan decline refuse promise pledge vow threaten expect seem appear decide aim prefer offer "
    "urge ask vote order persuade remind seek".split()
)

# Cue lemmas whose noun-phrase object alone (no clause, no quote, no predicate) is not something said:
# "found the money", "added a provision", "continued the practice", "issued a statement", "ruled the
# state". Measured on PolNeAR train (840 articles): the token precision of predictions whose content is
# only the verb's object, per lemma with >= 5 of them, was under F1/2 (~0.34, below which a prediction
# lowers F1) for these: find 0.31 (119), add 0.17 (33), continue 0.19 (28), issue 0.31 (42), decide 0.19
# (9), debate 0.29 (7), convince 0.25 (7), rule 0.14 (7), worry 0.33 (6), and answer 0.38 (28: "answering
# the question" reports no answer; train F1 -0.0001, precision +0.0006, dev F1 +0.0006); every other lemma's object held
# up (call 0.72, discuss 0.62, express 0.79, describe 0.80, talk about 0.67, focus on 0.45 ...), so an
# object stays content for them. A clause, a quote or an object with its predicate ("called him a liar")
# is unaffected.
NP_IMPRECISE_CUES: frozenset[str] = frozenset("find add continue issue decide debate convince rule worry answer".split())

# Verbs of intention, request and refusal: a speech verb in their infinitive ("asked to comment on ...",
# "refused to talk about contacts", "plans to announce ...", "promised to discuss ...") is a speech not
# (yet) made — the head verb's own attribution, if any, carries it. On PolNeAR train the infinitive cue
# under these heads scored 0.05-0.31 token precision (plan 0.05 of 20, ask 0.10 of 10, expect 0.18 of 11,
# pledge 0.14, decide 0.17, urge 0.00, promise 0.00, want 0.31, seek 0.31, begin 0.23); decline 0.40 and
# refuse 0.42 are counted with them (the refusal is the attribution), while "continued to say" (0.77),
# "tried to argue" (0.61), "seemed to suggest" (0.71) report a speech made and stay.
UNPERFORMED_HEADS: frozenset[str] = frozenset(
    "plan ask expect pledge decide urge promise want seek begin vow threaten aim hope intend prepare "
    "decline refuse".split()
)

# Speech acts proper: reported inside another speaker's content they stay attributions of their own
# (see _nested); attitude and stance verbs there (supports, plans, believes, expects) do not.
NESTED_SPEECH_ACTS: frozenset[str] = frozenset(
    """
    say tell claim report write announce add state insist assert declare tweet testify allege reply respond
    answer warn argue explain deny reject dismiss dispute confirm acknowledge admit concede reveal disclose
    predict promise pledge vow threaten
    """.split()
)

# Off: any verb with a speaker-like subject and a clause as a cue. On PolNeAR train[:60] it moved
# attribution recall 0.53 -> 0.55 and precision 0.83 -> 0.78, content overlap F1 unchanged (0.59).
GENERIC_CLAUSE_CUES = False

# Verbs whose object is the person addressed, not what was said: "told Reuters", "urged Congress".
ADDRESSEE_CUES: frozenset[str] = frozenset("tell ask inform notify remind persuade urge order thank assure".split())

DENY_VERBS: frozenset[str] = frozenset("deny reject dismiss dispute refute contest rebut".split())
CONFIRM_VERBS: frozenset[str] = frozenset("confirm acknowledge admit concede".split())
DECLINE_VERBS: frozenset[str] = frozenset("decline refuse".split())
# "did not respond to requests for comment", "would not comment", "was not available for comment"
NO_COMMENT_VERBS: frozenset[str] = frozenset("respond comment return reply answer".split())

PRONOUNS: dict[str, str] = {
    "he": "person", "him": "person", "she": "person", "her": "person", "i": "person",
    "they": "group", "we": "group", "it": "thing", "you": "person",
}

# Nouns that make a source a role nominal ("a Kremlin spokesman", "the press secretary").
ROLE_NOUNS: frozenset[str] = frozenset(
    """
    spokesman spokeswoman spokesperson secretary minister president ambassador adviser advisor aide
    lawyer attorney director chairman chairwoman chair chief senator governor mayor representative
    envoy diplomat official officer leader head candidate nominee commander general judge prosecutor
    counsel deputy premier chancellor king queen prince emperor manager executive founder owner
    """.split()
)
# Role nouns that all mean "the one who speaks for": a spokesman is the press secretary introduced earlier.
SPOKES_NOUNS: frozenset[str] = frozenset("spokesman spokeswoman spokesperson secretary".split())
# How far before a person's name (characters) its role title may start: "the press Secretary of the President ".
ROLE_WINDOW = 60
# Words that make a one-word named speaker an institution, not a person.
INSTITUTION_WORDS: frozenset[str] = frozenset(
    "kremlin house ministry department committee government embassy council party agency office court "
    "congress senate parliament fbi cia nsa nato un eu pentagon administration campaign union bank police "
    "army military commission bureau duma cabinet company corporation group".split()
)
# Heads of partitive sources ("one of the officials", "some of his aides").
PARTITIVES: frozenset[str] = frozenset("one some many several most few all each none both".split())
# Head nouns of sources that stay anonymous by design.
ANONYMOUS_NOUNS: frozenset[str] = frozenset(
    "source sources official officials people person aides insiders insider diplomats experts analysts "
    "observers critics residents witnesses participants officers lawmakers members someone".split()
)
OUTLET_NOUNS: frozenset[str] = frozenset(
    "newspaper paper publication outlet agency magazine channel network broadcaster daily tabloid "
    "website site edition journal".split()
)
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    "document documents filing filings report statement lawsuit complaint indictment memo memorandum "
    "email emails letter dossier transcript charge affidavit record records poll survey study data "
    "analysis review order ruling warrant motion offense assessment cable note notes".split()
)
# Outlets named in news copy (a name here makes a source an outlet, and a cited outlet in the chain).
KNOWN_OUTLETS: tuple[str, ...] = (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "CNN", "NBC", "NBC News", "CBS",
    "CBS News", "ABC", "ABC News", "Fox News", "MSNBC", "BBC", "Bloomberg", "Politico", "Axios",
    "The Washington Post", "Washington Post", "The New York Times", "New York Times", "The Wall Street Journal",
    "Wall Street Journal", "USA Today", "The Guardian", "Guardian", "The Independent", "Financial Times",
    "The Times", "The Post", "The Journal", "Interfax", "TASS", "RIA Novosti", "RIA", "Kommersant",
    "Vedomosti", "Izvestia", "Der Spiegel", "Le Monde", "Breitbart", "Huffington Post", "BuzzFeed",
    "The Hill", "NPR", "Al Jazeera", "Xinhua", "The Daily Beast", "Daily Mail", "The Telegraph",
)
_OUTLET_KEYS = {o.lower().removeprefix("the ") for o in KNOWN_OUTLETS}

# Words of an outlet's appeal to its readers (donation and subscription prompts): a "we" speaker in a
# paragraph with one of them is the outlet promoting itself, not a source.
OUTLET_APPEAL = re.compile(
    r"\b(journalism|our (reporting|journalists|newsroom|readers)|your (support|donation|contribution)|donat\w*|"
    r"subscri\w*|paywalls?|independent (reporting|journalism))\b",
    re.I,
)

# Opening mark -> the marks that can close it.
QUOTE_MARKS: dict[str, str] = {
    "“": "”",
    "„": "“”",
    "«": "»",
    "»": "«",
    "‹": "›",
    '"': '"',
    "”": "”",  # Swedish/Finnish style ”...”
    "「": "」",
}
# A quote longer than this many characters without a close is a stray mark, not a quote.
MAX_QUOTE_CHARS = 4000
# How far (tokens) after a quote's close the cue may sit: `"...," Peskov said Monday in a call` fits.
CUE_WINDOW_AFTER = 8
# How far (tokens) before a quote's open the cue may sit: `Peskov said: "..."`.
CUE_WINDOW_BEFORE = 12


# ---------------------------------------------------------------------------------------------
# Quotes


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Character ranges of quotations (marks included), in text order.

    A quote runs from an opening mark to its matching close; nested quotes of the same style are
    counted. A quote left open at a paragraph break continues when the next paragraph opens with a
    quotation mark (the typographic convention for multi-paragraph quotes); otherwise the open mark
    was a stray and reading resumes right after it. A quote longer than MAX_QUOTE_CHARS is a stray.

    Linear in the length of the text (issue 9: it once rescanned up to MAX_QUOTE_CHARS after every
    unclosed mark): each style's closes are matched once over the whole text, and the text is then
    read left to right visiting only the marks that open a quote.
    """
    # every quote each mark would open if it were read as an opener (a mark inside an earlier quote
    # is not), keyed by position; a character is one mark, so positions do not collide
    breaks = [m.start() for m in re.finditer("\n", text)]
    would_open: list[tuple[int, int | None]] = []
    for opener in QUOTE_MARKS:
        if opener in text:
            would_open.extend(_QuoteStyle(text, opener, breaks).quotes())
    apostrophes = None
    if "''" in text:
        # a stray '' skips its second apostrophe, so a run of them is read in order, pair by pair
        apostrophes = _QuoteStyle(text, "''", breaks)
        would_open.extend((m.start(), None) for m in _APOSTROPHE_PAIR.finditer(text))
    would_open.sort(key=lambda q: q[0])
    quotes: list[tuple[int, int]] = []
    resume = 0
    for start, end in would_open:
        if start < resume:
            continue
        if end is None and apostrophes is not None:
            if start and text[start - 1].isalnum():
                continue  # "rock''n''roll", not an opening mark
            end = apostrophes.close(start)
            if end is None:
                resume = start + 2
                continue
        if end is not None:
            quotes.append((start, end))
            resume = end
    return quotes


_APOSTROPHE_PAIR = re.compile("(?='')")  # a lookahead, so that "'''" holds two pairs
_NON_SPACE = re.compile(r"\S")


class _QuoteStyle:
    """Where the quotes of one opening mark close, worked out once for the whole text.

    Nesting marks (“ „ « » ‹ 「) are matched with a stack per paragraph: a close ends the innermost
    open mark. Symmetric marks (" ” '') do not nest: a quote ends at the first mark that can close it
    (not one between a space and a word, which opens). A quote still open at a paragraph break (for a
    nesting mark: the innermost one open there) continues when the next paragraph opens with the same
    mark, and ends where that paragraph's quote ends.
    """

    def __init__(self, text: str, opener: str, breaks: list[int]) -> None:
        self.text = text
        self.breaks = breaks  # positions of every "\n" in the text
        self.opener = opener
        self.symmetric = opener in ('"', "”", "''")
        self.matched: dict[int, int] = {}  # nesting: opening mark -> closing mark in its paragraph
        self.open_at_break: dict[int, int] = {}  # nesting: innermost mark open at a break -> the break
        self.after_break: dict[int, int | None] = {}  # break -> closing mark of the quote continued there
        if self.symmetric:
            # where a quote of this style may close
            pattern = "(?='')" if opener == "''" else f"(?<!\\s){opener}|{opener}(?!\\S)"
            self.closes = [m.start() for m in re.finditer(pattern, text)]
            return
        closers = QUOTE_MARKS[opener]
        stack: list[int] = []
        previous = 0
        for m in re.finditer("[" + re.escape(opener + closers) + "]", text):
            at = m.start()
            if stack:
                brk = text.find("\n", previous, at)
                if brk >= 0:
                    self.open_at_break[stack[-1]] = brk
                    stack.clear()
            previous = at
            if text[at] in closers:  # checked first: for »...« the close is also a mark that opens
                if stack:
                    self.matched[stack.pop()] = at
            else:
                stack.append(at)
        if stack:
            brk = text.find("\n", previous)
            if brk >= 0:
                self.open_at_break[stack[-1]] = brk

    def quotes(self) -> list[tuple[int, int | None]]:
        """(start, end) of the quote each opening mark of this style would open, for the marks that open one.

        Runs once per mark of a text that may hold millions, so the lookups are inlined here."""
        text, n, longest = self.text, len(self.text), MAX_QUOTE_CHARS
        out: list[tuple[int, int | None]] = []
        if self.symmetric:
            closes, breaks = self.closes, self.breaks
            c = b = 0  # the next close and break after the mark: marks come in order, so these only advance
            # a symmetric mark opens after a space, a bracket or a dash (or at the start), before a non-space
            for m in re.finditer(f"(?<![^\\s(\\[{{—–\\-:]){self.opener}(?=\\S)", text):
                start = m.start()
                while c < len(closes) and closes[c] <= start:
                    c += 1
                while b < len(breaks) and breaks[b] <= start:
                    b += 1
                if b < len(breaks) and (c == len(closes) or breaks[b] < closes[c]):
                    last = self._continued(breaks[b])
                else:
                    last = closes[c] if c < len(closes) else None
                if last is not None and last < start + longest:
                    out.append((start, last + 1))
            return out
        for start, last in self.matched.items():
            if last < start + longest and start + 1 < n and not text[start + 1].isspace():
                out.append((start, last + 1))
        for start, brk in self.open_at_break.items():
            if start + 1 < n and not text[start + 1].isspace():
                last = self._continued(brk)
                if last is not None and last < start + longest:
                    out.append((start, last + 1))
        return out

    def close(self, start: int) -> int | None:
        """End (exclusive) of the quote a mark of this style at ``start`` opens, or None when it is a stray."""
        last = self._closing_mark(start)
        if last is None or last >= start + MAX_QUOTE_CHARS:
            return None
        return last + len(self.opener)

    def _closing_mark(self, start: int) -> int | None:
        """Position of the mark that closes the quote opened at ``start``, across paragraphs."""
        if self.symmetric:
            close, brk = self._next_close_or_break(start + len(self.opener))
            return close if brk is None else self._continued(brk)
        if start in self.matched:
            return self.matched[start]
        brk = self.open_at_break.get(start)
        return None if brk is None else self._continued(brk)

    def _next_close_or_break(self, at: int) -> tuple[int | None, int | None]:
        """(closing mark, None) or (None, paragraph break), whichever of a symmetric style comes first
        from ``at``; (None, None) when neither does."""
        k = bisect_left(self.closes, at)
        close = self.closes[k] if k < len(self.closes) else None
        k = bisect_left(self.breaks, at)
        brk = self.breaks[k] if k < len(self.breaks) else None
        if brk is not None and (close is None or brk < close):
            return None, brk
        return close, None

    def _continued(self, brk: int) -> int | None:
        """Closing mark of a quote still open at paragraph break ``brk``: the quote continues when the
        next paragraph opens with the same mark. Breaks are followed iteratively and remembered, so a
        chain of open paragraphs is walked once however many marks lead into it."""
        text = self.text
        if brk + 1 < len(text) and text[brk + 1] != self.opener[0] and not text[brk + 1].isspace():
            return None  # the usual case, answered without the bookkeeping: the next paragraph is no quote
        chain: list[int] = []
        result: int | None = None
        while True:
            if brk in self.after_break:
                result = self.after_break[brk]
                break
            chain.append(brk)
            start = brk + 1
            if start < len(text) and text[start].isspace():  # usually the paragraph starts right there
                nxt = _NON_SPACE.search(text, start)
                start = len(text) if nxt is None else nxt.start()
            if not text.startswith(self.opener, start):
                break
            if self.symmetric:
                close, next_brk = self._next_close_or_break(start + len(self.opener))
                if next_brk is None:
                    result = close
                    break
                brk = next_brk
            elif start in self.matched:
                result = self.matched[start]
                break
            elif start in self.open_at_break:
                brk = self.open_at_break[start]
            else:
                break
        for link in chain:
            self.after_break[link] = result
        return result


# ---------------------------------------------------------------------------------------------
# Intermediate form


@dataclass
class Found:
    """An attribution before ids and speaker resolution (token indices into the parse)."""

    cue: list[Any]  # tokens
    source: list[Any]  # tokens (may be empty)
    content: list[tuple[int, int]]  # character ranges
    direct: bool
    stance: str = "asserts"
    cited: list[str] = field(default_factory=list)
    speaker_kind: str = "unknown"
    speaker_name: str | None = None
    continued_from: Found | None = None

    @property
    def end(self) -> int:
        """Where the attribution's last span (content, cue or source) ends."""
        return max([e for _, e in self.content] + [t.idx + len(t.text) for t in self.cue + self.source])

    @property
    def anchor(self) -> int:
        """Where the attribution sits (for 'nearest previous speaker')."""
        starts = [t.idx for t in self.cue] + [s for s, _ in self.content]
        return min(starts) if starts else 0


def _subtree_tokens(tok: Any, exclude: Any = None) -> list[Any]:
    skip = set(t.i for t in exclude.subtree) if exclude is not None else set()
    return [t for t in tok.subtree if t.i not in skip]


def _trim(tokens: list[Any]) -> list[Any]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and ((tokens[0].is_punct and tokens[0].text not in "“\"«„'‘") or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and ((tokens[-1].is_punct and tokens[-1].text not in "”\"»“'’)") or tokens[-1].is_space):
        tokens = tokens[:-1]
    while tokens and tokens[-1].dep_ == "cc":
        tokens = tokens[:-1]
    return tokens


def _drop_dateline(tokens: list[Any]) -> list[Any]:
    """Content never starts with a dateline ("INTERFAX.RU — ...", "WASHINGTON (Reuters) - ...")."""
    for k, t in enumerate(tokens[:8]):
        if t.text in ("—", "–", "-") and all(x.pos_ in ("PROPN", "PUNCT", "NUM") or x.is_upper for x in tokens[:k]):
            return tokens[k + 1 :]
    return tokens


def _ranges(tokens: list[Any]) -> list[tuple[int, int]]:
    """Contiguous character ranges covering ``tokens`` (gaps in token indices split ranges)."""
    out: list[tuple[int, int]] = []
    prev = None
    for t in sorted(tokens, key=lambda t: t.i):
        if prev is not None and t.i == prev.i + 1:
            out[-1] = (out[-1][0], t.idx + len(t.text))
        else:
            out.append((t.idx, t.idx + len(t.text)))
        prev = t
    return out


def _subject(verb: Any) -> list[Any]:
    """The verb's subject tokens; participles and conjoined verbs borrow their head's subject."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        # the parser can hang a headline's subject on the body's verb too: take the nearest, on its line
        lo, hi = _line(verb)
        c = min(subjects, key=lambda c: (not lo <= c.idx < hi, abs(c.i - verb.i)))
        if c.tag_ in ("WDT", "WP") or (c.lower_ == "that" and verb.dep_ == "relcl"):
            return _antecedent(verb)
        return _trim([t for t in c.subtree if lo <= t.idx < hi]) or _adjacent_subject(verb)
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN") and verb.head.i < verb.i:
        # "a statement saying ...", "O'Malley calling Trump a fascist": the noun the participle modifies
        lo, hi = _line(verb)
        skip = {t.i for t in verb.subtree}
        return _trim([t for t in verb.head.subtree if t.i not in skip and t.i < verb.i and lo <= t.idx < hi])
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        # "Trump responded by saying ...", "After saying he was nervous, the man ...": the clause the
        # preposition hangs on speaks
        return _subject(verb.head.head)
    if verb.dep_ in ("conj", "advcl", "xcomp", "parataxis", "acl") and verb.head.i != verb.i:
        # "X endorsed Cruz, saying ..." / "X said ... and added ...": the head's subject speaks
        purpose = verb.dep_ == "advcl" and verb.tag_ == "VB" and any(c.tag_ == "TO" for c in verb.children) and verb.head.i < verb.i
        if verb.dep_ != "conj" and verb.tag_ not in ("VBG",) and not (verb.dep_ == "xcomp" and verb.head.i < verb.i) and not purpose:
            return []  # but "X went on to say" borrows its head's subject
        return _subject(verb.head)
    return _adjacent_subject(verb)


def _antecedent(verb: Any) -> list[Any]:
    """The speaker of a relative clause is the noun it hangs on ("Ines Calloway, who asked ..." ->
    Ines Calloway; "a report, which said ..." -> a report); a relative pronoun never speaks itself.
    Without a noun to hang on (a parse that lost it), there is no speaker."""
    if verb.dep_ != "relcl" or verb.head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return []
    head = verb.head
    lo, hi = _line(verb)
    skip = {t.i for t in verb.subtree}
    return _trim([t for t in head.subtree if t.i not in skip and t.i <= head.i and lo <= t.idx < hi])


def _adjacent_subject(verb: Any) -> list[Any]:
    """`Chris Christie said he would ...` parsed with the name hung on the headline above: the noun
    phrase right before a finite verb, on its line, is its subject."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return []
    doc = verb.doc
    lo, _ = _line(verb)
    k = verb.i - 1
    while k >= 0 and doc[k].idx >= lo and doc[k].dep_ in ("aux", "neg", "advmod") and doc[k].pos_ in ("AUX", "PART", "ADV"):
        k -= 1
    if k < 0 or doc[k].idx < lo:
        return []
    for chunk in doc.noun_chunks:
        if chunk.end - 1 == k and chunk.root.pos_ in ("PROPN", "NOUN", "PRON") and chunk.start_char >= lo:
            return _trim(list(chunk))
    return []


def _line(tok: Any) -> tuple[int, int]:
    """Character range of the line (paragraph) holding the token."""
    text = text_of(tok.doc)
    lo = text.rfind("\n", 0, tok.idx) + 1
    hi = text.find("\n", tok.idx)
    return lo, (len(text) if hi < 0 else hi)


def _cue_tokens(verb: Any) -> list[Any]:
    toks = [verb]
    for c in verb.lefts:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i >= verb.i - 3:
            toks.append(c)
    for c in verb.rights:
        if c.dep_ == "prt":
            toks.append(c)
    toks = sorted(toks, key=lambda t: t.i)
    # only the contiguous run ending at the verb (plus particle)
    run = [verb]
    for t in reversed([t for t in toks if t.i < verb.i]):
        if t.i == run[0].i - 1:
            run.insert(0, t)
    run += [t for t in toks if t.i > verb.i]
    return run


def _negated(tok: Any) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _in_ranges(pos: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in ranges)


def _is_cue_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in CUE_VERBS


# ---------------------------------------------------------------------------------------------
# Finding attributions


def _direct(doc: Any, quotes: list[tuple[int, int]]) -> list[Found]:
    """Attach quotes to cues next to them; continue cue-less quotes with the previous attribution.

    Order matters: a cue right after the quote wins (`"B," said Y`); then a quote that follows the
    previous attribution with nothing but punctuation between is its second half (`"A," said X, "B"`,
    `"A," he said. "B"`); then a cue before it (`X said: "B"`); then a quote opening the paragraph after
    a quote continues that speaker's run."""
    text = text_of(doc)
    found: list[Found] = []
    last: Found | None = None
    starts = [t.idx for t in doc]
    for qs, qe in quotes:
        qtoks = doc[bisect_left(starts, qs) : bisect_left(starts, qe)]
        if not qtoks:
            continue
        attached = _cue_after(doc, qtoks[-1].i + 1, qs, qe) or _dash_credit(doc, qe)
        if attached is None and last is not None and last.direct:
            last_end = last.end
            gap = text[last_end:qs] if last_end <= qs else "x"
            if not re.search(r"\w", gap) and "\n" not in gap:
                last.content.append((qs, qe))
                continue
        lead = None
        if attached is not None:
            lead = _lead_in(doc, qtoks[0], found[-1].content[-1][1] if found else 0)
        if attached is None:
            attached = _cue_before(doc, qtoks[0].i - 1, qs, qe)
            if attached is not None:
                lead = _lead_after_cue(doc, attached[0], qtoks[0])
        if attached is not None:
            verb, subj = attached
            content = [(lead, qe)] if lead is not None else [(qs, qe)]
            item = Found(cue=_cue_tokens(verb) if verb.text != ":" else [verb], source=subj, content=content, direct=True)
            item.stance = _stance(verb, None)
            if item.stance == "asserts":
                item.stance = _quote_stance(doc, item.content)
            item.cited = _cited(verb)
            found.append(item)
            last = item
            continue
        if last is not None and last.direct and last.cue and _next_sentence(doc, last, qs):
            # `"A," she said at the rally. "B."`: the quote opening the sentence after the cue's
            # sentence, with no cue of its own, is the same speaker going on
            last.content.append((qs, qe))
            continue
        if last is not None and last.direct and last.cue and _resumes_after_aside(doc, last, qs):
            # `"A," said Ms. Acosta, referring to the bankruptcy chapter. "B."`: the aside after the cue
            # names no other speaker, so the next sentence's quote is still hers
            last.content.append((qs, qe))
            continue
        if last is not None and last.direct and _starts_paragraph(text, qs):
            last_end = last.end
            if last_end <= qs and not re.search(r"\w", text[last_end:qs]):
                # one attribution with one content span per quote, as an interrupted quote is
                last.content.append((qs, qe))
                continue
        # a quote with no cue of its own: a partial quote inside reported speech, or a scare quote
    return found


def _lead_after_cue(doc: Any, verb: Any, first: Any) -> int | None:
    """Start of the speaker's own words between a cue and the quote it introduces with a comma or a
    dash: `Ryan says no matter what action Obama takes, "his word does not trump ..."`, `said that
    given the crop of candidates, "..."`. Not for a colon (`said on Monday: "..."`), nor for a time,
    place or addressee (`said Tuesday, "..."`, `told reporters, "..."`): the words must open with
    "that" or another subordinating word, or hold a verb."""
    if verb.text == ":" or first.i < 1 or doc[first.i - 1].text == ":":
        return None
    between = [t for t in doc[verb.i + 1 : first.i] if not t.is_punct and not t.is_space and t.dep_ != "prt"]
    if not between or "\n" in text_of(doc)[verb.idx : first.idx]:
        return None
    opener = next((t for t in between if t.lower_ == "that" or t.pos_ == "SCONJ"), None)
    if opener is not None:
        return opener.idx
    if len(between) >= 3 and any(t.pos_ in ("VERB", "AUX") for t in between):
        return between[0].idx
    return None


_DASH_CREDIT = re.compile(r"[^\S\n]*(―|—|–|--?)[^\S\n]*([A-Z][^\n]{0,60}?)[^\S\n]*(?:\n|$)")


def _dash_credit(doc: Any, qe: int) -> tuple[Any, list[Any]] | None:
    """A quote credited by a dash and a name that ends the line: `“...” ― Jane Doe` (reader
    comments, epigraphs). The dash is the cue, the name the speaker."""
    m = _DASH_CREDIT.match(text_of(doc), qe)
    if m is None:
        return None
    dash = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
    name = doc.char_span(m.start(2), m.end(2), alignment_mode="expand")
    if dash is None or name is None or not 1 <= len(name) <= 6:
        return None
    if not all(t.pos_ == "PROPN" or t.is_title or t.is_punct for t in name) or not any(t.is_alpha for t in name):
        return None
    return dash[-1], _trim(list(name))


def _lead_in(doc: Any, first: Any, floor: int) -> int | None:
    """Start of the words that open a partial quote's sentence before the quote, when the cue comes
    after it: `The country "has made dramatic changes," McConnell said` — the speaker's statement
    begins at "The country". None when the quote opens its sentence, or when the words before it hold a
    quotation mark or a cue verb of their own (`X said the plan "..."` is read by the indirect pass)."""
    text = text_of(doc)
    sent = first.sent
    start = max(sent.start_char, text.rfind("\n", 0, first.idx) + 1, floor)
    before = [t for t in sent if start <= t.idx < first.idx and not t.is_space]
    ends = [k for k, t in enumerate(before) if t.text in (".", "!", "?", ":", ";")]
    if ends:  # the parser can run a sentence on into a quote (`... the moment. ''That wasn't ...''`)
        before = before[ends[-1] + 1 :]
    if not any(t.is_alpha for t in before):
        return None
    if any(t.text in QUOTE_MARKS or t.text in "”’'" or _is_cue_verb(t) for t in before):
        return None
    lead = _trim(before)
    return lead[0].idx if lead else None


ASIDE_MAX_TOKENS = 40


def _resumes_after_aside(doc: Any, last: Found, qs: int) -> bool:
    """Whether a quote at ``qs`` opens a sentence on the line of ``last``'s cue, or the paragraph after
    it, after words that hold no quotation and no finite cue verb of their own (participles such as
    "referring", "adding" go with the cue before them)."""
    text = text_of(doc)
    last_end = last.end
    if last_end > qs or not re.search(r"[.!?][\"”’']*\s+$", text[last_end:qs]):
        return False
    if "\n" in text[last_end:qs].rstrip():
        return False  # a paragraph of other words between: not the cue's paragraph any more
    gap = list(doc.char_span(last_end, qs, alignment_mode="expand") or [])
    if len(gap) > ASIDE_MAX_TOKENS or any(t.text in QUOTE_MARKS or t.text in ("''", "”", "’", "'") for t in gap):
        return False
    return not any(_is_cue_verb(t) and t.tag_ != "VBG" for t in gap)


def _next_sentence(doc: Any, last: Found, qs: int) -> bool:
    """Whether a quote at ``qs`` opens the sentence right after the one holding ``last``'s cue and
    quote, on the same line (only spaces between)."""
    sent = last.cue[0].sent
    if any(not sent.start_char <= s < sent.end_char for s, _ in last.content[-1:]):
        return False  # the cue's sentence does not hold its latest quote: a different layout
    gap = text_of(doc)[sent.end_char : qs]
    return sent.end_char <= qs and not gap.strip() and "\n" not in gap


def _cited(verb: Any) -> list[str]:
    """Outlets a speaker talked to: "told Reuters", "told NBC News", "said in an interview with CNN"."""
    out = []
    if verb.lemma_.lower() == "tell":
        for c in verb.children:
            if c.dep_ in ("dative", "dobj", "iobj"):
                name = _outlet_name(c)
                if name:
                    out.append(name)
    return out


def _starts_paragraph(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before.endswith("\n")


def _cue_after(doc: Any, i: int, qs: int, qe: int) -> tuple[Any, list[Any]] | None:
    """A cue right after the quote: `"...," said X` / `"...," X said Monday` / `"..." – he said`.

    The cue clause must start right after the quote (its subject or its verb first), so a partial
    quote inside reported speech (`... "to refrain," and that he didn't recall ...`) is not taken."""
    j = i
    while j < len(doc) and (doc[j].is_punct or doc[j].is_space) and doc[j].text not in ".!?" and j - i < 3:
        if "\n" in doc[j].text:
            return None
        j += 1
    if j >= len(doc) or doc[j].text in (".", "!", "?") or doc[j].dep_ in ("cc", "mark"):
        return None
    for k in range(j, min(len(doc), j + CUE_WINDOW_AFTER)):
        tok = doc[k]
        if tok.text in ("“", '"', "«", "„", ".", "!", "?") or "\n" in tok.text:
            break
        if not _is_cue_verb(tok):
            continue
        subj = [t for t in _subject(tok) if not qs <= t.idx < qe]
        if not subj:
            subj = _inverted_subject(tok)
        if not subj:
            return None
        # the clause must begin where the quote ends: with the verb, or with its subject
        inside = {t.i for t in subj}
        if (_closes_sentence(text_of(doc), qs, qe) or not _opens_sentence(doc, qs)) and _has_own_clause(tok):
            # `"... over." He said the FBI ...`: a new sentence with its own content; `On Fox's
            # "Hannity," Gingrich said if ...`: a title inside the sentence of a cue with its own content
            return None
        if tok.i != j and not (
            subj[0].i == j and all(m in inside or doc[m].pos_ in ("ADV", "AUX", "PART", "PUNCT") for m in range(j, tok.i))
        ):
            return None
        return tok, subj
    return None


def _opens_sentence(doc: Any, qs: int) -> bool:
    """Whether only punctuation stands between a quote's opening mark and the start of its sentence (or line)."""
    text = text_of(doc)
    span = doc.char_span(qs, qs + 1, alignment_mode="expand")
    start = max(span[0].sent.start_char, text.rfind("\n", 0, qs) + 1) if span is not None and len(span) else 0
    return not re.search(r"\w", text[start:qs])


def _closes_sentence(text: str, qs: int, qe: int) -> bool:
    """Whether the quote ends its sentence inside the marks (`"... over."`), unlike `"... over,"`."""
    inner = text[qs:qe].rstrip("”\"»«“'’ \n")
    return inner.endswith((".", "!", "?"))


def _has_own_clause(verb: Any) -> bool:
    """Whether a cue verb has a clausal complement after it that does not open with a quotation: `He
    said that if "the final resolution ..."` has its own content (words before the quote), `He said,
    "..."` does not."""
    for c in verb.children:
        if c.dep_ != "ccomp" or c.i < verb.i or c.is_punct:
            continue
        words = [t for t in c.subtree if t.i > verb.i and not t.is_punct and not t.is_space]
        first_mark = min((t.i for t in c.subtree if t.text in "“\"«„"), default=None)
        if words and (first_mark is None or words[0].i < first_mark):
            return True
    return False


def _inverted_subject(verb: Any) -> list[Any]:
    """The speaker named after the verb in `"...," said X`."""
    for c in verb.rights:
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "npadvmod", "appos", "dative", "oprd") and c.pos_ in ("PROPN", "NOUN", "PRON"):
            return _trim([t for t in c.subtree if "\n" not in t.text and t.i < _sentence_end(verb)])
    nxt = verb.i + 1
    for chunk in verb.doc.noun_chunks:
        if chunk.start == nxt:
            return list(chunk)
    return []


def _trailing_speaker(verb: Any) -> list[Any]:
    """`said in an interview with CNN, the press secretary Dmitry Peskov.`: the phrase after the last comma."""
    doc = verb.doc
    end = _sentence_end(verb)
    tail = []
    for k in range(verb.i + 1, end):
        if "\n" in doc[k].text:
            break
        tail.append(doc[k])
    commas = [k for k, t in enumerate(tail) if t.text == ","]
    if not commas:
        return []
    phrase = _trim(tail[commas[-1] + 1 :])
    if phrase and phrase[0].pos_ == "ADP":
        return []  # ", in an interview with CNN": where it was said, not who said it
    if phrase and any(t.pos_ in ("PROPN", "NOUN") for t in phrase) and not any(t.pos_ == "VERB" for t in phrase):
        return phrase
    return []


def _sentence_end(tok: Any) -> int:
    return tok.sent.end


def _cue_before(doc: Any, i: int, qs: int, qe: int) -> tuple[Any, list[Any]] | None:
    """A cue right before the quote, ending in a colon or comma: `Peskov said: "..."`."""
    if i < 0:
        return None
    j = i
    while j >= 0 and doc[j].is_space:
        j -= 1
    if j >= 0 and _is_cue_verb(doc[j]) and "\n" not in text_of(doc)[doc[j].idx : qs]:
        # `a man yelled “Stay there!”`, `saying “Too many.”`: the quote is the verb's object
        subj = _subject(doc[j])
        if subj:
            return doc[j], subj
    if j < 0 or doc[j].text not in (":", ",", "—", "–", "-"):
        return None
    for k in range(j - 1, max(-1, j - 1 - CUE_WINDOW_BEFORE), -1):
        tok = doc[k]
        if "\n" in tok.text or tok.text in (".", "!", "?", "”", '"', "»"):
            break
        if _is_cue_verb(tok):
            subj = _subject(tok)
            if subj:
                return tok, subj
    if doc[j].text == ":" and j > 0 and doc[j - 1].ent_type_ == "PERSON":
        # "... Republican pollster Daron Shaw: “...”" — the colon is the cue, the person before it speaks
        k = j - 1
        while k > 0 and doc[k - 1].ent_type_ == "PERSON" and "\n" not in doc[k - 1].text:
            k -= 1
        return doc[j], [doc[m] for m in range(k, j)]
    return None


def _stance(verb: Any, content_root: Any) -> str:
    lemma = verb.lemma_.lower()
    if lemma in DECLINE_VERBS:
        return "declines"
    if lemma in DENY_VERBS:
        return "declines" if _negated(verb) else "denies"
    if lemma in CONFIRM_VERBS:
        return "denies" if _negated(verb) else "confirms"
    if lemma in NO_COMMENT_VERBS and _negated(verb):
        # "The Kremlin has not commented on the scandal", "did not answer the question": a refusal
        return "declines"
    if content_root is not None:
        return _content_stance(content_root)
    return "asserts"


def _content_stance(root: Any) -> str:
    """The stance a clause takes by itself: it denies that something happened or exists ("no such
    meeting took place", "he has never met", "there have not been any talks", "had no contact"), it
    confirms by standing by something ("it stood by its reporting"), or it asserts. Only an event or an
    existence can be denied: a negated clause about anything else ("We have not reached any
    conclusion"), a negated modal ("cannot afford", "will not lose") or a negated event over a stretch
    of time ("had not spoken to him for a year", a state, not a rebuttal) is asserted; the claim keeps
    its negative polarity either way."""
    from storyline.extract.claims import EVENT_NOUNS
    from storyline.extract.events import NOUN_TRIGGERS, VERB_TRIGGERS

    lemma = root.lemma_.lower()
    if lemma == "stand" and any(c.lower_ == "by" for c in root.children):
        return "denies" if _negated(root) else "confirms"

    def names_event(tok: Any) -> bool:
        word = tok.lemma_.lower()
        return word in EVENT_NOUNS or NOUN_TRIGGERS.get(word, "statement") != "statement"

    # the event the clause is about: its verb ("did not meet"), or the noun a light or existence verb
    # carries ("no meeting took place", "it never happened", "had no contact", "there were no talks")
    about_event = VERB_TRIGGERS.get(lemma, "statement") != "statement" or lemma in ("happen", "occur", "exist")
    args = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")]
    about_event = about_event or any(names_event(a) for a in args)
    modal = any(c.dep_ == "aux" and c.tag_ == "MD" for c in root.children)
    # "for more than a year", "since 2019": the negation covers a period, not one reported event
    over_time = any(c.dep_ == "prep" and c.lower_ in ("for", "since") and any(t.ent_type_ == "DATE" for t in c.subtree)
                    for c in root.children)
    if _negated(root) and not modal and about_event and not over_time and not _judgement(root):
        return "denies"
    for arg in root.children:
        # "No such meeting took place": the subject is denied to exist (an object with "no" is too
        # often a state, "had no knowledge of ...", to count)
        if arg.dep_ in ("nsubj", "nsubjpass") and any(d.dep_ == "det" and d.lower_ == "no" for d in arg.children):
            return "denies"
    return "asserts"


def _judgement(root: Any) -> bool:
    """A copula with a predicate adjective: "the contacts ... is not uncommon", "the meeting was not
    secret" says what something is like; negated, it does not deny that the thing happened."""
    return root.lemma_.lower() == "be" and any(c.dep_ == "acomp" for c in root.children)


def _quote_stance(doc: Any, quotes: list[tuple[int, int]]) -> str:
    """A direct quote's stance: that of the main clause of its first sentence (`"No such meeting took
    place," X said` denies)."""
    qs, qe = quotes[0]
    span = doc.char_span(qs, qe, alignment_mode="contract")
    if span is None:
        return "asserts"
    roots = [t for t in span if t.dep_ == "ROOT" or (t.head.i < span.start or t.head.i >= span.end) and t.pos_ in ("VERB", "AUX")]
    return _content_stance(roots[0]) if roots else "asserts"


def _content_root(verb: Any) -> tuple[Any, Any] | None:
    """(root token of the content, token to exclude from its subtree) for an indirect cue."""
    lemma = verb.lemma_.lower()
    lo, hi = _line(verb)
    if (
        verb.dep_ == "advcl" and verb.head.pos_ in ("VERB", "AUX")
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children)
    ):
        # "As The Washington Post reported, Clinton is ...": the clause the as-clause hangs on
        return verb.head, verb
    # the parser runs across paragraph breaks: a clause on another line is not this cue's content
    comps = [c for c in verb.children if c.dep_ == "ccomp" and lo <= c.idx < hi]
    if comps:
        return comps[-1], None
    # "says in a statement that ...", "said following a vote in 2001 that ...": the parser hangs the
    # that-clause on the noun of a phrase between
    if not any(d.dep_ in ("dobj", "xcomp") for d in verb.children):
        for c in verb.rights:
            if c.dep_ != "prep" or not lo <= c.idx < hi:
                continue
            for t in c.subtree:
                if t.dep_ in ("acl", "ccomp") and t.head.pos_ in ("NOUN", "PROPN") and any(
                    m.dep_ == "mark" and m.lower_ == "that" and m.i == t.left_edge.i for m in t.children
                ):
                    return t, None
    # "Trump said after the convention he would not accept ...": the parser makes the complement an
    # adverbial clause when a phrase sits between; one with its own subject and no conjunction
    # ("if", "because", "when") is the complement
    advcls = [
        c for c in verb.children
        if c.dep_ == "advcl" and c.i > verb.i and lo <= c.idx < hi and c.tag_ != "VBG"
        and any(d.dep_ in ("nsubj", "nsubjpass") for d in c.children)
        and not any(d.dep_ == "mark" or (d.dep_ == "advmod" and d.tag_ == "WRB") for d in c.children)
    ]
    if advcls and not any(c.dep_ in ("dobj", "xcomp", "oprd", "attr") for c in verb.children):
        return advcls[0], None
    if lemma in INTENTION_CUES:
        xs = [c for c in verb.children if c.dep_ == "xcomp"]
        if xs:
            return xs[0], None
    complements = [c for c in verb.children if c.dep_ in ("oprd", "xcomp", "attr")]
    objs = [c for c in verb.children if c.dep_ == "dobj"]
    if lemma in ("call", "label", "brand", "dub", "describe") and objs and complements:
        return objs[0], None  # "calling him a total stiff": the object and its predicate, see _indirect
    if lemma not in ADDRESSEE_CUES:
        if objs:
            return objs[0], None
    # parenthetical cue: "Flynn discussed sanctions, the Post said" parsed with the cue hanging off it
    if verb.dep_ in ("parataxis", "advcl", "ccomp") and verb.head.i < verb.i and verb.head.pos_ in ("VERB", "AUX"):
        left = min(t.i for t in verb.subtree)
        has_own = any(c.dep_ in ("mark", "dobj", "ccomp", "xcomp") for c in verb.children)
        if left > 0 and verb.doc[left - 1].text in (",", "—", "–") and not has_own:
            return verb.head, verb
    if verb.dep_ == "parataxis" and verb.head.i > verb.i and verb.head.pos_ in ("VERB", "AUX") and _parenthetical(verb):
        # "This campaign, he says, is different": the clause around the cue, without the cue
        return verb.head, verb
    return None


def _parenthetical(verb: Any) -> bool:
    """Whether the cue's clause is set off by commas or dashes on both sides (`..., he says, ...`)."""
    doc = verb.doc
    sub = sorted(verb.subtree, key=lambda t: t.i)
    before = sub[0] if sub[0].is_punct else (doc[sub[0].i - 1] if sub[0].i > 0 else None)
    after = sub[-1] if sub[-1].is_punct else (doc[sub[-1].i + 1] if sub[-1].i + 1 < len(doc) else None)
    marks = (",", "—", "–")
    return before is not None and after is not None and before.text in marks and after.text in marks and not any(
        c.dep_ in ("mark", "dobj", "ccomp", "xcomp") for c in verb.children
    )


def _indirect(doc: Any, quotes: list[tuple[int, int]], used_cues: set[int]) -> list[Found]:
    found: list[Found] = []
    for tok in doc:
        if tok.i in used_cues or _in_ranges(tok.idx, quotes):
            continue
        lemma = tok.lemma_.lower()
        if lemma == "accord" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            item = _according_to(tok)
            if item:
                found.append(item)
            continue
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if lemma in NO_COMMENT_VERBS and _negated(tok) and "comment" in {t.lower_ for t in tok.subtree}:
            subj = _subject(tok)
            if subj:
                rest = [t for t in tok.rights if t.dep_ in ("prep", "dobj", "xcomp", "acomp")]
                content = _trim([t for r in rest for t in r.subtree])
                found.append(Found(cue=_cue_tokens(tok), source=subj, content=_ranges(content), direct=False, stance="declines"))
            continue
        if lemma not in CUE_VERBS and lemma not in PREP_CUES and not GENERIC_CLAUSE_CUES:
            continue  # nothing below can make it a cue: spare the filters' walks on every verb
        if _unperformed(tok) or _in_question(tok) or _participle_of_inverted_speaker(tok) or _nested(tok):
            continue
        prep_cue = _prep_cue(tok)
        if prep_cue is not None:
            found.append(prep_cue)
            continue
        if lemma not in CUE_VERBS:
            # an unlisted verb still reports when a speaker-like subject holds a clause ("X warned/
            # lamented/acknowledged that ...")
            if GENERIC_CLAUSE_CUES and any(c.dep_ == "ccomp" for c in tok.children) and _speaker_like(_subject(tok)):
                comp = [c for c in tok.children if c.dep_ == "ccomp"][-1]
                content = _trim(list(comp.subtree))
                if len(content) >= 3:
                    found.append(Found(cue=_cue_tokens(tok), source=_subject(tok), content=_ranges(content), direct=False, stance=_stance(tok, comp)))
            continue
        inverted = _inverted_clause(tok)
        subj = _subject(tok)
        # "After saying he was nervous, the man ...": a fronted participle's speaker comes after it
        fronted = tok.tag_ == "VBG" and tok.dep_ in ("advcl", "pcomp") and bool(subj) and subj[0].i > tok.i
        if inverted is not None or not subj or (subj[0].i > tok.i and not fronted):
            if inverted is not None:
                isubj, icontent = inverted
                item = Found(cue=_cue_tokens(tok), source=isubj, content=_ranges(icontent), direct=False)
                item.stance = _stance(tok, tok.head if tok.head.i < tok.i else None)
                found.append(item)
            continue
        root = _content_root(tok)
        if root is None:
            continue
        croot, exclude = root
        if croot.dep_ == "dobj" and croot.pos_ not in ("VERB", "AUX") and lemma in NP_IMPRECISE_CUES and not any(
            c.dep_ in ("oprd", "xcomp", "attr") for c in tok.children
        ):
            continue  # "found the money", "issued a statement": nothing reported
        content = _trim(_subtree_tokens(croot, exclude))
        if croot.dep_ == "dobj":  # "called him a total stiff": the object with its predicate
            content = _trim(_without_trailing_aside(content))
            content = _trim(content + [t for c in tok.children if c.dep_ in ("oprd", "xcomp", "attr") for t in c.subtree])
            content = _trim(content + _object_complements(tok, croot))
        if croot.dep_ == "ccomp" and exclude is None:
            content = _trim(content + _conjoined_clauses(tok, croot))
        if croot.dep_ == "xcomp" and _raising(tok):
            # "the lack of enthusiasm seems to be a real issue", "Obama's veto is expected to come":
            # the subject is part of what is said, not who says it
            content = _trim(subj + content)
        if exclude is not None:  # drop the subject of a parenthetical cue if it sits inside
            in_subj = {s.i for s in subj}
            content = _trim([t for t in content if t.i not in in_subj])
        # one word is content only as a named object ("endorsed Cruz") or after "declined"
        if not content or (len(content) < 2 and lemma not in DECLINE_VERBS and content[0].pos_ != "PROPN"):
            continue
        item = Found(cue=_cue_tokens(tok), source=subj, content=_ranges(content), direct=False)
        item.stance = _stance(tok, croot)
        item.cited = _cited(tok)
        # content that is wholly one attached quote was already taken by the direct pass
        found.append(item)
    return found


def _unperformed(verb: Any) -> bool:
    """A speech verb in the infinitive of a verb of intention, request or refusal: "asked to comment
    on ...", "refused to talk about ...", "plans to announce ..." — not a speech made (see
    UNPERFORMED_HEADS)."""
    return (
        verb.dep_ == "xcomp"
        and verb.head.i != verb.i
        and verb.head.lemma_.lower() in UNPERFORMED_HEADS
        and any(c.tag_ == "TO" for c in verb.children)
    )


def _nested(verb: Any) -> bool:
    """A cue verb in the clausal complement of another cue that has its speaker: "Trump said Clinton
    supports open borders", "officials said Russia plans to ...", "he said he believes ...". What the
    inner verb reports is the outer speaker's claim about someone, part of the outer content — not
    a speech of the inner subject. On PolNeAR train these 562 predictions scored 0.17 token precision
    (support 0.14 of 59, plan 0.07 of 43, believe 0.07 of 42). A speech act reported inside another
    ("court documents said Flynn falsely claimed that ...", "X said Y told him ...") is an event the
    outer speaker reports, with its own speaker and stance, and stays (NESTED_SPEECH_ACTS; say alone
    scored 0.27 of 43, so this costs train F1 0.001). Train content overlap F1 0.687 -> 0.694
    (precision 0.786 -> 0.805, recall 0.611 -> 0.610); dev 0.706 -> 0.718."""
    return (
        verb.lemma_.lower() not in NESTED_SPEECH_ACTS
        and verb.dep_ == "ccomp"
        and verb.head.i < verb.i
        and _is_cue_verb(verb.head)
        and bool(_subject(verb.head))
    )


def _in_question(verb: Any) -> bool:
    """A cue inside an embedded question: "asked whether Flynn discussed sanctions" — nobody said that
    Flynn discussed anything. The clause (or the one it hangs on) is marked by "whether"."""
    for tok in (verb, verb.head):
        if any(c.dep_ == "mark" and c.lower_ == "whether" for c in tok.children):
            return True
        if tok.dep_ not in ("conj", "xcomp") or tok.head.i == tok.i:
            break
    return False


def _participle_of_inverted_speaker(verb: Any) -> bool:
    """`"...," said a ministry spokesman asked about the report`: after a cue with no subject of its own,
    the parser can make the speaker the subject of a following participle ("asked", "speaking on
    condition of anonymity"); that participle describes the speaker, it is not a second speech."""
    head = verb.head
    if verb.dep_ != "ccomp" or head.i >= verb.i or not _is_cue_verb(head):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children) or head.tag_ not in ("VBD", "VBZ", "VBP"):
        return False
    if head.i == 0 or not head.doc[head.i - 1].is_punct or head.dep_ in ("conj", "advcl", "xcomp", "acl", "pcomp"):
        return False  # only an inverted cue right after the content: `"...," said X`, `..., – said X`
    if not any(c.dep_ in ("ccomp", "parataxis") and c.i < head.i for c in head.children):
        return False  # the content comes before the cue
    if verb.tag_ not in ("VBN", "VBD", "VBG") or any(c.dep_ in ("aux", "auxpass", "ccomp", "dobj", "mark") for c in verb.children):
        return False  # a participle with no clause of its own: "asked to comment on ...", "speaking ..."
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i]
    if not subj or subj[0].pos_ == "PRON":
        return False
    first = subj[0].left_edge.i
    return first == head.i + 1 and not any(c.dep_ == "mark" for c in verb.children)


# Prepositions that carry the rest of what is said about an object cue's object: "described Clinton as
# a disgrace", "criticized X for shooting ...", "accused X of ...", "compared X to Y". Time and place
# phrases ("on Tuesday", "in a statement", "at the rally") are not part of the content.
OBJECT_PREPS: frozenset[str] = frozenset("as for of over about against to from with into".split())


def _object_complements(verb: Any, obj: Any) -> list[Any]:
    """Tokens of the phrases after an object cue's object that complete what was said about it."""
    out = []
    for c in verb.rights:
        if c.i <= obj.i:
            continue
        if (c.dep_ == "prep" and c.lower_ in OBJECT_PREPS) or c.dep_ in ("oprd", "xcomp"):
            out.extend(c.subtree)
    return out


def _conjoined_clauses(verb: Any, comp: Any) -> list[Any]:
    """`He said the time for being politically correct is over, and the nation has to act`: the parser
    hangs the second clause on the cue verb, but it is the second half of what was said. A clause with a
    subject of its own and no cue verb, after the complement, in the cue's sentence."""
    out: list[Any] = []
    for c in verb.rights:
        if c.dep_ != "conj" or c.i < comp.i or c.sent.start != verb.sent.start or _is_cue_verb(c):
            continue
        if not any(d.dep_ in ("nsubj", "nsubjpass", "expl") for d in c.children):
            continue
        cc = [d for d in verb.children if d.dep_ == "cc" and comp.i < d.i < c.i]
        out.extend(cc + list(c.subtree))
    return out


def _without_trailing_aside(tokens: list[Any]) -> list[Any]:
    """An object without the non-restrictive relative clause that closes it: `cited the reason for
    canceling the interview, which had been in the works since the summer` — the aside is the
    reporter's, not part of what the speaker cited."""
    if not tokens:
        return tokens
    last = max(t.i for t in tokens)
    for t in tokens:
        if t.dep_ == "relcl" and t.i > 0:
            first, doc = t.left_edge.i, t.doc
            # only a wh-relative: "..., that X had met ..." after a comma is a complement the parser misread
            if first > 0 and doc[first - 1].text == "," and t.right_edge.i >= last - 1 and doc[first].tag_ in ("WDT", "WP", "WP$"):
                cut = first - 1
                return [x for x in tokens if x.i < cut]
    return tokens


def _raising(verb: Any) -> bool:
    """Whether the verb's subject belongs to its infinitive ("X seems to ...", "X is expected to ...")."""
    lemma = verb.lemma_.lower()
    return lemma in ("seem", "appear") or (
        lemma in ("expect", "project", "predict", "estimate") and any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    )


def _prep_cue(verb: Any) -> Found | None:
    """`X called for an investigation`, `X voted for Cruz`, `X referred to Trump as ...`: a verb and
    preposition pair whose object is what the speaker said, wanted or stood for."""
    preps = PREP_CUES.get(verb.lemma_.lower())
    if not preps or any(c.dep_ in ("ccomp", "dobj") for c in verb.children):
        return None
    prep = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ in preps), None)
    if prep is None:
        return None
    objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    subj = _subject(verb)
    if not objs or not subj or subj[0].i > verb.i:
        return None
    content = _trim(list(objs[0].subtree) + _object_complements(verb, prep))
    if not content:
        return None
    cue = sorted(_cue_tokens(verb) + [prep], key=lambda t: t.i)
    return Found(cue=cue, source=subj, content=_ranges(content), direct=False, stance=_stance(verb, None))


def _inverted_clause(verb: Any) -> tuple[list[Any], list[Any]] | None:
    """`<content>, said the sources.` — a cue after a comma with its speaker after it: (source, content)."""
    doc = verb.doc
    finite = verb.tag_ in ("VBD", "VBZ", "VBP") or (
        verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.tag_ in ("VBD", "VBZ", "VBP") for c in verb.children)
    )  # "..., — has declared the press secretary": a perfect tense is finite too
    if not finite:
        return None  # ", saying ..." / ", adding ...": a participle takes its head's subject, not what follows
    k = verb.i - 1
    while k >= 0 and doc[k].dep_ in ("advmod", "aux", "neg") and doc[k].head.i == verb.i:
        k -= 1
    if k < 1 or doc[k].text not in (",", "—", "–"):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i for c in verb.children) and not _misread_relative(verb):
        return None
    subj = _trailing_speaker(verb) or _inverted_subject(verb)
    if not subj or subj[0].i <= verb.i:
        return None
    sent = verb.sent
    content = _drop_dateline(_trim([t for t in sent if t.i < k]))
    if len(content) < 3:
        return None
    return subj, content


def _misread_relative(verb: Any) -> bool:
    """`... the committee, which, by their account, opposed the plan, said two officials.`: (machine-translated
    word order) the parser reads the inverted cue as a
    relative clause of the content's last noun and its speaker as the object. A "which" far from the
    verb, with a speaking noun (officials, a spokesman, a named person) ending the sentence as the
    object, is that misreading: the object speaks. Written from a seed article's machine translation; it
    fires on no PolNeAR train sentence, so no figure supports it beyond that one sentence."""
    rel = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i]
    if verb.dep_ != "relcl" or len(rel) != 1 or rel[0].tag_ not in ("WDT",) or rel[0].i >= verb.i - 2:
        return False
    objs = [c for c in verb.children if c.dep_ in ("dobj", "attr") and c.i > verb.i]
    if len(objs) != 1 or any(c.dep_ in ("ccomp", "xcomp", "prep") and c.i > verb.i for c in verb.children):
        return False
    obj = objs[0]
    rest = [t for t in verb.doc[obj.right_edge.i + 1 : verb.sent.end] if not t.is_punct and not t.is_space]
    return not rest and _speaker_like(_trim(list(obj.subtree)))


def _speaker_like(source: list[Any]) -> bool:
    """Whether a subject can be a speaker: a person, organisation, personal pronoun or a speaking noun."""
    if not source:
        return False
    if len(source) == 1 and source[0].lower_ in ("he", "she", "they", "i", "we"):
        return True
    inside = {t.i for t in source}
    head = next((t for t in source if t.head.i not in inside or t.head.i == t.i), source[-1])
    if head.ent_type_ in ("PERSON", "ORG", "NORP") or head.lemma_.lower() in ROLE_NOUNS | ANONYMOUS_NOUNS | OUTLET_NOUNS:
        return True
    return False


def _according_to(tok: Any) -> Found | None:
    to = tok.doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return None
    source = _trim(list(objs[0].subtree))
    head = tok.head
    if head.i == tok.i:
        return None
    # the clause the phrase modifies, without the phrase itself
    clause = head
    while clause.dep_ not in ("ROOT",) and clause.head.i != clause.i and clause.dep_ in ("prep", "advmod", "npadvmod"):
        clause = clause.head
    content = _trim([t for t in clause.sent if t.i not in {x.i for x in tok.subtree}])
    if len(content) < 3:
        return None
    return Found(cue=[tok, to], source=source, content=_ranges(content), direct=False)


# ---------------------------------------------------------------------------------------------
# Speakers


def _person_ents(doc: Any) -> list[Any]:
    return [e for e in doc.ents if e.label_ == "PERSON"]


def _outlet_name(tok_or_span: Any) -> str | None:
    text = _span_text(tok_or_span)
    key = text.lower().removeprefix("the ").strip()
    if key in _OUTLET_KEYS:
        return text[4:] if text.lower().startswith("the ") and key not in ("post", "journal", "times") else text
    for o in sorted(_OUTLET_KEYS, key=len, reverse=True):
        if len(o) > 3 and re.search(rf"\b{re.escape(o)}\b", key):
            for name in KNOWN_OUTLETS:
                if name.lower().removeprefix("the ") == o:
                    return name
    return None


def _span_text(obj: Any) -> str:
    if hasattr(obj, "subtree") and not hasattr(obj, "start_char"):
        toks = list(obj.subtree)
        return text_of(obj.doc)[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
    return obj.text


def _classify(doc: Any, source: list[Any]) -> tuple[str, str | None]:
    """(speaker_kind, name as written) for a source span."""
    if not source:
        return "unknown", None
    s, e = source[0].idx, source[-1].idx + len(source[-1].text)
    text = text_of(doc)[s:e]
    low = text.lower()
    inside = {x.i for x in source}
    heads = [t for t in source if t.head.i not in inside or t.head.i == t.i]
    head = heads[0] if heads else source[-1]
    if (head.pos_ == "NUM" or head.lower_ in PARTITIVES) and head.i + 1 < len(doc) and doc[head.i + 1].lower_ == "of":
        # "one of the officials", "two of his aides": the group decides what kind of source this is
        head = next((c for c in doc[head.i + 1].children if c.dep_ == "pobj" and c.i in inside), head)
    hl = head.lemma_.lower()
    if head.pos_ == "PROPN" and hl not in ROLE_NOUNS and head.ent_type_ not in ("ORG", "GPE", "NORP", "FAC", "LOC") and not _outlet_name(_FakeSpan(head.text)):
        # a name heads the source: it is the speaker, whatever its apposition or relative clause
        # mentions ("Ines Calloway, the MP who chairs the Assembly's committee")
        name = [t for t in head.lefts if t.dep_ in ("compound", "flat") and t.pos_ == "PROPN" and t.i in inside] + [head]
        names = [ent for ent in doc.ents if ent.label_ == "PERSON" and ent.start <= head.i < ent.end]
        if names:
            return "named", names[0].text
        return "named", text_of(doc)[name[0].idx : head.idx + len(head.text)]
    persons = [ent for ent in doc.ents if ent.label_ == "PERSON" and ent.start_char >= s and ent.end_char <= e]
    if len(source) == 1 and source[0].lower_ in PRONOUNS:
        return "pronoun", None
    if head.pos_ != "PROPN" and ("familiar with" in low or hl in ANONYMOUS_NOUNS or head.lower_ in ANONYMOUS_NOUNS):
        return "anonymous", None
    if persons:
        return "named", persons[-1].text
    outlet = _outlet_name(_FakeSpan(text))
    if outlet:
        return "outlet", outlet
    if hl in OUTLET_NOUNS:
        return "outlet", None
    if hl in DOCUMENT_NOUNS:
        return "document", text
    if hl in ROLE_NOUNS:
        if head.tag_ in ("NNS", "NNPS"):
            return "anonymous", None
        return "role", text
    orgs = [ent for ent in doc.ents if ent.label_ in ("ORG", "GPE", "NORP") and ent.start_char >= s and ent.end_char <= e]
    if orgs:
        return "named", orgs[-1].text
    if head.pos_ == "PROPN":
        return "named", text
    return "unknown", text


@dataclass(frozen=True)
class _FakeSpan:
    text: str


def _full_name(doc: Any, name: str) -> str:
    """The longest person name in the document that ends with ``name`` ("Peskov" -> "Dmitry Peskov")."""
    last = name.split()[-1].lower()
    best = name
    for ent in _person_ents(doc):
        toks = ent.text.split()
        if toks and toks[-1].lower() == last and len(ent.text) > len(best) and len(toks) <= 4:
            best = ent.text
    return best


def _introduced(doc: Any, name: str, at: int) -> bool:
    """Whether a one-word name appears anywhere in the document other than at ``at``."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return any(m.start() != at for m in pattern.finditer(text_of(doc)))


def _resolve(doc: Any, found: list[Found]) -> None:
    """Fill speaker_kind and speaker_name; pronouns, roles and stray surnames take the nearest named speaker."""
    found.sort(key=lambda f: f.anchor)
    named_so_far: list[tuple[int, str, str]] = []  # (position, kind-of-name, name)
    unintroduced: list[Found] = []
    for item in found:
        if item.continued_from is not None and not item.source:
            prev = item.continued_from
            item.speaker_kind, item.speaker_name = prev.speaker_kind, prev.speaker_name
            item.stance = item.stance
            continue
        kind, name = _classify(doc, item.source)
        pos = item.anchor
        if item.source:
            pos = item.source[0].idx
        if kind == "named" and name is not None:
            is_person = _looks_like_person(doc, name)
            if is_person:
                full = _full_name(doc, name)
                if len(full.split()) == 1 and not _introduced(doc, full, item.source[0].idx if item.source else -1):
                    # A bare surname the article never introduces (no full name, no other mention) is
                    # not how news copy names a new speaker; it is a mangled rendering of the name
                    # (machine translation) — take the speaker of the preceding attribution (or, in a
                    # headline, the first named speaker of the article).
                    earlier = _nearest(named_so_far, pos, "person")
                    if earlier is None:
                        unintroduced.append(item)
                    else:
                        full = earlier
                name = full
            item.speaker_kind, item.speaker_name = "named", name
            named_so_far.append((pos, "person" if is_person else "org", name))
            continue
        if kind == "pronoun":
            word = item.source[0].lower_
            want = PRONOUNS[word]
            resolved = None
            if want == "person":
                # the nearest of: the previous named speaker, the previous person who was a subject
                resolved = _nearest_person(doc, named_so_far, pos)
            elif want == "group":
                resolved = _nearest(named_so_far, pos, "org") or _subject_organisation(doc, pos)
            elif want == "thing":
                # "The charging document listed ... It said ...": "it" speaks for the document or
                # outlet named just before
                document = _document_antecedent(doc, pos)
                if document is not None:
                    item.speaker_kind, item.speaker_name = document
                    continue
                # "The ministry ... It said": an organisation that spoke or was named before
                resolved = _nearest(named_so_far, pos, "org") or _subject_organisation(doc, pos)
            item.speaker_kind, item.speaker_name = "pronoun", resolved
            continue
        if kind == "role":
            resolved = _role_match(doc, named_so_far, item, pos)
            item.speaker_kind, item.speaker_name = "role", resolved or name
            continue
        if kind == "unknown" and item.source and item.source[0].lower_ == "the":
            # "the office" after "The National Integrity Office": the organisation named before whose
            # name ends with the same noun
            earlier = _named_organisation(doc, item.source[-1], pos)
            if earlier is not None:
                kind, name = "named", earlier
        item.speaker_kind, item.speaker_name = kind, name
    for item in unintroduced:
        later = [n for p, k, n in named_so_far if p > item.anchor and k == "person" and n != item.speaker_name]
        if later and len(later[0].split()) > 1:
            item.speaker_name = later[0]


def _subject_organisation(doc: Any, pos: int) -> str | None:
    """The organisation that is the subject of the sentence before ``pos`` (or of its own sentence,
    earlier), for an "it" speaker: "The Ministry of Energy welcomed the review. It said ..."."""
    at = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if at is None:
        return None
    sent = at[0].sent
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    best = None
    for ent in doc.ents:
        if start <= ent.start and ent.end_char <= pos and ent.label_ == "ORG" and ent.root.dep_ in ("nsubj", "nsubjpass"):
            best = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
    return best


def _named_organisation(doc: Any, noun: Any, pos: int) -> str | None:
    """The last organisation named before ``pos`` whose name ends with ``noun`` ("the office" ->
    "National Integrity Office"), or None."""
    best = None
    for ent in doc.ents:
        if ent.end_char > pos:
            break
        if ent.label_ == "ORG" and len(ent) > 1 and ent[-1].lemma_.lower() == noun.lemma_.lower():
            best = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
    return best


def _document_antecedent(doc: Any, pos: int) -> tuple[str, str] | None:
    """(kind, name) of the document or outlet an "it" speaker stands for: the nearest document noun
    ("the charging document", "court documents") or outlet that is a subject before ``pos`` in the
    same or the previous sentence, on the same line."""
    at = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if at is None:
        return None
    sent = at[0].sent
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    line_start = text_of(doc).rfind("\n", 0, pos) + 1
    best = None
    for t in doc[start : at[0].i]:
        if t.idx < line_start or t.pos_ not in ("NOUN", "PROPN") or t.dep_ not in ("nsubj", "nsubjpass", "compound"):
            continue  # the subject of its sentence, not "two false statements" it lists
        if t.dep_ == "compound" and t.head.i > t.i:
            continue  # the head noun of "court documents" decides, not "court"
        name = _trim([x for x in t.subtree if x.i <= t.i])
        if not name:
            continue
        phrase = text_of(doc)[name[0].idx : name[-1].idx + len(name[-1].text)]
        if t.pos_ == "NOUN" and t.lemma_.lower() in DOCUMENT_NOUNS:
            best = ("document", phrase)
        elif _outlet_name(_FakeSpan(phrase)):
            best = ("outlet", _outlet_name(_FakeSpan(phrase)) or phrase)
    return best


def _looks_like_person(doc: Any, name: str) -> bool:
    """Whether a named speaker is a person. The small pipeline often tags a lone surname ORG
    ("Medvedchuk denied ..."), so a one-word ORG counts as a person unless it is an institution word."""
    labels = {e.label_ for e in doc.ents if e.text == name}
    if "PERSON" in labels:
        return True
    if " " not in name and any(e.label_ == "PERSON" and e.text.split()[-1] == name for e in doc.ents):
        return True  # the surname of a person named in full elsewhere, whatever this mention was tagged
    if labels & {"GPE", "NORP", "FAC", "LOC"}:
        return False
    words = name.lower().split()
    if any(w in INSTITUTION_WORDS for w in words) or _outlet_name(_FakeSpan(name)):
        return False
    return not ("ORG" in labels and len(words) > 1)


def _nearest(named: list[tuple[int, str, str]], pos: int, kind: str) -> str | None:
    for p, k, name in reversed(named):
        if p < pos and k == kind:
            return name
    return None


def _nearest_person(doc: Any, named: list[tuple[int, str, str]], pos: int) -> str | None:
    speaker = next(((p, n) for p, k, n in reversed(named) if p < pos and k == "person"), None)
    subject = None
    for ent in _person_ents(doc):
        if ent.end_char <= pos and ent.root.dep_ in ("nsubj", "nsubjpass"):
            subject = (ent.start_char, _full_name(doc, ent.text))
    options = [o for o in (speaker, subject) if o is not None]
    if not options:
        return _nearest_person_mention(doc, pos)
    return max(options)[1]


def _nearest_person_mention(doc: Any, pos: int) -> str | None:
    best = None
    for ent in _person_ents(doc):
        if ent.end_char <= pos:
            best = ent
    return _full_name(doc, best.text) if best is not None else None


def _role_class(word: str) -> str:
    return "spokesperson" if word in SPOKES_NOUNS else word


def _role_match(doc: Any, named: list[tuple[int, str, str]], item: Found, pos: int) -> str | None:
    """The named speaker introduced with a role of the same kind ("press secretary ... Dmitry Peskov"
    for "a Kremlin spokesman"), nearest first; None when no earlier speaker carried such a role."""
    classes = {_role_class(t.lower_) for t in item.source if t.lower_ in ROLE_NOUNS}
    if not classes:
        return None
    speakers = {n for p, _, n in named if p < pos}
    best = None
    for ent in _person_ents(doc):
        if ent.start_char >= pos:
            break
        window = text_of(doc)[max(0, ent.start_char - ROLE_WINDOW) : ent.start_char].lower()
        window = re.split(r"[.,;:()“”\"\n]", window)[-1]
        # the introduction's own title is its first role word ("press secretary of the president")
        words = [_role_class(w) for w in re.findall(r"[a-z]+", window) if w in ROLE_NOUNS]
        candidate = _full_name(doc, ent.text)
        if words and words[0] in classes and candidate in speakers:
            best = candidate
    return best


def _chains(doc: Any, found: list[Found], outlet: str | None) -> dict[int, tuple[str, ...]]:
    """Reporting chains: outlet -> cited outlets/documents whose content holds the cue -> speaker."""
    chains: dict[int, tuple[str, ...]] = {}
    carriers = [f for f in found if f.speaker_kind in ("outlet", "document") and f.speaker_name]
    for idx, item in enumerate(found):
        chain: list[str] = [outlet] if outlet else []
        where = item.cue[0].idx if item.cue else (item.content[0][0] if item.content else 0)
        for carrier in carriers:
            if carrier is item:
                continue
            same_sentence = bool(item.cue and carrier.cue) and item.cue[0].sent.start == carrier.cue[0].sent.start
            if any(s <= where < e for s, e in carrier.content) or (same_sentence and carrier.cue[0].i > item.cue[0].i):
                chain.append(carrier.speaker_name or "")
        chain.extend(item.cited)
        if item.speaker_name:
            chain.append(item.speaker_name)
        dedup: list[str] = []
        for link in chain:
            if link and (not dedup or dedup[-1].lower() != link.lower()):
                dedup.append(link)
        chains[idx] = tuple(dedup)
    return chains


# (a transcript quoted whole opens its first turn with the quotation mark: `"WALLACE: Let's start ...`)
_HEADLINE_COLON = re.compile(r"^[\"“]?([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}): +(\S.*\S)\s*$", re.MULTILINE)


def _headline_colons(doc: Any) -> list[Found]:
    """`Peskov: talks on sanctions were not held` — a line that opens with a name and a colon."""
    found = []
    for m in _HEADLINE_COLON.finditer(text_of(doc)):
        name = doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
        colon = doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        if name is None or colon is None or any(t.like_num for t in name):
            continue
        found.append(Found(cue=list(colon), source=list(name), content=[(m.start(2), m.end(2))], direct=False))
    return found


def find_attributions(doc: Any, doc_id: str, outlet: str | None = None) -> list[Attribution]:
    """Every attribution in a parsed document (spaCy ``Doc``), in text order."""
    text = text_of(doc)
    quotes = find_quotes(text)
    direct = _direct(doc, quotes)
    used = {t.i for f in direct for t in f.cue}
    attached_quotes = [r for f in direct for r in f.content]
    indirect = [
        f
        for f in _indirect(doc, quotes, used)
        # a cue whose content is exactly an attached quote was found by the direct pass
        if not any(_overlap(r, q) for r in f.content for q in attached_quotes if _covers(q, r))
    ]
    for f in indirect:
        f.content = _to_quote_end(f.content, quotes)
    found = [f for f in (_clip_to_paragraph(text, f) for f in direct + indirect) if f is not None and not _outlet_appeal(text, f)]
    taken = {t.i for f in found for t in f.source}
    found += [f for f in _headline_colons(doc) if not any(t.i in taken for t in f.source)]
    _resolve(doc, found)
    chains = _chains(doc, found, outlet)
    out: list[Attribution] = []
    for idx, item in enumerate(found):
        cue = _span(doc_id, text, item.cue[0].idx, item.cue[-1].idx + len(item.cue[-1].text)) if item.cue else None
        source = _span(doc_id, text, item.source[0].idx, item.source[-1].idx + len(item.source[-1].text)) if item.source else None
        content = tuple(_span(doc_id, text, s, e) for s, e in sorted(item.content))
        aid = record_id("a", doc_id, cue.start if cue else -1, *(c.start for c in content))
        out.append(
            Attribution(
                id=aid, doc_id=doc_id, cue=cue, content=content, source=source, speaker_name=item.speaker_name,
                speaker_kind=item.speaker_kind, direct=item.direct, stance=item.stance, reported_by=chains[idx],  # type: ignore[arg-type]
            )
        )
    out.sort(key=lambda a: (a.content[0].start if a.content else (a.cue.start if a.cue else 0)))
    return out


def _to_quote_end(content: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Indirect content that ends inside a quotation runs to the quotation's close: `said that "only
    Cruz can beat Trump. Kasich can't."` is cut by the parser at the quote's first sentence end, but the
    speaker said the whole quotation. (Paragraph clipping still applies afterwards.)"""
    if not content:
        return content
    s, e = content[-1]
    k = bisect_left(quotes, (e, e)) - 1  # the last quotation opening before the content's end
    if k >= 0 and quotes[k][0] >= s and quotes[k][0] < e < quotes[k][1]:
        return content[:-1] + [(s, quotes[k][1])]
    return content


def _clip_to_paragraph(text: str, item: Found) -> Found | None:
    """Keep an indirect attribution's source and content inside its cue's paragraph (headlines,
    captions and bylines sit on lines of their own and the parser happily runs across them)."""
    if not item.cue:
        return item
    at = item.cue[0].idx
    lo = text.rfind("\n", 0, at) + 1
    hi = text.find("\n", at)
    hi = len(text) if hi < 0 else hi
    item.source = [t for t in item.source if lo <= t.idx < hi]
    if item.direct:
        return item
    if not item.source:
        return None
    clipped = []
    for s, e in item.content:
        s, e = max(s, lo), min(e, hi)
        while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-."):
            e -= 1
        if e > s:
            clipped.append((s, e))
    if not clipped:
        return None
    item.content = clipped
    return item


def _outlet_appeal(text: str, item: Found) -> bool:
    """Whether an indirect "we believe ..." is the outlet's own appeal to readers ("We believe quality
    journalism should be available to everyone"), which the cleaner may leave in: not an attribution."""
    if item.direct or len(item.source) != 1 or item.source[0].lower_ not in ("we", "us"):
        return False
    at = item.source[0].idx
    lo, hi = text.rfind("\n", 0, at) + 1, text.find("\n", at)
    return bool(OUTLET_APPEAL.search(text[lo : (len(text) if hi < 0 else hi)]))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _covers(q: tuple[int, int], r: tuple[int, int]) -> bool:
    """Whether quote ``q`` makes up most of content range ``r`` (then ``r`` is that quote)."""
    inter = min(q[1], r[1]) - max(q[0], r[0])
    return inter > 0.6 * (r[1] - r[0])


def _span(doc_id: str, text: str, start: int, end: int) -> Span:
    return Span(doc_id, start, end, text[start:end])


# Requires timexes only to date claims (Claim.time); mentions are not needed here (speakers are found
# from the parse, and linked to entities by resolve.propositions).
@document_stage("extract.attributions", "8", produces=("attribution", "claim"), requires=("timex",), needs_parse=True)
def extract_attributions(ctx: DocumentContext) -> Iterator[Any]:
    """Document stage: attributions (who said what) and the claims they and the article make."""
    from storyline.extract.claims import claims_for_document

    document = ctx.document
    attributions = find_attributions(ctx.parsed, document.id, document.outlet)
    yield from attributions
    yield from claims_for_document(ctx.parsed, document, attributions, ctx.records.get("timex", []))


# ---------------------------------------------------------------------------------------------
# Speakers as entities (after entity resolution)


def speaker_entities(source: Any) -> dict[str, str]:
    """attribution id -> id of the entity that speaks, once entities are resolved.

    ``source`` has ``records(kind)`` (the workspace, or Parquet on Spark). The speaker is the entity
    of a resolved mention inside the attribution's source span whose text ends like the speaker's
    name ("The office of Deputy Minister for Energy Lena Varga" -> the mention "Lena Varga"), or any
    such mention when none does; a pronoun or role speaker resolved to a name ("he" -> "Marek
    Halloran") takes the entity with that name or alias among the document's entities."""
    entity_of: dict[str, Any] = {}
    for entity in source.records("entity"):
        for mid in entity.mention_ids:
            entity_of[mid] = entity
    by_doc: dict[str, list[tuple[Any, Any]]] = {}
    for mention in source.records("mention"):
        entity = entity_of.get(mention.id)
        if entity is not None:
            by_doc.setdefault(mention.doc_id, []).append((mention, entity))
    out: dict[str, str] = {}
    for a in source.records("attribution"):
        found = by_doc.get(a.doc_id, [])
        key = _name_key(a.speaker_name)
        if a.source is not None:
            inside = [(m, e) for m, e in found if a.source.start <= m.start and m.end <= a.source.end]
            named = [e for m, e in inside if key and _name_key(m.text).endswith(key)]
            if named or (inside and a.speaker_kind in ("named", "outlet", "document")):
                out[a.id] = (named or [e for _, e in inside])[-1].id
                continue
        if key:
            for _, e in found:
                if any(_name_key(n) == key or _name_key(n).endswith(" " + key) for n in (e.name, *e.aliases)):
                    out[a.id] = e.id
                    break
    return out


def _name_key(name: str | None) -> str:
    return " ".join((name or "").lower().removeprefix("the ").replace("’", "'").split())
