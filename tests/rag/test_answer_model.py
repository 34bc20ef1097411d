"""The learned answerability (rag.answer_model): features, fitting, and what it prefers."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from rag import answer_model
from rag.answer_model import FEATURE_NAMES, CandidateSignals, features, fit_logistic, probability, soft_coverages
from rag.backends.extractive import extractive_result
from rag.eval.answerability import IN_DOMAIN_SPLIT, Row, cases_from_rows, fit, threshold_for, write_weights
from rag.questions import profile
from rag.records import Chunk, Passage
from rag.testing import FakeEmbedder


def signals(**changes: float) -> CandidateSignals:
    base = dict(score=0.5, rule=1.0, similarity=0.5, passage_similarity=0.5, rank=0, best_score=0.5, passage=1)
    base.update(changes)
    return CandidateSignals(**base)  # type: ignore[arg-type]


def test_features_follow_the_names_and_stay_bounded() -> None:
    row = features(profile("How many icebreakers does Russia operate?"),
                   "Russia operates 40 icebreakers, seven of them nuclear.", "", signals())
    assert len(row) == len(FEATURE_NAMES) == len(answer_model.WEIGHTS)
    named = dict(zip(FEATURE_NAMES, row))
    assert named["type_number"] == 1.0 and named["type_person"] == 0.0
    assert named["numbers"] > 0 and named["type_number*numbers"] == named["numbers"]
    assert all(-1.0 <= v <= 2.0 for v in row)


def test_the_fitted_model_prefers_the_sentence_that_answers() -> None:
    prof = profile("How many icebreakers does Russia operate?")
    answer = probability(features(prof, "Russia operates 40 icebreakers, seven of them nuclear.", "",
                                  signals(score=0.7, rule=1.0, similarity=0.75)))
    related = probability(features(prof, "The US Coast Guard operates two heavy icebreakers.", "",
                                   signals(score=0.4, rule=0.3, similarity=0.5, rank=1, best_score=0.7)))
    assert answer > answer_model.THRESHOLD > related


def test_a_when_question_needs_a_time_and_a_how_many_question_a_quantity() -> None:
    # Issue 15: "How long is the corridor?" answered with "Azerbaijan wants a corridor in Southern Armenia."
    prof = profile("How long is the corridor Azerbaijan wants through southern Armenia?")
    strong = signals(score=0.9, rule=0.3, similarity=0.9, answer_type=0.3)
    values = features(prof, "Azerbaijan wants a corridor in Southern Armenia.", "", strong)
    assert answer_model.probability(values) > 0.0 and answer_model.answerability(values) == 0.0
    stated = features(prof, "The corridor would run 43 kilometres through Syunik.", "",
                      signals(score=0.9, similarity=0.9))
    assert answer_model.answerability(stated) == answer_model.probability(stated) > 0.0


def word_vectors(table: dict[str, list[float]]) -> Any:
    """Word vectors from ``table`` (any other word: a direction of its own, far from all of them)."""
    import numpy as np

    def embed(words: Any) -> Any:
        rows = []
        for n, word in enumerate(words):
            rows.append(table.get(word, [0.0, 0.0, 0.0] + [1.0 if i == n else 0.0 for i in range(len(words))]))
        width = max(len(r) for r in rows)
        return np.array([r + [0.0] * (width - len(r)) for r in rows])
    return embed


def test_a_question_word_said_in_other_words_counts_by_its_similarity() -> None:
    # Thirty-sixth round, news_bw: "What wage increase…?" is answered by "…demanding a 14 percent pay increase…".
    vectors = word_vectors({"wage": [1.0, 0.0, 0.0], "pay": [0.9, 0.44, 0.0], "strike": [0.3, 0.0, 0.95]})
    question = "What wage increase are the Vellamar workers asking for?"
    paid, struck, named = soft_coverages(question, [
        "Vellamar workers are asking for a 14 percent pay increase.",
        "Vellamar workers are asking for an increase after the strike.",
        "Velmar workers are asking for a wage increase."], vectors)
    # (asked: wage, increas, vellamar, worker, ask; "pay" ~ "wage" 0.9: all of it; "strike" ~ "wage" 0.3: none)
    assert paid == pytest.approx(1.0) and struck == pytest.approx(0.8)
    assert named == pytest.approx(0.8)  # a name is stated or not: "Velmar" is not "Vellamar", however close


def test_soft_coverage_is_the_exact_coverage_without_paraphrases_and_feeds_the_model() -> None:
    vectors = word_vectors({})
    question = "How many staff is the company sending to the mine?"
    assert soft_coverages(question, ["The company will deploy about 350 personnel."], vectors) == [0.25]
    prof = profile(question)
    row = dict(zip(FEATURE_NAMES, features(prof, "The company will deploy about 350 personnel.", "",
                                           signals(soft_coverage=0.75))))
    assert row["coverage"] == 0.25 and row["soft_coverage"] == 0.75
    unset = dict(zip(FEATURE_NAMES, features(prof, "The company will deploy about 350 personnel.", "", signals())))
    assert unset["soft_coverage"] == unset["coverage"]


def test_the_packaged_embedder_reads_a_synonym_as_the_asked_word(real_embedder: Any) -> None:
    # The word vectors are the embedder's own: MiniLM puts "wage" near "pay" and "staff" near "personnel", and far
    # from "strike" and "mine".
    vectors = real_embedder.embed_documents
    [pay] = soft_coverages("What wage rise do the workers want?", ["The workers want a pay rise."], vectors)
    [strike] = soft_coverages("What wage rise do the workers want?", ["The workers want a strike rise."], vectors)
    assert pay > strike and pay >= 0.9


def test_probability_refuses_a_vector_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="features"):
        probability([0.0, 1.0])


def test_fit_logistic_recovers_a_separating_direction() -> None:
    rows = [[x / 10, 0.5] for x in range(-20, 21)]
    labels = [int(r[0] > 0) for r in rows]
    weights, intercept = fit_logistic(rows, labels, l2=0.1)
    assert weights[0] > 5 and abs(intercept) < 1
    assert probability([1.0, 0.5], weights, intercept) > 0.9 > 0.1 > probability([-1.0, 0.5], weights, intercept)


def _rows(split: str, article: str, n: int) -> list[Row]:
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        # One candidate per case: an answer scores high on the first feature, a non-answer low.
        values = [0.0] * len(FEATURE_NAMES)
        values[FEATURE_NAMES.index("score")] = (1.0 if answerable else -1.0) + 0.3 * math.sin(i)
        values[FEATURE_NAMES.index("rule")] = 0.6
        values[FEATURE_NAMES.index("answer_type")] = 1.0
        out.append(Row(f"{article}-{i}", article, split, "answerable" if answerable else "noise", 0.5,
                       tuple(values), answerable))
    return out


def test_fit_chooses_its_threshold_out_of_fold_for_the_false_refusals_asked() -> None:
    rows = [r for a in range(10) for r in _rows("tune", f"a{a}", 20)] + _rows("report", "z", 20)
    result = fit(rows, l2=0.1, min_score=0.25, false_refusals=0.10)
    assert result["n_articles"] == 10 and result["n_rows"] == 200
    assert result["oof"]["false_refusal"] <= 0.10 and result["oof"]["refusal_noise"] > 0.9
    assert result["rules"]["false_refusal"] == 0.0 and result["rules"]["refusal_noise"] == 0.0  # rule 0.6 answers all
    cases = cases_from_rows(rows, [probability(r.features, result["weights"], result["intercept"]) for r in rows])
    assert threshold_for([c for c in cases if c.split == "tune"], 0.25, 0.10) >= result["threshold"] - 0.05


def test_a_sample_weight_counts_a_row_that_many_times() -> None:
    rows = [[x / 10, 1.0 - x / 20] for x in range(-10, 11)]
    labels = [int((x * 7) % 3 == 0) for x in range(-10, 11)]
    twice = fit_logistic(rows + rows[:5], labels + labels[:5], l2=0.5)
    weighted = fit_logistic(rows, labels, l2=0.5, sample_weights=[2.0] * 5 + [1.0] * (len(rows) - 5))
    assert weighted[0] == pytest.approx(twice[0], abs=1e-6) and weighted[1] == pytest.approx(twice[1], abs=1e-6)


def test_in_domain_rows_are_fitted_on_but_the_threshold_is_read_on_squads_tune_half() -> None:
    tune = [r for a in range(10) for r in _rows("tune", f"a{a}", 20)]
    # Our own set's answers look unlike SQuAD's: a low score, the answer type there (an analyst's paraphrase).
    domain = []
    for i in range(40):
        values = [0.0] * len(FEATURE_NAMES)
        values[FEATURE_NAMES.index("answer_type")] = 1.0 if i % 2 == 0 else 0.3
        values[FEATURE_NAMES.index("score")] = -0.5
        domain.append(Row(f"news:{i}", "news", IN_DOMAIN_SPLIT, "answerable" if i % 2 == 0 else "unanswerable",
                          0.5, tuple(values), i % 2 == 0))
    alone = fit(tune, l2=0.1, false_refusals=0.10)
    both = fit(tune + domain, l2=0.1, false_refusals=0.10, in_domain_weight=5.0)
    assert both["n_rows"] == alone["n_rows"] == 200 and both["n_domain_rows"] == 40
    kind = FEATURE_NAMES.index("answer_type")
    assert both["weights"][kind] > alone["weights"][kind]  # it learned that the answer type is there
    assert both["oof"]["false_refusal"] <= 0.10  # the threshold still keeps SQuAD's tune false refusals


def _domain_rows(article: str, n: int) -> list[Row]:
    """Our own set's questions: a right answer scores a little higher than a wrong one, with much overlap."""
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        values = [0.0] * len(FEATURE_NAMES)
        values[FEATURE_NAMES.index("answer_type")] = 1.0
        values[FEATURE_NAMES.index("coverage")] = (0.6 if answerable else 0.3) + 0.4 * math.sin(7 * i + len(article))
        out.append(Row(f"{article}:{i}", article, IN_DOMAIN_SPLIT, "answerable" if answerable else "unanswerable",
                       0.5, tuple(values), answerable))
    return out


def test_the_threshold_can_be_read_on_our_own_sets_out_of_fold_by_set() -> None:
    tune = [r for a in range(10) for r in _rows("tune", f"a{a}", 20)]
    domain = [r for s in range(12) for r in _domain_rows(f"news_{s}", 20)]
    by_squad = fit(tune + domain, l2=0.1, false_refusals=0.10, in_domain_weight=3.0)
    ours = fit(tune + domain, l2=0.1, false_refusals=0.10, in_domain_weight=3.0, unanswerable_refusals=0.7)
    assert by_squad["domain_oof"] == {} and ours["domain_oof"]["n_unanswerable"] == 120
    assert ours["weights"] == by_squad["weights"]  # the same fit; only where its threshold is read differs
    # The lowest threshold at which the fits that never saw a set refuse 70% of its unanswerable questions.
    assert ours["domain_oof"]["refusal_unanswerable"] >= 0.7
    assert ours["threshold"] != by_squad["threshold"]
    with pytest.raises(ValueError, match="unanswerable"):
        fit(tune + [r for r in domain if r.label == "answerable"], l2=0.1, unanswerable_refusals=0.7)


def test_the_threshold_is_the_lowest_that_refuses_the_share_asked() -> None:
    from rag.eval.answerability import Case, lowest_threshold_refusing, rates

    # Ten unanswerable questions whose best candidates score 0.05, 0.15, … 0.95; an answerable one at 0.5.
    cases = [Case(f"u{i}", IN_DOMAIN_SPLIT, "unanswerable", "factoid", ((0.5, i / 10 + 0.05, False),))
             for i in range(10)] + [Case("a", IN_DOMAIN_SPLIT, "answerable", "factoid", ((0.5, 0.5, True),))]
    t = lowest_threshold_refusing(cases, 0.25, 0.7)
    assert t == 0.66  # 0.05 … 0.65 refused: 7 of 10
    assert rates(cases, 0.25, t)["refusal_unanswerable"] >= 0.7 > rates(cases, 0.25, t - 0.01)["refusal_unanswerable"]
    # A share no threshold reaches short of refusing everything is an error, not a threshold of 0.99.
    high = [*cases, Case("u10", IN_DOMAIN_SPLIT, "unanswerable", "factoid", ((0.5, 0.995, False),))]
    with pytest.raises(ValueError, match="no threshold"):
        lowest_threshold_refusing(high, 0.25, 1.0)


def test_write_weights_pastes_between_the_markers(tmp_path: Path) -> None:
    target = tmp_path / "answer_model.py"
    source = Path(answer_model.__file__).read_text(encoding="utf-8")
    target.write_text(source, encoding="utf-8")
    write_weights(target, [0.5, -1.25], 2.0)
    namespace: dict[str, object] = {}
    text = target.read_text(encoding="utf-8")
    start, end = text.index("WEIGHTS:"), text.index("# --- end of fitted values ---")
    exec(text[start:end], namespace)  # noqa: S102 - our own file, to read the pasted constants
    assert namespace["WEIGHTS"] == (0.5, -1.25) and namespace["INTERCEPT"] == 2.0
    assert text.replace(text[start:end], "") == source.replace(source[source.index("WEIGHTS:"):
                                                                      source.index("# --- end of fitted")], "")


def test_config_default_is_the_fitted_threshold() -> None:
    from rag.config import Config

    assert Config().min_answerability == answer_model.THRESHOLD


def test_on_topic_sentence_that_does_not_answer_is_refused() -> None:
    # Issue 15: "How many icebreakers does Russia operate?" answered with the US Coast Guard's icebreakers.
    text = ("The US Coast Guard operates two heavy icebreakers. The Arctic is warming faster than the rest of the "
            "planet. Shipping through the Northern Sea Route has grown.")
    chunk = Chunk(id="c1", source="/corpus/arctic.txt", title="Arctic", text=text, start=0, end=len(text), index=0)
    result = extractive_result("How many icebreakers does Russia operate?",
                               [Passage(chunk=chunk, score=1.0, similarity=0.6)], FakeEmbedder(), min_score=0.1)
    assert result.refused


def test_a_runner_up_sentence_must_be_nearly_as_likely_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("The Karsk treaty was signed in 2004 by the two admiralties. "
            "The Karsk treaty was signed again in 2014 when it was extended. "
            "The Karsk treaty was praised in 2004 by many officials in both capitals at the time.")
    chunk = Chunk(id="c1", source="/corpus/karsk.txt", title="Karsk", text=text, start=0, end=len(text), index=0)
    by_length = {11: 0.9, 12: 0.3, 16: 0.5}  # words per sentence -> the model's probability
    length = FEATURE_NAMES.index("length")
    monkeypatch.setattr(answer_model, "answerability", lambda values: by_length[round(values[length] * 50)])
    result = extractive_result("When was the Karsk treaty signed?", [Passage(chunk=chunk, score=1.0, similarity=0.6)],
                               FakeEmbedder(), min_score=0.0, max_sentences=3)
    chosen = [c.text for c in result.chosen]
    assert chosen[0].startswith("The Karsk treaty was signed")
    assert not any("extended" in c for c in chosen)  # 0.3 < 0.5 × 0.9


def test_in_domain_rows_answer_our_own_set_as_the_assistant_does(tmp_path: Path) -> None:
    from rag.eval.answerability import in_domain_rows

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "frigates.txt").write_text(
        "Lindmark's navy\nBy Ann Berg\n\nLindmark has only four frigates, and one of them is in dock. "
        "The pipeline runs 640 kilometres under the sea. The navy plans to buy drones next year.\n",
        encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "f1", "question": "How many frigates does the navy of Lindmark have?", "answers": ["four"],
         "evidence": "Lindmark has only four frigates.", "answerable": True, "source": "frigates"},
        {"id": "u1", "question": "How many submarines does Lindmark operate?", "answers": [], "evidence": None,
         "answerable": False},
        {"id": "a1", "question": "Why is the navy buying drones?", "answers": [], "evidence": ["x"],
         "answerable": True, "source": "frigates", "key_points": ["The navy plans to buy drones next year."]},
    ]) + "\n", encoding="utf-8")
    rows = in_domain_rows(questions, corpus, tmp_path / "index", embedder=FakeEmbedder())
    cases = {r.case for r in rows}
    assert cases == {f"{tmp_path.name}:f1", f"{tmp_path.name}:u1"}  # a set's name is its folder's; no analytic
    assert all(r.split == IN_DOMAIN_SPLIT and len(r.features) == len(FEATURE_NAMES) for r in rows)
    hits = [r for r in rows if r.hit]
    assert hits and all(r.label == "answerable" for r in hits)  # "four" is in the frigates sentence
    assert len(hits) == 1  # the frigates sentence only
    assert not any(r.hit for r in rows if r.label == "unanswerable")


def test_a_short_in_domain_answer_holds_only_as_a_whole_word(tmp_path: Path) -> None:
    from rag.eval.answerability import in_domain_rows

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ships.txt").write_text(
        "Ships\nBy Ann Berg\n\nThe navy lost 14 ships in 2024. The navy has 4 frigates left in service.\n",
        encoding="utf-8")
    questions = tmp_path / "set.jsonl"
    questions.write_text(json.dumps({"id": "f1", "question": "How many frigates does the navy have left?",
                                     "answers": ["4"], "evidence": "The navy has 4 frigates left in service.",
                                     "answerable": True, "source": "ships"}) + "\n", encoding="utf-8")
    rows = in_domain_rows(questions, corpus, tmp_path / "index", embedder=FakeEmbedder())
    assert sum(r.hit for r in rows) == 1  # "4 frigates", not "14 ships in 2024"


def test_in_domain_rows_read_a_named_source_as_the_answer_does(tmp_path: Path) -> None:
    from rag.eval.answerability import in_domain_rows

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "reserve_commentary.txt").write_text(
        "Reserves on paper\nBy Maren Tollisk – Senior Fellow, Harnvik Institute\n\nThe reserve's training budget "
        "has stayed at 38 million crowns a year since 2019. I would propose three measures.\n", encoding="utf-8")
    (corpus / "reserve_news.txt").write_text(
        "Parliament enlarges the reserve\nBy Kalle Vestergaard\n\nThe reserve's training budget rises to 45 "
        "million crowns a year, the minister said. The bill passed by 141 votes to 38.\n", encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({
        "id": "f1", "question": "According to the Harnvik Institute commentary, how much is the reserve's training "
        "budget a year?", "answers": ["38 million crowns"], "answerable": True, "source": "reserve_commentary",
        "evidence": "The reserve's training budget has stayed at 38 million crowns a year since 2019."}) + "\n",
        encoding="utf-8")
    rows = in_domain_rows(questions, corpus, tmp_path / "index", embedder=FakeEmbedder())
    # The fact is asked of the commentary: its sentences are the candidates (as in extractive_result), scored
    # without the source's names, which the sentence stating the fact never repeats.
    assert rows and sum(r.hit for r in rows) == 1
    unstated = FEATURE_NAMES.index("unstated")
    assert all(r.features[unstated] == 0 for r in rows)
    assert len(rows) == 2  # the commentary's two sentences, none of the report's


@pytest.mark.parametrize("argv, message", [
    (["--in-domain", "x.jsonl:corpus"], "go with --fit"),
    (["--fit", "--in-domain-weight", "-1"], "negative"),
    (["--fit", "--unanswerable-refusals", "0.7"], "--in-domain sets"),
    (["--fit", "--in-domain", "eval/dev/blind/news_a", "--unanswerable-refusals", "70"], "a share"),
    (["--fit", "--in-domain", "no/such/set"], "expected QUESTIONS.jsonl:CORPUS or a directory"),
    (["--fit", "--in-domain", "eval/dev/blind/news_a", "--unanswerable-refusals", "0.7", "--false-refusals", "0.2"],
     "give one"),
])
def test_in_domain_options_are_checked_before_the_long_run(argv: list[str], message: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from rag.eval.answerability import main

    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err



def test_a_full_vector_cache_still_returns_what_it_held() -> None:
    # Found in review: clearing a full cache dropped vectors the same call then returned (KeyError); word vectors
    # (soft coverage) fill it several times faster than sentences.
    from rag.backends.extractive import VectorCache

    embedder = FakeEmbedder()
    cache = VectorCache(embedder, size=3)
    first = cache.embed(["a b", "c d"])
    again = cache.embed(["a b", "e f", "g h"])
    assert again.shape == (3, embedder.dimension)
    assert (again[0] == first[0]).all()
