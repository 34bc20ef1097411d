"""Build the analytic dev set (eval/dev/analytic_dev.jsonl) and its corpus (eval/dev/corpus/).

Two SQuAD 2.0 dev articles (CC BY-SA 4.0, see PROVENANCE.md), their first 18
paragraphs each, written as one ``.txt`` article per title. The questions and
key points were written by hand for tuning key-point selection; every key
point is checked to be a sentence (or sentence prefix) of the corpus.

Run: ``python eval/dev/build_analytic_dev.py /work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ARTICLES = {"1973_oil_crisis": "1973 oil crisis", "Economic_inequality": "Economic inequality",
            "Black_Death": "Black Death"}
PARAGRAPHS = 18
HERE = Path(__file__).resolve().parent

QUESTIONS: list[tuple[str, str, list[str]]] = [
    ("d01-opec-price", "Why did OPEC raise the price of oil in 1973?", [
        "In response to American aid to Israel, on October 16, 1973, OPEC raised the posted price of oil by 70%",
        "After 1971, OPEC was slow to readjust prices to reflect this depreciation.",
        "OPEC ministers had not developed institutional mechanisms to update prices in sync with changing market",
        "This renewal of hostilities in the Arab–Israeli conflict released the underlying economic pressure",
    ]),
    ("d02-us-consequences", "What were the consequences of the embargo for the US economy?", [
        "The embargo had a negative influence on the US economy by causing immediate demands to address",
        "Macroeconomic problems consisted of both inflationary and deflationary impacts.",
        "In the US production, distribution and price disruptions",
        "The American Automobile Association reported that in the last week of February 1974, 20% of American",
    ]),
    ("d03-europe-reaction", "How did European governments react to the oil crisis?", [
        "Some European nations and Japan sought to disassociate themselves from United States foreign policy",
        "Heath asked the British to heat only one room in their houses over the winter.",
        "The UK, Germany, Italy, Switzerland and Norway banned flying, driving and boating on Sundays.",
        "Sweden rationed gasoline and heating oil.",
        "The Netherlands imposed prison sentences for those who used more than their ration of electricity.",
    ]),
    ("d04-us-measures", "What measures did the United States take in response to the shortage?", [
        "To help reduce consumption, in 1974 a national maximum speed limit of 55 mph",
        "Development of the Strategic Petroleum Reserve began in 1975",
        "Simon allocated states the same amount of domestic oil for 1974 that each had consumed in 1972",
        "Scarcity was addressed by rationing (as in many countries).",
        "In 1973, Nixon named William E. Simon as the first Administrator of the Federal Energy Office",
    ]),
    ("d05-price-controls", "Why did price controls make the crisis worse?", [
        "The system limited the price of \"old oil\"",
        "Predictably, old oil was withdrawn from the market, creating greater scarcity.",
        "The rule also discouraged development of alternative energies.",
    ]),
    ("d06-energy-policy-criticism", "What criticisms are made of American energy policy since the crisis?", [
        "There is criticism that American energy policies since the crisis have been dominated by crisis-mentality",
        "Instead of providing stable rules that support basic research while leaving plenty of scope",
        "The energy crisis led to greater interest in renewable energy, nuclear power and domestic fossil fuels.",
    ]),
    ("d07-inequality-causes", "What are the causes of economic inequality?", [
        "An important factor in the creation of inequality is variation in individuals' access to education.",
        "John Schmitt and Ben Zipperer (2006) of the CEPR point to economic liberalism",
        "Sociologist Jake Rosenfield of the University of Washington asserts that the decline of organized labor",
        "Trade economist Paul Krugman estimates that trade liberalisation has had a measurable effect",
        "Neoclassical economics views inequalities in the distribution of income as arising from differences",
    ]),
    ("d08-low-wages", "Why are some jobs paid low wages?", [
        "A job where there are many workers willing to work a large amount of time (high supply)",
        "This is because competition between workers drives down the wage.",
        "Competition amongst workers tends to drive down wages due to the expendable nature of the worker",
        "Thus, wages can be considered as a function of market price of skill.",
    ]),
    ("d09-marxian", "What does Marxian analysis argue about wages and capital?", [
        "In Marxian analysis, capitalist firms increasingly substitute capital equipment for labor inputs",
        "This process exerts a downward pressure on wages.",
        "The substitution of capital equipment for labor (mechanization and automation) raises the productivity",
        "Over the long-term, this trend increases the organic composition of capital",
    ]),
    ("d10-sp-conclusions", "What did the Standard & Poor's economists conclude and recommend?", [
        "In 2014, economists with the Standard & Poor's rating agency concluded that the widening disparity",
        "To partially remedy the wealth gap and the resulting slow growth, S&P recommended increasing access",
        "It estimated that if the average United States worker had completed just one more year of school",
    ]),
    ("d11-education-effects", "How does education affect income inequality?", [
        "An important factor in the creation of inequality is variation in individuals' access to education.",
        "Education, especially in an area where there is a high demand for workers, creates high wages",
        "As a result, those who are unable to afford an education, or choose not to pursue optional education",
        "This decrease in wages caused a period of compression and decreased inequality between skilled",
    ]),
    ("d12-gender-gap", "What explanations are given for the gender pay gap?", [
        "Several factors other than discrimination may contribute to this gap.",
        "On average, women are more likely than men to consider factors other than pay when looking for work",
        "Thomas Sowell, in his book Knowledge and Decisions, claims that this difference is due to women",
    ]),
    ("d13-kuznets", "What did Kuznets argue about inequality and development?", [
        "Economist Simon Kuznets argued that levels of economic inequality are in large part the result of stages",
        "According to Kuznets, countries with low levels of development have relatively equal distributions",
        "As a country develops, it acquires more capital, which leads to the owners of this capital having more",
        "Eventually, through various possible redistribution mechanisms such as social welfare programs",
    ]),
    # Second round: a third article, its questions and key points written from the text before any
    # system output on it was seen (a check that the rules tuned on the first two carry over).
    ("b01-bubonic-doubts", "Why do sceptics doubt that the Black Death was bubonic plague?", [
        "In addition to arguing that the rat population was insufficient to account for a bubonic plague",
        "Other arguments include the lack of accounts of the death of rats before outbreaks of plague",
        "The plague theory was first significantly challenged by the work of British bacteriologist",
        "Archaeologist Barney Sloane has argued that there is insufficient evidence of the extinction",
    ]),
    ("b02-alternatives", "What alternatives to Yersinia pestis have been proposed as the cause of the epidemic?", [
        "Twigg suggested that the cause was a form of anthrax",
        "Scott and Duncan have argued that the pandemic was a form of infectious disease",
        "Archaeologist Barney Sloane has argued that there is insufficient evidence of the extinction",
        "Many scholars arguing for the Y. pestis as the major agent of the pandemic suggest",
    ]),
    ("b03-pestis-evidence", "What evidence shows that Yersinia pestis caused the Black Death?", [
        "They assessed the presence of DNA/RNA with Polymerase Chain Reaction (PCR) techniques",
        "The authors concluded that this new research, together with prior analyses",
        "Based on genetic evidence derived from Black Death victims in the East Smithfield burial site",
        "A study published in Nature in October 2011 sequenced the genome of Y. pestis",
    ]),
    ("b04-medieval-explanation", "How did medieval physicians explain the cause of the plague?", [
        "Medical knowledge had stagnated during the Middle Ages.",
        "The most authoritative account at the time came from the medical faculty in Paris",
        "That the plague was caused by bad air became the most widely accepted theory.",
    ]),
    ("b05-population-consequences", "What were the consequences of the Black Death for Europe's population?", [
        "Spreading throughout the Mediterranean and Europe, the Black Death is estimated to have killed",
        "Half of Paris's population of 100,000 people died.",
        "In Italy, the population of Florence was reduced",
        "At least 60% of the population of Hamburg and Bremen perished",
        "Before 1350, there were about 170,000 settlements in Germany",
    ]),
    ("b06-spread-to-europe", "How did the plague spread from Asia to Europe?", [
        "The Black Death is thought to have originated in the arid plains of Central Asia",
        "From there, it was most likely carried by Oriental rat fleas",
        "Plague was reportedly first introduced to Europe via Genoese traders at the port city of Kaffa",
        "The Genoese traders fled, taking the plague by ship into Sicily",
    ]),
    ("b07-estimates-hard", "Why are the numbers of plague victims hard to estimate?", [
        "It is recognised that an epidemiological account of the plague is as important",
        "Most work has been done on the spread of the plague in England",
        "Estimates of plague victims are usually extrapolated from figures from the clergy.",
    ]),
    ("b08-flea-mechanism", "How does the bubonic plague pass from fleas and rats to people?", [
        "The mechanism by which Y. pestis was usually transmitted was established in 1898",
        "This blockage results in starvation and aggressive feeding behaviour by the fleas",
        "The bubonic plague mechanism was also dependent on two populations of rodents",
        "When the second population dies, the fleas move on to other hosts",
    ]),
]


def main(squad_path: str) -> None:
    """Write the corpus and the JSONL; fail naming the key point that is not in the corpus."""
    from rag.text import split_sentences

    data = json.loads(Path(squad_path).read_text(encoding="utf-8"))["data"]
    corpus = HERE / "corpus"
    corpus.mkdir(exist_ok=True)
    sentences: dict[str, str] = {}
    for article in data:
        if article["title"] not in ARTICLES:
            continue
        paragraphs = [p["context"].strip() for p in article["paragraphs"][:PARAGRAPHS]]
        title = ARTICLES[article["title"]]
        (corpus / f"{article['title'].lower()}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n",
                                                                 encoding="utf-8")
        for p in paragraphs:
            for span in split_sentences(p):
                sentences[p[span.start:span.end].strip()] = article["title"].lower()
    rows = []
    for qid, question, prefixes in QUESTIONS:
        points = []
        source = ""
        for prefix in prefixes:
            found = [s for s in sentences if s.startswith(prefix) or prefix in s]
            if not found:
                raise SystemExit(f"{qid}: key point not found in the corpus: {prefix!r}")
            points.append(found[0])
            source = source or sentences[found[0]]
        rows.append({"id": qid, "question": question, "answers": [], "evidence": points, "answerable": True,
                     "source": source, "key_points": points})
    with open(HERE / "analytic_dev.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
