"""Ingest stage: metadata from the text itself when markup is absent — headline, byline, dateline,
outlet, credits and publication date (with precision and how it was known).

Everything here reads the *clean* text (offsets point into it) plus, through ``hints``, what the input
already knew and the furniture the cleaner removed (site names live there: "notifications from The
Independent"). The guiding rule for dates: a wrong date poisons the whole timeline, so a date is only
stated at the precision the text supports — a dateline without a year gets a year only when the text
pins it down, and otherwise stays unknown (with a range when one is known).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storyline.model import PublishedDate, RemovedLine, Span

# How far into the text the headline zone (headline, standfirst, byline, timestamp) can reach, in lines.
HEADER_LINES = 12
# Longest line that can be a headline, a byline or a timestamp line (words).
HEADLINE_MAX_WORDS = 30
BYLINE_MAX_WORDS = 14
TIMESTAMP_LINE_MAX_WORDS = 22
# The same limits in characters (a "word" of hostile input can be megabytes long): a byline is never
# longer than BYLINE_MAX_CHARS, and a timestamp is looked for in a line's first TIMESTAMP_SCAN_CHARS.
BYLINE_MAX_CHARS = 200
TIMESTAMP_SCAN_CHARS = 400
# A dateline ("BUFFALO, N.Y. (Reuters) —") is looked for in a line's first this many characters.
DATELINE_SCAN_CHARS = 200
# A sentence this long after the first line starts the body (shorter ones are standfirsts, bylines).
PARAGRAPH_MIN_WORDS = 15
# A dateline opens one of the first paragraphs of the body.
DATELINE_PARAGRAPHS = 3
# Trailing lines searched for credits ("Reuters", "(Reporting by ...)") and late timestamps.
TRAILER_LINES = 6

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTH = r"(?P<{n}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+)?"
_TIME = r"(?:(?:,|\s+at|\s+-|\s+\|)?\s*(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:\s*(?P<ampm>[ap]\.?m\.?))?(?:\s*(?P<tz>GMT|UTC|Z|[ECMP][SD]?T|BST|CES?T|EES?T|MSK|IST|JST|AE[SD]T|HKT|SGT|WIB)\b)?)?"
# "Monday 13 February 2017 13:04 GMT", "19 November 2019, 09:01 AM", "18 NOV 2019"
_DAY_MONTH_YEAR = re.compile(_WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format(n="mon") + r",?\s+(?P<y>(?:19|20)\d{2})\b" + _TIME, re.I)
# "Nov. 19, 2019 8:03 am ET", "Tuesday, November 19, 2019 08:38 AM", "October 9, 2018 at 4:02 pm"
_MONTH_DAY_YEAR = re.compile(_WEEKDAY + _MONTH.format(n="mon") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b" + _TIME, re.I)
# "2018-08-25 15:24", "2019-11-18T20:11"
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2}))?")
# "11/19/19 06:56 AM EST" (only when the day/month order is unambiguous)
_SLASHED = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{2}|(?:19|20)\d{2})\b" + _TIME, re.I)
# "21.03.2026 11:05" (dotted dates are day.month.year wherever they are written)
_DOTTED = re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})\b" + _TIME, re.I)
_TIMESTAMP_PATTERNS = (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO, _DOTTED, _SLASHED)
# The words published, posted, date, released standing alone ("first published" counts through its
# "published"), written to start with their first letters so that the regex engine skips ahead to
# them: 2x faster than \b(published|posted|...)\b, which it matches exactly.
_PUBLISHED_CUE = re.compile(r"[pdr](?<!\w.)(?:(?<=p)ublished|(?<=p)osted|(?<=d)ate|(?<=r)eleased)(?!\w)", re.I)
_UPDATED_CUE = re.compile(r"\b(updated|modified|last updated|edited)\b", re.I)
_TZ_OFFSETS = {
    "GMT": 0, "UTC": 0, "Z": 0, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "IST": 330,
    "JST": 540, "AEST": 600, "AEDT": 660, "HKT": 480, "SGT": 480, "WIB": 420,
    "EST": -300, "EDT": -240, "ET": -300, "CST": -360, "CDT": -300, "CT": -360, "MST": -420, "MDT": -360, "MT": -420,
    "PST": -480, "PDT": -420, "PT": -480,
}  # fmt: skip
# Ambiguous US zone names ("ET") take standard time: a minute-precise value would be an hour off in
# summer, so ET/CT/MT/PT timestamps are given day precision (see _timestamp).
_AMBIGUOUS_TZ = {"ET", "CT", "MT", "PT"}

# Wire agencies and their spellings in credits and datelines.
_AGENCIES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "the associated press": "AP", "afp": "AFP",
    "agence france-presse": "AFP", "bloomberg": "Bloomberg", "dpa": "dpa", "tass": "TASS", "interfax": "Interfax",
    "interfax.ru": "INTERFAX.RU", "ria novosti": "RIA Novosti", "xinhua": "Xinhua", "pa": "PA", "aap": "AAP", "upi": "UPI",
    "efe": "EFE", "ansa": "ANSA", "kyodo": "Kyodo", "yonhap": "Yonhap", "cnn": "CNN", "bbc": "BBC",
}  # fmt: skip
_CREDIT_LINE = re.compile(
    r"^[-—–(\s]*(?P<agency>reuters|ap|afp|associated press|the associated press|agence france-presse|bloomberg|dpa|tass"
    r"|interfax|ria novosti|xinhua|pa|aap|upi|efe|ansa|kyodo|yonhap)[.)\s]*$"
    r"|^\(?(?:additional )?(?:reporting|writing|editing) by\b",
    re.I,
)
# "MOSCOW (Reuters) -", "Washington —", "BUFFALO, N.Y. —", "Moscow. March 11. INTERFAX.RU —", "NEW DELHI:"
# (a hyphen before a capital always separates two words of the place: "Winston-Salem". Were it also
# allowed inside a word, "A-A-A-A-..." could be split in exponentially many ways, and one line of it
# would stall the build.)
_PLACE = r"(?P<place>[A-Z](?:[A-Za-z'’.]|-(?![A-Z]))+(?:[ -][A-Z](?:[A-Za-z'’.]|-(?![A-Z]))+){0,3}(?:,\s[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+){0,2})?)"
_DATELINE = re.compile(
    _PLACE
    + r"(?:[.,]\s(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s(?P<d>\d{1,2}))?"
    r"(?:\.?\s\((?P<agency>[A-Za-z][\w .&-]{1,30})\)|\.\s(?P<site>[A-Z][A-Z0-9-]+(?:\.[A-Z]{2,4})?))?"
    r"\s?(?P<dash>[—–]|--?)(?=\s)"
)
_DATELINE_COLON = re.compile(
    r"(?!(?:UPDATE|UPDATED|NOTE|EDITOR|EDITORS|CORRECTION|WATCH|BREAKING|EXCLUSIVE|ANALYSIS|OPINION|LIVE|VIDEO|PHOTOS|READ|LISTEN|WARNING):)"
    r"(?P<place>[A-Z]{3,}(?:[ -][A-Z]{2,}){0,2}):(?=\s)"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|del|la|le|bin|al|el)){1,3}"
# ("and" between names needs spaces round it: inside a word it made the split of "AandBand..." ambiguous)
_NAMES = re.compile(rf"^(?P<names>{_NAME}(?:(?:\s*[,&]\s*|\s+and\s+){_NAME}){{0,4}})$")
_SITE_NAME = r"(?P<site>(?:The\s)?[A-Z][\w.&'’-]*(?:\s[A-Z][\w.&'’-]*){0,3}?)"
_SITE_IN_FURNITURE = (
    re.compile(r"notifications?\sfrom\s" + _SITE_NAME + r"(?=[\s.,!]*$)"),
    re.compile(r"(?:follow other|fellow)\s" + _SITE_NAME + r"\sreaders"),
    re.compile(r"(?:©|[Cc]opyright)\s*(?:\d{4}\s*)?" + _SITE_NAME + r"(?=[\s.,]*(?:$|All|all|\d))"),
    re.compile(r"(?:[Ss]ubscribe to|[Ss]ign up for)\s" + _SITE_NAME + r"(?:’s|'s)?\snewsletters?"),
)
_YEAR = re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})(?![\d/-])")
_FUTURE_YEAR_CUE = re.compile(r"\b(?:by|until|till|through|before|in the year|target(?:s|ed)? for|plans? for|expected in)\s+$", re.I)
_LEAD_WEEKDAY = re.compile(r"\b(?:on\s)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


@dataclass(frozen=True, slots=True)
class TextMetadata:
    """What the text says about itself. ``dateline`` is (start, end) into the clean text."""

    title: str | None = None
    byline: str | None = None
    dateline: tuple[int, int] | None = None
    outlet: str | None = None
    outlet_how: str | None = None
    published: PublishedDate = field(default_factory=lambda: PublishedDate(None, "unknown", "unknown"))
    credits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def text_metadata(text: str, hints: dict[str, Any] | None = None) -> TextMetadata:
    """Metadata found in clean text.

    ``hints``: what the input already knew — ``url``, ``title``, ``published``, ``outlet``, plus
    ``removed`` (the cleaner's RemovedLine tuple, where site names live) and ``doc_id`` (to give the
    publication date an evidence span). Never raises on any text.
    """
    hints = hints or {}
    lines = _lines(text)
    if not lines:
        return TextMetadata()
    body_start = _first_paragraph(lines)
    header = lines[: min(body_start, HEADER_LINES)] if body_start is not None else lines[:HEADER_LINES]
    title = _headline(header)
    byline = _byline(header, title)
    dateline, dateline_match = _dateline(text, lines, body_start)
    credits = _credits(lines, dateline_match)
    outlet, outlet_how = _outlet(hints.get("removed") or (), dateline_match, credits)
    published = _published(text, lines, header, dateline, dateline_match, hints.get("doc_id"))
    return TextMetadata(
        title=title,
        byline=byline,
        dateline=dateline,
        outlet=outlet,
        outlet_how=outlet_how,
        published=published,
        credits=credits,
    )


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the dateline opening the lead paragraph is, as (start, end) into ``text``, or None."""
    lines = _lines(text)
    return _dateline(text, lines, _first_paragraph(lines))[0] if lines else None


# --------------------------------------------------------------------------------------------
# Lines and zones


def _lines(text: str) -> list[_Line]:
    out = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + (len(raw) - len(raw.lstrip()))
            out.append(_Line(start, start + len(stripped), stripped))
    return out


def _first_paragraph(lines: list[_Line]) -> int | None:
    """Index of the first line of reporting prose: longer than a headline, or a full sentence of
    some length after the first line (the first line is the headline's place)."""
    for i, line in enumerate(lines[: HEADER_LINES + 1]):
        if line.words > HEADLINE_MAX_WORDS:
            return i
        if i > 0 and line.words >= PARAGRAPH_MIN_WORDS and re.search(r"[.!?\"”]$", line.text):
            return i
        dateline = _DATELINE.match(line.text, 0, DATELINE_SCAN_CHARS)
        if i > 0 and dateline and (dateline.group("mon") or dateline.group("agency") or dateline.group("site")) and re.search(r"[.!?\"”]$", line.text):
            return i  # a short lead opened by a full dateline ("Moscow. March 11. INTERFAX.RU — ...")
    return None


def _headline(header: list[_Line]) -> str | None:
    """The first line, when it reads like a headline (short, not a byline, timestamp or dateline)."""
    if not header:
        return None
    first = header[0]
    if first.words > HEADLINE_MAX_WORDS or _timestamp_in(first.text) or _DATELINE.match(first.text, 0, DATELINE_SCAN_CHARS) or _CREDIT_LINE.match(first.text):
        return None
    return first.text[:300]


def _byline(header: list[_Line], title: str | None) -> str | None:
    """'By X and Y', 'Maria Tsvetkova,Denis Pinchuk', 'Chris Davies - Nov 19, 2019' in the headline zone."""
    for line in header:
        if line.text == title or line.words > BYLINE_MAX_WORDS or len(line.text) > BYLINE_MAX_CHARS:
            continue
        candidate = line.text
        explicit = re.match(r"^(?:by|written by|words by|von|par|por|di)\s+", candidate, re.I)
        if explicit:
            candidate = candidate[explicit.end() :]
        # the name ends where a date, a separator, a handle or a role starts
        candidate = re.split(r"\s[-–—|]\s|\s?\|\s?|@|\s(?=\d)|\s(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s\d)", candidate)[0]
        candidate = candidate.strip(" ,;:")
        if not candidate or candidate.lower() in _AGENCIES:
            continue
        match = _NAMES.match(candidate)
        if match and (explicit or "," in candidate or " and " in candidate or line.text != candidate):
            return match.group("names")
        if match and explicit is None and len(header) > 1 and _looks_like_person_line(line.text):
            return match.group("names")
    return None


def _looks_like_person_line(text: str) -> bool:
    """Two or three capitalised words alone on a line, no sentence punctuation: a name."""
    return bool(re.fullmatch(r"[A-Z][a-z'’-]+(?:\s[A-Z]\.)?\s[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?", text))


def _dateline(text: str, lines: list[_Line], body_start: int | None) -> tuple[tuple[int, int] | None, re.Match[str] | None]:
    """The dateline opening the lead paragraph, as (start, end) into the clean text."""
    if body_start is None:
        return None, None
    for line in lines[body_start : body_start + DATELINE_PARAGRAPHS]:
        scan_end = min(line.end, line.start + DATELINE_SCAN_CHARS)
        match = _DATELINE.match(text, line.start, scan_end)
        if match and _plausible_dateline(match):
            return (match.start(), match.end()), match
        colon = _DATELINE_COLON.match(text, line.start, scan_end)
        if colon:
            return (colon.start(), colon.end()), colon
    return None, None


def _plausible_dateline(match: re.Match[str]) -> bool:
    """A dateline names a place in capitals, or carries a date or an agency; a capitalised word and a
    dash alone ("Flynn — who worked ...") is a sentence, unless the place is written in a dateline's capitals."""
    place = match.group("place")
    if match.group("mon") or match.group("agency") or match.group("site"):
        return True
    if place.isupper() and len(place) >= 3:
        return True
    # "Washington — Michael Flynn and ...": a title-case place of one to three words opening the lead,
    # the sentence after the dash starting afresh with a capital; "Flynn — who worked ..." is an
    # apposition (lower case after the dash). A person's name opening a lead with a dash and a
    # capital still passes: the remaining risk is noted in docs/ingest-cleaning.md.
    rest = match.string[match.end() : match.end() + 3]
    return bool(_CITY_LIKE.match(place)) and bool(re.match(r"\s[A-Z“\"]", rest))


_CITY_LIKE = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}$")


def _credits(lines: list[_Line], dateline: re.Match[str] | None) -> tuple[str, ...]:
    """Agencies credited for the story: in the dateline ("(Reuters)") and on credit lines at the end."""
    found: list[str] = []
    if dateline is not None and "agency" in dateline.re.groupindex:
        for group in ("agency", "site"):
            value = dateline.group(group)
            if value:
                found.append(_AGENCIES.get(value.lower(), value))
    for line in lines[-TRAILER_LINES:]:
        match = _CREDIT_LINE.match(line.text)
        if match and match.group("agency"):
            found.append(_AGENCIES.get(match.group("agency").lower(), match.group("agency")))
    return tuple(dict.fromkeys(found))


def _outlet(removed: Iterable[RemovedLine], dateline: re.Match[str] | None, credits: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The publishing outlet: a site naming itself in its furniture beats a dateline's site tag, which
    beats the sole agency credited (a syndicated copy credits the agency, not itself)."""
    for line in removed:
        for pattern in _SITE_IN_FURNITURE:
            match = pattern.search(line.text)
            if match:
                site = re.sub(r"\s+", " ", match.group("site")).strip(" .,")
                if site.lower() not in ("all", "rights", "the") and len(site) > 2:
                    return site, "furniture"
    if dateline is not None and "site" in dateline.re.groupindex and dateline.group("site"):
        return dateline.group("site"), "dateline"
    if len(credits) == 1:
        return credits[0], "credit-line"
    return None, None


# --------------------------------------------------------------------------------------------
# Publication date


def _published(
    text: str,
    lines: list[_Line],
    header: list[_Line],
    dateline: tuple[int, int] | None,
    dateline_match: re.Match[str] | None,
    doc_id: str | None,
) -> PublishedDate:
    """Timestamp in the headline zone (or a 'Published ...' line at the end) > dateline day with a year
    the text pins down > unknown (with a range when the year has two candidates)."""
    candidates = list(header) + [line for line in lines[-TRAILER_LINES:] if _PUBLISHED_CUE.search(line.text)]
    best: tuple[int, PublishedDate] | None = None
    for line in candidates:
        if line.words > TIMESTAMP_LINE_MAX_WORDS:
            continue
        stamp = _timestamp_in(line.text)
        if stamp is None:
            continue
        value, precision, (s, e) = stamp
        rank = 0 if _PUBLISHED_CUE.search(line.text) else (2 if _UPDATED_CUE.search(line.text) else 1)
        evidence = Span(doc_id, line.start + s, line.start + e, text[line.start + s : line.start + e]) if doc_id else None
        date = PublishedDate(value, precision, "text-timestamp", evidence=evidence)  # type: ignore[arg-type]
        if best is None or rank < best[0]:
            best = (rank, date)
    if best is not None:
        return best[1]
    if dateline_match is not None and dateline is not None and "mon" in dateline_match.re.groupindex and dateline_match.group("mon"):
        evidence = Span(doc_id, dateline[0], dateline[1], text[dateline[0] : dateline[1]]) if doc_id else None
        month = _MONTHS[dateline_match.group("mon")[:3].lower()]
        day = int(dateline_match.group("d"))
        return _dateline_date(text, month, day, dateline[1], evidence)
    return PublishedDate(None, "unknown", "unknown")


def _timestamp_in(line: str) -> tuple[str, str, tuple[int, int]] | None:
    """(ISO value, precision, (start, end) in the line) of the first full date in a line, or None.
    A weekday that does not match the date makes the timestamp untrustworthy (None)."""
    line = line[:TIMESTAMP_SCAN_CHARS]  # spans stay valid: a prefix of the line
    # every pattern but _SLASHED needs a year 19xx/20xx, and _SLASHED a slash: most lines have neither,
    # and the searches are skipped (a speed-up only)
    has_century = "19" in line or "20" in line
    for pattern in _TIMESTAMP_PATTERNS:
        if not (("/" in line) if pattern is _SLASHED else has_century):
            continue
        match = pattern.search(line)
        if not match:
            continue
        groups = match.groupdict()
        try:
            if pattern is _ISO or pattern is _DOTTED:
                year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
            elif pattern is _SLASHED:
                a, b = int(groups["a"]), int(groups["b"])
                if a > 12 >= b:
                    day, month = a, b
                elif b > 12 >= a:
                    month, day = a, b
                else:
                    continue  # 03/04/19: order unknown
                year = int(groups["y"]) + (2000 if len(groups["y"]) == 2 else 0)
            else:
                year, month, day = int(groups["y"]), _MONTHS[groups["mon"][:3].lower().rstrip(".")[:3]], int(groups["d"])
            date = dt.date(year, month, day)
        except (ValueError, KeyError):
            continue
        weekday = groups.get("wd")
        if weekday and _WEEKDAYS[weekday[:3].lower()] != date.weekday():
            return None
        if groups.get("hh") is not None:
            hour, minute = int(groups["hh"]), int(groups["mm"])
            ampm = (groups.get("ampm") or "").replace(".", "").lower()
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                return date.isoformat(), "day", match.span()
            tz = (groups.get("tz") or "").upper()
            if tz in _AMBIGUOUS_TZ:
                return date.isoformat(), "day", match.span()
            stamp = dt.datetime(year, month, day, hour, minute)
            if tz in _TZ_OFFSETS:
                stamp = stamp.replace(tzinfo=dt.timezone(dt.timedelta(minutes=_TZ_OFFSETS[tz])))
            return stamp.isoformat(timespec="minutes"), "minute", match.span()
        return date.isoformat(), "day", match.span()
    return None


def _dateline_date(text: str, month: int, day: int, lead_start: int, evidence: Span | None) -> PublishedDate:
    """A dateline's day and month with the year inferred from the text, or unknown.

    Candidate years: the latest year the text mentions (not counting "by 2030"-style targets) and the
    year after it (a story early in a year looks back on the last one). A weekday in the lead ("said
    on Monday") that only one candidate makes true decides; so does a mention of a later month of the
    latest year (the dateline day must come after the events it reports). Otherwise the date stays
    unknown with both candidates as its range.
    """
    years = _mentioned_years(text)
    partial = f"--{month:02d}-{day:02d}"
    if not years:
        return PublishedDate(None, "unknown", "unknown", evidence=evidence, partial=partial)
    latest = max(years)
    candidates = []
    for year in (latest, latest + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue  # 29 February
    if not candidates:
        return PublishedDate(None, "unknown", "unknown", evidence=evidence)
    lead = text[lead_start : lead_start + 400]
    weekday = _LEAD_WEEKDAY.search(lead)
    if weekday:
        wanted = _WEEKDAYS[weekday.group("wd")[:3].lower()]
        matching = [c for c in candidates if c.weekday() == wanted]
        if len(matching) == 1:
            candidates = matching
    if len(candidates) > 1 and _later_month_mentioned(text, latest, month):
        candidates = [c for c in candidates if c.year == latest + 1]
    if len(candidates) == 1:
        return PublishedDate(candidates[0].isoformat(), "day", "dateline-year-inferred", year_inferred=True, evidence=evidence)
    return PublishedDate(
        None,
        "unknown",
        "dateline-year-inferred",
        year_inferred=True,
        earliest=candidates[0].isoformat(),
        latest=candidates[-1].isoformat(),
        evidence=evidence,
        partial=partial,
    )


def _mentioned_years(text: str) -> list[int]:
    years = []
    for match in _YEAR.finditer(text):
        if _FUTURE_YEAR_CUE.search(text[max(0, match.start() - 25) : match.start()]):
            continue
        years.append(int(match.group("y")))
    return years


def _later_month_mentioned(text: str, year: int, month: int) -> bool:
    """True when the text names a month of ``year`` later than ``month`` ("in November 2016",
    "April to November 2016"): the dateline day of that year would come before the events reported."""
    for match in re.finditer(_MONTH.format(n="mon") + r"(?:\s+\d{1,2},?)?\s+(?:of\s+)?" + str(year) + r"\b", text):
        if _MONTHS[match.group("mon")[:3].lower()] > month:
            return True
    return False


def published_from_value(value: object, how: str) -> PublishedDate | None:
    """A PublishedDate from a value that came with the input (JSONL field, HTML markup), or None
    when it cannot be read as a date. Precision follows what the value actually states."""
    if value is None:
        return None
    if isinstance(value, PublishedDate):
        return value
    if isinstance(value, (int, float)):  # epoch seconds
        try:
            stamp = dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return PublishedDate(stamp.isoformat(timespec="minutes"), "minute", how)
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        return PublishedDate(s, "year", how)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return PublishedDate(s, "month", how)
    try:
        parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        # dateparser fills a missing year with the current one (a confident wrong date) and takes seconds
        # to give up on text that is no date at all: only values stating a year, of a date's length, go in
        if len(s) > 80 or not _YEAR.search(s):
            return None
        import dateparser

        parsed = dateparser.parse(s, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
        if parsed is None:
            return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", s))
    if has_time:
        return PublishedDate(parsed.isoformat(timespec="minutes"), "minute", how)
    return PublishedDate(parsed.date().isoformat(), "day", how)
