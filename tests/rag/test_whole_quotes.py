"""A quotation of several sentences is one candidate sentence: its bullet keeps the speaker (fake embedder)."""

from __future__ import annotations

import pytest

from rag.backends.extractive import QUOTE_SENTENCES, candidates, extractive_result, whole_quotes
from rag.chunk import split_sentences
from rag.testing import FakeEmbedder, passage


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in whole_quotes(text, split_sentences(text))]


@pytest.mark.parametrize("text, expected", [
    ('"This is not a sophisticated attack. It is a basic failure of security hygiene," said Marleen Hoek. '
     "Trains ran again on Friday.",
     ['"This is not a sophisticated attack. It is a basic failure of security hygiene," said Marleen Hoek.',
      "Trains ran again on Friday."]),
    ("“Our men were sent to fight without ammunition. That ends today,” he said. The council met.",
     ["“Our men were sent to fight without ammunition. That ends today,” he said.", "The council met."]),
    # Quotations that close in their own sentence, and sentences without one, stay as they were.
    ('"We will not pay," the minister said. "Never." Talks resumed.',
     ['"We will not pay," the minister said.', '"Never."', "Talks resumed."]),
    # A quotation is never read across a paragraph or a line break.
    ('"The first paragraph opens a quote.\n\nThe second closes it," she said.',
     ['"The first paragraph opens a quote.', 'The second closes it," she said.']),
    # Found in review: a closing mark (a chunk that starts inside a quotation) or an inch mark opens nothing.
    ('It is a failure," said Hoek. Parliament met on Monday. The minister replied: "We will act. The money is there," '
     "she said.",
     ['It is a failure," said Hoek.', "Parliament met on Monday.",
      'The minister replied: "We will act. The money is there," she said.']),
    ('A 12" pipe burst near the plant. "It was old," he said.',
     ['A 12" pipe burst near the plant.', '"It was old," he said.']),
])
def test_a_quotation_is_one_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_stray_quote_mark_joins_at_most_a_few_sentences() -> None:
    # An inch mark or a quotation never closed: the sentences after it stay apart.
    text = "The 5'10\" pilot ejected. He was unhurt. The jet was lost. Its recorder was found. Inquiry opens."
    assert len(sentences(text)) == 5
    unclosed = '"It opens here. ' + " ".join(f"Sentence {n} goes on." for n in range(QUOTE_SENTENCES + 2))
    assert len(sentences(unclosed)) == QUOTE_SENTENCES + 3


def test_a_reaction_bullet_keeps_its_speaker() -> None:
    text = ("Hackers halted trains across Valmera on Tuesday. "
            '"This is not a sophisticated attack. It is a basic failure of security hygiene," said Marleen Hoek, '
            "who chairs the parliamentary transport committee. Opposition lawmakers demanded an inquiry.")
    assert any(c.text.endswith("who chairs the parliamentary transport committee.") and c.text.startswith('"This')
               for c in candidates([passage(text)]))
    result = extractive_result("How did parliament react to the rail cyberattack?", [passage(text)], FakeEmbedder())
    for line in result.text.splitlines():
        assert line.count('"') % 2 == 0, line  # no bullet opens a quotation it does not close


def test_a_factual_question_reads_the_sentences_as_they_are() -> None:
    # A factual answer is the one sentence that states the fact, not the whole quotation around it.
    from rag.backends.extractive import rank

    text = ('"The shells came from the south. We counted forty of them," said the inspector. The plant is safe.')
    assert '"The shells came from the south.' in [c.text for c in candidates([passage(text)], quotations=False)]
    ranked = rank("How many shells did the inspector count?", [passage(text)], FakeEmbedder()).candidates
    assert all(c.text.count('"') != 2 or "said" not in c.text for c in ranked)
    assert any(c.text.startswith("We counted forty") for c in ranked)


def test_a_question_inside_a_quotation_stays_in_it() -> None:
    text = '"Why now? Because the money ran out. That is all," said Hoek. The fund closed.'
    assert '"Why now? Because the money ran out. That is all," said Hoek.' in [c.text for c in candidates([passage(text)])]
