"""Build the analytic dev set (eval/dev/analytic_dev*.jsonl) and its corpus (eval/dev/corpus/).

Seven SQuAD 2.0 dev articles outside the CI sample (CC BY-SA 4.0, see
PROVENANCE.md), their first 18 paragraphs each, written as one ``.txt``
article per title. The questions and key points were written by hand for
tuning key-point selection; every key point is checked to be a sentence (or
sentence prefix) of the corpus.

Two parts, split by article:

- ``analytic_dev.jsonl`` — **dev-tune** (five articles: "1973 oil crisis",
  "Economic inequality", "Black Death", "Amazon rainforest", "Civil
  disobedience"): rules and values are chosen on it.
- ``analytic_dev_report.jsonl`` — **dev-report** (two articles: "French and
  Indian War", "Private school"): held out, measured once per round.

The four articles added in the third round were assigned by the parity of
``sha1(squad_title)`` (odd: tune, even: report), fixed before any question
was written. Both parts share the corpus (all seven articles), so each
question's retrieval meets the other articles as distractors.

Run: ``python eval/dev/build_analytic_dev.py /work/shared/datasets/squad_v2_dev/dev-v2.0.rebuilt.json``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ARTICLES = {"1973_oil_crisis": "1973 oil crisis", "Economic_inequality": "Economic inequality",
            "Black_Death": "Black Death", "Amazon_rainforest": "Amazon rainforest",
            "Civil_disobedience": "Civil disobedience", "French_and_Indian_War": "French and Indian War",
            "Private_school": "Private school"}
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

# Third round (issue 15, session 3): four more articles, two to tune on and two held out as dev-report
# (SPLIT below). Every question and key point was written from the text before any system output on
# these articles was seen. Kinds are mixed: reasons, consequences, reactions, measures, arguments,
# comparisons.
TUNE_MORE: list[tuple[str, str, list[str]]] = [
    ("m01-deforestation-causes", "What are the causes of deforestation in the Amazon?", [
        "The main sources of deforestation in the Amazon are human settlement and development of the land.",
        "The soils in the Amazon are productive for just a short period of time, so farmers are constantly moving",
        "These farming practices led to deforestation and caused extensive environmental damage.",
        "Between 1991 and 2000, the total area of forest lost in the Amazon rose",
        "The first two highways successfully opened up the rainforest and led to increased settlement",
    ]),
    ("m02-environmentalist-concerns",
     "Why are environmentalists concerned about the destruction of the Amazon rainforest?", [
        "Environmentalists are concerned about loss of biodiversity",
        "Amazonian evergreen forests account for about 10% of the world's terrestrial primary productivity",
        "Amazonian forests are estimated to have accumulated 0.62",
    ]),
    ("m03-dense-population", "What evidence suggests that the Amazon was densely populated before Europeans arrived?", [
        "However, recent anthropological findings have suggested that the region was actually densely populated.",
        "Some 5 million people may have lived in the Amazon region in AD 1500",
        "The BBC's Unnatural Histories presents evidence that Orellana, rather than exaggerating",
        "Since the 1970s, numerous geoglyphs have been discovered on deforested land",
        "In the region of the Xingu tribe, remains of some of these large settlements",
    ]),
    ("m04-climate-threat", "What threats does climate change pose to the Amazon rainforest?", [
        "One computer model of future climate change caused by greenhouse gas emissions shows",
        "However, simulations of Amazon basin climate change across many different models are not consistent",
        "The result indicates that the rainforest could be threatened though the 21st century by climate change",
    ]),
    ("m05-pasture-no-benefit", "Why has converting rainforest to pasture not benefited Brazil economically?", [
        "New research however, conducted by Leydimere Oliveira et al., has shown that the more rainforest is logged",
        "So despite the popular perception, there has been no economical advantage for Brazil",
    ]),
    ("m06-dangers", "What dangers does the rainforest hold for people?", [
        "Among the largest predatory creatures are the black caiman",
        "In the river, electric eels can produce an electric shock",
        "Various species of poison dart frogs secrete",
        "Vampire bats dwell in the rainforest and can spread the rabies virus.",
        "Malaria, yellow fever and Dengue fever can also be contracted",
    ]),
    ("m07-tribes-protect-land", "How are indigenous tribes trying to protect their lands?", [
        "The use of remote sensing for the conservation of the Amazon is also being used by the indigenous tribes",
        "Using handheld GPS devices and programs like Google Earth, members of the Trio Tribe",
        "Currently, most tribes in the Amazon do not have clearly defined boundaries",
        "while others, like the Urarina continue to struggle to fight for their cultural survival",
    ]),
    ("m08-glacial-debate", "What do scientists argue about the rainforest during the Last Glacial Maximum?", [
        "Analyses of sediment deposits from Amazon basin paleolakes",
        "There is debate, however, over how extensive this reduction was.",
        "Some scientists argue that the rainforest was reduced to small, isolated refugia",
        "This debate has proved difficult to resolve because the practical limitations",
    ]),
    ("c01-hard-to-define", "Why is civil disobedience difficult to define?", [
        "It has been argued that the term \"civil disobedience\" has always suffered from ambiguity",
        "Marshall Cohen notes, \"It has been used to describe everything",
        "the formulation of a single all-encompassing definition of the term is extremely difficult",
        "the student of civil disobedience rapidly finds himself surrounded by a maze",
    ]),
    ("c02-nonviolence-debate", "What arguments are made about whether civil disobedience must be non-violent?", [
        "Black's Law Dictionary includes non-violence in its definition",
        "Christian Bay's encyclopedia article states that civil disobedience requires",
        "while both civil disobedience and civil rebellion are justified by appeal to constitutional defects",
        "Civil disobedients' refraining from violence is also said to help preserve society's tolerance",
    ]),
    ("c03-accept-punishment", "Why do some civil disobedients accept punishment while others do not?", [
        "Some civil disobedients feel it is incumbent upon them to accept punishment",
        "Other civil disobedients who favor the existence of government still don't believe",
        "And still other civil disobedients, being anarchists",
    ]),
    ("c04-thoreau-individual", "What does Thoreau argue about the individual and the government?", [
        "The individual is the final judge of right and wrong.",
        "More than this, since only individuals act, only individuals can act unjustly.",
        "Thoreau admits that government may express the will of the majority",
        "Moreover, even if a government did express the voice of the people, this fact would not compel",
        "The majority may be powerful but it is not necessarily right.",
    ]),
    ("c05-plea", "How do civil disobedients decide whether to plead guilty?", [
        "There is much debate on this point, as some believe that it is a civil disobedient's duty",
        "It has also been argued that either choice is compatible with the spirit",
        "ACT-UP's Civil Disobedience Training handbook states that a civil disobedient who pleads guilty",
        "A plea of no contest is sometimes regarded as a compromise between the two.",
    ]),
    ("c06-coercive", "Why might some forms of civil disobedience be considered coercive?", [
        "Some forms of civil disobedience, such as illegal boycotts, refusals to pay taxes",
        "In this way, they might be considered coercive.",
        "Brownlee notes that \"although civil disobedients are constrained",
    ]),
    ("c07-talking-to-police", "Why do some civil disobedients talk to investigators despite the risks?", [
        "that a suspect's talking to criminal investigators can serve no useful purpose",
        "However, some civil disobedients have nonetheless found it hard to resist responding",
        "Also, some civil disobedients seek to use the arrest as an opportunity",
    ]),
    ("c08-bedau-criticism", "What criticisms does Bedau make of symbolic illegal protests?", [
        "There is a whole class of acts",  # one sentence with the rest of the quotation
        "Bedau also notes, though, that the very harmlessness",
    ]),
]

REPORT: list[tuple[str, str, list[str]]] = [
    ("f01-british-failures", "Why did British operations fail between 1755 and 1757?", [
        "British operations in 1755, 1756 and 1757 in the frontier areas of Pennsylvania and New York all failed",
        "None succeeded and the main effort by Braddock was a disaster",
    ]),
    ("f02-french-losses", "What were the consequences of the war for France's colonial presence in North America?", [
        "France ceded its territory east of the Mississippi to Great Britain.",
        "It ceded French Louisiana west of the Mississippi River",
        "France's colonial presence north of the Caribbean was reduced to the islands",
        "Though the British were later defeated at Sainte Foy in Quebec, the French ceded Canada",
    ]),
    ("f03-war-causes", "What caused the French and Indian War?", [
        "It began with a dispute over control of the confluence of the Allegheny and Monongahela rivers",
        "The dispute erupted into violence in the Battle of Jumonville Glen",
        "The issues of conflicting territorial claims between British and French colonies in North America",
        "Frontiers from between Nova Scotia and Acadia in the north, to the Ohio Country in the south",
    ]),
    ("f04-native-reaction", "How did the Native Americans react to Céloron's expedition?", [
        "When Céloron's expedition arrived at Logstown, the Native Americans in the area informed",
        "\"Old Briton\" ignored the warning.",
        "All I can say is that the Natives of these localities are very badly disposed towards the French",
    ]),
    ("f05-french-dependence", "Why did the French depend on Native American allies?", [
        "At the start of the war, the French North American colonies had a population of roughly 60,000",
        "The outnumbered French particularly depended on the Indians.",
        "British settlers outnumbered the French 20 to 1",
        "At the start of the war, no French regular army troops were stationed in North America",
        "When war broke out, the French used their trading connections to recruit fighters",
    ]),
    ("f06-name", "Why is the war called the French and Indian War?", [
        "In British America, wars were often named after the sitting British monarch",
        "As there had already been a King George's War in the 1740s, British colonists named the second war",
        "This traditional name continues as the standard in the United States, but it obscures the fact",
    ]),
    ("f07-french-measures", "What measures did the French take to assert their claim to the Ohio Country?", [
        "There Céloron buried lead plates engraved with the French claim",
        "Whenever he encountered British merchants or fur-traders, Céloron informed them",
        "Céloron threatened \"Old Briton\" with severe consequences",
        "His objective was to punish the Miami people of Pickawillany",
        "On June 21, the French war party attacked the trading centre at Pickawillany",
    ]),
    ("f08-tribes-sides", "How did the Native American tribes choose sides in the war?", [
        "When war broke out, the French used their trading connections to recruit fighters",
        "The British were supported in the war by the Iroquois Six Nations",
        "In 1758 the Pennsylvania government successfully negotiated the Treaty of Easton",
        "Most of the other northern tribes sided with the French, their primary trading partner",
        "It was not uncommon for small bands to participate on the \"other side\"",
    ]),
    ("p01-australia-reasons", "Why do Australian families favour private schools?", [
        "Private schools in Australia may be favoured for many reasons",
        "Some schools offer the removal of the purported distractions of co-education",
    ]),
    ("p02-nz-decline", "Why has the number of private schools in New Zealand declined?", [
        "Private school numbers have been in decline since the mid-1970s",
        "State-integrated schools keep their private school special character and receives state funds",
        "The largest decline in private school numbers occurred between 1979 and 1984",
    ]),
    ("p03-ersatzschulen", "How are German Ersatzschulen regulated and funded?", [
        "Ersatzschulen lack the freedom to operate completely outside of government regulation.",
        "Teachers at Ersatzschulen must have at least the same education",
        "Therefore, most Ersatzschulen have very low tuition fees",
        "However, it is not possible to finance these schools with such low tuition fees",
        "The percentages of public money could reach 100% of the personnel expenditures.",
    ]),
    ("p04-india-criticism", "What criticisms are made of the recognition system for schools in India?", [
        "Legally, only non-profit trusts and societies can run schools in India.",
        "They will have to satisfy a number of infrastructure and human resource related criteria",
        "Critics of this system point out that this leads to corruption by school inspectors",
    ]),
    ("p05-malaysia-consequences",
     "What were the consequences of the Malaysian government's order to schools after independence?", [
        "This caused an uproar among the Chinese and a compromise was achieved",
        "Under such a system, the government is only in charge of the school curriculum",
        "While Chinese primary schools were allowed to retain Chinese as the medium of instruction",
        "Over 60 schools converted to become National Type schools.",
    ]),
    ("p06-germany-protection", "Why are private schools in Germany given special legal protection?", [
        "The right to create private schools in Germany is in Article 7",
        "It is also not possible to abolish these rights.",
        "This unusual protection of private schools was implemented to protect these schools",
    ]),
    ("p07-philippines-measures", "What measures has the Philippine government taken to support private education?", [
        "Government regulations have given private education more flexibility and autonomy",
        "The Education Service Contracting scheme of the government provides financial assistance",
        "The Tuition Fee Supplement is geared to students",
        "The Private Education Student Financial Assistance is made available",
    ]),
    ("p08-high-tuition", "Why is tuition at private secondary schools high?", [
        "Tuition at private secondary schools varies from school to school and depends on many factors",
        "High tuition, schools claim, is used to pay higher salaries for the best teachers",
    ]),
    ("p09-india-compare", "How do government and private schools in India differ?", [
        "various studies have reported unpopularity of government schools",
        "The Annual Status of Education Report (ASER), which evaluates learning levels",
        "A key difference between the government and private schools is that the medium",
    ]),
]


def main(squad_path: str) -> None:
    """Write the corpus and both JSONL parts; fail naming the key point that is not in the corpus."""
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
    for name, questions in (("analytic_dev.jsonl", QUESTIONS + TUNE_MORE), ("analytic_dev_report.jsonl", REPORT)):
        rows = []
        for qid, question, prefixes in questions:
            points = []
            source = ""
            for prefix in prefixes:
                found = [s for s in sentences if s.startswith(prefix) or prefix in s]
                if not found:
                    raise SystemExit(f"{qid}: key point not found in the corpus: {prefix!r}")
                if found[0] in points:
                    raise SystemExit(f"{qid}: two key points are one sentence: {prefix!r}")
                points.append(found[0])
                source = source or sentences[found[0]]
            rows.append({"id": qid, "question": question, "answers": [], "evidence": points, "answerable": True,
                         "source": source, "key_points": points})
        with open(HERE / name, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main(sys.argv[1])
