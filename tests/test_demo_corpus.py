"""The demo corpus and its gold annotations agree (examples/demo + examples/demo-gold.json).

These tests check the *gold file*, not storyline: every surface string, quote, cue, sentence, timex and
furniture line the gold names must exist where it says, in the article it says, so that a typo in the
gold cannot masquerade as a storyline error later. The format is described in examples/README.md.

"Body" below means the article as a reader sees it: for .txt the file minus its furniture and metadata
lines; for HTML (a page or a JSONL "html" field) the text inside <article>; for a JSONL "text" field the
field itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from .conftest import DEMO

GOLD_PATH = DEMO.parent / "demo-gold.json"
GOLD = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
DOCS: dict = GOLD["documents"]
ENTITIES = {e["name"]: e for e in GOLD["entities"]}
EVENTS = {e["id"]: e for e in GOLD["events"]}

STANCES = {"asserts", "denies", "declines", "confirms"}
SPEAKER_KINDS = {"named", "pronoun", "role", "anonymous", "organisation", "outlet"}
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"}
# The opening quotation marks of each quoting style the corpus uses.
OPENING_MARKS = {"curly": "“", "straight": '"', "guillemets": "«", "single": "'"}
CLOSING_MARKS = {"curly": "”", "straight": '"', "guillemets": "»", "single": "'"}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Every article of the story was published in this window; a date outside it is a typo.
STORY_WINDOW = (dt.date(2026, 3, 15), dt.date(2026, 4, 10))

TIMEX_VALUE = {
    "DATE": re.compile(r"\d{4}(-\d{2}(-\d{2})?|-W\d{2})?"),
    "TIME": re.compile(r"\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}|MO|AF|EV|NI)"),
    "DURATION": re.compile(r"P(\d+[YMWD])+|PT(\d+[HMS])+"),
    "SET": re.compile(r"P\d+[YMWD]|XXXX.*"),
}
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "li", "div", "header", "section", "figcaption", "time"}


class _ArticleText(HTMLParser):
    """Visible text of a page, and separately the text inside <article>, one block per line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth_article = 0
        self.skip = 0
        self.page: list[str] = []
        self.article: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag == "article":
            self.depth_article += 1
        if tag in _BLOCK_TAGS or tag == "br":
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self.skip -= 1
        if tag in _BLOCK_TAGS:
            self._newline()
        if tag == "article":
            self.depth_article -= 1

    def _newline(self) -> None:
        self.page.append("\n")
        if self.depth_article:
            self.article.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.page.append(data)
        if self.depth_article:
            self.article.append(data)


def _lines(parts: list[str]) -> str:
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip())


def html_texts(html: str) -> tuple[str, str]:
    """(visible page text, article text) of an HTML page."""
    parser = _ArticleText()
    parser.feed(html)
    return _lines(parser.page), _lines(parser.article)


def raw_source(key: str) -> tuple[str, dict | None]:
    """The raw text of a gold document key (file, or file:LINE for JSONL) and its JSONL record."""
    name, _, line = key.partition(":")
    path = DEMO / name
    if line:
        record = json.loads(path.read_text(encoding="utf-8").splitlines()[int(line) - 1])
        return record.get("text") or record["html"], record
    return path.read_text(encoding="utf-8"), None


def body_of(key: str) -> str:
    """The article body of a gold document (see module docstring)."""
    gold = DOCS[key]
    raw, record = raw_source(key)
    dropped = set(gold["furniture"]) | set(gold["metadata_lines"])
    if key.endswith(".html") or (record is not None and "html" in record and "text" not in record):
        lines = html_texts(raw)[1].split("\n")
    else:
        lines = raw.split("\n")
    return "\n".join(line for line in lines if line.strip() not in dropped)


BODIES = {key: body_of(key) for key in DOCS}


def occurs(needle: str, haystack: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` as whole words (case-sensitive)."""
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) is not None


def paragraph_with(body: str, needles: list[str]) -> str | None:
    """The first paragraph (line) of ``body`` that contains every one of ``needles``."""
    return next((p for p in body.split("\n") if all(n in p for n in needles)), None)


# ---------------------------------------------------------------------------------------------------
# Coverage: every article has gold, every gold key is an article


def demo_keys() -> set[str]:
    keys = set()
    for path in DEMO.iterdir():
        if path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            keys |= {f"{path.name}:{n}" for n, line in enumerate(lines, start=1) if line.strip()}
        elif not path.name.startswith("."):
            keys.add(path.name)
    return keys


def test_demo_gold_covers_every_article_and_nothing_else():
    assert set(DOCS) == demo_keys()


def test_demo_corpus_has_the_phenomena_the_brief_promises():
    formats = [d["format"] for d in DOCS.values()]
    assert len(DOCS) >= 8 and formats.count("html") >= 2 and formats.count("jsonl") == 2
    assert len({d["outlet"] for d in DOCS.values()}) >= 5
    assert sum(e["type"] == "PERSON" for e in GOLD["entities"]) >= 8
    assert sum(e["type"] == "ORG" for e in GOLD["entities"]) >= 5
    styles = {q.get("style") for d in DOCS.values() for q in d["quotes"]}
    assert {"curly", "straight", "guillemets"} <= styles
    assert any(q.get("interrupted") for d in DOCS.values() for q in d["quotes"])
    assert any(q["stance"] == "declines" for d in DOCS.values() for q in d["quotes"])
    assert any(q["speaker_kind"] == "anonymous" for d in DOCS.values() for q in d["quotes"])
    assert GOLD["duplicates"] and GOLD["contradictions"]


def test_demo_articles_are_news_length():
    for key, body in BODIES.items():
        assert 150 <= len(body.split()) <= 600, key


# ---------------------------------------------------------------------------------------------------
# Document metadata


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_metadata_matches_the_source(key):
    gold = DOCS[key]
    raw, record = raw_source(key)
    if record is not None:
        assert gold["title"] == record["title"] and gold["outlet"] == record["outlet"]
        assert gold["byline"] == record["byline"]
        assert dt.datetime.fromisoformat(gold["published"]["value"]) == dt.datetime.fromisoformat(
            record["published"].replace("Z", "+00:00"))
    elif key.endswith(".html"):
        assert f'<meta property="og:title" content="{gold["title"]}">' in raw
        assert f'<meta property="og:site_name" content="{gold["outlet"]}">' in raw
        assert f'content="{gold["byline"]}"' in raw
        stamp = re.search(r'property="article:published_time" content="([^"]+)"', raw)
        assert stamp and stamp.group(1) == gold["published"]["value"]
    else:
        assert raw.split("\n", 1)[0] == gold["title"]
        assert gold["outlet"] in raw
        assert gold["byline"] is None or gold["byline"] in raw
    assert gold["format"] in {"txt", "html", "jsonl"}


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_publication_date_is_valid_iso_at_its_precision(key):
    published = DOCS[key]["published"]
    value, precision = published["value"], published["precision"]
    if precision == "day":
        day = dt.date.fromisoformat(value)
    else:
        assert precision == "minute" and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?([+-]\d{2}:\d{2})?", value)
        day = dt.datetime.fromisoformat(value).date()
    assert STORY_WINDOW[0] <= day <= STORY_WINDOW[1]
    evidence = published["evidence"]
    raw, _ = raw_source(key)
    assert evidence in raw or evidence.startswith("input field") or evidence == "article:published_time"


@pytest.mark.parametrize("key", sorted(k for k in DOCS if DOCS[k]["dateline"]))
def test_demo_gold_dateline_opens_a_paragraph(key):
    assert any(p.startswith(DOCS[key]["dateline"]) for p in BODIES[key].split("\n"))


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_furniture_is_in_the_source_but_not_in_the_body(key):
    gold = DOCS[key]
    raw, record = raw_source(key)
    is_html = key.endswith(".html") or (record is not None and "text" not in record)
    page = html_texts(raw)[0] if is_html else raw
    for line in gold["furniture"]:
        if is_html:
            assert line in page, line
            assert line not in BODIES[key], line
        else:
            assert line in raw.split("\n"), f"not a whole line: {line!r}"
    for line in gold["metadata_lines"]:
        assert line in (html_texts(raw)[1] if is_html else raw).split("\n"), line


# ---------------------------------------------------------------------------------------------------
# Entities


def test_demo_gold_entity_list_is_well_formed():
    assert len(ENTITIES) == len(GOLD["entities"]), "duplicate canonical names"
    for entity in GOLD["entities"]:
        assert entity["type"] in ENTITY_TYPES, entity["name"]
        assert entity["name"] not in entity["aliases"]
        assert all(role["time"] in {"current", "former"} for role in entity["roles"])
    owner: dict[str, str] = {}
    for entity in GOLD["entities"]:
        for form in [entity["name"], *entity["aliases"]]:
            assert owner.setdefault(form.lower(), entity["name"]) == entity["name"], f"{form!r} names two entities"


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_surfaces_exist_and_belong_to_their_entity(key):
    body = BODIES[key]
    for item in DOCS[key]["entities"]:
        entity = ENTITIES[item["name"]]
        forms = {f.lower() for f in [entity["name"], *entity["aliases"]]}
        for surface in item["surfaces"]:
            assert surface.lower() in forms, f"{surface!r} is not a name or alias of {item['name']}"
            assert occurs(surface, body), f"{surface!r} not in {key}"


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_lists_every_name_that_occurs(key):
    """Completeness: each name or alias that occurs in the body, outside a longer listed surface
    (Riverton inside "The Riverton Ledger"), is listed for its entity in this document."""
    body = BODIES[key]
    listed = {(item["name"], s) for item in DOCS[key]["entities"] for s in item["surfaces"]}
    longer = sorted({s for _, s in listed}, key=len, reverse=True)
    covered = [(m.start(), m.end()) for s in longer for m in re.finditer(re.escape(s), body)]
    for entity in GOLD["entities"]:
        for form in [entity["name"], *entity["aliases"]]:
            for match in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", body):
                inside_longer = any(s <= match.start() and match.end() <= e and e - s > len(form) for s, e in covered)
                if not inside_longer:
                    assert (entity["name"], form) in listed, f"{form!r} ({entity['name']}) occurs in {key} but is not listed"


# ---------------------------------------------------------------------------------------------------
# Quotes


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_quotes_exist_in_one_paragraph(key):
    body = BODIES[key]
    for quote in DOCS[key]["quotes"]:
        assert quote["stance"] in STANCES and quote["speaker_kind"] in SPEAKER_KINDS
        assert quote["speaker"] is None or quote["speaker"] in ENTITIES, quote["speaker"]
        assert (quote["speaker"] is None) == (quote["speaker_kind"] == "anonymous")
        parts = [*quote["content"], quote["cue"], quote["speaker_surface"]]
        for part in parts:
            assert part in body, f"{part!r} not in {key}"
        paragraph = paragraph_with(body, parts)
        assert paragraph is not None, f"content, cue and speaker of {parts[0]!r} are not in one paragraph"
        if quote["stance"] == "declines":
            assert not quote["content"]
        if quote["direct"]:
            opening, closing = OPENING_MARKS[quote["style"]], CLOSING_MARKS[quote["style"]]
            for part in quote["content"]:
                at = paragraph.index(part)
                assert paragraph[:at].endswith(opening), f"direct quote {part!r} does not open with {opening}"
                # content stops at the closing mark; a comma handing over to the cue is left out
                after = paragraph[at + len(part) :]
                assert after.startswith((closing, "," + closing)), f"direct quote {part!r} does not end at {closing}"
        if quote.get("interrupted"):  # a quote the attribution splits in two
            assert quote["direct"] and len(quote["content"]) >= 2


# ---------------------------------------------------------------------------------------------------
# Time expressions


def _dct(key: str) -> dt.date:
    return dt.date.fromisoformat(DOCS[key]["published"]["value"][:10])


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_timexes_exist_and_normalise_correctly(key):
    body = BODIES[key]
    for timex in DOCS[key]["timexes"]:
        text, value = timex["text"], timex["value"]
        assert occurs(text, body), f"{text!r} not in {key}"
        assert TIMEX_VALUE[timex["type"]].fullmatch(value), f"{value!r} is not a TIMEX3 {timex['type']}"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            if text in WEEKDAYS:  # a bare weekday means the one within a week of publication
                assert WEEKDAYS[day.weekday()] == text and abs((day - _dct(key)).days) < 7, text
            month_day = re.fullmatch(r"(\w+) (\d{1,2})|(\d{1,2}) (\w+)", text)
            if month_day:
                month = month_day.group(1) or month_day.group(4)
                number = int(month_day.group(2) or month_day.group(3))
                assert (day.strftime("%B"), day.day) == (month, number), text
        if re.fullmatch(r"\d{4}-W\d{2}", value):
            year, week = int(value[:4]), int(value[6:])
            assert text == "last week" and _dct(key).isocalendar()[:2] == (year, week + 1)
        anchor = timex["anchor"]
        if "resolves_to" in timex:  # "two days after <event>": the day it places the event on
            days = int(re.fullmatch(r"P(\d+)D", value).group(1))
            start = dt.date.fromisoformat(EVENTS[anchor.removeprefix("event:")]["date"])
            assert dt.date.fromisoformat(timex["resolves_to"]) == start + dt.timedelta(days=days)
        assert anchor in (None, "DCT") or anchor.removeprefix("event:") in EVENTS or dt.date.fromisoformat(anchor)


# ---------------------------------------------------------------------------------------------------
# Events, duplicates, contradictions


def test_demo_gold_events_name_known_entities_and_valid_dates():
    for event in GOLD["events"]:
        for name in [*event["actors"], *event["targets"], *([event["place"]] if event["place"] else [])]:
            assert name in ENTITIES, name
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", event["date"])
        assert event["date_precision"] == {7: "month", 10: "day"}[len(event["date"])]


@pytest.mark.parametrize("key", sorted(DOCS))
def test_demo_gold_event_mentions_exist(key):
    for mention in DOCS[key]["events"]:
        assert mention["event"] in EVENTS
        assert mention["modality"] in {"asserted", "negated", "reported", "hypothetical", "planned"}
        assert mention["sentence"] in BODIES[key], mention["sentence"]
        assert occurs(mention["trigger"], mention["sentence"])


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _jaccard(a: str, b: str) -> float:
    left, right = _shingles(a), _shingles(b)
    return len(left & right) / len(left | right)


def test_demo_gold_syndicated_pair_is_a_near_copy_with_the_stated_changes():
    for pair in GOLD["duplicates"]:
        origin, copy = BODIES[pair["origin"]], BODIES[pair["copy"]]
        assert _jaccard(origin, copy) > 0.7
        assert pair["credited_as"] in origin and pair["credited_as"] in copy
        for paragraph in pair["removed_in_copy"]:
            assert paragraph in origin.split("\n") and paragraph not in copy
        for paragraph in pair["added_in_copy"]:
            assert paragraph in copy.split("\n") and paragraph not in origin
    for left, right in GOLD["not_duplicates"]:
        assert _jaccard(BODIES[left], BODIES[right]) < 0.2


def test_demo_gold_contradiction_sentences_exist():
    for contradiction in GOLD["contradictions"]:
        assert contradiction["event"] in EVENTS
        asserting = {a["doc"] for a in contradiction["asserting"]}
        for side in ("asserting", "denying"):
            for evidence in contradiction[side]:
                assert evidence["sentence"] in BODIES[evidence["doc"]], evidence["sentence"]
                assert evidence["holder"] is None or evidence["holder"] in ENTITIES
        assert not asserting & {d["doc"] for d in contradiction["denying"]}


def test_demo_gold_file_is_plain_utf8_json_without_html_entities():
    text = GOLD_PATH.read_text(encoding="utf-8")
    assert unescape(text) == text
