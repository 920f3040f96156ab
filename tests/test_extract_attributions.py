"""Attributions: who said what, in hand-written one-phenomenon articles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.extract.attributions import find_attributions, find_quotes
from storyline.model import Attribution


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp.parse import load_pipeline

    return load_pipeline()


def attributions(nlp, text: str, outlet: str | None = None) -> list[Attribution]:
    return find_attributions(nlp(text), "d1", outlet)


def by_content(found: list[Attribution], fragment: str) -> Attribution:
    for a in found:
        if any(fragment in c.text for c in a.content):
            return a
    raise AssertionError(f"no attribution with content {fragment!r} in {[[c.text for c in a.content] for a in found]}")


@pytest.mark.parametrize(
    "text, quote",
    [
        ('"We will not resign," Smith said.', '"We will not resign,"'),
        ("“We will not resign,” Smith said.", "“We will not resign,”"),
        ("«We will not resign», Smith said.", "«We will not resign»"),
        ("„We will not resign“, Smith said.", "„We will not resign“"),
        ("''We will not resign,'' Smith said.", "''We will not resign,''"),
    ],
)
def test_quote_styles_are_attributed_to_the_speaker(nlp, text, quote):
    found = attributions(nlp, text)
    a = by_content(found, "We will not resign")
    assert a.direct and a.content[0].text == quote
    assert a.speaker_name == "Smith" and a.cue is not None and a.cue.text == "said"


def test_quote_spanning_paragraphs_is_one_quote():
    text = "“The first part goes on.\n\n“And the second paragraph ends it,” Jones said."
    assert find_quotes(text) == [(0, len("“The first part goes on.\n\n“And the second paragraph ends it,”"))]


def test_stray_mark_is_not_a_quote():
    assert find_quotes("He measured 6\" of snow.\n\nNothing else.") == []


@pytest.mark.parametrize(
    "text, quotes",
    [
        ("«Il a dit «non» hier», dit-il.", ["«Il a dit «non» hier»"]),  # nested guillemets are counted
        ("“Open and “nested” still open\n\n“continued here,” he said.", ["“Open and “nested” still open\n\n“continued here,”"]),
        ("“Never closed.\n\nA new paragraph.", []),
        ('He said "yes" and "no".', ['"yes"', '"no"']),
        ("''Yes,'' he said, rock''n''roll.", ["''Yes,''"]),
        ("“" + "a " * 2500 + "”", []),  # longer than MAX_QUOTE_CHARS: a stray
    ],
)
def test_quote_boundaries(text, quotes):
    assert [text[s:e] for s, e in find_quotes(text)] == quotes


def _reference_quotes(text: str) -> list[tuple[int, int]]:
    """The quote finder as first written: a character-by-character rescan from every opening mark
    (quadratic on unclosed marks, issue 9). The linear finder must give the same ranges."""
    from storyline.extract.attributions import MAX_QUOTE_CHARS, QUOTE_MARKS

    def can_open(i: int) -> bool:
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if nxt.isspace():
            return False
        if text[i] in ('"', "”"):
            prev = text[i - 1] if i else " "
            return prev.isspace() or prev in "([{—–-:"
        return True

    def close(start: int, opener: str) -> int | None:
        closers = "''" if opener == "''" else QUOTE_MARKS[opener]
        symmetric = opener in ('"', "”", "''")
        depth, i = 1, start + len(opener)
        limit = min(len(text), start + MAX_QUOTE_CHARS)
        while i < limit:
            if opener == "''":
                if text.startswith("''", i):
                    return i + 2
            elif text[i] in closers and not (symmetric and can_open(i) and text[i - 1].isspace()):
                depth -= 1
                if depth == 0:
                    return i + 1
            elif not symmetric and text[i] == opener:
                depth += 1
            if text[i] == "\n":
                j = i
                while j < len(text) and text[j].isspace():
                    j += 1
                if depth == 1 and text.startswith(opener, j):
                    i = j + len(opener)
                    continue
                return None
            i += 1
        return None

    quotes, i = [], 0
    while i < len(text):
        opener = None
        if text.startswith("''", i) and (i == 0 or not text[i - 1].isalnum()):
            opener = "''"
        elif text[i] in QUOTE_MARKS and can_open(i):
            opener = text[i]
        if opener is None:
            i += 1
            continue
        end = close(i, opener)
        if end is None:
            i += len(opener)
            continue
        quotes.append((i, end))
        i = end
    return quotes


QUOTE_TEXT = st.lists(
    st.sampled_from(["“", "”", "„", "«", "»", "‹", "›", '"', "'", "''", "「", "」", "\n", "\n\n", " ", "  ", "a", "ab", ",", ".", "("]),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=QUOTE_TEXT, longest=st.sampled_from([None, 3, 8, 20]))
def test_linear_quote_finder_agrees_with_the_rescanning_one(text, longest):
    from unittest import mock

    import storyline.extract.attributions as attributions_module

    # a short MAX_QUOTE_CHARS makes the length limit bite on these short texts too
    with mock.patch.object(attributions_module, "MAX_QUOTE_CHARS", longest or attributions_module.MAX_QUOTE_CHARS):
        assert find_quotes(text) == _reference_quotes(text)


def test_quote_interrupted_by_its_cue_keeps_both_halves(nlp):
    text = "John Smith is a senator. “It's his job,” said Smith, “he talked about the relations.”"
    a = by_content(attributions(nlp, text), "It's his job")
    assert [c.text for c in a.content] == ["“It's his job,”", "“he talked about the relations.”"]
    assert a.speaker_name == "John Smith"


def test_cue_before_quote_with_colon(nlp):
    text = "Dmitry Peskov said: “We have already said there have not been any talks.”"
    a = by_content(attributions(nlp, text), "We have already")
    assert a.direct and a.speaker_name == "Dmitry Peskov" and a.speaker_kind == "named"


def test_russian_style_dash_cue_and_pronoun(nlp):
    text = (
        "Dmitry Peskov also said that the issue of sanctions was not raised. "
        "“We already talked about the fact that they were not” – he said."
    )
    a = by_content(attributions(nlp, text), "We already talked")
    assert a.speaker_kind == "pronoun" and a.speaker_name == "Dmitry Peskov"


def test_role_nominal_resolves_to_the_named_spokesman(nlp):
    text = (
        "The press secretary of the president Dmitry Peskov said that contacts took place. "
        "“The rest of the information is wrong,” said a Kremlin spokesman."
    )
    a = by_content(attributions(nlp, text), "The rest of the information")
    assert a.speaker_kind == "role" and a.speaker_name == "Dmitry Peskov"


def test_unintroduced_surname_takes_the_previous_speaker(nlp):
    # a machine translation renders Peskov as "Sands"; the article never introduces a Sands
    text = (
        "Kislyak did his job, said in an interview with CNN, the press secretary Dmitry Peskov.\n"
        "“It's his job. He talked about the bilateral relations,” said Sands."
    )
    a = by_content(attributions(nlp, text), "It's his job")
    assert a.speaker_name == "Dmitry Peskov"


def test_run_of_quotes_continues_with_the_previous_speaker(nlp):
    text = "“We are ready,” said Maria Zakharova.\n\n“And we will respond in kind.”"
    a = by_content(attributions(nlp, text), "respond in kind")
    assert a.direct and a.speaker_name == "Maria Zakharova"


def test_partial_quote_inside_reported_speech_stays_in_the_indirect_content(nlp):
    text = "Sanders said that his campaign doesn't want “that crap” at all."
    found = attributions(nlp, text)
    assert len(found) == 1
    assert not found[0].direct and "“that crap”" in found[0].content[0].text


@pytest.mark.parametrize(
    "text, content, speaker, kind",
    [
        ("Smith said that the talks had failed.", "that the talks had failed", "Smith", "named"),
        ("Smith said the talks had failed.", "the talks had failed", "Smith", "named"),
        ("According to Smith, the talks had failed.", "the talks had failed", "Smith", "named"),
        ("The talks had failed, the sources said.", "The talks had failed", None, "anonymous"),
        ("Sources familiar with the matter said the talks had failed.", "the talks had failed", None, "anonymous"),
        ("Court documents said Flynn lied to the FBI.", "Flynn lied to the FBI", "Court documents", "document"),
        ("The newspaper reported that Flynn lied.", "that Flynn lied", None, "outlet"),
        ("The Kremlin believes the sanctions will be lifted.", "the sanctions will be lifted", "Kremlin", "named"),
        ("The talks had failed, said the existing four American officials.", "The talks had failed", None, "anonymous"),
        # a perfect-tense cue after the content, as machine translation writes it
        ("\u00abSuch meeting did not take place\u00bb, \u2014 has declared the press secretary of deputy minister Marek Halloran.",
         "\u00abSuch meeting did not take place\u00bb", "Marek Halloran", "named"),
    ],
)
def test_indirect_speech(nlp, text, content, speaker, kind):
    a = by_content(attributions(nlp, text), content)
    assert not a.direct
    assert a.content[0].text == content
    assert a.speaker_kind == kind
    if speaker is not None:
        assert a.speaker_name == speaker


@pytest.mark.parametrize(
    "text, stance",
    [
        ("Medvedchuk denied that he had contacts with the campaign.", "denies"),
        ("Peskov said there have not been any talks on sanctions.", "denies"),
        ("The White House confirmed that Kislyak met Sessions twice.", "confirms"),
        ("Flynn's lawyer declined to comment.", "declines"),
        ("The White House did not respond to requests for comment.", "declines"),
        ("The ministry refused to talk about the contacts.", "declines"),
        ("Peskov said the talks took place.", "asserts"),
        # a negated quote denies an event or an existence, nothing else
        ('"No such meeting took place," the spokesman said.', "denies"),
        ('"The minister did not meet him," the spokesman said.', "denies"),
        ('"We have not reached any conclusion," the investigator said.', "asserts"),
        ('"The company has not published its accounts," the regulator said.', "asserts"),
    ],
)
def test_stance(nlp, text, stance):
    found = attributions(nlp, text)
    assert found, text
    assert found[0].stance == stance


def test_reporting_chain_from_outlet_through_cited_outlet_to_speaker(nlp):
    text = "Kremlin spokesman Dmitry Peskov said Putin made the decision himself, Reuters reported."
    a = next(a for a in attributions(nlp, text, outlet="NBC News") if a.speaker_name == "Dmitry Peskov")
    assert a.reported_by == ("NBC News", "Reuters", "Dmitry Peskov")


def test_told_outlet_is_in_the_chain(nlp):
    text = "“We do not know anyone in his circle,” Medvedchuk told Reuters by email."
    a = attributions(nlp, text, outlet="Interfax")[0]
    assert a.reported_by == ("Interfax", "Reuters", "Medvedchuk")


def test_headline_colon_attribution(nlp):
    text = "Peskov: talks on sanctions were not held\n\nThe Kremlin has not commented."
    a = by_content(attributions(nlp, text), "talks on sanctions")
    assert a.cue is not None and a.cue.text == ":" and a.source is not None and a.source.text == "Peskov"


def test_spans_point_into_the_text(nlp):
    text = "“It's done,” said Smith.\n\nAccording to Reuters, Jones denied that he lied."
    for a in attributions(nlp, text):
        for span in (a.cue, a.source, *a.content):
            if span is not None:
                assert text[span.start : span.end] == span.text


def test_no_attribution_in_plain_narration(nlp):
    assert attributions(nlp, "The ambassador met the adviser in December. They had lunch.") == []


@pytest.mark.parametrize(
    "text, content, speaker",
    [
        # a verb + preposition cue: the prepositional object is the content
        ("Senator Kelli Ward called for the impeachment of the attorney general.", "the impeachment of the attorney general", "Kelli Ward"),
        ("Clinton referred to Trump's remarks about women.", "Trump's remarks about women", "Clinton"),
        # a participle modifying the speaker: "O'Malley calling Trump a fascist"
        ("Police received 911 calls saying shots had been fired inside the center.", "shots had been fired inside the center", None),
        # a one-word named object is content
        ("Christie endorsed Trump.", "Trump", "Christie"),
    ],
)
def test_nominal_and_participle_cues(nlp, text, content, speaker):
    a = by_content(attributions(nlp, text), content)
    assert a.content[0].text == content
    if speaker is not None:
        assert a.speaker_name == speaker


def test_quote_as_the_object_of_a_speech_verb(nlp):
    text = "When Rubio said it was great to be home, a man in the crowd yelled “Stay there!”"
    a = by_content(attributions(nlp, text), "Stay there")
    assert a.direct and a.cue is not None and a.cue.text == "yelled" and a.source is not None and a.source.text == "a man in the crowd"


def test_quote_ending_its_sentence_is_not_taken_by_the_next_sentence_cue(nlp):
    text = "The inquiry was described as “ongoing.” He said the FBI has not commented on its scope."
    a = by_content(attributions(nlp, text), "the FBI has not commented")
    assert not a.direct
    assert not any("ongoing" in c.text for c in a.content)


def test_run_of_quotes_is_one_attribution(nlp):
    text = "“We are ready,” said Maria Zakharova.\n\n“And we will respond in kind.”\n\n“Nobody should doubt it.”"
    found = attributions(nlp, text)
    assert len(found) == 1 and len(found[0].content) == 3


def test_indirect_content_stays_on_the_cue_paragraph(nlp):
    # the parser hangs the second paragraph's clause on the first "says"
    text = (
        "Dean Johnson, a salesman from Sumter, says Cruz will “leave here with momentum.”\n\n"
        "Joe Bateman, who traveled from Illinois, says there is a long road ahead."
    )
    a = by_content(attributions(nlp, text), "leave here")
    assert a.speaker_name == "Dean Johnson" and "Bateman" not in a.content[0].text


@pytest.mark.parametrize(
    "text, kind, name",
    [
        (
            "The charging document filed last week listed two false statements Flynn made. "
            "It said Flynn falsely claimed that he had not asked Kislyak to refrain from escalating.",
            "document",
            "The charging document",
        ),
        ("Court documents show Flynn lied. It said he met Kislyak twice.", "document", "Court documents"),
    ],
)
def test_it_said_resolves_to_the_document(nlp, text, kind, name):
    a = next(a for a in attributions(nlp, text) if a.source is not None and a.source.text == "It")
    assert (a.speaker_kind, a.speaker_name) == (kind, name)


def test_outlet_appeal_to_readers_is_not_an_attribution(nlp):
    text = (
        "The Independent is trusted by Americans across the political spectrum. "
        "We believe quality journalism should be available to everyone, paid for by those who can afford it."
    )
    assert attributions(nlp, text) == []


@pytest.mark.parametrize(
    "text, content, speaker, kind",
    [
        # a parenthetical cue before the clause's verb: the clause around it is the content
        ("This campaign, Smith says, is different.", ["This campaign", "is different"], "Smith", "named"),
        # a participle takes its head's subject; a place after the last comma is not a speaker
        ("Sanders has denounced the attacks, saying his campaign does not want them, in an interview with CNN.",
         ["his campaign does not want them"], "Sanders", "named"),
        # a relative pronoun is never the speaker: its antecedent is
        ("Ines Calloway, who asked the office to investigate, said the tender must stop.", ["the tender must stop"], "Ines Calloway", "named"),
        # partitive source: the group decides
        ("The minister met the bidder, one of the officials said.", ["The minister met the bidder"], None, "anonymous"),
        # a name heads the source: the apposition's organisations do not name the speaker
        ("Ines Calloway, the MP who chairs the Assembly's energy committee, said the report raised questions.",
         ["the report raised questions"], "Ines Calloway", "named"),
    ],
)
def test_speaker_and_content_constructions(nlp, text, content, speaker, kind):
    a = by_content(attributions(nlp, text), content[0])
    assert len(a.content) == len(content) and all(c.text.startswith(want) for c, want in zip(a.content, content, strict=True))
    assert (a.speaker_name, a.speaker_kind) == (speaker, kind)


def test_relative_pronoun_is_resolved_to_its_antecedent_not_a_speaker(nlp):
    text = "The diary was published after a newspaper report, which said that the two had met."
    a = by_content(attributions(nlp, text), "the two had met")
    assert a.speaker_name == "a newspaper report" and a.speaker_kind == "document"


def test_indirect_content_runs_to_the_end_of_its_quotation(nlp):
    text = 'Cruz said that "only I can beat Trump. Kasich cannot do it." The crowd cheered.'
    a = by_content(attributions(nlp, text), "only I can beat Trump")
    assert a.content[-1].text.endswith('Kasich cannot do it."')


def test_quote_opening_the_next_sentence_continues_the_speaker(nlp):
    text = '"It was very nice," Smith said at the rally in Ohio. "He was very charming."'
    a = by_content(attributions(nlp, text), "It was very nice")
    assert [c.text for c in a.content] == ['"It was very nice,"', '"He was very charming."']


@pytest.mark.parametrize(
    "text, stance",
    [
        ('"No such meeting took place," Halloran said.', "denies"),
        ('"The minister has never met him," Halloran said.', "denies"),
        ("The Ledger said it stood by its reporting.", "confirms"),
        ('The mayor said the town "cannot afford another year of delay".', "asserts"),
        ('"They will not lose it over a cup of coffee," Weiss said.', "asserts"),
    ],
)
def test_stance_of_the_content(nlp, text, stance):
    found = attributions(nlp, text)
    assert found and found[0].stance == stance, [(a.stance, [c.text for c in a.content]) for a in found]


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("The National Integrity Office opened a review. The office said the review would take six weeks.", "National Integrity Office"),
        ("The Ministry of Energy welcomed the review. It said it would cooperate fully.", "Ministry of Energy"),
    ],
)
def test_organisation_anaphora_takes_the_named_organisation(nlp, text, speaker):
    a = by_content(attributions(nlp, text), "would")
    assert a.speaker_name == speaker


@pytest.mark.parametrize(
    "text, stance",
    [
        ("The ministry has not commented on the allegations.", "declines"),
        ("Analysts said that such visits by trade envoys are not unusual.", "asserts"),
    ],
)
def test_refusal_and_judgement_stance(nlp, text, stance):
    """A negated comment verb is a refusal; a negated predicate adjective is not a denial."""
    found = attributions(nlp, text)
    assert found and found[0].stance == stance, [(a.stance, a.cue.text if a.cue else None) for a in found]


def test_speech_verb_under_intention_or_request_is_not_a_speech(nlp):
    """`refused to talk about X`: the refusal is the attribution, not a second 'talk about X'."""
    found = attributions(nlp, "The embassy refused to talk about the contacts.")
    cues = [a.cue.text for a in found if a.cue]
    assert "refused" in cues and not any("talk" in c for c in cues), cues
    found = attributions(nlp, "The senator plans to announce her decision on Friday.")
    assert not any(a.cue and "announce" in a.cue.text for a in found)


def test_cue_inside_an_embedded_question_is_not_an_assertion(nlp):
    found = attributions(nlp, "Reporters asked whether the two envoys discussed the sanctions.")
    assert not any(a.cue and a.cue.text == "discussed" for a in found), [(a.cue.text if a.cue else None) for a in found]


def test_object_of_an_imprecise_cue_is_not_content(nlp):
    """`found the money` reports nothing; `found that ...` does."""
    assert not attributions(nlp, "Investigators found the missing ledgers in a warehouse.")
    found = attributions(nlp, "Investigators found that the ledgers had been altered.")
    assert by_content(found, "the ledgers had been altered").speaker_name or found[0].source is not None


def test_inverted_speaker_misread_as_a_relative_clause_object(nlp):
    text = ("The new line would bypass the trade council of the republic, which, in the view of both sides, "
            "hostile to closer ties, said the two European diplomats.")
    a = next(a for a in attributions(nlp, text) if a.cue and a.cue.text == "said")
    assert a.source is not None and "diplomats" in a.source.text and "bypass" in a.content[0].text


def test_participle_after_an_inverted_cue_describes_the_speaker(nlp):
    text = "“The rest of the story is false,” said a ministry spokesman asked to comment on whether the envoys met."
    found = attributions(nlp, text)
    assert [a.cue.text for a in found if a.cue] == ["said"], [(a.cue.text if a.cue else None) for a in found]


def test_attitude_inside_another_speakers_content_is_that_speakers_claim(nlp):
    """`The mayor said the council supports the plan`: the mayor's claim, not the council's speech; a
    reported speech act inside (`said the envoy claimed that ...`) stays an attribution of its own."""
    found = attributions(nlp, "The mayor said the council supports the new tax.")
    assert [a.cue.text for a in found if a.cue] == ["said"], [(a.cue.text if a.cue else None) for a in found]
    found = attributions(nlp, "Court filings said the envoy falsely claimed that he had never met the minister.")
    assert any(a.cue and "claimed" in a.cue.text for a in found), [(a.cue.text if a.cue else None) for a in found]
