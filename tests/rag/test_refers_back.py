"""A sentence that opens with "It"/"Its"/"They" is read with the sentence that names its subject.

Found asking the analysis articles as an analyst would: "What did ECOWAS decide at its emergency
summit?" was answered with "ECOWAS held an emergency summit on 10 July." (the decision is the next
sentence, "It suspended Azawi…"), and "Who is the spokesman of the Committee…?" was refused (the
answer is "Its spokesman, Colonel Amadou Sérémé, announced…").
"""

from __future__ import annotations

import pytest

from rag.backends.extractive import (
    Candidate,
    candidates,
    extractive_result,
    refers_back,
    score_sentence_terms,
)
from rag.records import REFUSAL, Chunk, Passage
from rag.testing import FakeEmbedder


def passage(text: str, n: int = 1, title: str = "") -> Passage:
    chunk = Chunk(id=f"chunk-{n}", source=f"/corpus/{n}.txt", title=title, text=text, start=0,
                  end=len(text), index=0)
    return Passage(chunk=chunk, score=1.0 / n, similarity=0.5)


SUMMIT = ("The Economic Community of West African States (ECOWAS) held an emergency summit on 10 July. "
          "It suspended Azawi from all its bodies, closed its members' borders with the country, and froze "
          "the assets of the Azawian state held at the regional central bank. The African Union's Peace and "
          "Security Council suspended Azawi's membership two days later.")
TELEVISION = ("On the morning of 18 July, soldiers surrounded the presidential palace in Tandara. At noon a group "
              "of officers calling itself the Committee for National Renewal appeared on state television. Its "
              "spokesman, Colonel Amadou Sérémé, announced that the constitution was suspended, the borders "
              "closed and a curfew imposed. The president was taken to a military camp outside the city.")


def test_a_sentence_opening_with_a_pronoun_refers_back() -> None:
    assert refers_back("It suspended Azawi from all its bodies.")
    assert refers_back("Its spokesman announced a curfew.")
    assert refers_back("They closed the border.")
    assert not refers_back("Italy closed the border.")  # a name, not "It"
    assert not refers_back("The summit suspended Azawi.")
    # An "it" that stands for nothing before it: found in the golden set, where "It is not a coincidence
    # that the offensive started right after…" had been given the unrelated sentence before it.
    assert not refers_back("It is not a coincidence that the offensive started right after the defeat.")
    assert not refers_back("It was not until 1990 that the border was marked.")
    assert not refers_back("It took three days for the convoy to arrive.")
    assert refers_back("It was founded in 1901 to train officers.")


def test_the_sentence_before_counts_fully_for_a_pronoun_subject() -> None:
    question = "What did ECOWAS decide at its emergency summit?"
    context = "ECOWAS held an emergency summit on 10 July."
    with_pronoun = score_sentence_terms(question, "It suspended Azawi from all its bodies.", context=context)
    with_name = score_sentence_terms(question, "Mali suspended Azawi from all its bodies.", context=context)
    assert with_pronoun > with_name  # "It" is ECOWAS; "Mali" is somebody else, the summit only nearby


def test_candidates_keep_the_sentence_before_as_context() -> None:
    cands = candidates([passage(SUMMIT)])
    it = next(c for c in cands if c.text.startswith("It suspended"))
    assert it.context.startswith("The Economic Community") and isinstance(it, Candidate)


@pytest.mark.integration
def test_what_a_body_decided_is_the_sentence_after_the_one_naming_it(real_embedder) -> None:
    result = extractive_result("What did ECOWAS decide at its emergency summit?", [passage(SUMMIT)], real_embedder)
    assert not result.refused
    assert "It suspended Azawi from all its bodies" in result.text
    # The sentence that names "It" comes first, so the answer reads on its own.
    assert result.text.index("held an emergency summit") < result.text.index("It suspended")


@pytest.mark.integration
def test_whose_spokesman_is_answered_from_a_possessive_sentence(real_embedder) -> None:
    result = extractive_result("Who is the spokesman of the Committee for National Renewal?",
                               [passage(TELEVISION)], real_embedder)
    assert result.text != REFUSAL
    assert "Colonel Amadou Sérémé" in result.text
    # The sentence that says whose spokesman comes first, so the answer reads on its own.
    assert result.text.index("calling itself the Committee") < result.text.index("Its spokesman")


def test_a_pronoun_answer_never_stands_without_the_sentence_that_names_it() -> None:
    for question in ("Who is the spokesman of the Committee for National Renewal?",
                     "What did ECOWAS decide at its emergency summit?"):
        result = extractive_result(question, [passage(TELEVISION, 1), passage(SUMMIT, 2)], FakeEmbedder(),
                                   min_score=0.05, min_answerability=0.0)
        for i, c in enumerate(result.chosen):
            if refers_back(c.text):
                assert i > 0 and result.chosen[i - 1].text == c.context, result.text


# Found in review: a run of pronouns, a pronoun sentence placed after the wrong sentence, and the sentence cap.
CHAIN = ("The Committee for National Renewal seized power in Tandara on 18 July. It closed the borders the same day. "
         "It imposed a curfew on Tandara. Its spokesman Sérémé announced the curfew on Tandara television.")
TWO_BODIES = ("ECOWAS suspended Azawi at an emergency summit on 10 July. It also froze Azawi's state assets at the "
              "regional bank. The African Union suspended Azawi's membership and froze Azawi's assets two days later.")


def _pronouns_follow_their_names(chosen: list[Candidate]) -> bool:
    return all(not refers_back(c.text) or (i > 0 and chosen[i - 1].text == c.context) for i, c in enumerate(chosen))


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_a_run_of_pronouns_is_read_from_the_sentence_that_names_them(max_sentences: int) -> None:
    result = extractive_result("What curfew did the Committee impose on Tandara?", [passage(CHAIN)], FakeEmbedder(),
                               min_score=0.05, min_answerability=0.0, max_sentences=max_sentences)
    assert result.chosen and result.chosen[0].text.startswith("The Committee for National Renewal seized power")
    assert _pronouns_follow_their_names(result.chosen), result.text


@pytest.mark.parametrize("question", ["Which bodies suspended Azawi and froze its assets?", "Who froze Azawi's assets?",
                                      "What sanctions were imposed on Azawi?"])
def test_a_pronoun_sentence_is_never_read_after_another_sentence_than_its_own(question: str) -> None:
    result = extractive_result(question, [passage(TWO_BODIES)], FakeEmbedder(), min_score=0.05, min_answerability=0.0)
    assert _pronouns_follow_their_names(result.chosen), result.text


def test_runners_up_that_need_their_names_count_them_against_the_sentence_cap() -> None:
    text = ("Sentence alpha names ECOWAS as the body. It suspended Azawi from all bodies. "
            "Sentence beta names the AU as the body. It suspended Azawi membership too. "
            "Sentence gamma names the UN as the body. It suspended Azawi aid programmes.")
    for cap in (2, 3):
        result = extractive_result("Who suspended Azawi?", [passage(text)], FakeEmbedder(), min_score=0.05,
                                   min_answerability=0.0, max_sentences=cap)
        assert len(result.chosen) <= cap and _pronouns_follow_their_names(result.chosen), result.text


def test_a_key_point_opening_with_a_pronoun_comes_with_the_sentence_that_names_it() -> None:
    from rag.backends.extractive import point_spans

    text = ("The embargo was designed around a different world. It relied on the fact that most tankers were "
            "insured in London. Karvesh bought 200 old tankers instead. They carry most of its oil today.")
    result = extractive_result("Why has the embargo failed to cut oil exports?", [passage(text)], FakeEmbedder())
    for span in point_spans(result.chosen):
        assert not refers_back(span[0].text), result.text
