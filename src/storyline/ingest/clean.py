"""Ingest stage: clean already-extracted article text — remove page furniture, keep every reporting paragraph.

The input is plain text: what an extractor, a copy-paste or a crawler's "all text of the page" gave us.
Markup is gone, so link density and DOM position are unavailable; what is left are *line-level*
signals, and the cleaner works with those only:

1. **Lexicon** — furniture phrases in several phrasings (browser notices, notification and cookie
   prompts, donation appeals, newsletter and registration prompts, comment widgets, share buttons,
   "Advertisement", media-player controls), matched on short lines only, so that a paragraph of
   reporting that happens to say "newsletter" stays.
2. **Calls to action** — lines opening with an imperative aimed at the reader ("Sign up", "Follow us",
   "Click here") and blocks written in the outlet's own voice (we/our/you outside quotation marks)
   that hang off a furniture line (the body of a donation appeal).
3. **Captions and credits** — "Image:"/"Photo:" labels, photographer/agency credits
   ("Name/Agency/Getty Images", "Name / AP file"), caption lines that carry a credit, and the caption
   line standing right above a credit.
4. **Repetition** — a line repeating (or being the start of) one of the lines just before it.
5. **Where the article is** — every line gets a weight (prose lines: their length in words; short
   lines, list items and furniture: a cost; section headings such as "Most Popular" or "Comments":
   a large cost) and the article is the stretch of lines with the largest total weight (the classic
   maximum-subarray "body text" idea, on lines instead of tags). Lines before it are kept only while
   they look like a headline zone (headline, standfirst, byline, date), lines after it only while they
   are credits; everything else outside it is navigation, related links, comments or footer.

Every removed line is kept with its reason (RemovedLine, offset into the *input* text), so the user can
audit the cleaning and the input can be rebuilt. Kept lines keep their characters exactly (only the
whitespace around a line is trimmed); paragraphs are separated by one blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import RemovedLine

# --------------------------------------------------------------------------------------------
# Tuned thresholds. Calibrated on the article-extraction dev set (full-page text of 88 pages, see
# docs/ingest-cleaning.md) and checked against the flynn-kislyak seeds (already-extracted text, where
# nothing but furniture may go). Round values on purpose: F1 moved by < 0.005 around each of them,
# except HEADER_MAX_LINES (fewer lines score higher against a gold body without headline and byline;
# 4 keep headline, standfirst, byline and timestamp).

# A line is prose when it has at least this many words and ends like a sentence (or is long).
PROSE_MIN_WORDS = 7
# ... or at least this many words even without sentence punctuation (Korean, long quotes, tables of text).
PROSE_LONG_WORDS = 25
# A list item is prose only from this length on (menus and teaser lists have short items).
LIST_PROSE_MIN_WORDS = 12
# A line opening with an imperative to the reader ("Sign up", "Follow us") is a call to action up to this length.
CALL_TO_ACTION_MAX_WORDS = 25
# A line ending in an ellipsis is a teaser (not prose) when it is a list item or shorter than this.
TEASER_MAX_WORDS = 20
# Prose after a comments heading that follows this many words of article prose is readers' comments:
# it counts this much of its length, so a long comment thread cannot outweigh the article.
COMMENTS_AFTER_WORDS = 80
COMMENT_PROSE_WEIGHT = 0.2
# A sentence of reporting at least this long is never furniture on a lexicon word alone: it must also
# address the reader (you/we/imperative).
LEXICON_PROSE_WORDS = 15
# Lexicon matches only count on lines up to this length: longer lines are reporting that mentions the word.
FURNITURE_MAX_WORDS = 40
# Cookie/consent notices are recognised up to this length (they run to 80 words and more).
COOKIE_MAX_WORDS = 120
# Costs (in words of prose) of lines that are not prose, for the article-locating maximum subarray.
SHORT_LINE_COST = 2.0  # a short line that is neither prose nor furniture (subheading, table row, name)
LIST_ITEM_COST = 4.0  # a short list item (menus, share buttons, teaser lists)
FURNITURE_COST = 6.0  # a furniture line (ads, share buttons, prompts)
SECTION_BREAK_COST = 40.0  # a heading that opens a non-article section ("Most Popular", "Related")
SECTION_HEADING_MAX_WORDS = 6
# Prose of a list item counts this much of its length: teaser lists (related stories with their first
# sentence) look like prose line by line; bulleted sentences inside articles still win with half weight.
LIST_PROSE_WEIGHT = 0.5
# The headline zone before the article: at most this many kept lines, and it ends after this many
# removed lines in a row (a menu), so menus far above the headline are not kept.
HEADER_MAX_LINES = 4
HEADER_STOP_RUN = 4
# Longest line that can be a headline/byline/date line in the headline zone (words).
HEADER_MAX_WORDS = 45
# Credits after the article ("Reuters", "(Reporting by ...)"): at most this many lines.
TRAILER_MAX_LINES = 3
TRAILER_SCAN_LINES = 6
# Short plain lines right after the article, before any furniture, kept as its end.
TRAILER_TAIL_LINES = 3
# A standalone credit makes the line just above it a caption when that line is at most this long.
CAPTION_MAX_WORDS = 60
# Repetition: a line repeating one of the previous N non-blank lines is a duplicate.
DUPLICATE_WINDOW = 3
# A line that is the start of its neighbour counts as a repeat when at least this many characters long.
DUPLICATE_PREFIX_CHARS = 20
# Bounds on what one line may cost (hostile input: a page flattened into one 50 MB line, a million
# quotation marks, long runs of spaces). The line-level patterns cost several microseconds per
# character, and some of them more than linear time on pathological lines. On the extraction dev set
# the longest article paragraph is 2,071 characters and the longest furniture line 1,101, so a line
# longer than MAX_LINE_CHARS is judged article text by its length alone: no line-level pattern runs
# on it, and it never takes a furniture reason.
MAX_LINE_CHARS = 5_000
# Furniture is matched on lines up to this many characters (FURNITURE_MAX_WORDS counts words only,
# and a "word" can be thousands of characters long).
FURNITURE_MAX_CHARS = 1_500
# Sentence-end, teaser and trailing-link checks read at most this many characters at a line's end.
LINE_TAIL_CHARS = 300

# --------------------------------------------------------------------------------------------
# Lexicon. Patterns are matched on the lower-cased, whitespace-normalised line. Each entry lists
# several phrasings of the same furniture; the reason codes are documented in docs/ingest-cleaning.md.

_FURNITURE: list[tuple[str, str]] = [
    (
        "browser-notice",
        r"\b(ie|internet explorer) ?\d* (is|are) (not|no longer) supported|for (an|the) (optimal|best) (experience|viewing)"
        r"|(update|upgrade) your browser|your browser (is|does not|doesn't|isn't|is not)|enable javascript"
        r"|javascript (is )?(disabled|required|must be enabled)|best viewed (in|with)|unsupported browser"
        r"|please (use|switch to) (a )?(different|another|modern|supported) browser",
    ),
    (
        "notification-prompt",
        r"notifications? from\b|(turn on|enable|allow|get|receive|stay up to date with) (browser |push |breaking news )?(notifications|alerts)"
        r"|notifications can be (managed|turned off|changed)|manage (your )?notifications|(browser|push) notifications",
    ),
    (
        "donation-appeal",
        r"your (support|donation|contribution|gift)s? (helps?|makes?|allows?|means?|keeps?|enables?|matters)"
        r"|support (independent|quality|our|local|free|trusted) (journalism|reporting|newsroom|work)"
        r"|\b(donate|contribute|give) (now|today|monthly|once)\b|make a (one-time |monthly )?(donation|contribution)"
        r"|become a (member|supporter|patron|subscriber)\b|^support us\b|\bsupport (us|the [a-z]+) (today|now)\b"
        r"|(journalism|reporting|we) (relies|rely|depends?) on (readers|you|your)|reader[- ]funded|^(donate|contribute)$",
    ),
    (
        "comments-widget",
        r"commenting (forum|guidelines|policy)|join (the|our) (conversation|discussion|debate|community|commenting)"
        r"|thought-provoking conversations|(follow|see) other [a-z ]*readers|comments (are|have been) (closed|disabled|turned off)"
        r"|please (be|keep it) (respectful|civil)|community (guidelines|standards|rules)|^(view|show|read|load|see) (all )?(\d+ )?comments?\b"
        r"|^(add|post|leave|write|submit) (a|your) (comment|reply|response)|be the first to comment|^\d+ (comments?|replies|responses)$"
        r"|^comments?( \(\d+\))?:?$|^(reader )?comments?$|^leave a reply|conversation guidelines|we(’|')?d (like|love) to hear (what|from) you"
        r"|what do you think\?$|^discussion$|^view the discussion|^(top|most|latest|newest|oldest|best|reader|user|all)( rated| recent| popular| liked)? (comments|replies)$"
        r"|^\d+ (thoughts|responses|replies) (on|to)\b|^rating: \d+ votes?$|^\(?view all\)?$"
        r"|email address will not be published|required fields are marked|^(name|e-?mail|website|comment|nome|site|comentário)\s?\*?$"
        # the same in Portuguese, Spanish, French, German, Italian, Indonesian
        r"|^deixe (uma resposta|um comentário|seu comentário)|^comentários?$|^deja (una respuesta|un comentario)|^comentarios?$"
        r"|^laisser un commentaire|^commentaires?$|^kommentare?$|^schreibe einen kommentar|^kommentar schreiben|^lascia un commento"
        r"|^commenti$|^tinggalkan (balasan|komentar)|^komentar$|não será publicado|no será publicada|ne sera pas publiée"
        r"|wird nicht veröffentlicht|non sarà pubblicato|^comente!?$",
    ),
    (
        "registration-prompt",
        r"(thank you|thanks) for (registering|signing up|subscribing)|(please )?(refresh|reload) (the|your|this) (page|browser)"
        r"|(log|sign)(ged)? ?in to (continue|comment|read|view|access|save)|to be (automatically )?logged in"
        r"|create (a|an|your) (free )?account|already (have an account|a subscriber|registered|a member)"
        r"|register (now|for free|to)|forgot (your )?password|to read the full (story|article)|subscribers? only"
        r"|subscribe to (continue|read|unlock|keep reading)|(you have|you've) (\d+|reached your|used your) (free )?(articles?|stories)"
        r"|^(sign in|log in|login|register|sign up|subscribe|subscribe now|sign in to comment)$|^subscribe ?sign in$|^subscribesign in$"
        r"|this (content|article) is (for|available to|only available to) (subscribers|members)",
    ),
    (
        "newsletter-prompt",
        r"\bnewsletters?\b|want more (stories|news|articles|like this)|(we('ll| will)?|we'll) send (you )?(an )?e-?mail|sign up (for|to) (our|my)\b|sign up (for|to) (the|a|free|daily|weekly) [\w ]{0,30}(newsletter|e-?mails?|alerts|briefing|digest|updates)|(in|to|straight to|direct to) your inbox"
        r"|subscribe to (our|the|my)\b|i agree that [^.]* (can|may) send me|by (signing up|subscribing|clicking)"
        r"|(daily|weekly) (digest|briefing|roundup) (delivered|sent)|enter your e-?mail|your e-?mail address"
        r"|^(inscreva-se|assine|suscríbete|abonnez-vous|abonnieren|iscriviti)\b|^receba (em seu|no seu|nossa|nosso)",
    ),
    (
        "cookie-banner",
        # (anchored, and committed to the first "cookie" / first cue word: a trigger after any cookie is
        # one after the first; unanchored, a line of "cookie-cookie-..." took quadratic time)
        r"^(?>.*?\bcookies?\b)(?=.*\b(use|uses|using|accept|consent|settings|policy|preferences|experience|tracking)\b)"
        r"|^(?>.*?\b(use|uses|using|accept|consent|settings|policy|preferences|experience|tracking)\b).*\bcookies?\b"
        r"|accept (all )?cookies|by continuing to (use|browse)|we value your privacy|(manage|privacy) (preferences|settings|choices)"
        r"|^(accept|agree|i agree|reject all|accept all|continue|got it|ok)$|^continuelearn more$",
    ),
    (
        "social-share",
        r"^share( this| the| on| via| to| article| story| all| page| it)?\b|share (it )?with (your )?friends|^print this (article|page|story)|^(click|tap) to share|^sharing is caring|^\d+ shares?$"
        r"|^follow (us|@|[a-z]+ on)|\bfollow (us|me|[a-z .]+) on (facebook|twitter|x|instagram|linkedin|tiktok|youtube)"
        r"|^(tweet|email|e-mail|print|copy link|copy link url copied!|link copied|pin it|whatsapp|facebook|twitter|linkedin|reddit"
        r"|pinterest|flipboard|mix|pocket|tumblr|telegram|messenger|sms|comment|save|more|print this page)$"
        r"|^(compartilhe|compartilhar|compartir|partager|teilen|condividi|bagikan)\b"
        r"|^((facebook|twitter|linkedin|email|whatsapp|reddit|pinterest|print|share)[ ,|]*){2,}$|addthis sharing",
    ),
    (
        "advertisement",
        r"^(advertisement|advertising|ad|ads|sponsored|sponsored content|promoted|paid content|paid post|partner content)$"
        r"|continue reading (the main story|below|after)|(story|article) continues (below|after)|scroll (down )?to continue"
        r"|^advertise with us|^ad choices$|^report (this )?ad$",
    ),
    (
        "related-links",
        r"^related\b[^:]{0,25}:|^(related|read more|read also|also read|see also|more|recommended|watch|listen|more on this|more from|most read|must read"
        r"|related stories|related articles|related coverage|related content|related news|related posts|related topics|related video)\s*[:|»›>-]"
        r"|^\[related|^related$|^(related|more|other|similar|latest|top|popular|recommended|trending|featured) (articles|stories|posts|news|videos|reads|content|coverage|topics|links)\b"
        r"|^(more|most) (from|in|on|read|popular|viewed|shared|emailed|commented|watched)\b|^you (may|might) (also )?(like|enjoy|be interested)"
        r"|^(read|up|what to read|watch) next\b|^next up\b|^(recommended|trending|popular)( for you| now| stories)?$"
        r"|^(editor'?s|editors'?|staff) (picks?|choice)|^in case you missed it|^from (around|across) the web|^around the web"
        r"|^story timeline$|^(more|other) stories\b|^(don'?t|do not) miss\b|^(top|latest) (news|headlines)$|^also on\b|^(see|view) (all|more)\b"
        r"|^click here\b|^(previous|next) (article|story|post)\b|\[[a-z ]{3,20}\]\|?$"
        r"|^(artigos|posts|notícias|matérias) relacionad[oa]s|^(leia|veja) (também|mais)|^(artículos|noticias) relacionad[oa]s"
        r"|^(lee|ver) también|^te puede interesar|^articles similaires|^(à )?lire aussi|^voir aussi|^ähnliche artikel|^weitere artikel"
        r"|^mehr zum thema|^das könnte (sie|dich) auch interessieren|^articoli correlati|^leggi anche|^potrebbe interessarti"
        r"|^(artikel|berita) terkait|^baca juga",
    ),
    (
        "navigation",
        r"^(home|menu|search|sections|close|open|back|skip|skip to (main )?content|back to top|go to home page|top|main menu"
        r"|site index|site map|sitemap|navigation|previous|next|prev|more sections|all sections|search search|toggle navigation)\b.{0,3}$"
        r"|^(home|news)( [>»/|›] [^>»/|›]+)+$|^\d+ / \d+$|^back to gallery$",
    ),
    (
        "footer",
        r"copyright|©|\(c\) \d{4}|all rights reserved|todos os direitos reservados|todos los derechos reservados"
        r"|tous droits réservés|alle rechte vorbehalten|tutti i diritti riservati|^(privacy( policy| notice| statement)?|terms( of (use|service))?|terms (and|&) conditions"
        r"|contact( us)?|about( us)?|careers|advertise|site map|accessibility|help|faq|rss|rss feeds|corrections)$",
    ),
    (
        "media-player",
        r"video player is loading|^play video$|this is a modal window|(beginning|end) of dialog window|^(current time|duration|remaining time)\b"
        r"|^playback rate|captions and subtitles|^(fullscreen|mute|unmute|pause|play|chapters|descriptions|subtitles|audio track)$"
        r"|^loaded ?: ?\d+|^stream type|close modal dialog|^now playing|^(watch|listen) now$|^\d+:\d{2}$",
    ),
    ("tags", r"^(tags?|topics?|filed under|categories|category|keywords)\s*[:|]?\s"),
    # a card's age stamp ("32M ago", "2 hours ago") on teasers and comments
    ("card-timestamp", r"^(\d+\s?(s|m|h|d|w|min|mins|minutes?|hrs?|hours?|days?|weeks?|months?)|an? (minute|hour|day|week|month)) ago$"),
    ("app-prompt", r"download (our|the) app|get the app|open in (the )?app|available on the app store"),
]
# Consent banners are long-winded; they are recognised up to COOKIE_MAX_WORDS.
_COOKIE = re.compile(r"\b(we|this (site|website)|our (site|website|partners)) uses? cookies|\buse of cookies\b|cookie (policy|settings|preferences|consent)")


def _split_at_line_start(pattern: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """A lexicon pattern as (its alternatives anchored with ^, to try once at the line start; the
    others, to search for): the same lines match, twice as fast, because a search tries every
    alternative, the anchored ones included, at every position of the line."""
    alternatives, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1
            i += pattern[i : i + 1] == "^"
            i += pattern[i : i + 1] == "]"  # a "]" first in a class is a literal
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    alternatives.append(pattern[start:])
    try:
        for alternative in alternatives:
            re.compile(alternative)  # each piece is a pattern of its own: the split was at the top level
    except re.error:
        return None, re.compile(pattern)
    if pattern.startswith("(?"):
        return None, re.compile(pattern)  # inline flags apply to the whole pattern: leave it whole
    at_start = [a[1:] for a in alternatives if a.startswith("^")]
    anywhere = [a for a in alternatives if not a.startswith("^")]
    return (re.compile("|".join(at_start)) if at_start else None, re.compile("|".join(anywhere)) if anywhere else None)


_FURNITURE_RES = [(reason, *_split_at_line_start(pattern)) for reason, pattern in _FURNITURE]

# Reasons whose heading line opens a section that is not the article (a large cost in the subarray,
# and the reason the lines after it inherit).
_SECTION_REASONS = {"related-links", "comments-widget", "newsletter-prompt", "footer"}
# Reasons that say little about a line (a repeat, an age stamp, a name): inside a section they take its reason.
_WEAK_REASONS = {"duplicate-line", "related-links", "navigation", "card-timestamp"}
# Removed lines that look like a menu: a run of them ends the headline zone.
_MENU_REASONS = {"navigation", "social-share", "related-links", "tags", "media-player", "footer"}
# Reasons whose heading ends the article for good: comments and the site footer never sit inside an
# article, so the article-locating subarray may not run across them.
_HARD_BREAK_REASONS = {"comments-widget", "footer"}
# Reasons whose body paragraphs (written to the reader in the outlet's voice) follow the heading.
_BLOCK_REASONS = {"donation-appeal", "newsletter-prompt", "registration-prompt", "comments-widget", "cookie-banner"}

# Agencies and picture desks that appear in photo credits.
_AGENCIES = (
    r"AP|AFP|Reuters|REUTERS|Getty Images|Getty|EPA|EPA-EFE|Shutterstock|Bloomberg|Xinhua|TASS|Sputnik|RIA Novosti|AAP|PA|"
    r"PA Images|PA Wire|Alamy|NurPhoto|SOPA Images|LightRocket|Anadolu|Anadolu Agency|Corbis|iStock|iStockphoto|Rex|REX|"
    r"Rex Features|ZUMA|Zuma Press|Kyodo|Yonhap|dpa|DPA|ANSA|Pool|POOL|Handout|HANDOUT|Wikimedia Commons|Flickr|UPI|"
    r"Sipa|SIPA|Abaca|WireImage|FilmMagic|Courtesy|Associated Press|The Associated Press|Agence France-Presse"
)
# "Ivan Sekretarev / AP file", "(MAXIM MARMUR/AFP/Getty Images)", "Photo: Damian Dovarganes, AP".
# (a credit starts at a word's start, not inside "A-B-C-...": from inside, every start rescanned the word)
_CREDIT_TAIL = re.compile(
    r"(?:\(|(?<![\w.'’-]))(?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*\s?/\s?(?:[\w.&'’ -]+\s?/\s?)?(?:" + _AGENCIES + r"|[A-Z][\w.'’ -]{1,40})"
    r"(?:\s(?:file|File|FILE|photo|Photo|Images|via Getty Images|for [\w. ]+))?\)?\s*$"
)
_CREDIT_LABEL = re.compile(
    r"^(?:(?:photo|photograph|picture|pic|image|illustration|graphic|video|credit|image credit|photo credit|photo illustration"
    r"|photos|images|foto|bild)\s*(?:credit)?\s*(?::|\||…|\.\.\.)"
    r"|(?:image|photo|picture|media|video) (?:copyright|caption|credit|source)\b)",
    re.I,
)
_CAPTION_LABEL = re.compile(r"^(?:above|below|top|left|right|pictured|in this photo|file photo|caption)\s*[:|]", re.I)
_AGENCY_WORD = re.compile(r"(?<![\w-])(?:" + _AGENCIES + r")(?![\w-])")
_PAREN_CREDIT = re.compile(
    r"\((?:[A-Z][\w.'’ -]*/)+[\w.'’ -]+\)\s*$|\((?:image|photo|picture|pic|credit|photograph|foto)s?\s?:[^)]{1,60}\)\s*$", re.I
)
_INLINE_CREDIT = re.compile(r"\bCredit(?:s)?\s?(?:\.\.\.|…|:)\s?\S", re.I)
_VIA_CREDIT = re.compile(r"^(?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*\s(?:via|for)\s(?:" + _AGENCIES + r")$")

# Agencies credited for the story itself ("Reuters" alone, "(Reporting by ...)"): kept as credits.
_STORY_CREDIT = re.compile(
    r"^(?:[-—–]\s?)?(?:reuters|ap|afp|associated press|the associated press|bloomberg|dpa|tass|interfax|ria novosti|xinhua|pa|aap|upi"
    r"|efe|ansa|kyodo|yonhap|cnn wire|tribune news service|staff and agencies|agencies)\.?$"
    r"|^\(?(?:additional )?(?:reporting|writing|editing|compiled|translated) by\b",
    re.I,
)

_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")
# Whitespace trimmed around a line (the line's own characters are never changed).
_SPACE = " \t\u00a0\u200b\u200c\u200d\ufeff\u2028\u2029\x0b\x0c\x85"
# (a dash is a list marker only as "- ": "— Rep. Ilhan Omar" under a quoted tweet is an attribution)
_LIST_MARKER = re.compile(r"^(?:[*+•·▪◦‣●○■□-]|\d{1,2}[.)])\s+")
# (possessive quantifiers and the look-behind keep these linear on long runs of spaces and links)
_TRAILING_LINK = re.compile(r"(?:(?<!\s)\s++(?:https?://|pic\.twitter\.com/|www\.)\S++)+$")
_TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*+(?:(?:read more|more|continue reading)\s*+)?[\]»›>)]?$", re.I)
_SENTENCE_END = re.compile(r"[.!?。！？…:;][\"”’'»)\]]*$")
_INNER_SENTENCE = re.compile(r"\w[.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# (an opening mark ends a quotation's search: a line of a million “ is linear, not quadratic)
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"|«[^«»]*»|‘[^‘’]*’(?!\w)")
# The words we, We, our, Our, us (and you, You, your, Your for _OUTLET_VOICE) standing alone ("we're",
# "We’ve" count through their "we"). Written to start with a character class (the word's first letter,
# then a look-behind for the word boundary before it), which lets the regex engine skip ahead to those
# letters: 2.5x faster than the plain \b(?:we|We|...)\b, which it matches exactly.
_OUTLET_VOICE = re.compile(r"[wWoOuyY](?<!\w.)(?:(?<=[wW])e|(?<=[oO])ur|(?<=u)s|(?<=[yY])our?)(?!\w)")
_OUTLET_WE = re.compile(r"[wWoOu](?<!\w.)(?:(?<=[wW])e|(?<=[oO])ur|(?<=u)s)(?!\w)")
_CALL_TO_ACTION = re.compile(
    r"^(?:please\s)?(?:sign up|subscribe|register|log in|sign in|follow|share|donate|contribute|click|tap|join|download|enable"
    r"|allow|accept|support|become|get (?:our|the|unlimited|full|access|breaking|daily|weekly)|try (?:\w+ )?(?:free|for)|learn more"
    r"|read more|see more|view more|find out more|listen to|watch|tell us|send us|let us know|email us|contact us|visit our)\b",
    re.I,
)
_CTA_REASON = [
    (re.compile(r"\b(donat|contribut|support)", re.I), "donation-appeal"),
    (re.compile(r"\b(newsletter|inbox|subscribe|sign up)", re.I), "newsletter-prompt"),
    (re.compile(r"\b(register|log in|sign in|account)", re.I), "registration-prompt"),
    (re.compile(r"\b(comment|join|conversation|tell us|let us know)", re.I), "comments-widget"),
    (re.compile(r"\b(follow|share|facebook|twitter|instagram)", re.I), "social-share"),
    (re.compile(r"\b(app|download)", re.I), "app-prompt"),
]


# Substrings that every match of a pattern contains: most lines have none of them, and the pattern's
# search is skipped (a speed-up only; the answer is the same).


def _may_have_inline_credit(text: str) -> bool:
    """A colon or an ellipsis, without which _INLINE_CREDIT cannot match."""
    return ":" in text or "…" in text or "..." in text


def _may_end_in_link(tail: str) -> bool:
    """A link's start, without which _TRAILING_LINK cannot match."""
    return "http" in tail or "www." in tail or "pic.twitter.com/" in tail


def _may_be_truncated(tail: str) -> bool:
    """An ellipsis, without which _TRUNCATED cannot match."""
    return "…" in tail or "..." in tail


def _may_end_in_parenthesis(text: str) -> bool:
    """A closing parenthesis before trailing whitespace, without which _PAREN_CREDIT cannot match."""
    return text.rstrip().endswith(")")


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Clean text plus what was removed from the input text (offsets into the input text)."""

    text: str
    removed: tuple[RemovedLine, ...]


@dataclass(slots=True)
class _Line:
    """One non-blank input line and what the cleaner thinks of it."""

    offset: int  # of the stripped line in the input text
    text: str  # stripped of surrounding whitespace, otherwise the input's characters
    norm: str  # lower-cased, whitespace-normalised, list marker removed (for matching)
    words: float
    is_list: bool
    is_prose: bool
    blank_before: bool
    truncated: bool = False  # ends in an ellipsis: a teaser cut short, not a paragraph
    is_table: bool = False  # a row of a table ("| DL | Larry Ogunjobi | 63 |")
    bare_credit: bool = False  # a photo credit with no label ("Name/Agency/Getty Images")
    overlong: bool = False  # longer than MAX_LINE_CHARS: article text by length, no line-level patterns
    reason: str | None = None  # line-level furniture reason
    keep: bool = True


def clean_text(text: str) -> CleanedText:
    """Clean extracted text: remove page furniture line by line, keep every paragraph of reporting.

    Returns the clean text (kept lines, paragraphs separated by one blank line) and every removed line
    with its offset in ``text`` and a reason code. Never raises on any string input.
    """
    lines = _split_lines(text)
    if not lines:
        return CleanedText(text="", removed=())
    for line in lines:
        line.reason = _line_reason(line)
    _mark_captions(lines)
    _mark_duplicates(lines)
    _mark_blocks(lines)
    _locate_article(lines)
    return _assemble(text, lines)


# --------------------------------------------------------------------------------------------
# Line features


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blank_before = False
    for match in _LINE.finditer(text):
        raw = match.group(1)
        if match.start() == len(text) and not raw:
            break  # the empty match at the very end
        stripped = raw.strip(_SPACE)
        if not stripped:
            blank_before = True
            continue
        lead = len(raw) - len(raw.lstrip(_SPACE))
        marker = _LIST_MARKER.match(stripped)
        body = stripped[marker.end() :] if marker else stripped
        tokens = body.split()  # (str.split and the patterns' \s agree on what whitespace is)
        norm = " ".join(tokens).lower()
        words = len(tokens) + (0 if body.isascii() else len(_CJK.findall(body)) / 2.0)
        is_list = marker is not None
        if len(stripped) > MAX_LINE_CHARS:
            lines.append(_Line(match.start() + lead, stripped, norm, words, is_list, True, blank_before, overlong=True))
            blank_before = False
            continue
        # "... ourselves? pic.twitter.com/s96jjh8AlD" (links are stripped from the line's tail only)
        bare = body
        if _may_end_in_link(body[-LINE_TAIL_CHARS:]):
            bare = body[:-LINE_TAIL_CHARS] + _TRAILING_LINK.sub("", body[-LINE_TAIL_CHARS:])
        ends = bool(_SENTENCE_END.search(bare[-LINE_TAIL_CHARS:])) or bool(_INNER_SENTENCE.search(bare))
        # a teaser cut short ("... the company said…") in a list or as a short line; a long paragraph cut
        # by a paywall is still the article's
        truncated = _may_be_truncated(body[-LINE_TAIL_CHARS:]) and bool(_TRUNCATED.search(body[-LINE_TAIL_CHARS:]))
        truncated = truncated and (is_list or words < TEASER_MAX_WORDS)
        is_prose = ((words >= PROSE_MIN_WORDS and ends) or words >= PROSE_LONG_WORDS) and not truncated
        if is_list and words < LIST_PROSE_MIN_WORDS:
            is_prose = False  # menus and teaser lists: short items, whatever their punctuation
        is_table = stripped.count("|") >= 3 or stripped.count("\t") >= 2
        lines.append(_Line(match.start() + lead, stripped, norm, words, is_list, is_prose, blank_before, truncated, is_table))
        blank_before = False
    _join_wrapped(lines)
    return lines


def _join_wrapped(lines: list[_Line]) -> None:
    """Hard-wrapped paragraphs (a line that stops mid-sentence, the next going on in lower case) are
    judged as one paragraph: each of their lines is prose when the paragraph is."""
    i = 0
    while i < len(lines):
        j = i
        while (
            j + 1 < len(lines)
            and not lines[j + 1].blank_before
            and not lines[j].is_list
            and not lines[j + 1].is_list
            and lines[j + 1].text[:1].islower()
            and not _SENTENCE_END.search(lines[j].text)
        ):
            j += 1
        if j > i:
            group = lines[i : j + 1]
            joined = " ".join(line.text for line in group)
            words = sum(line.words for line in group)
            ends = bool(_SENTENCE_END.search(joined)) or bool(_INNER_SENTENCE.search(joined))
            prose = (words >= PROSE_MIN_WORDS and ends) or words >= PROSE_LONG_WORDS
            for line in group:
                line.is_prose = prose
        i = j + 1


def _line_reason(line: _Line) -> str | None:
    """A furniture reason from the line alone (lexicon, call to action, caption/credit), or None."""
    norm = line.norm
    if line.overlong:
        return None  # see MAX_LINE_CHARS
    if not norm.strip(" *+•·-–—|/"):
        return "navigation"  # a bullet or rule with nothing on it
    if _STORY_CREDIT.match(norm):
        return None  # "Reuters" alone is a credit of the story, not furniture
    credit = _credit_reason(line)
    if credit:
        return credit
    if line.words >= LEXICON_PROSE_WORDS and line.is_prose and not _addresses_reader(line):
        return None  # a sentence of reporting that mentions a newsletter or cookies is still reporting
    if line.words <= COOKIE_MAX_WORDS and "cookie" in norm and _COOKIE.search(norm):
        return "cookie-banner"
    if line.words <= FURNITURE_MAX_WORDS and len(norm) <= FURNITURE_MAX_CHARS:
        norm = norm.strip("[](){}<>|•·*+-–— ")  # "[ 167 comments ]", "(View all)"
        for reason, at_start, anywhere in _FURNITURE_RES:
            if (at_start is not None and at_start.match(norm)) or (anywhere is not None and anywhere.search(norm)):
                return reason
        if line.words <= CALL_TO_ACTION_MAX_WORDS and _CALL_TO_ACTION.match(norm) and _speaks_to_reader(line.text):
            for pattern, reason in _CTA_REASON:
                if pattern.search(norm):
                    return reason
            return "call-to-action"
    return None


def _credit_reason(line: _Line) -> str | None:
    text = _LIST_MARKER.sub("", line.text) if line.is_list else line.text
    label = _CREDIT_LABEL.match(text)
    if label and line.words <= CAPTION_MAX_WORDS:
        # "Photo: Jane Doe/AP" credits the picture; "Image: Vladimir Putin" describes it
        rest = text[label.end() :].strip()
        credit = re.search(r"\b(?:credit|copyright)\b", text[: label.end()], re.I) or _is_slash_credit(rest)
        credit = credit or (len(rest.split()) <= 6 and bool(_AGENCY_WORD.search(rest)))
        return "photo-credit" if credit else "image-caption"
    if _CAPTION_LABEL.match(text) and line.words <= CAPTION_MAX_WORDS:
        return "image-caption"
    if line.words <= CAPTION_MAX_WORDS and ((_may_end_in_parenthesis(text) and _PAREN_CREDIT.search(text)) or (_may_have_inline_credit(text) and _INLINE_CREDIT.search(text))):
        return "image-caption" if line.words > 8 else "photo-credit"
    if line.words <= 10 and not _SENTENCE_END.search(text) and (_VIA_CREDIT.match(text) or _is_slash_credit(text)):
        line.bare_credit = True
        return "photo-credit"
    if line.words <= 8 and re.search(r"©|\bcopyright\b", text, re.I) and _AGENCY_WORD.search(text):
        return "photo-credit"
    tail = _CREDIT_TAIL.search(text) if "/" in text else None
    if tail and line.words <= CAPTION_MAX_WORDS and _AGENCY_WORD.search(tail.group()) and tail.start() > 0:
        return "image-caption"
    return None


def _is_slash_credit(text: str) -> bool:
    """'Sanjeev Verma/Hindustan Times/Getty Images', 'Ivan Sekretarev / AP file': names joined by slashes."""
    parts = [p.strip() for p in re.split(r"[/|]", text.strip("() "))]
    if len(parts) < 2 or not all(parts):
        return False
    if not all(p[0].isupper() for p in parts):
        return False
    return bool(_AGENCY_WORD.search(text))


def _addresses_reader(line: _Line) -> bool:
    """The line talks to the reader (you/your), speaks as the outlet (we/our/us) outside quotation
    marks, or opens with an imperative ("Please refresh", "Sign up")."""
    outside = _QUOTED.sub(" ", line.text)
    return bool(_OUTLET_VOICE.search(outside)) or bool(_CALL_TO_ACTION.match(line.norm)) or line.norm.startswith("please ")


def _speaks_to_reader(text: str) -> bool:
    """The line addresses the reader or speaks as the outlet (we/our/you outside quotation marks),
    or is an imperative without a subject (a button)."""
    outside = _QUOTED.sub(" ", text)
    return bool(_OUTLET_VOICE.search(outside)) or len(text.split()) <= 8


# --------------------------------------------------------------------------------------------
# Context rules


def _mark_captions(lines: list[_Line]) -> None:
    """A line standing right above a standalone photo credit is that photo's caption."""
    for i, line in enumerate(lines):
        # only a bare credit ("Name/Agency/Getty Images") hangs under its caption; a labelled one
        # ("Main image credit: Getty") stands on its own, often far from the picture
        if not line.bare_credit or i == 0 or line.blank_before:
            continue
        above = lines[i - 1]
        if above.reason is None and above.words <= CAPTION_MAX_WORDS and not _STORY_CREDIT.match(above.norm):
            above.reason = "image-caption"


def _mark_duplicates(lines: list[_Line]) -> None:
    """A line repeating one just before it (caption text repeated as alt text, a headline printed
    twice) is a duplicate; of a line and its longer neighbour that starts with it, the shorter goes."""
    for i, line in enumerate(lines):
        if line.reason is not None:
            continue
        for j in range(max(0, i - DUPLICATE_WINDOW), i):
            if lines[j].norm == line.norm:
                line.reason = "duplicate-line"
                break
        if line.reason is None and len(line.norm) >= DUPLICATE_PREFIX_CHARS:
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines) and len(lines[j].norm) > len(line.norm) and lines[j].norm.startswith(line.norm):
                    line.reason = "duplicate-line"
                    break


def _mark_blocks(lines: list[_Line]) -> None:
    """Paragraphs that continue a prompt (the body of a donation appeal, a comment-policy notice) are
    written to the reader in the outlet's voice; they take the prompt's reason."""
    i = 0
    while i < len(lines):
        reason = lines[i].reason
        if reason in _BLOCK_REASONS:
            j = i + 1
            while j < len(lines) and (lines[j].reason == reason or (lines[j].reason is None and _outlet_voice(lines[j]))):
                lines[j].reason = reason
                j += 1
            i = j
        else:
            i += 1


def _outlet_voice(line: _Line) -> bool:
    """The outlet speaking of itself (we/our/us outside quotation marks): the voice of appeals and
    policies. 'You' alone is not enough: service journalism talks to the reader all the time."""
    if line.overlong:
        return False  # see MAX_LINE_CHARS
    outside = _QUOTED.sub(" ", line.text)
    return bool(_OUTLET_WE.search(outside))


def _is_section_heading(line: _Line) -> bool:
    """A short line of its own opening a section ("Most Popular", "Comments"), not a menu entry and
    not an inline prompt ("Click here to get the app")."""
    return (
        line.reason in _SECTION_REASONS
        and line.words <= SECTION_HEADING_MAX_WORDS
        and not line.is_list
        and not _CALL_TO_ACTION.match(line.norm)
        and not line.norm.startswith("click")
    )


def _weight(line: _Line) -> float:
    if line.reason is not None:
        if _is_section_heading(line):
            return -SECTION_BREAK_COST
        return -FURNITURE_COST
    if line.is_prose:
        return line.words * (LIST_PROSE_WEIGHT if line.is_list else 1.0)
    if line.is_table:
        return 0.0  # tables in plain text (pipes, tabs) are the article's: menus are not set as tables
    if line.is_list or line.truncated:
        return -LIST_ITEM_COST
    return -SHORT_LINE_COST


def _locate_article(lines: list[_Line]) -> None:
    """Find the article (the stretch of lines with the most prose net of furniture), then keep the
    headline zone before it and credits after it; everything else outside it is removed."""
    best, best_start, best_end = float("-inf"), 0, -1
    run, run_start = 0.0, 0
    prose_seen, discount = 0.0, 1.0
    for i, line in enumerate(lines):
        if line.reason in _HARD_BREAK_REASONS and _is_section_heading(line):
            run, run_start = float("-inf"), i + 1
            if line.reason == "comments-widget" and prose_seen >= COMMENTS_AFTER_WORDS:
                discount = COMMENT_PROSE_WEIGHT
            continue
        w = _weight(line)
        if w > 0:
            prose_seen += w
            w *= discount
        if run <= 0:
            run, run_start = w, i
        else:
            run += w
        if run > best:
            best, best_start, best_end = run, run_start, i
    if best <= 0:
        # no prose at all (a list, a table, a one-line text): keep what is not furniture
        for line in lines:
            line.keep = line.reason is None
        return
    for line in lines[best_start : best_end + 1]:
        line.keep = line.reason is None
    _keep_headline_zone(lines, best_start)
    _keep_trailer(lines, best_end)


def _keep_headline_zone(lines: list[_Line], start: int) -> None:
    kept, removed_run = 0, 0
    i = start - 1
    while i >= 0:
        line = lines[i]
        if line.reason in ("related-links", "footer") and line.words <= 8:
            break  # a comment-count button or a newsletter box may sit in the headline zone; a list of other stories does not
        if line.reason is not None or line.is_list:
            line.keep = False
            line.reason = line.reason or "navigation"
            # only menu-like lines end the zone: captions, prompts and appeals sit between headline and body
            if line.is_list or line.reason in _MENU_REASONS:
                removed_run += 1
                if removed_run >= HEADER_STOP_RUN:
                    break
        elif line.words <= HEADER_MAX_WORDS or line.is_prose:
            line.keep = True
            kept += 1
            removed_run = 0
            if kept >= HEADER_MAX_LINES:
                i -= 1
                break
        else:
            break
        i -= 1
    for line in lines[: i + 1]:
        line.keep = False
        if line.reason is None:
            line.reason = "navigation" if line.is_list or not line.is_prose else "outside-article"


def _keep_trailer(lines: list[_Line], end: int) -> None:
    i, _kept = end + 1, 0
    if lines[end].text.endswith(":"):
        # the article's last paragraph announces a list ("Here are the offers:"): the list is the article's
        while i < len(lines) and lines[i].reason is None:
            lines[i].keep = True
            i += 1
    # the article's last short lines (a tweet's attribution, "Updated at 1:23 p.m.", a sign-off) go on
    # until the first line that is furniture or a menu entry
    tail = 0
    while i < len(lines) and tail < TRAILER_TAIL_LINES and lines[i].reason is None and not lines[i].is_list and not lines[i].truncated:
        lines[i].keep = True
        i += 1
        tail += 1
    rest = i
    # credits of the story ("Reuters", "Reporting by ...") within the next few lines, until a section opens
    credits: set[int] = set()
    for k in range(i, min(len(lines), i + TRAILER_SCAN_LINES)):
        line = lines[k]
        if _is_section_heading(line) or len(credits) >= TRAILER_MAX_LINES:
            break
        if line.reason is None and _STORY_CREDIT.match(line.norm):
            credits.add(k)
    section = None
    for k in range(rest, len(lines)):
        line = lines[k]
        line.keep = k in credits
        if line.keep:
            continue
        if _is_section_heading(line):
            section = line.reason
        # inside a comments section everything (names, age stamps, repeated "Reply") is the comments'
        if line.reason is None or (section and line.reason in _WEAK_REASONS and (line.reason == "duplicate-line" or section == "comments-widget")):
            line.reason = section or ("navigation" if line.is_list or not line.is_prose else "outside-article")


# --------------------------------------------------------------------------------------------
# Output


def _assemble(text: str, lines: list[_Line]) -> CleanedText:
    # One paragraph per line when the input never separates paragraphs by blank lines (wire copy,
    # one-line-per-paragraph pastes); otherwise single line breaks inside a paragraph are kept.
    blank_separated = any(line.blank_before for line in lines[1:])
    parts: list[str] = []
    removed: list[RemovedLine] = []
    gap = False
    for line in lines:
        if not line.keep:
            removed.append(RemovedLine(offset=line.offset, text=line.text, reason=line.reason or "furniture"))
            gap = True
            continue
        if parts:
            parts.append("\n\n" if (gap or line.blank_before or not blank_separated) else "\n")
        parts.append(line.text)
        gap = False
    return CleanedText(text="".join(parts), removed=tuple(removed))
