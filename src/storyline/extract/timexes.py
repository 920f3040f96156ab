"""Extract stage: time expressions (TIMEX3-style), found and normalised by our own rules.

``extract_timexes`` (document stage, produces ``timex``) finds dates, times, durations and sets in a
document's clean text and normalises them to TIMEX3 values (``2016-12-29``, ``2017-W07``, ``2016-12``,
``1989-Q3``, ``PRESENT_REF``, ``P1M``, ``XXXX-12-29`` ...) relative to:

- the document creation time (DCT, from ``Document.published``, with its precision), or
- for anaphoric expressions ("the following day", "a year earlier", "two days after he was sworn in")
  the date of the expression they hang on (the *reference time*: the latest fully resolved date
  mentioned before them).

Tense decides the direction of bare weekdays and month names: "said Monday" in a past-tense report is
the Monday on or before the DCT, "will meet on Friday" the Friday on or after it. Tense comes from the
dependency parse when there is one, otherwise from the words of the clause.

When the DCT is unknown nothing is invented: DCT-relative values stay unanchored (``XXXX-WXX-5`` for
"Friday", ``XXXX-12-29`` for "Dec. 29") with anchor None, except that a year-less date takes its year
from a date with a year that the same document mentions (the narrative reference time; such values
are marked ``inferred``). :func:`inferred_publication_range` bounds the unknown DCT from the content
(latest anchored date mentioned, weekday of "said Monday"-style reports).

The engine is a set of regular expressions over the text (one per expression shape) whose matches are
de-overlapped longest-first and normalised by one function per shape. dateparser is only the baseline
in ``storyline eval timex``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from storyline.ids import record_id
from storyline.model import Document, Timex
from storyline.stages import DocumentContext, document_stage

# --------------------------------------------------------------------------------------------
# Vocabulary

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
    "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_ORDER = {"WI": 0, "SP": 1, "SU": 2, "FA": 3}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
UNIT_CODES = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False), "night": ("D", False),
    "week": ("W", False), "weekend": ("WE", False), "fortnight": ("2W", False), "month": ("M", False),
    "quarter": ("Q", False), "year": ("Y", False), "decade": ("DE", False), "century": ("CE", False),
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "couple": 2, "a couple of": 2,
    "dozen": 12, "a dozen": 12, "half": 0.5,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
VAGUE = ("several", "few", "a few", "many", "some", "numerous", "the last few", "the past few", "a number of")

_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:mon|tues?|wed|thur?s?|fri|sat|sun)\.)"
_DAYNUM = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_WORDNUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|a hundred|one hundred|a dozen|dozen|a couple of|a few|few|several|many|some|a|an)"
)
_NUM = rf"(?:\d+(?:\.\d+)?|{_WORDNUM})"
_UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|quarters?|years?|decades?|century|centuries)"
_UNIT_SG = r"(?:second|minute|hour|day|week|weekend|month|quarter|year|decade|century)"
_MOD = r"(?:(?:early|late|mid|the end of|the beginning of|the start of|the middle of|the first half of|the second half of|the latter part of)[- ]?\s*)"
_APPROX = r"(?:(?:about|around|nearly|almost|more than|less than|up to|at least|at most|some|over|roughly|approximately|just|only|another|an additional|barely|fully)\s+)"

# How many days after the DCT a past-tense date may lie before we read it as last year's (datelines
# and time zones put a report a day or two before its events' calendar date; TimeBank dev errors).
PAST_SLACK_DAYS = 2
# A future-tense month-day this many months before the DCT's month is read as next year's ("will
# meet on Jan. 13" in December); nearer ones are more often past events misread as future.
FUTURE_WRAP_MONTHS = 4

# How many earlier dates "the following day" looks back through at most (bounds the work per anaphor,
# so a document of thousands of dates stays linear; a reference is rarely more than a few dates back).
ANAPHORA_LOOKBACK = 20

# Verbs of reporting: "the following day" on one of them hangs on the previous report's date, on any
# other verb on the previous reported event's ("reported on March 19 that she met him on March 17. Her
# spokesperson said the following day ..." is March 20; "... said she had spent that day in Dunmore" March 17).
REPORTING_LEMMAS = frozenset(("say", "report", "tell", "announce", "state", "declare", "claim", "add", "deny",
                              "confirm", "write", "comment", "insist", "note", "reply", "respond"))

# Before a weekday's possessive ("for Thursday's sitting", "ahead of Friday's vote"): an occasion
# still to come, whatever the tense of the clause that mentions it.
_UPCOMING_OCCASION_BEFORE = re.compile(r"\b(?:for|ahead of)\s+$", re.I)

# How far back (characters) the day a text is talking about stays in focus for a clock time or a part of
# the day without a date ("the diary for March 17 ... opening the forum at 9.30 a.m."); beyond it the
# DCT's day. About two sentences; checked on TimeBank dev (clock times there follow their day closely).
FOCUS_CHARS = 300

# Words before a capitalised "May"/"March" that make it the month, not the modal or the verb.
_MONTH_CUE = re.compile(r"(?:\b(?:in|since|until|till|by|last|next|this|early|late|mid|of|from|through|to|before|after|during|on|that|each|every|end)\s*-?\s*)$", re.I)

# --------------------------------------------------------------------------------------------
# Document creation time


@dataclass(frozen=True, slots=True)
class DocumentTime:
    """The document creation time relative expressions hang on, as far as it is known.

    ``year``/``month``/``day`` are None where the DCT's precision stops; ``how`` says how it was known
    (the Document.published ``how``) and ``inferred`` is true when the year or the date was inferred.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    how: str = "unknown"
    inferred: bool = False

    @property
    def date(self) -> dt.date | None:
        """The DCT as a date when it is known to the day."""
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None

    @property
    def known(self) -> bool:
        """Whether at least the year is known."""
        return self.year is not None


def document_time(document: Document) -> DocumentTime:
    """The DCT of a document, from its ``published`` value at the precision it was known."""
    return dct_from_value(document.published.value, document.published.how, document.published.year_inferred
                          or document.published.how in ("dateline-year-inferred", "inferred-from-content"))


def dct_from_value(value: str | None, how: str = "input-field", inferred: bool = False) -> DocumentTime:
    """A DocumentTime from an ISO string (``2017-02-13T13:04``, ``2017-03-11``, ``2017-03``, ``2017``)."""
    if not value:
        return DocumentTime(how=how)
    m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return DocumentTime(how=how)
    year, month, day = (int(g) if g else None for g in m.groups())
    return DocumentTime(year, month, day, how, inferred)


# --------------------------------------------------------------------------------------------
# Candidates


@dataclass(frozen=True, slots=True)
class FoundTimex:
    """A normalised time expression before it becomes a record (offsets into the text)."""

    start: int
    end: int
    text: str
    type: str
    value: str
    granularity: str | None
    anchor: str | None  # "DCT", "ref:<start>" (the expression it hangs on) or None
    inferred: bool = False


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    shape: str
    match: re.Match[str]
    priority: int


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + pattern + r"(?![\w])", re.I)


# (shape, pattern). Longer matches win overlaps; among equal lengths the earlier shape wins.
SHAPES: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _p(r"(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:T(?P<hh>\d\d):(?P<mm>\d\d))?")),
    ("time", _p(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:(?P<mon>{_MONTH})\s+(?P<md>{_DAYNUM}),?\s+(?:(?P<my>{_YEAR}),?\s+)?)?(?:at\s+)?(?P<h>[0-2]?\d)(?:(?P<sep>[:.])(?P<mi>[0-5]\d))?\s*(?P<ap>a\.\s?m\.|p\.\s?m\.|am|pm)?(?:\s+(?P<tz>GMT|UTC|EST|EDT|CST|CDT|PST|PDT|BST|CET|MSK|ET|PT))?")),
    ("date_dmy", _p(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d>{_DAYNUM})\s+(?:of\s+)?(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})")),
    ("date_mdy", _p(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<d>{_DAYNUM}),?\s+(?P<y>{_YEAR})")),
    ("date_md", _p(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<d>{_DAYNUM})(?!\s*(?:,\s*)?\d)")),
    ("date_dm", _p(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d>{_DAYNUM})\s+(?:of\s+)?(?P<mon>{_MONTH})")),
    ("month_rel_year", _p(rf"(?P<mon>{_MONTH})\s+(?:of\s+)?(?P<rel>this|last|next)\s+year")),
    ("clock_day", _p(rf"(?:(?:at\s+)?(?P<h>[0-2]?\d)(?::(?P<mi>[0-5]\d))?\s*(?P<ap>a\.\s?m\.|p\.\s?m\.|am|pm)|(?P<cw>noon|midnight))\s+(?:on\s+)?(?P<day>{_WEEKDAY}|today|yesterday|tomorrow)")),
    ("month_year", _p(rf"(?:the\s+)?{_MOD}?(?P<mon>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})")),
    ("month", _p(rf"(?:(?P<rel>last|next|this|this past|this coming|the past|the coming|early|late|mid|the end of|the beginning of|the start of|the middle of|the first half of|the second half of)[- ]?\s*)?(?P<mon>{_MONTH})")),
    ("season", _p(r"(?:(?P<rel>last|next|this|this past|this coming|the past|the coming|early|late|mid|the|the end of)\s+)?(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>" + _YEAR + r"))?")),
    ("half", _p(r"(?:the\s+)?(?P<o>first|second|latter)\s+half(?:\s+of\s+(?:(?P<y>" + _YEAR + r")|(?P<rel>this|last|next)\s+year|the\s+year))?")),
    ("quarter", _p(r"(?:the\s+)?(?:(?P<rel>this|last|next)\s+year's\s+)?(?:(?P<adj>latest|current|previous|past|last|preceding|year-earlier|year-ago|same|comparable|prior|recent|most recent|just-ended|year-before|next|coming|final|fiscal)\s+)?(?:fiscal\s+)?(?:(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?)?quarter(?:\s+of\s+(?:(?P<y>" + _YEAR + r")|(?P<rel2>this|last|next)\s+year|the\s+year))?")),
    ("quarter_year", _p(rf"(?:the\s+)?(?P<y>{_YEAR})\s+(?P<o>first|second|third|fourth)[- ]quarter")),
    ("year", _p(rf"(?:the\s+)?(?:(?P<pre>fiscal|calendar|model|year|early|late|mid|the end of|the beginning of|the start of|the middle of|the summer of|the spring of|the fall of|the autumn of|the winter of|the first half of|the second half of)[- ]?\s*)?(?P<y>{_YEAR})(?P<per>\s+(?:period|season|fiscal year))?(?!\s*(?:%|percent|[-/]\d|\.\d|,\d{3}))")),
    ("decade", _p(r"(?:the\s+)?(?:(?:early|late|mid)[- ]?\s*)?(?P<c>1[5-9]\d|20\d)0'?s")),
    ("deictic", _p(r"(?P<w>the day before yesterday|the day after tomorrow|today|yesterday|tomorrow|tonight|overnight)(?:'s)?(?:\s+(?P<pod>morning|afternoon|evening|night))?")),
    ("last_night", _p(r"(?P<rel>last|this)\s+(?P<pod>morning|afternoon|evening|night)")),
    ("mod_deictic", _p(r"(?P<mod>late|early|earlier|later)\s+(?P<w>today|yesterday|tomorrow)")),
    ("weekday", _p(rf"(?:(?P<rel>last|next|this|this past|this coming|the following|the previous|early|late|on)\s+)?(?P<wd>{_WEEKDAY})(?:\s+(?P<pod>morning|afternoon|evening|night))?")),
    ("rel_unit", _p(r"(?P<rel>last|next|this|this past|the past|the last|the previous|the next|the coming|the current|the present|the same|the preceding|the prior|earlier this|later this|early this|late this|early next|late next|early last|late last|sometime next|sometime last|sometime this|the end of this|the end of last|the end of the|the beginning of this|the start of this)\s+(?P<u>week|weekend|month|year|decade|century|fiscal year|year's end)")),
    ("the_unit", _p(r"the\s+(?P<u>year|week|month|weekend|day|fiscal year|full year|full-year|year-end|year end)")),
    ("anaphoric", _p(r"(?:the\s+)?(?P<rel>following|next|previous|preceding|prior|same|that|the same)\s+(?P<u>day|week|weekend|month|year|morning|afternoon|evening|night)|the\s+(?P<u2>day|week|month|year|night)\s+(?P<rel2>before|after|earlier|later)")),
    ("offset", _p(rf"{_APPROX}?(?P<n>{_NUM})\s+(?:more\s+)?(?P<u>{_UNIT})\s+(?P<dir>ago|earlier|later|before|after|from now|hence|previously|since|back)")),
    ("year_earlier", _p(r"(?:the\s+)?(?P<w>year-earlier|year-ago|year earlier|a year before|prior-year|year-before)(?:\s+(?P<u>period|quarter|level|month|results?|figures?))?")),
    ("duration", _p(rf"{_APPROX}?(?:the\s+)?(?:(?P<which>past|last|next|first|coming|previous|following|final|latest|remaining|initial|ensuing|preceding)\s+)?(?P<n>{_NUM})(?:\s+(?:and\s+a\s+half))?[- ](?P<u>{_UNIT})(?:\s+and\s+a\s+half)?(?P<old>[- ]old)?")),
    ("bare_units", _p(r"(?:(?P<q>the past|the last|the next|the coming|recent|many|several|for|in|the|a few|few|over the)\s+)?(?P<u>seconds|minutes|hours|days|weeks|months|years|decades|centuries)")),
    ("set", _p(rf"(?P<w>every|each|per|a|an)\s+(?:(?P<n>{_NUM})\s+)?(?P<u>{_UNIT_SG}|{_WEEKDAY}|morning|evening|night)|(?P<adv>daily|weekly|monthly|yearly|annually|hourly|nightly|biweekly|semiannually)")),
    ("ref", _p(r"(?P<w>right now|now|currently|current|these days|nowadays|at present|at the moment|presently|the present|recently|lately|in the past|the past|earlier|the future|in the future|soon|shortly|the short term|the near term|the long term|the near future|a later date|the coming years|the years ahead|the weeks ahead|the months ahead|the days ahead|some time|sometime)")),
    ("clock_word", _p(r"(?P<w>noon|midnight|midday|dawn|dusk)")),
    ("clock_phrase", _p(r"(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[1-9]|1[0-2])(?:\s+o'clock)?\s+in\s+the\s+(?P<pod>morning|afternoon|evening)")),
    ("part_of_day", _p(r"(?:(?P<mod>early|late)\s+in\s+)?the\s+(?:(?P<mod2>early|late|mid)[- ]?\s*)?(?P<pod>morning|afternoon|evening|night)")),
    ("another", _p(rf"(?P<w>another|an additional|one more)\s+(?P<u>{_UNIT_SG})")),
]
_PRIORITY = {name: i for i, (name, _) in enumerate(SHAPES)}


def _valid(shape: str, m: re.Match[str], text: str) -> bool:
    """Filters that a regex cannot express cheaply (capitalisation, modal "may", bare numbers)."""
    g = m.groupdict()
    s = m.group(0)
    if g.get("mon"):
        word = m.group("mon")
        if not word[0].isupper():
            return False
        bare = word.lower().rstrip(".")
        if bare in ("may", "march", "jan", "mar", "jun", "jul", "sep", "oct", "nov", "dec", "aug", "feb", "apr") and shape == "month" and not g.get("rel"):
            # a bare "May"/"March" must look like a month: cue word before it or a year after it
            before = text[max(0, m.start() - 25) : m.start()]
            if not _MONTH_CUE.search(before):
                return False
            if bare in ("may", "march") and re.match(r"\s+(?:be|have|not|the|a|in|on|to)\b", text[m.end():]):
                return False
    if g.get("wd") and not m.group("wd")[0].isupper():
        return False
    if shape == "clock_day" and m.group("day").lower().rstrip(".") in WEEKDAYS and not m.group("day")[0].isupper():
        return False
    if shape == "time":
        hour = int(m.group("h"))
        if not (m.group("ap") or m.group("mi")):
            return False  # a bare number is not a time
        if m.group("sep") == "." and not m.group("ap"):
            return False  # "3.50": a decimal, unless a.m./p.m. follows ("9.30 a.m.")
        if hour > 24 or (m.group("ap") and hour > 12):
            return False
        if m.group("mi") and not m.group("ap") and not m.group("tz") and not m.group("mon"):
            # "13:04" is a time; "3:1" scores and "2:30" ratios are rare in news bodies next to a word
            if re.search(r"\d\s*$", text[max(0, m.start() - 3) : m.start()]):
                return False
    if shape in ("date_md", "date_dm", "date_mdy", "date_dmy"):
        if int(re.match(r"\d+", m.group("d")).group(0)) > 31 or int(re.match(r"\d+", m.group("d")).group(0)) == 0:
            return False
    if shape == "year":
        if text[max(0, m.start() - 1) : m.start()] in ("$", "#", "£", "€") or text[max(0, m.start() - 4) : m.start()].lower().endswith("no."):
            return False
        if not g.get("pre") and not g.get("per"):
            # a bare 4-digit number is a year only where a year can stand: not "1,500"/"2000 people"
            after = text[m.end() : m.end() + 15].lower()
            if re.match(r"\s+(?:people|troops|shares|workers|jobs|tons?|miles|feet|meters|units|cars|employees|men|women|points|votes|soldiers|dollars|barrels|acres|cases|homes|houses|pounds)\b", after):
                return False
    if shape == "duration":
        if g.get("old"):
            return False
        n = m.group("n").lower()
        if n.isdigit() and int(n) > 1 and not m.group("u").lower().endswith("s") and not re.search(r"\d-", s):
            return False  # "2023 year" (a translated "in 2023"): a plural count needs a plural unit
        if n in ("a", "an", "some", "many") and m.group("u").lower().startswith(("second", "night")):
            return False
        # "a year" after a rate ("$5 a year", "twice a year") is a set, handled there
        if n in ("a", "an") and re.search(r"(?:\d|times|twice|once|percent|%|cents?|dollars?)\s*$", text[max(0, m.start() - 12) : m.start()], re.I):
            return False
    if shape == "set" and g.get("w") and g["w"].lower() in ("a", "an"):
        if not re.search(r"(?:\d|times|twice|once|thrice|percent|%|cents?|dollars?|barrels|miles)\s*$", text[max(0, m.start() - 14) : m.start()], re.I):
            return False
    if shape == "set" and g.get("adv") and re.match(r"\s+[a-z]", text[m.end():]) and not re.match(r"\s+(?:and|or|to|for|in|at|by|on|since|until)\b", text[m.end():]):
        return False  # "daily newspaper", "monthly payments": an adjective, not a frequency
    if shape == "season" and not g.get("rel") and not g.get("y") and not m.group("s")[0].isupper():
        return False  # "prices fall": a bare lower-case season word is a verb or a noun
    if shape == "ref":
        w = m.group("w").lower()
        if w in ("current", "recent") and not re.match(r"\s+[a-z]", text[m.end():]):
            return False
        if w == "once" and not re.match(r"\s+(?:again|more)", text[m.end():]) and True:
            return False
        if w == "earlier" and not re.search(r"(?:said|reported|announced)\s*$", text[max(0, m.start() - 12) : m.start()], re.I) \
                and not re.match(r"\s*[,.]", text[m.end():]):
            return False
        if w in ("sometime", "some time") and not re.match(r"\s+(?:ago|soon|later|next|this|last|in)\b", text[m.end():]):
            return w == "some time"
    if shape == "bare_units":
        q = (m.group("q") or "").lower()
        if q in ("in", "the", "for", "") and m.group("u").lower() in ("seconds", "minutes", "hours"):
            return False
        if q == "the" and m.group("u").lower() not in ("years",):
            return False
    if shape == "the_unit" and m.group("u").lower() == "day":
        return False
    if shape == "anaphoric" and (m.group("rel") or "").lower() in ("next", "previous", "prior") and not s.lower().startswith("the"):
        # "next year" etc. are DCT-relative (rel_unit); bare "next day" is anaphoric only with "the"
        return (m.group("u") or "").lower() in ("day", "morning", "evening", "night", "afternoon")
    if shape == "decade" and text[max(0, m.start() - 1) : m.start()] == "$":
        return False
    return True


def find_candidates(text: str) -> list[_Candidate]:
    """Every shape's matches that pass the filters, de-overlapped: longest first, then by shape order."""
    found: list[_Candidate] = []
    for shape, pattern in SHAPES:
        for m in pattern.finditer(text):
            if m.end() > m.start() and _valid(shape, m, text):
                found.append(_Candidate(m.start(), m.end(), shape, m, _PRIORITY[shape]))
    found.sort(key=lambda c: (-(c.end - c.start), c.priority, c.start))
    taken: list[_Candidate] = []
    # One byte per character of the text, set where a taken candidate lies: the overlap test is a scan
    # of the candidate's own characters, so de-overlapping costs the total length of the candidates
    # (linear in the text) instead of candidates x taken (quadratic in the number of dates).
    occupied = bytearray(len(text))
    for cand in found:
        if occupied.find(1, cand.start, cand.end) != -1:
            continue
        taken.append(cand)
        occupied[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
    taken.sort(key=lambda c: c.start)
    return taken


# --------------------------------------------------------------------------------------------
# Tense of the clause an expression sits in


_FUTURE_WORDS = re.compile(
    r"\b(?:will|'ll|shall|would|going to|plans? to|planned to|expected to|expects? to|scheduled|set to|due to|"
    r"intends? to|is to|are to|aims? to|hopes? to|wants? to|next|upcoming|planning|preparing to|likely to|could|may|might)\b", re.I)
_PAST_WORDS = re.compile(r"\b(?:said|was|were|had|did|told|announced|reported|ago|last|earlier)\b|\b\w{3,}ed\b", re.I)


# Modifiers that make an event prospective (not yet happened) whatever the tense around it.
PROSPECTIVE_MODIFIERS = frozenset((
    "possible", "potential", "proposed", "planned", "upcoming", "forthcoming", "next", "future", "prospective",
    "expected", "scheduled", "coming", "anticipated", "likely", "hypothetical",
))


def _prospective(tok: Any) -> bool:
    """Whether a token of the path from a time expression to its verb is a planned or hypothetical
    event ("possible meeting", "upcoming summit", "next round")."""
    return tok.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ in ("amod", "advmod", "compound") and c.lower_ in PROSPECTIVE_MODIFIERS for c in tok.children)


# Nouns that, after "there was/is", announce something that has not happened ("there was talk of a
# possible meeting ... in July", "there are plans for talks in July").
PROSPECT_NOUNS = frozenset(("talk", "plan", "plans", "prospect", "possibility", "chance", "hope", "hopes", "idea", "proposal"))


def _existential_prospect(verb: Any) -> bool:
    """ "there was talk of a possible meeting": an existential "be" whose subject is a prospect."""
    if verb.lemma_ != "be" or not any(c.dep_ == "expl" for c in verb.children):
        return False
    for attr in (c for c in verb.children if c.dep_ in ("attr", "nsubj")):
        if attr.lemma_.lower() in PROSPECT_NOUNS or _prospective(attr):
            return True
        if any(_prospective(o) for p in attr.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"):
            return True
    return False


def _non_finite(tok: Any) -> bool:
    """A participle or infinitive without auxiliaries that modifies a noun or another clause ("a
    meeting taking place before ..."): its tense is that of what it hangs on, so climb past it."""
    if tok.tag_ not in ("VBG", "VBN", "VB"):
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in tok.children):
        return False
    return tok.dep_ in ("acl", "advcl", "xcomp", "pcomp") and tok.head.i != tok.i


def tense_at(text: str, start: int, end: int, parsed: Any = None) -> str | None:
    """"past", "future", "present" or None: the tense of the clause governing text[start:end].

    With a spaCy parse the governing verb and its auxiliaries decide; without one, the words of the
    clause (from the previous clause boundary to a few words after) do."""
    if parsed is not None:
        span = parsed.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            tok = span.root
            for _ in range(12):
                if _prospective(tok):
                    # "a possible meeting ... before a G20 summit in July", "the upcoming summit in
                    # July": the expression sits in a hypothetical or planned event, whatever the tense
                    # of the reporting clause around it
                    return "future"
                if tok.pos_ in ("VERB", "AUX") and not _non_finite(tok):
                    break
                if tok.head.i == tok.i:
                    break
                tok = tok.head
            if tok.pos_ in ("VERB", "AUX") and _existential_prospect(tok):
                return "future"
            if tok.pos_ in ("VERB", "AUX"):
                auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
                lemmas = {a.lower_ for a in auxes}
                if lemmas & {"will", "'ll", "shall", "wo"}:
                    return "future"
                if lemmas & {"would", "could", "may", "might", "should"}:
                    return "future"
                if tok.tag_ == "VBG" and lemmas & {"is", "are", "'s", "'re", "am"}:
                    return "future"
                if tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
                    head = tok.head
                    if head.lemma_ in ("plan", "expect", "schedule", "intend", "hope", "want", "aim", "set", "due", "prepare", "agree", "decide", "promise", "threaten", "vow"):
                        if head.tag_ == "VBD" and head.lemma_ in ("decide", "agree", "promise"):
                            return "future"
                        return "future"
                    tok = head
                if tok.tag_ == "VBD" or (tok.tag_ == "VBN" and lemmas & {"had", "has", "have", "was", "were"}):
                    return "past"
                if tok.tag_ == "VBN" and lemmas & {"is", "are", "be"}:
                    return "present"
                if tok.tag_ in ("VBZ", "VBP"):
                    return "present"
                if tok.tag_ == "VBN":
                    return "past"
    left = text[max(0, start - 80) : start]
    cut = max(left.rfind("."), left.rfind(";"), left.rfind("\n"), left.rfind('"'))
    clause = left[cut + 1 :] + " " + text[end : end + 30].split(".")[0]
    if _FUTURE_WORDS.search(clause):
        return "future"
    if _PAST_WORDS.search(clause):
        return "past"
    return None


# --------------------------------------------------------------------------------------------
# Normalisation


def _number(word: str) -> float | None:
    w = word.lower().strip().replace("-", " ")
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return float(w)
    if w in SMALL:
        return float(SMALL[w])
    if w in ("a hundred", "one hundred"):
        return 100.0
    parts = w.split()
    if parts and parts[0] in TENS:
        return float(TENS[parts[0]] + (SMALL.get(parts[1], 0) if len(parts) > 1 else 0))
    return None


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _unit(word: str) -> str:
    w = word.lower()
    if w in ("centuries",):
        return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in UNIT_CODES else w


def _duration_value(n: float | None, unit: str) -> str:
    code, is_time = UNIT_CODES[unit]
    if unit == "fortnight":
        return "P" + (f"{_fmt_num(2 * n)}W" if n else "XW")
    if unit == "weekend":
        return "P" + (_fmt_num(n) if n else "X") + "WE"
    if unit == "decade":
        return "P" + (_fmt_num(10 * n) if n else "X") + ("Y" if n else "DE")
    if unit == "century":
        return "P" + (_fmt_num(100 * n) if n else "X") + ("Y" if n else "CE")
    if n is not None and n != int(n):  # "a minute and a half" style halves go to the smaller unit
        smaller = {"year": (12, "M", False), "month": (30, "D", False), "day": (24, "H", True), "hour": (60, "M", True), "minute": (60, "S", True)}
        if unit in smaller:
            k, c, t = smaller[unit]
            return ("PT" if t else "P") + _fmt_num(round(n * k)) + c
    return ("PT" if is_time else "P") + (_fmt_num(n) if n is not None else "X") + code


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + k
    return total // 12, total % 12 + 1


def _shift(day: dt.date, n: int, unit: str) -> dt.date:
    if unit in ("day", "night"):
        return day + dt.timedelta(days=n)
    if unit in ("week", "weekend"):
        return day + dt.timedelta(weeks=n)
    if unit == "fortnight":
        return day + dt.timedelta(weeks=2 * n)
    if unit in ("month", "quarter", "year", "decade", "century"):
        months = n * {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
        y, m = _add_months(day.year, day.month, months)
        return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
    return day


def _week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _at(day: dt.date, gran: str) -> str:
    """A date written at a granularity (TIMEX3 forms)."""
    if gran == "day":
        return day.isoformat()
    if gran in ("week", "weekend"):
        return _week(day) + ("-WE" if gran == "weekend" else "")
    if gran == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if gran == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if gran == "half":
        return f"{day.year:04d}-H{1 if day.month <= 6 else 2}"
    if gran == "year":
        return f"{day.year:04d}"
    if gran == "decade":
        return f"{day.year // 10:03d}"
    if gran == "century":
        return f"{day.year // 100:02d}"
    return day.isoformat()


def _value_date(value: str) -> tuple[dt.date, str] | None:
    """A representative date and granularity for a TIMEX3 value (for use as a reference time)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", value)
    if m:
        try:
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), "weekend" if m[3] else "week"
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m and 1 <= int(m[2]) <= 12:
        return dt.date(int(m[1]), int(m[2]), 1), "month"
    m = re.fullmatch(r"(\d{4})-Q(\d)", value)
    if m:
        return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter"
    m = re.fullmatch(r"(\d{4})-H(\d)", value)
    if m:
        return dt.date(int(m[1]), 1 if m[2] == "1" else 7, 1), "half"
    m = re.fullmatch(r"(\d{4})(?:-(SP|SU|FA|WI))?", value)
    if m:
        return dt.date(int(m[1]), 1, 1), "year"
    return None


class _Resolver:
    """Normalises candidates in text order, keeping the reference time for anaphoric expressions."""

    def __init__(self, text: str, dct: DocumentTime, parsed: Any = None) -> None:
        self.text = text
        self.dct = dct
        self.parsed = parsed
        self.ref: tuple[dt.date, str, int] | None = None  # (date, granularity, start of the expression)
        # the reference used when the DCT is unknown: dates with a year the document itself mentions
        self.year_refs: list[tuple[int, dt.date]] = []
        self.year_only: set[tuple[int, dt.date]] = set()
        # every date resolved so far: (date, granularity, its candidate)
        self.history: list[tuple[dt.date, str, _Candidate]] = []  # tense and clause kind are looked at only when needed

    # -- helpers ---------------------------------------------------------------------------------
    def tense(self, c: _Candidate) -> str | None:
        return tense_at(self.text, c.start, c.end, self.parsed)

    def dct_year_for(self, month: int, day: int | None, tense: str | None) -> int | None:
        d = self.dct
        if d.year is None:
            return None
        if d.month is None:
            return d.year
        here = (d.month, d.day or 15)
        there = (month, day or (15 if d.day else 15))
        if tense == "past" and there > here and (month != d.month or day is not None):
            # a reported past cannot lie after the DCT; allow a couple of days of clock/dateline slack
            if day is None or d.day is None or (dt.date(d.year, month, min(day, 28)) - dt.date(d.year, d.month, d.day)).days > PAST_SLACK_DAYS:
                return d.year - 1
        if tense == "future" and there < here and (month != d.month) and d.month - month > FUTURE_WRAP_MONTHS:
            return d.year + 1
        if tense is None and (month - d.month) >= 6:
            return d.year - 1  # news talks about the recent past: "December" read in February
        return d.year

    def narrative_year(self, c: _Candidate, month: int, day: int | None) -> tuple[int, int] | None:
        """(year, start of the reference) for a year-less date when the DCT is unknown: the year that
        puts it nearest to the latest date with a year mentioned before it (else the first after it)."""
        if not self.year_refs:
            return None
        # year_refs is kept sorted by start (find_timexes), so the latest one before c is found by bisection
        i = bisect.bisect_left(self.year_refs, c.start, key=lambda r: r[0])
        start, ref = self.year_refs[i - 1] if i else self.year_refs[0]
        if (start, ref) in self.year_only:
            return ref.year, start  # "in 2016 ... the November elections": the year itself
        best = min((ref.year - 1, ref.year, ref.year + 1), key=lambda y: abs((dt.date(y, month, min(day or 15, calendar.monthrange(y, month)[1])) - ref).days))
        return best, start

    def focus_day(self, c: _Candidate) -> tuple[dt.date | None, str | None]:
        """The day a clock time or part of day without a date of its own belongs to: the day the text
        was last talking about ("the diary for March 17 ... at 9.30 a.m."), when it was named close
        before, else the DCT's day."""
        if self.ref is not None and self.ref[1] == "day" and c.start - self.ref[2] <= FOCUS_CHARS:
            return self.ref[0], f"ref:{self.ref[2]}"
        return (self.dct.date, "DCT") if self.dct.date else (None, None)

    def anaphora_ref(self, c: _Candidate) -> tuple[dt.date, str, int] | None:
        """The reference time of "the following day"/"that day": among the dates mentioned before,
        in the latest sentence that has one, the latest at the same clause level as the anaphor
        (a reporting clause's "said the following day" hangs on the report's date, a reported
        clause's "had spent that day" on the reported event's), skipping dates of planned or future
        events when the anaphor is past ("due to close on March 31 ... sent a note the following day")."""
        if not self.history:
            return self.ref
        past = self.tense(c) == "past"
        # the dates of the latest sentence that has a usable one (walking back: the history is in text order)
        pool: list[tuple[dt.date, str, _Candidate]] = []
        sentence = -1
        for h in reversed(self.history[-ANAPHORA_LOOKBACK:]):
            if h[2].start >= c.start or (past and self.tense(h[2]) == "future"):
                continue
            if sentence < 0:
                sentence = self.sentence_start(h[2].start)
            if h[2].start < sentence:
                break
            pool.insert(0, h)
        if not pool:
            return self.ref
        reporting = self.reports(c.start, c.end)
        same = [h for h in pool if reporting is not None and self.reports(h[2].start, h[2].end) == reporting]
        chosen = (same or pool)[-1]
        return chosen[0], chosen[1], chosen[2].start

    def sentence_start(self, offset: int) -> int:
        """Where the sentence holding ``offset`` starts (parse sentences, else the last full stop)."""
        if self.parsed is not None:
            span = self.parsed.char_span(offset, offset + 1, alignment_mode="expand")
            if span is not None and len(span):
                return span[0].sent.start_char
        return max(self.text.rfind(". ", 0, offset), self.text.rfind("\n", 0, offset)) + 1

    def reports(self, start: int, end: int) -> bool | None:
        """Whether the expression dates an act of reporting ("said the following day", "reported on
        March 19") rather than what was reported ("had met on March 17"); None without a parse."""
        if self.parsed is None:
            return None
        span = self.parsed.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        tok = span.root
        for _ in range(12):
            if tok.pos_ in ("VERB", "AUX") and not _non_finite(tok):
                break
            if tok.head.i == tok.i:
                break
            tok = tok.head
        return tok.lemma_.lower() in REPORTING_LEMMAS

    def found(self, c: _Candidate, type_: str, value: str, gran: str | None, anchor: str | None, inferred: bool = False) -> FoundTimex:
        return FoundTimex(c.start, c.end, self.text[c.start : c.end], type_, value, gran, anchor, inferred)

    def dct_anchor(self) -> str:
        return "DCT"

    # -- per shape ------------------------------------------------------------------------------
    def resolve(self, c: _Candidate) -> FoundTimex | None:
        fn = getattr(self, "_" + c.shape)
        result = fn(c, c.match)
        if result is not None and result.type in ("DATE", "TIME"):
            parsed = _value_date(result.value.split("T")[0] if "T" in result.value else result.value)
            if parsed is not None:
                self.ref = (parsed[0], parsed[1], c.start)
                if c.shape not in ("anaphoric", "clock_phrase", "part_of_day"):
                    self.history.append((parsed[0], parsed[1], c))
                if result.anchor is None or result.inferred is False and re.match(r"\d{4}", result.value):
                    if re.match(r"\d{4}", result.value) and result.anchor in (None, "DCT"):
                        self.year_refs.append((c.start, parsed[0]))
                        if parsed[1] == "year":
                            self.year_only.add((c.start, parsed[0]))
        return result

    def _absolute(self, c: _Candidate, y: int, mon: int, d: int | None) -> FoundTimex | None:
        try:
            day = dt.date(y, mon, d or 1)
        except ValueError:
            return None
        return self.found(c, "DATE", day.isoformat() if d else f"{y:04d}-{mon:02d}", "day" if d else "month", None)

    def _iso(self, c, m):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        if m["hh"]:
            return self.found(c, "TIME", f"{day.isoformat()}T{m['hh']}:{m['mm']}", "minute", None)
        return self.found(c, "DATE", day.isoformat(), "day", None)

    def _date_dmy(self, c, m):
        return self._absolute(c, int(m["y"]), MONTHS[m["mon"].lower().rstrip(".")], _daynum(m["d"]))

    _date_mdy = _date_dmy

    def _date_md(self, c, m):
        mon = MONTHS[m["mon"].lower().rstrip(".")]
        day = _daynum(m["d"])
        return self._yearless(c, mon, day)

    _date_dm = _date_md

    def _yearless(self, c: _Candidate, mon: int, day: int | None) -> FoundTimex | None:
        tense = self.tense(c)
        gran = "day" if day else "month"
        year = self.dct_year_for(mon, day, tense)
        if year is not None:
            try:
                value = dt.date(year, mon, day or 1)
            except ValueError:
                return None
            return self.found(c, "DATE", value.isoformat() if day else f"{year:04d}-{mon:02d}", gran, "DCT", self.dct.inferred)
        narrative = self.narrative_year(c, mon, day)
        if narrative is not None:
            year, ref_start = narrative
            try:
                value = dt.date(year, mon, day or 1)
            except ValueError:
                return None
            return self.found(c, "DATE", value.isoformat() if day else f"{year:04d}-{mon:02d}", gran, f"ref:{ref_start}", True)
        return self.found(c, "DATE", f"XXXX-{mon:02d}-{day:02d}" if day else f"XXXX-{mon:02d}", gran, None)

    def _time(self, c, m):
        hour = int(m["h"])
        ap = (m["ap"] or "").lower().replace(" ", "")
        if ap.startswith("p") and hour < 12:
            hour += 12
        if ap.startswith("a") and hour == 12:
            hour = 0
        clock = f"T{hour:02d}:{m['mi'] or '00'}"
        if m["mon"]:
            mon = MONTHS[m["mon"].lower().rstrip(".")]
            if m["my"]:
                base = f"{int(m['my']):04d}-{mon:02d}-{_daynum(m['md']):02d}"
            else:
                y = self.dct_year_for(mon, _daynum(m["md"]), self.tense(c))
                base = f"{y:04d}-{mon:02d}-{_daynum(m['md']):02d}" if y else f"XXXX-{mon:02d}-{_daynum(m['md']):02d}"
            return self.found(c, "TIME", base + clock, "minute", None if m["my"] else "DCT")
        if m["wd"]:
            day = self._weekday_date(WEEKDAYS[m["wd"].lower().rstrip(".")], None, self.tense(c))
            base = day.isoformat() if day else "XXXX-XX-XX"
        else:
            day, anchor = self.focus_day(c)
            return self.found(c, "TIME", (day.isoformat() if day else "XXXX-XX-XX") + clock, "minute", anchor)
        return self.found(c, "TIME", base + clock, "minute", "DCT" if self.dct.date else None)

    def _clock_phrase(self, c, m):
        hour = int(_number(m["n"]) or 0)
        if m["pod"].lower() in ("afternoon", "evening") and hour < 12:
            hour += 12
        day, anchor = self.focus_day(c)
        return self.found(c, "TIME", (day.isoformat() if day else "XXXX-XX-XX") + f"T{hour:02d}:00", "minute", anchor)

    def _part_of_day(self, c, m):
        day, anchor = self.focus_day(c)
        return self.found(c, "TIME", (day.isoformat() if day else "XXXX-XX-XX") + f"T{PARTS_OF_DAY[m['pod'].lower()]}", "day", anchor)

    def _another(self, c, m):
        return self.found(c, "DURATION", _duration_value(1, _unit(m["u"])), None, None)

    def _month_rel_year(self, c, m):
        mon = MONTHS[m["mon"].lower().rstrip(".")]
        if self.dct.year is None:
            return self.found(c, "DATE", f"XXXX-{mon:02d}", "month", None)
        year = self.dct.year + {"last": -1, "next": 1}.get(m["rel"].lower(), 0)
        return self.found(c, "DATE", f"{year:04d}-{mon:02d}", "month", "DCT", self.dct.inferred)

    def _clock_day(self, c, m):
        if m["cw"]:
            clock = "T12:00" if m["cw"].lower() == "noon" else "T24:00"
        else:
            hour = int(m["h"])
            ap = m["ap"].lower().replace(" ", "")
            hour = hour + 12 if ap.startswith("p") and hour < 12 else (0 if ap.startswith("a") and hour == 12 else hour)
            clock = f"T{hour:02d}:{m['mi'] or '00'}"
        word = m["day"].lower().rstrip(".")
        if word in WEEKDAYS:
            day = self._weekday_date(WEEKDAYS[word], None, self.tense(c))
        else:
            day = self.dct.date + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[word]) if self.dct.date else None
        if day is None:
            return self.found(c, "TIME", "XXXX-XX-XX" + clock, "minute", None)
        return self.found(c, "TIME", day.isoformat() + clock, "minute", "DCT", self.dct.inferred)

    def _month_year(self, c, m):
        return self._absolute(c, int(m["y"]), MONTHS[m["mon"].lower().rstrip(".")], None)

    def _month(self, c, m):
        mon = MONTHS[m["mon"].lower().rstrip(".")]
        rel = (m["rel"] or "").lower()
        d = self.dct
        if rel in ("last", "this past", "the past") and d.year and d.month:
            # "last February" read in March means a year ago (TimeBank usage): the month before the
            # DCT's month already counts as last year's
            year = d.year - 1 if mon >= d.month - 1 else d.year
            return self.found(c, "DATE", f"{year:04d}-{mon:02d}", "month", "DCT", d.inferred)
        if rel == "this" and d.year:
            year = d.year
            return self.found(c, "DATE", f"{year:04d}-{mon:02d}", "month", "DCT", d.inferred)
        if rel in ("next", "this coming", "the coming") and d.year and d.month:
            year = d.year + 1 if mon <= d.month else d.year
            return self.found(c, "DATE", f"{year:04d}-{mon:02d}", "month", "DCT", d.inferred)
        return self._yearless(c, mon, None)

    def _season(self, c, m):
        code = SEASONS[m["s"].lower()]
        if m["y"]:
            return self.found(c, "DATE", f"{m['y']}-{code}", "season", None)
        rel = (m["rel"] or "").lower()
        d = self.dct
        if d.year is None:
            return self.found(c, "DATE", f"XXXX-{code}", "season", None)
        cur = SEASON_ORDER[{12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d.month or 6, "FA")]
        year = d.year
        if rel in ("last", "this past", "the past") or (rel in ("", "the", "early", "late", "mid") and self.tense(c) == "past" and SEASON_ORDER[code] > cur):
            year = d.year - 1 if SEASON_ORDER[code] >= cur else d.year
        elif rel in ("next", "this coming", "the coming"):
            year = d.year + 1 if SEASON_ORDER[code] <= cur else d.year
        return self.found(c, "DATE", f"{year:04d}-{code}", "season", "DCT", d.inferred)

    def _half(self, c, m):
        h = "1" if m["o"].lower() == "first" else "2"
        if m["y"]:
            return self.found(c, "DATE", f"{m['y']}-H{h}", "half", None)
        year = self.dct.year
        if year is None:
            return self.found(c, "DATE", f"XXXX-H{h}", "half", None)
        rel = (m["rel"] or "").lower()
        year += {"last": -1, "next": 1}.get(rel, 0)
        return self.found(c, "DATE", f"{year:04d}-H{h}", "half", "DCT", self.dct.inferred)

    def _quarter(self, c, m):
        adj = (m["adj"] or "").lower()
        o = ORDINALS.get((m["o"] or "").lower())
        rel = (m["rel"] or m["rel2"] or "").lower()
        d = self.dct
        if m["y"]:
            return self.found(c, "DATE", f"{m['y']}-Q{o}" if o else f"{m['y']}-QX", "quarter", None)
        if d.year is None:
            return self.found(c, "DATE", f"XXXX-Q{o}" if o else "XXXX-QX", "quarter", None)
        cur_q = ((d.month or 1) - 1) // 3 + 1
        year = d.year + {"last": -1, "next": 1}.get(rel, 0)
        if adj in ("year-earlier", "year-ago", "year-before", "comparable", "same") and self.ref:
            ref_day, gran, _ = self.ref
            q = o or ((ref_day.month - 1) // 3 + 1)
            return self.found(c, "DATE", f"{ref_day.year - (1 if adj != 'same' else 0):04d}-Q{q}", "quarter", f"ref:{self.ref[2]}")
        if o is None:
            if adj in ("current", "this", "coming"):
                q = cur_q
            elif adj == "next":
                year, q = (year + 1, 1) if cur_q == 4 else (year, cur_q + 1)
            elif self.ref and self.ref[1] == "quarter" and adj not in ("previous", "preceding", "prior", "past", "last"):
                ref_day = self.ref[0]
                return self.found(c, "DATE", f"{ref_day.year:04d}-Q{(ref_day.month - 1) // 3 + 1}", "quarter", f"ref:{self.ref[2]}")
            else:
                # financial news reports the quarter that just ended
                year, q = (year - 1, 4) if cur_q == 1 else (year, cur_q - 1)
            return self.found(c, "DATE", f"{year:04d}-Q{q}", "quarter", "DCT", d.inferred)
        if not rel and o > cur_q and self.tense(c) == "past" and (d.month or 12) < 4:
            year -= 1
        return self.found(c, "DATE", f"{year:04d}-Q{o}", "quarter", "DCT", d.inferred)

    def _quarter_year(self, c, m):
        return self.found(c, "DATE", f"{m['y']}-Q{ORDINALS[m['o'].lower()]}", "quarter", None)

    def _year(self, c, m):
        return self.found(c, "DATE", m["y"], "year", None)

    def _decade(self, c, m):
        return self.found(c, "DATE", m["c"], "decade", None)

    def _day_value(self, offset: int, pod: str | None) -> tuple[str, str, str | None]:
        if self.dct.date is None:
            return ("XXXX-XX-XX" + (f"T{PARTS_OF_DAY[pod]}" if pod else ""), "day", None)
        day = self.dct.date + dt.timedelta(days=offset)
        return (day.isoformat() + (f"T{PARTS_OF_DAY[pod]}" if pod else ""), "day", "DCT")

    def _deictic(self, c, m):
        w = m["w"].lower()
        pod = (m["pod"] or "").lower() or None
        offset = {"today": 0, "tonight": 0, "overnight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}[w]
        if w == "tonight":
            pod = "night"
        value, gran, anchor = self._day_value(offset, pod)
        return self.found(c, "TIME" if pod else "DATE", value, gran, anchor, self.dct.inferred)

    def _last_night(self, c, m):
        pod = m["pod"].lower()
        offset = -1 if m["rel"].lower() == "last" else 0
        value, gran, anchor = self._day_value(offset, pod)
        return self.found(c, "TIME", value, gran, anchor, self.dct.inferred)

    def _mod_deictic(self, c, m):
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["w"].lower()]
        value, gran, anchor = self._day_value(offset, None)
        return self.found(c, "DATE", value, gran, anchor, self.dct.inferred)

    def _weekday_date(self, wd: int, rel: str | None, tense: str | None) -> dt.date | None:
        base = self.dct.date
        if base is None:
            return None
        back = (base.weekday() - wd) % 7
        ahead = (wd - base.weekday()) % 7
        if rel in ("last", "this past", "the previous"):
            return base - dt.timedelta(days=back or 7)
        if rel in ("next", "this coming", "the following"):
            return base + dt.timedelta(days=ahead or 7)
        if tense == "future":
            return base + dt.timedelta(days=ahead)
        if tense == "present":
            return base - dt.timedelta(days=back) if back <= ahead else base + dt.timedelta(days=ahead)
        return base - dt.timedelta(days=back)  # past, or unknown: news reports what happened

    def _weekday(self, c, m):
        wd = WEEKDAYS[m["wd"].lower().rstrip(".")]
        rel = (m["rel"] or "").lower() or None
        pod = (m["pod"] or "").lower() or None
        if rel in ("the following", "the previous") and self.ref and self.ref[1] == "day":
            ref_day = self.ref[0]
            day = ref_day + dt.timedelta(days=((wd - ref_day.weekday()) % 7 or 7)) if rel == "the following" else ref_day - dt.timedelta(days=((ref_day.weekday() - wd) % 7 or 7))
            return self.found(c, "TIME" if pod else "DATE", day.isoformat() + (f"T{PARTS_OF_DAY[pod]}" if pod else ""), "day", f"ref:{self.ref[2]}")
        tense = self.tense(c)
        if _UPCOMING_OCCASION_BEFORE.search(self.text, max(0, c.start - 12), c.start) and self.text.startswith("'s", c.end):
            tense = "future"  # "tabled a question for Thursday's sitting": the sitting is still to come
        day = self._weekday_date(wd, rel, tense)
        if day is None:
            return self.found(c, "TIME" if pod else "DATE", f"XXXX-WXX-{wd + 1}" + (f"T{PARTS_OF_DAY[pod]}" if pod else ""), "day", None)
        return self.found(c, "TIME" if pod else "DATE", day.isoformat() + (f"T{PARTS_OF_DAY[pod]}" if pod else ""), "day", "DCT", self.dct.inferred)

    def _unit_value(self, base: dt.date, unit: str, k: int) -> tuple[str, str]:
        gran = {"week": "week", "weekend": "weekend", "month": "month", "year": "year", "fiscal year": "year", "decade": "decade", "century": "century", "quarter": "quarter", "day": "day"}[unit]
        shift_unit = "year" if unit == "fiscal year" else unit
        return _at(_shift(base, k, shift_unit), gran), gran

    def _dct_relative(self, c: _Candidate, unit: str, k: int) -> FoundTimex:
        d = self.dct
        if unit in ("year", "fiscal year", "decade", "century") and d.year:
            base = dt.date(d.year, d.month or 6, 1)
        elif unit in ("month", "quarter") and d.year and d.month:
            base = dt.date(d.year, d.month, 1)
        else:
            base = d.date
        if base is None:
            gran = {"week": "week", "weekend": "weekend", "month": "month", "quarter": "quarter"}.get(unit, "year")
            return self.found(c, "DATE", {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "quarter": "XXXX-QX"}.get(unit, "XXXX"), gran, None)
        value, gran = self._unit_value(base, unit, k)
        return self.found(c, "DATE", value, gran, "DCT", d.inferred)

    def _rel_unit(self, c, m):
        rel = m["rel"].lower()
        unit = m["u"].lower()
        if unit == "year's end":
            unit = "year"
        if rel in ("the past", "the last") and unit in ("week", "month", "year", "decade", "century") and self.tense(c) == "present":
            return self.found(c, "DURATION", _duration_value(1, unit), None, None)
        k = 0
        if rel.startswith(("last", "the past", "the last", "the previous", "the preceding", "the prior", "early last", "late last", "sometime last", "the end of last", "this past")):
            k = -1
        elif "next" in rel or "coming" in rel:
            k = 1
        if rel in ("the same", "the previous", "the preceding", "the prior") and self.ref:
            base, _, rs = self.ref
            if unit == "fiscal year":
                unit = "year"
            value, gran = self._unit_value(base, unit, k)
            return self.found(c, "DATE", value, gran, f"ref:{rs}")
        return self._dct_relative(c, unit, k)

    def _the_unit(self, c, m):
        unit = m["u"].lower()
        if unit in ("full year", "full-year", "fiscal year", "year-end", "year end"):
            unit = "year"
        if unit == "weekend" and self.dct.date and self.dct.date.weekday() < 4 and self.tense(c) != "future":
            return self._dct_relative(c, unit, -1)  # "over the weekend", said on a weekday: the one just past
        return self._dct_relative(c, unit, 0)

    def _anaphoric(self, c, m):
        rel = (m["rel"] or m["rel2"] or "").lower()
        unit = (m["u"] or m["u2"] or "").lower()
        pod = unit if unit in PARTS_OF_DAY else None
        if pod:
            unit = "day"
        k = {"following": 1, "next": 1, "after": 1, "later": 1, "previous": -1, "preceding": -1, "prior": -1, "before": -1, "earlier": -1}.get(rel, 0)
        ref = self.anaphora_ref(c)
        if ref is None:
            if self.dct.date is None:
                return self.found(c, "DATE", "XXXX-XX-XX", "day", None)
            base = self.dct.date
            anchor = "DCT"
        else:
            base, _, rs = ref
            anchor = f"ref:{rs}"
        value, gran = self._unit_value(base, unit, k)
        if pod:
            value += f"T{PARTS_OF_DAY[pod]}"
        return self.found(c, "TIME" if pod else "DATE", value, gran, anchor, ref is None and self.dct.inferred)

    def _offset(self, c, m):
        n = _number(m["n"])
        unit = _unit(m["u"])
        direction = m["dir"].lower()
        if n is None or unit in ("second", "minute", "hour") or n != int(n):
            return self.found(c, "DURATION", _duration_value(n, unit), None, None)
        k = int(n) * (-1 if direction in ("ago", "earlier", "before", "previously", "back") else 1)
        if direction == "since":
            return self.found(c, "DURATION", _duration_value(n, unit), None, None)
        gran = {"day": "day", "night": "day", "week": "week", "weekend": "week", "fortnight": "week", "month": "month", "quarter": "quarter", "year": "year", "decade": "year", "century": "year"}[unit]
        if direction in ("before", "after"):
            # "two days after he was sworn in" hangs on an event. TimeBank's convention (and the demo
            # gold's): the duration is the time expression, "after" belongs to the event. When it is
            # apposed to a date ("Jan. 24, two days after ..."), offset_event_value dates the event.
            n_end = c.start + len(c.match.group(0)[: c.match.start("dir") - c.match.start()].rstrip())
            return FoundTimex(c.start, n_end, self.text[c.start : n_end], "DURATION", _duration_value(n, unit), None, None)
        if direction in ("earlier", "later", "previously") and self.ref:
            base, g, rs = self.ref
            if g in ("quarter", "month", "year") and gran in ("year", "month", "quarter") and unit != "quarter":
                gran = g if unit == "year" else gran
            return self.found(c, "DATE", _at(_shift(base, k, unit if unit not in ("night",) else "day"), gran), gran, f"ref:{rs}")
        if self.dct.year is None or (gran in ("day", "week") and self.dct.date is None):
            return self.found(c, "DATE", "XXXX-XX-XX" if gran == "day" else "XXXX", gran, None)
        base = self.dct.date or dt.date(self.dct.year, self.dct.month or 6, 15)
        return self.found(c, "DATE", _at(_shift(base, k, unit if unit not in ("night",) else "day"), gran), gran, "DCT", self.dct.inferred)

    def _year_earlier(self, c, m):
        unit = (m["u"] or "").lower()
        if self.ref:
            base, g, rs = self.ref
            gran = "quarter" if unit == "quarter" else (g if g in ("quarter", "month", "year") else "year")
            return self.found(c, "DATE", _at(_shift(base, -1, "year"), gran), gran, f"ref:{rs}")
        if self.dct.year:
            return self.found(c, "DATE", f"{self.dct.year - 1:04d}", "year", "DCT", self.dct.inferred)
        return self.found(c, "DATE", "XXXX", "year", None)

    def _duration(self, c, m):
        n = _number(m["n"])
        unit = _unit(m["u"])
        if re.search(r"and\s+a\s+half", c.match.group(0), re.I) and n is not None:
            n += 0.5
        if (m["n"] or "").lower() in [v for v in VAGUE] or n is None:
            return self.found(c, "DURATION", _duration_value(None, unit), None, None)
        return self.found(c, "DURATION", _duration_value(n, unit), None, None)

    def _bare_units(self, c, m):
        unit = _unit(m["u"])
        q = (m["q"] or "").lower()
        if q == "recent":
            return self.found(c, "DATE", "PAST_REF", None, "DCT")
        return self.found(c, "DURATION", _duration_value(None, unit), None, None)

    def _set(self, c, m):
        if m["adv"]:
            code = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y",
                    "quarterly": "P3M", "hourly": "PT1H", "biweekly": "P2W", "semiannually": "P6M"}[m["adv"].lower()]
            return self.found(c, "SET", code, None, None)
        u = m["u"].lower()
        if u.rstrip(".") in WEEKDAYS:
            return self.found(c, "SET", f"XXXX-WXX-{WEEKDAYS[u.rstrip('.')] + 1}", None, None)
        if u in PARTS_OF_DAY:
            return self.found(c, "SET", f"TXX{PARTS_OF_DAY[u]}" if False else f"T{PARTS_OF_DAY[u]}", None, None)
        n = _number(m["n"]) if m["n"] else 1
        return self.found(c, "SET", _duration_value(n, _unit(u)), None, None)

    def _ref(self, c, m):
        w = m["w"].lower()
        if w in ("right now", "now", "currently", "current", "these days", "nowadays", "at present", "at the moment", "presently", "the present"):
            value = "PRESENT_REF"
        elif w in ("recently", "recent", "lately", "previously", "formerly", "in the past", "the past", "earlier", "once"):
            value = "PAST_REF"
        elif w in ("the weeks ahead", "the months ahead", "the days ahead", "the years ahead", "the coming years"):
            unit = w.split()[1].rstrip("s") if w.startswith("the ") else "year"
            unit = {"weeks": "week", "months": "month", "days": "day", "years": "year", "coming": "year"}.get(w.split()[1], unit)
            return self.found(c, "DURATION", _duration_value(None, unit), None, None)
        elif w in ("some time", "sometime"):
            return self.found(c, "DURATION", "PXX", None, None)
        else:
            value = "FUTURE_REF"
        return self.found(c, "DATE", value, None, "DCT")

    def _clock_word(self, c, m):
        w = m["w"].lower()
        clock = {"noon": "T12:00", "midday": "T12:00", "midnight": "T24:00", "dawn": "TMO", "dusk": "TEV"}[w]
        base = self.dct.date.isoformat() if self.dct.date else "XXXX-XX-XX"
        return self.found(c, "TIME", base + clock, "minute", "DCT" if self.dct.date else None)


def _daynum(s: str) -> int:
    return int(re.match(r"\d+", s).group(0))


def find_timexes(text: str, dct: DocumentTime, parsed: Any = None) -> list[FoundTimex]:
    """Every time expression of ``text``, normalised relative to ``dct`` (and to each other)."""
    resolver = _Resolver(text, dct, parsed)
    results: list[FoundTimex] = []
    candidates = find_candidates(text)
    if not dct.known:
        # Pre-pass: dates with a year anywhere in the text serve as narrative references for
        # year-less dates that come before any of them.
        for cand in candidates:
            if cand.shape in ("date_dmy", "date_mdy", "month_year", "iso", "year"):
                r = getattr(resolver, "_" + cand.shape)(cand, cand.match)
                parsed_value = _value_date(r.value) if r else None
                if parsed_value:
                    resolver.year_refs.append((cand.start, parsed_value[0]))
                    if parsed_value[1] == "year":
                        resolver.year_only.add((cand.start, parsed_value[0]))
        resolver.year_refs.sort()
        early = list(resolver.year_refs)
        resolver.year_refs = []
    # The narrative references seen so far (sorted, no repeats): the pre-pass's dates with a year
    # that lie before the current candidate, plus what resolution itself found. Kept incrementally
    # so that an undated document costs linear time in its number of dates.
    refs: list[tuple[int, dt.date]] = []
    seen: set[tuple[int, dt.date]] = set()
    next_early = 0

    def remember(ref: tuple[int, dt.date]) -> None:
        if ref in seen:
            return
        seen.add(ref)
        if not refs or refs[-1] < ref:
            refs.append(ref)
        else:
            bisect.insort(refs, ref)

    for cand in candidates:
        if not dct.known:
            while next_early < len(early) and early[next_early][0] < cand.start:
                remember(early[next_early])
                next_early += 1
            # before any date with a year: the first one after serves (narrative_year)
            resolver.year_refs = refs if refs else early[:1]
        known_refs = len(refs)
        found = resolver.resolve(cand)
        if not dct.known:
            # resolution appends what it found to resolver.year_refs: fold it in, sorted and once
            added = resolver.year_refs[known_refs:] if resolver.year_refs is refs else list(resolver.year_refs)
            del refs[known_refs:]
            for ref in added:
                remember(ref)
        if found is not None:
            results.append(found)
    return _range_years(text, results)


# --------------------------------------------------------------------------------------------
# Ranges: "from April to November 2016", "between March and May"

# A range is two DATE expressions joined like this (TIMEX3 keeps the two points as two timexes; the
# interval itself is what :func:`timex_ranges` returns and what events use as their date).
_RANGE_OPEN = re.compile(r"(?:\bfrom|\bbetween)\s+$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:to|until|till|through|thru|and|-|–|—)\s*", re.I)
_CALENDAR = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _range_pairs(text: str, items: list[Any]) -> Iterator[tuple[int, int]]:
    """Indices (begin, end) of consecutive DATE expressions that form a range in ``text``."""
    for i in range(len(items) - 1):
        a, b = items[i], items[i + 1]
        if a.type != "DATE" or b.type != "DATE":
            continue
        if not _RANGE_JOIN.fullmatch(text[a.end : b.start]) or not _RANGE_OPEN.search(text[max(0, a.start - 10) : a.start]):
            continue
        yield i, i + 1


def _range_years(text: str, found: list[FoundTimex]) -> list[FoundTimex]:
    """The year-less start of a range takes its year from the end ("from April to November 2016":
    April 2016, not the April nearest the DCT); a start later in the year than the end is the
    previous year's ("from December to March 2017")."""
    out = list(found)
    for i, j in _range_pairs(text, out):
        a, b = out[i], out[j]
        if _later_year_end(a, b):
            # "from March 31 to April 14" read on April 3 in the past tense: the end was put in the
            # year before, but a range does not end before it begins
            out[j] = FoundTimex(b.start, b.end, b.text, b.type, f"{int(b.value[:4]) + 1:04d}{b.value[4:]}", b.granularity, b.anchor, b.inferred)
            continue
        stated_end = _CALENDAR.fullmatch(b.value) and b.anchor is None  # the end states its year
        yearless_start = re.fullmatch(r"(?:\d{4}|XXXX)-\d{2}(?:-\d{2})?", a.value) and (a.anchor is not None or a.value.startswith("XXXX"))
        if not (stated_end and yearless_start):
            continue
        month_day = a.value[5:]
        year = int(b.value[:4]) - (1 if month_day[:2] > b.value[5:7] else 0)
        out[i] = FoundTimex(a.start, a.end, a.text, a.type, f"{year:04d}-{month_day}", a.granularity, f"ref:{b.start}", False)
    return out


def _later_year_end(a: FoundTimex, b: FoundTimex) -> bool:
    """Whether a range's year-less end (anchored, same granularity as the start) lies before its start
    and a year later would not."""
    if b.anchor is None or a.granularity != b.granularity or a.granularity not in ("day", "month"):
        return False
    if not (_CALENDAR.fullmatch(a.value) and _CALENDAR.fullmatch(b.value)):
        return False
    return b.value < a.value and f"{int(b.value[:4]) + 1:04d}{b.value[4:]}" >= a.value


def timex_ranges(text: str, timexes: Iterable[Timex]) -> list[tuple[Timex, Timex]]:
    """The ranges among a document's timexes: (begin, end) pairs such as "from April to November
    2016". TIMEX3 represents a range as its two points (two DATE timexes) plus the interval between
    them; storyline keeps the two timex records and gives an event dated by either the interval
    value ``BEGIN..END`` (see :func:`range_value`)."""
    items = sorted(timexes, key=lambda t: t.start)
    return [(items[i], items[j]) for i, j in _range_pairs(text, items)]


def range_value(begin: Timex, end: Timex) -> str | None:
    """``2016-04..2016-11`` for a range whose ends both have calendar values, else None."""
    if begin.value[:4].isdigit() and end.value[:4].isdigit():
        return f"{begin.value.split('T')[0]}..{end.value.split('T')[0]}"
    return None


_EVENT_OFFSET = re.compile(rf"(?:{_APPROX})?(?P<n>{_NUM})\s+(?:more\s+)?(?P<u>days?|weeks?|months?|years?)", re.I)
_OFFSET_DIRECTION = re.compile(r"\s+(?P<dir>after|before)\b", re.I)
# How far (characters) before an offset the date it is apposed to may end: "Jan. 24, two days after".
APPOSITION_CHARS = 40


def offset_event_value(text: str, timex: Timex, timexes: Iterable[Timex]) -> str | None:
    """The date of the event an apposed offset hangs on: in "Jan. 24, two days after he was sworn
    in" the timex "two days" (a DURATION, TimeBank-style) is apposed to the date "Jan. 24", so the
    swearing-in is 2017-01-22 (that date minus the offset; "two weeks before the deadline" adds it).
    None when the timex is no offset, or is not apposed to a calendar date."""
    m = _EVENT_OFFSET.fullmatch(timex.text.strip())
    after = _OFFSET_DIRECTION.match(text, timex.end)
    if not m or not after or timex.type != "DURATION":
        return None
    n = _number(m["n"])
    if n is None or n != int(n):
        return None
    apposed = [t for t in timexes if t.type in ("DATE", "TIME") and t.end <= timex.start and timex.start - t.end <= APPOSITION_CHARS
               and re.fullmatch(r"\s*,\s*", text[t.end : timex.start])]
    parsed = _value_date(apposed[-1].value.split("T")[0]) if apposed else None
    if parsed is None:
        return None
    k = -int(n) if after["dir"].lower() == "after" else int(n)
    return _at(_shift(parsed[0], k, _unit(m["u"])), parsed[1])


# --------------------------------------------------------------------------------------------
# The DCT of an undated document, bounded from its content


@dataclass(frozen=True, slots=True)
class PublicationRange:
    """What a document's content says about when it was written: not before ``earliest``; the
    weekday its reports name for "said Monday"-style statements (``weekday``, ISO 1=Monday)."""

    earliest: str | None
    weekday: int | None
    evidence: tuple[str, ...] = ()


_REPORTING_WEEKDAY = re.compile(
    rf"\b(?:said|says|told|announced|reported|stated|added|confirmed|denied)\s+(?:on\s+)?(?P<wd>{_WEEKDAY})\b"
    rf"|\b(?P<wd2>{_WEEKDAY})\s+(?:said|told|announced)\b", re.I)


def inferred_publication_range(text: str, timexes: Iterable[Timex]) -> PublicationRange:
    """Bound an undated document's creation time from its content: it cannot precede the latest
    fully anchored date it reports (past tense), and the weekday of its "said Monday" reports is
    (in news style) the day of writing. Nothing more is claimed."""
    latest: tuple[str, str] | None = None
    for t in timexes:
        if t.type != "DATE" or t.anchor is not None or t.inferred:
            continue  # only dates the text states in full: inferred years could make the bound circular
        if not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", t.value):
            continue
        if tense_at(text, t.start, t.end) == "future":
            continue
        if latest is None or t.value > latest[0]:
            latest = (t.value, t.text)
    weekdays = [WEEKDAYS[(m["wd"] or m["wd2"]).lower().rstrip(".")] + 1 for m in _REPORTING_WEEKDAY.finditer(text)]
    weekday = max(set(weekdays), key=weekdays.count) if weekdays else None
    evidence = tuple(x for x in ((latest[1] if latest else None),) if x)
    return PublicationRange(latest[0] if latest else None, weekday, evidence)


# --------------------------------------------------------------------------------------------
# The stage


def timex_records(document: Document, found: Iterable[FoundTimex]) -> list[Timex]:
    """Records for normalised expressions; ``ref:<start>`` anchors become the anchor's timex id."""
    found = list(found)
    ids = {f.start: record_id("tx", document.id, f.start, f.end) for f in found}
    out = []
    for f in found:
        anchor = f.anchor
        if anchor and anchor.startswith("ref:"):
            anchor = ids.get(int(anchor[4:]))
        out.append(Timex(ids[f.start], document.id, f.start, f.end, f.text, f.type, f.value, f.granularity, anchor, f.inferred))  # type: ignore[arg-type]
    return out


@document_stage("extract_timexes", "3", produces=("timex",), needs_parse=True)
def extract_timexes(ctx: DocumentContext) -> Iterator[Timex]:
    """Document stage: the document's time expressions, normalised against its DCT."""
    document = ctx.document
    found = find_timexes(document.text, document_time(document), ctx.parsed)
    yield from timex_records(document, found)
