"""What a key point must *do* for an analytic question, judged from the sentence's wording.

An analytic question asks for points of a kind: "Why…" / "What reasons…" wants
sentences that explain (because, aimed at, sought, believed, was a test…);
"How did X react…" wants reactions (condemned, called for, announced…);
"What were the consequences…" wants results (led to, caused, as a result…);
"What measures…" wants actions taken (imposed, banned, introduced…);
"What does the author argue / summarise…" wants claims (argue, must, should,
clearly…). :func:`question_aim` reads the aim from the question and
:func:`role_score` scores how well a sentence plays that role, 0..1. For
reasons, a sentence that only narrates an event ("In the early hours of
September 13, 2022, … launched an offensive") is what happened, not why:
:func:`narrative_score` finds those.

Pure functions on strings, no models. The marker lists are general English
(they were written from the kinds of question, then checked on the analytic
dev set eval/dev/analytic_dev.jsonl; never on the golden set).

Example:
    >>> question_aim("Why did Azerbaijan attack Armenia?")
    'reasons'
    >>> role_score("reasons", "Aliyev believed that a small war would not lead to sanctions.") > 0
    True
    >>> narrative_score("In the early hours of September 13, 2022, the army launched an offensive.")
    1.0
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from rag.questions import focus_matches, focus_terms
from rag.seats import MULTI_WORD_STATES, STATE_NAMES, seats_named, state_forms
from rag.text import UPPER, names, terms

Aim = Literal["reasons", "reactions", "consequences", "risks", "evidence", "measures", "arguments", "general"]


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.I)


_AIMS: list[tuple[Aim, re.Pattern[str]]] = [
    ("reactions", _words(r"react\w*|respon\w*|repl(?:y|ied)|retaliat\w*")),
    # "What led to the collapse?", "What failures have led to the delays?" ask what brought it about; "What did
    # the decision lead to?" asks what followed (below).
    ("reasons", re.compile(r"\bwhat (?:[\w’'-]+ ){0,2}?(?:has |have |had )?(?:led|leads) to\b", re.I)),
    ("consequences", _words(r"consequences?|effects?|impacts?|implications?|results?|outcomes?|affect\w*|"
                            r"what happen\w*|lead to|led to|mean (?:for|to)|happen next|(?:could|might|will|would) "
                            r"happen")),
    ("reasons", _words(r"why|reasons?|causes?|caused|motives?|motivations?|factors?|explanations?|explain\w*|"
                       r"drivers?|triggers?|grievances?|contribut\w*|driving|fuell?(?:ed|ing)|rationale|agenda|"
                       r"justif\w*|what (?:made|led|drove|prompted|motivated)|for what|behind|went wrong|"
                       r"(?:made|makes) (?:\S+ ){1,8}?possible|"
                       r"on what grounds|grounds for|"
                       # what stands between the sides: "What is keeping the two countries from agreeing?"
                       r"what (?:is|was|are|were) (?:keeping|preventing|stopping|blocking|holding (?:up|back)|"
                       r"delaying)|stands? in the way|standing in the way")),
    # "What evidence links the campaign to Brakovia?", "What suggests the blast was deliberate?": the findings.
    # After "reasons": "Why did the court reject the evidence?" asks why; "sign" alone is a verb ("Why did they
    # sign the deal?").
    ("evidence", _words(r"evidence|proof|signs? of|warning signs|indications? (?:of|that)|clues?|"
                        r"what (?:indicates?|suggests?|shows?|points? to)|"
                        r"how do (?:we|they|investigators|officials) know")),
    # "What risks does Mendes see in the purchase?", "What are the risks of the measures proposed?": the dangers
    # are what is asked for, not the measures. Not "What steps reduce the risk…", "What should Europe do about the
    # threat?" (measures), nor "How does the author assess the threat?" (a view): there the danger is the object.
    ("risks", re.compile(r"\b(?:what|which)\s+(?:[\w’'-]+\s+){0,2}?(?:risks?|dangers?|threats?|weak(?:ness|nesses)|"
                         r"vulnerabilit(?:y|ies)|drawbacks?|downsides?|pitfalls?|perils?|hazards?)\b|"
                         r"\bhow (?:risky|dangerous)\b|\bwhat could go wrong\b", re.I)),
    ("measures", _words(r"measures?|steps?|actions?|policies|polic(?:y)|options?|"
                        r"what (?:did|should|can|could|must|might|ought) .{1,60} do|"
                        r"take|took|taken|done|strateg(?:y|ies)|overcom\w*")),
    ("arguments", _words(r"argu\w*|claims?|views?|positions?|stance|think|believe|says?|said|conclu\w*|recommend\w*|"
                         r"summar\w*|overview|main points?|criticis\w*|critique|assess\w*|suggest\w*|propos\w*|"
                         r"effective|adequate|successful|take-?aways?|judge?ments?|verdict|evaluations?|make of|"
                         r"how (?:does|do|did|would) (?:\S+ ){1,4}?(?<!\bthe )(?<!\ba )(?:judge|evaluate|rate)\b")),
    # Named obstacles and objections, when nothing above is asked: "What obstacles remain?" asks for what stands
    # in the way, "What were their complaints?" for reactions ("Why did residents complain?" asks why, "What steps
    # could remove the obstacles?" for measures, "How does the author assess the objections?" for a view).
    ("reasons", _words(r"obstacles?|sticking points?")),
    ("reactions", _words(r"object(?:ed|ions?)|complain\w*")),
]

# The sentence markers of each role. Phrases are matched on word boundaries, case-insensitively.
_MARKERS: dict[str, re.Pattern[str]] = {
    "reasons": _words(
        r"because|due to|owing to|thanks to|as a result of|in response to|in order to|so as to|so that|"
        r"aim(?:s|ed|ing)?|intend(?:s|ed)?|intention|purpose|goal|objectives?|reasons?|motives?|motivat\w+|"
        r"advantage|benefit\w*|calculat\w+|believ\w+|s(?:ought|eeks?)|wants?|wanted|hop(?:e|es|ed)|fear\w*|"
        r"was a test|a test of|not a coincidence|no coincidence|to avoid|to prevent|to encourage|to ensure|"
        r"driven by|triggered|prompted|explain\w*|pressure|interests?|opportunity|momentum|knows|knew|"
        r"understood|expect\w*|calculus|incentives?|caus\w+|factors?|contribut\w+|attribut\w+|"
        r"thus|therefore|since|given that|as long as|in the hope|to (?:secure|gain|force|impose|weaken|"
        r"strengthen|boost|distract|divert|exploit|take advantage)|lead(?:s)? (?:directly )?to|led to"),
    "reactions": _words(
        r"condemn\w*|call(?:s|ed)? (?:for|on)|respon\w+|react\w*|announc\w+|warn\w*|accus\w+|criticis\w+|"
        r"criticiz\w+|denounc\w+|welcom\w+|urg\w+|demand\w*|protest\w*|threat\w*|declar\w+|refus\w+|"
        r"impos\w+|ban(?:s|ned)?|sanction\w*|rationed|issued|statement|appeal\w*|reject\w*|support\w*|"
        r"(?:asked|told)|sought|negotiat\w+|mediat\w+|deploy\w*|sent|retaliat\w+|express\w+|concern\w*"),
    "consequences": _words(
        r"result(?:s|ed|ing)?|consequen\w+|effects?|impacts?|led to|lead(?:s)? to|caus\w+|thus|therefore|"
        r"hence|so|affect\w*|increas\w+|decreas\w+|reduc\w+|ris(?:e|es|en)|rose|fell|fall|damag\w+|loss\w*|"
        r"exacerbat\w+|worsen\w*|slow\w*|prone|contribut\w+|shortage\w*|scarcity|inflation\w*|recession\w*|"
        r"crisis|deaths?|killed|displaced|destroy\w*|left|forced|changed|shift\w*"),
    "risks": _words(
        r"risks?|risky|dangers?|dangerous|threat\w*|vulnerab\w+|weak\w*|expos\w+|could|might|may|would|"
        r"undermin\w*|escalat\w*|retaliat\w*|vacuum|fragil\w*|costly|loss(?:es)?|los(?:e|ing)|fail\w*|"
        r"worr\w*|warn\w*|concern\w*|problem\w*|difficult\w*|unable|depend\w*|reli(?:es|ant|ance)|exploit\w*|"
        r"instabil\w*|unrest|damag\w*|jeopard\w*|prone|at stake|hostage|strain\w*|overwhelm\w*"),
    "evidence": _words(
        r"evidence|found|find(?:s|ings?)?|records?|recorded|show(?:s|ed|n)?|indicat\w+|suggest\w*|traced?|"
        r"match(?:ed|es)?|cited?|data|documents?|document(?:ed|s)|analys\w+|investigat\w+|images?|photograph\w*|"
        r"satellite|forensic|logs?|intercept\w*|identif\w+|confirm\w*|consistent with|samples?|residue|"
        r"detected|discovered|revealed|point(?:s|ed)? to|linked|tied|same|previously|coincided"),
    "measures": _words(
        r"introduc\w+|impos\w+|ban(?:s|ned)?|rationed|rationing|creat\w+|establish\w+|allocat\w+|signed|"
        r"pass(?:ed)?|limits?|laws?|act|polic(?:y|ies)|programs?|programmes?|reserves?|named|appoint\w+|"
        r"adopt\w+|launch\w*|implement\w+|set up|require\w*|order\w*|cut|subsid\w+|invest\w*|fund\w*"),
    "arguments": _words(
        r"argu\w+|claim\w*|must|should|need(?:s|ed)? to|clearly|in fact|indeed|conclud\w+|assert\w*|"
        r"contend\w*|believ\w+|suggest\w*|points? (?:to|out)|not(?:es|ed)|insist\w*|crucial|important|"
        r"key|main|essential|significant\w*|therefore|thus|views?|according to|maintain\w*|recommend\w*"),
}

# A narrative/event sentence: it dates an event and tells what happened, not why.
_DATE = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b|\b(?:January|February|March|April|May|June|July|August|September|"
                   r"October|November|December)\b|\b(?:in the early hours|on the (?:morning|night|evening) of)\b")
_EVENT = _words(r"launch\w*|began|begun|start\w*|attack\w*|invad\w+|took place|occurred|happened|broke out|"
                r"fired|shell\w*|advanced|captur\w+|signed|held|visited|arrived|met|killed|clash\w*|erupted")


def question_aim(question: str) -> Aim:
    """The kind of point an analytic question asks for (see the module docstring).

    Example:
        >>> question_aim("How did the EU react to the attack?"), question_aim("Summarise the article.")
        ('reactions', 'arguments')
    """
    for aim, pattern in _AIMS:
        if pattern.search(question):
            return aim
    return "general"


def role_score(aim: str, sentence: str) -> float:
    """How well ``sentence`` plays the role ``aim`` asks for, 0..1 (1 from two distinct markers).

    ``general`` questions have no role to play: 0 for every sentence.

    Example:
        >>> role_score("reactions", "The EU condemned the attack and called for a ceasefire.")
        1.0
        >>> role_score("reactions", "The town lies on the river.")
        0.0
    """
    pattern = _MARKERS.get(aim)
    if pattern is None:
        return 0.0
    found = {m.group(0).lower() for m in pattern.finditer(sentence)}
    return min(1.0, 0.6 * len(found)) if found else 0.0


def narrative_score(sentence: str) -> float:
    """1.0 for a sentence that dates an event and narrates it with no explaining marker, else 0.0.

    Example:
        >>> narrative_score("Because Russia was busy, Baku attacked on September 13, 2022.")
        0.0
    """
    if not (_DATE.search(sentence) and _EVENT.search(sentence)):
        return 0.0
    return 0.0 if role_score("reasons", sentence) > 0 else 1.0


# A question that asks nobody's view ("How did Corvania respond to the strike?", "What were the economic
# consequences…?", "How did investigators catch the spy ring?") asks what happened and who did or said what;
# one that names the writer, a judgement or what ought to be done asks for an argument.
_VIEW = re.compile(r"\b(?:author|analyst|writer|article|piece|commentary|analysis|essay|argu\w*|recommend\w*|"
                   r"urg(?:e|es|ed|ing)|believ\w+|sees?|fears?|thinks?|wants?|propos\w+|consider\w*|should|would|"
                   r"could|might|lessons?|options?|matter\w*|significan\w+|implications?|mean for|views?|"
                   r"opinions?|positions?|stance|assess\w*|expect\w*|predict\w*|criticis\w*|criticiz\w*)\b", re.I)
# (Not "will": "What will the new law require of conscripts?", "What has Essovar said it will do next?" ask what was
# reported. Thirty-second round, replayed on the 54 development sets' 1,069 analytic questions: key-point recall
# 0.677 -> 0.680, 8 answers up and none down, no refusal changed.)
# A document reports (attributed statements: "…, the ministry said") or argues (the writer's "I", "we", what
# "should" be done). Only the capital "I" is the writer. A few sentences say little about a document:
# the balance counts REPORTING_PRIOR sentences more that neither report nor argue.
_REPORTING = _words(r"said|says|told|according to|announced|confirmed|stated|added")
REPORTING_PRIOR = 4
# ("World War I", "Phase I" are no writer.)
_ARGUING = re.compile(r"(?<!War )(?<!Phase )(?<!Part )(?<!Class )(?<!Type )(?<!Title )(?<!Article )\b(?-i:I)\b|"
                      r"\b(?:we|should|must|ought|needs? to)\b", re.I)


def argues(sentence: str) -> bool:
    """Whether ``sentence`` argues as a writer does ("I think…", "we", what "should" be done).

        >>> argues("I think the port should reopen."), argues("The port was closed, officials said.")
        (True, False)
    """
    return bool(_ARGUING.search(sentence))


def asks_view(question: str) -> bool:
    """Whether an analytic question asks for someone's view, a judgement or a course of action.

    Example:
        >>> asks_view("What does the author recommend?"), asks_view("How did Corvania respond to the strike?")
        (True, False)
    """
    return bool(_VIEW.search(question))


def reporting_balance(sentences: Sequence[str]) -> float:
    """The share of ``sentences`` that report an attributed statement less the share that argue, -1..1.

    A news report is mostly "…, officials said"; an opinion piece "I think…", "…should…".
    :data:`REPORTING_PRIOR` more sentences are counted, so that two sentences say less than twenty.

    Example:
        >>> reporting_balance(["The port was closed, officials said."] * 4)
        0.5
        >>> reporting_balance(["I think the port should reopen.", "The navy must adapt."])
        -0.3333333333333333
    """
    balance = 0
    for sentence in sentences:
        if _REPORTING.search(sentence):  # a report, whatever it quotes: '"We will not bow," the president said.'
            balance += 1
        elif _ARGUING.search(sentence):
            balance -= 1
    return balance / (len(sentences) + REPORTING_PRIOR)


# A question asking what ought to be done ("What steps does Brandt recommend…?", "What lessons should Sarvania
# learn?", "What does the author propose in response to…?"), not why ("Why should Europe care?"); and a writer's
# numbered prescriptions ("First, the defence ministry should map every civilian dependency…", "Second, …").
_PRESCRIPTION_ASKED = re.compile(r"\b(?:recommend\w*|(?<!\bthe )(?<!\ba )propos(?:e|es|ed|ing)|proposals?|"
                                 r"advis(?:e|es|ed|ing)|advocat\w*|urg(?:e|es|ed|ing)|prescri\w*|"
                                 r"suggest(?:s|ed|ing)? (?:[\w’'-]+ ){0,3}?(?:do|take|should)\b|"
                                 r"calls? for|call(?:ed|ing) for|"
                                 r"should(?! (?:we |one |i |you )?(?:interpret|understand|read|see|view|think|expect|"
                                 r"make of|know|care)\b)|ought to|needs? to|lessons?)\b|"
                                 r"\bwhat (?:can|could|must|might) [^?]{1,60}\bdo\b|\bwhat to do\b|"
                                 r"\bwhat (?:must|should|can|could) be done\b", re.I)
# "First, the defence ministry should map…", "1. Parliament should…" ("First Minister Swinney should resign" is
# no list item)
_ORDINAL = re.compile(r"^\W*(?:(?:First|Second|Third|Fourth|Fifth|Sixth|Finally|Lastly)(?:ly)?[,:]|\d{1,2}\.\s)")
# What someone should do ("should", "must", "needs to", "ought to"); also read by rag.backends.extractive.
PRESCRIBES = re.compile(r"\b(?:should|must|needs? to|ought to)\b", re.I)


# What comes next, asked as such: "what happens next after the arms cache find", "What are the next steps for the
# mission?", "What is expected to happen next in the region?", "What has Essovar said it will do next…?"
_ASKS_NEXT = re.compile(r"\b(?:what (?:happens|comes|will happen|is (?:expected|likely) to happen|could happen|"
                        r"might happen)|next steps?|happen next|do next|what now|what happens now)\b", re.I)
# A sentence about what will or is expected to happen.
FUTURE = _words(r"will|would|(?:is|are) (?:expected|due|scheduled|set) to|plans? to|planned|next (?:week|month|year)|"
                r"by the end of|within (?:days|weeks|months)|in the coming")


def asks_next(question: str) -> bool:
    """Whether an analytic question asks what comes next.

    Example:
        >>> asks_next("what happens next after the arms cache find"), asks_next("What happened after the coup?")
        (True, False)
    """
    return bool(_ASKS_NEXT.search(question))


def asks_prescription(question: str) -> bool:
    """Whether an analytic question asks what should be done.

    Example:
        >>> asks_prescription("What steps does Brandt recommend to de-escalate the dispute?")
        True
        >>> asks_prescription("Why should Europe care about the strait?"), asks_prescription("What steps were taken?")
        (False, False)
        >>> asks_prescription("What impact will the proposed quota cuts have?")  # "proposed" qualifies the cuts
        False
    """
    return bool(_PRESCRIPTION_ASKED.search(question)) and not re.match(r"\W*(?:and\s+|but\s+)?why\b", question, re.I)


# An item of a writer's enumerated list: "First, the camp was built…", "Secondly: …", "The second risk is the anger
# of veterans…", "The first and most urgent is to restore the hotline…", "A third problem is demographic.",
# "Finally, …"; a ranked list opens with "The most serious is…" ("A second risk is…" follows). Not "The first 60
# observers arrived…", "The first time…", "First Minister Swinney said…".
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
_LIST_ITEM = re.compile(r"^\W*(?:(?P<lead>First|Second|Third|Fourth|Fifth|Sixth|Seventh)(?:ly)?[,:]\s|"
                        r"(?:The|A) (?P<noun>first|second|third|fourth|fifth|sixth|seventh)"
                        r"(?: and (?:most|more|least) [\w-]+)?(?: [a-z][\w-]*){0,2}? "
                        r"(?:is|was|are|were|lies|concerns)\b|"
                        r"(?P<last>Finally|Lastly)[,:]\s|"
                        # a ranked list's head: "The most serious is the loss of skills…", "The biggest risk is…"
                        r"The (?P<top>most|biggest|greatest|main|chief|principal|gravest|clearest) "
                        r"(?:[a-z][\w-]* ){0,2}?(?:is|was|are|were|lies|concerns)\b)")
LAST_ITEM = 99  # the ordinal of "Finally, …", "Lastly, …"


def list_item(sentence: str) -> int | None:
    """The ordinal of ``sentence`` as an item of a writer's enumerated list (1 for "First, …", :data:`LAST_ITEM` for
    "Finally, …"), or None.

    Example:
        >>> list_item("Second, the only supply road runs parallel to the front."), list_item("The third risk is legal.")
        (2, 3)
        >>> list_item("The first 60 observers arrived on Saturday."), list_item("First Minister Swinney resigned.")
        (None, None)
        >>> list_item("Finally, donors should fund the plan.") == LAST_ITEM
        True
    """
    match = _LIST_ITEM.match(sentence)
    if not match:
        return None
    if match.group("last"):
        return LAST_ITEM
    if match.group("top"):
        return 1
    return _ORDINALS.index((match.group("lead") or match.group("noun")).lower()) + 1


def numbered_prescription(sentence: str) -> bool:
    """Whether ``sentence`` is an item of a writer's numbered list of what should be done.

    Example:
        >>> numbered_prescription("Second, parliament should make basic security standards mandatory.")
        True
        >>> numbered_prescription("First, the ship turned north."), numbered_prescription("Parliament should act.")
        (False, False)
        >>> numbered_prescription("First Minister Swinney should resign, critics say.")
        False
    """
    return bool(_ORDINAL.match(sentence) and PRESCRIBES.search(sentence))


# Words a question uses round what it asks about, not about it: prepositions and quantifiers the stop list
# keeps ("despite the risks", "the whole gap", "overall"), chat fillers ("tbh", "gonna"), negated auxiliaries
# typed without their apostrophe ("didnt"), greetings, negations ("not": what is asked about is the same), and
# verbs so general that an article says them in other words ("help" for "aid", "get" for "obtain").
_FILLER_WORDS = """despite besides along alongside among amid amidst within without toward towards across beyond
    since unless whereas though although yet even just rather instead else whole overall entire various several
    different certain particular general specific really basically anyway reckon tbh gonna wanna gotta oughta
    kinda sorta isnt wasnt arent werent dont doesnt didnt hasnt havent hadnt wont wouldnt cant couldnt shouldnt
    mustnt help make get give keep put use need want try seem become allow let bring set hold show turn
    hey hi hello ok okay please thanks thank not no around"""
# The words that ask for a kind of point, in any of their forms ("prompted", "impacted", "repercussions"),
# the words of a comparison ("compare", "differ", "in common"), the verbs of a request ("analyse", "outline")
# and the words that frame a view ("Why does the analyst *regard* the warhead as a problem?", "Why
# is the author *sceptical*…"): what sort of answer is wanted, not what it is about.
_AIM_WORDS = """react respond response reply retaliate consequence effect impact implication result outcome affect
    repercussion fallout aftermath happen next mean lead led reason cause motive motivate motivation factor
    explain explanation driver drive drove trigger grievance contribute fuel rationale agenda justify
    justification prompt behind wrong measure step action policy policies option strategy take took taken done
    argue argument claim view position stance think believe say said conclude conclusion recommend
    recommendation summarise summarize summary overview point criticise criticize criticism critique assess
    assessment suggest suggestion propose proposal effective adequate successful takeaway judge judgement
    judgment verdict analyse analyze analysis elaborate discuss describe outline sketch walk detail lesson
    compare comparison differ difference contrast similar similarity common versus
    regard sceptical skeptical convinced optimistic pessimistic"""
_FILLER = frozenset(terms(_FILLER_WORDS)) | frozenset(_FILLER_WORDS.split())
_AIM_STEMS = frozenset(terms(_AIM_WORDS))
# "didn't", "wouldn't", "they'd": an auxiliary with its contraction says nothing about what is asked.
_CONTRACTION = re.compile(r"\w['’](?:t|d|ll|re|ve|m)$", re.I)
_WORD = re.compile(r"[^\W_][\w'’-]*")


# Aims whose words are also things a question is about (a threat, a sign): they ask for a kind of point only
# when they are the question's aim.
_CONTENT_AIMS = ("risks", "evidence")


def _aim_phrases(question: str) -> list[tuple[int, int]]:
    """Where the question's short aim phrases are ("what led to", "happen next", "went wrong")."""
    spans = []
    asked = question_aim(question)
    for aim, pattern in _AIMS:
        if aim in _CONTENT_AIMS and aim != asked:
            continue  # "Why does the analyst regard the warhead as a *threat*?": what the view is about
        for match in pattern.finditer(question):
            if len(match.group(0).split()) <= 3:  # not "what did ECOWAS do": its subject is what is asked about
                spans.append(match.span())
    return spans


def content_focus(question: str) -> list[str]:
    """What an analytic question is about, stemmed: its focus less the words asking for a kind of point.

    "Reasons", "react", "consequences", "argue", "what led to"… say what sort of answer is wanted
    (:func:`question_aim`); names are not focus either, unless there is nothing else (see
    :func:`rag.questions.focus_terms`).

    Example:
        >>> content_focus("What were the consequences of the navy mutiny?")
        ['navi', 'mutini']
        >>> content_focus("What prompted the unions to strike, despite the risks?")
        ['union', 'strike', 'risk']
    """
    focus = set(focus_terms(question))
    phrases = _aim_phrases(question)
    out: list[str] = []
    for match in _WORD.finditer(question):
        word = match.group(0)
        found = terms(word)
        if not found or found[0] not in focus or found[0] in out:
            continue
        stem = found[0]
        if stem in _FILLER or word.lower() in _FILLER or _CONTRACTION.search(word) \
                or any(focus_matches(stem, aim) for aim in _AIM_STEMS) \
                or any(start <= match.start() and match.end() <= end for start, end in phrases):
            continue
        out.append(stem)
    return out


# "How did X react / respond to…", "What was X's response to…": who is asked to have reacted (at most eight
# words, read on the question with its spaces collapsed: an unbounded lazy phrase between runs of spaces took
# minutes on a pasted question).
MAX_ACTOR_WORDS = 8
_REACTOR = re.compile(
    r"\bhow(?:['’]d| (?:did|do|does|have|has|had|were|was|are|is))? (?P<actor>(?:\S+ ){0,7}?\S+) "
    r"(?:react|respond|reply|replied|retaliat)\w*\b"
    r"|\bwhat (?:was|were|is|are|has been|have been) (?:the )?(?P<owner>(?:\S+ ){0,7}?\S+?)['’]s? "
    r"(?:reactions?|responses?|repl(?:y|ies))\b", re.I)
# Not an actor: a forecast ("How would X respond", "How is X likely to…", "How did analysts say X would…"), a
# manner ("How quickly did X react"), or an embedded question ("How did the blast change how X responded").
_NOT_ACTOR = re.compile(r"^\w+ly\b|^(?:much|far|long|fast|quick|soon|strong|hard|well|badly)\b|"
                        r"\b(?:would|might|will|could|should|may|can|shall|expect\w*|likely|want\w*|plan\w*|"
                        r"going|how|way|what|whether|why|when)\b|\b(?:to|be|been|being)$", re.I)
# A conjunct's own words end where what qualifies it begins: "hospitals | in Kaunela", "unions | representing…",
# "fighter sales | to other countries", "recruitment | into the navy".
_QUALIFIER = re.compile(r"\s+(?:in|of|at|on|from|for|to|into|between|that|who|which|whose|representing|living|"
                        r"operating|based|across|around|near|with|over|under|outside|inside|by|within|among|amongst|throughout|"
                        r"beyond|along|against|during|after|following)\s+.*$|"
                        r"\s+(?:next door|nearby|there|here|elsewhere|abroad|overseas|locally|themselves|"
                        r"itself)$", re.I)
# Words of time and manner inside the actor's phrase ("the unions initially reacted"): not its noun.
_ADVERB = re.compile(r"\b(?:\w+ly|first|later|then|now|still|also|soon|again|next|ever|never)\b", re.I)
# Heads an article says in other words or by a name: roles held by named people ("the new king" is "Louis XIV"),
# collective and institutional nouns ("governments", "parliament" for "lawmakers", "the rebels" for "M23"), and
# markets ("oil prices", "investors": "Brent crude rose"). Such a head is no evidence either way.
_ANY_NAME_WORDS = """government state country nation partner ally organisation organization org community group
    leader official authority power neighbour neighbor people public side world region actor player capital
    member international foreign western eastern european other different various main key home abroad military
    army armed force troop navy navies air parliament legislature lawmaker congress senate assembly cabinet
    ministry ministries administration regime junta leadership elite establishment
    king queen prince princess emperor empress monarch ruler president premier minister chancellor pope general
    commander chief head governor mayor senator secretary ambassador envoy spokesman spokeswoman spokesperson
    rebel militant insurgent separatist militia fighter faction movement
    market price stock share currency rouble ruble dollar euro oil gas bond investor trader economy
    analyst observer expert commentator media press"""
_ANY_NAME = frozenset(terms(_ANY_NAME_WORDS)) | STATE_NAMES  # "how did china react", typed in lower case
# Heads that are one actor in several words ("companies" are "firms" and "businesses").
_SAME_HEAD = [frozenset(terms(group)) for group in (
    "company firm business corporation enterprise operator",
    "resident inhabitant",
    "worker employee staff union labour",
    "protester demonstrator crowd",
    "farmer grower",
    "soldier conscript",
    "doctor medic physician",
    "journalist reporter correspondent",
    "insurer underwriter",
    "contractor manufacturer maker producer supplier",
    "opposition party",
    # (fortieth round: "politicians in Adravia" speak as "opposition lawmakers")
    "politician lawmaker legislator senator",
    "family families kin",  # (not "relatives": stemmed, "relat" is also "relations")
    "opponent opposition critic detractor objector dissident protester demonstrator",
    "woman women",
    "child children",
)]
_CAPITALS = re.compile(r"\b[A-Z][A-Z.]+\b")  # "US", "U.S.": a name, not a head noun


def _actor_conjuncts(question: str) -> list[str]:
    """The conjuncts of who a reaction question asks about, each without what qualifies it and without adverbs
    ("hospitals | in Kaunela", "the unions | initially"); empty when it asks no one's reaction (a forecast, a
    manner, an embedded question) or names more than :data:`MAX_ACTOR_WORDS` words."""
    match = _REACTOR.search(" ".join(question.split()))
    if not match:
        return []
    phrase = match.group("actor") or match.group("owner")
    if _NOT_ACTOR.search(phrase) or len(phrase.split()) > MAX_ACTOR_WORDS:
        return []
    return [_ADVERB.sub(" ", _QUALIFIER.sub("", part))
            for part in re.split(r"\s+(?:and|or|as well as|besides|nor)\s+|\s*[,;]\s*", phrase)]


def reacting_words(question: str) -> frozenset[str]:
    """The stemmed words that name who a reaction question asks about: each conjunct's name, with its state's
    other names, when its head is a role or an institution ("the French government" → france, french),
    else its head noun ("Azawi's partners" → partner: partners are not Azawi). A role or an institution
    without a name ("the president", "Gulf states") is left out: many sentences have one.

    Example:
        >>> sorted(reacting_words("How did the French government and Lessia's insurers react?"))
        ['franc', 'french', 'insur']
    """
    found: set[str] = set()
    for core in _actor_conjuncts(question):
        named = names(" " + core)
        name_terms = _name_terms(named)
        own = [t for t in terms(core) if t not in named and t not in _FILLER]
        if own and (own[-1] not in _ANY_NAME or own[-1] in _RELATIONAL):
            found.add(own[-1])  # the head noun: "the Tovalu *registry*", "Azawi's *partners*", "Lessia's *insurers*"
        elif name_terms:
            # "the French government", "President Macron": a role or an institution is who its name says.
            found |= name_terms
    return frozenset(found.union(*(state_forms(t) for t in found)))


# What a reaction question's actors reacted to: "How did Skarvia react | to the collision in the strait?"
_REACTED_TO = re.compile(r"^\s*(?:to|over|after|at|about)\s+(?P<event>[^?]+)", re.I)


def named_reactors(question: str) -> tuple[list[frozenset[str]], str] | None:
    """The named actors a reaction question asks about, each as the stemmed words of its name with its state's other
    names, and what they reacted to.

    None when the question asks no one's reaction, names nothing they reacted to, or when one of its actors is no
    name ("the opposition": :func:`reaction_actors` reads head nouns), someone named by a relation ("Azawi's
    partners" are not Azawi), an acronym ("the EU": also "the European Commission") or a person's administration
    or camp ("the Biden administration": also "Washington"). A capital counts as its state ("Downing Street":
    Britain, British, UK).

    Example:
        >>> actors, event = named_reactors("How did Sorvania's government respond to the blockade of Kaldrin?")
        >>> [sorted(a) for a in actors], event
        ([['sorvania']], 'the blockade of Kaldrin')
        >>> [sorted(a) for a in named_reactors("How did France react to the coup?")[0]]
        [['franc', 'french']]
        >>> [sorted(a) for a in named_reactors("How did Moscow react to the expulsions?")[0]]
        [['moscow', 'russia', 'russian']]
        >>> named_reactors("How did the opposition and France react to the coup?") is None
        True
    """
    question = " ".join(question.split())
    match = _REACTOR.search(question)
    reacted_to = _REACTED_TO.match(question[match.end():]) if match else None
    conjuncts = _actor_conjuncts(question)
    if not reacted_to or not conjuncts:
        return None
    actors = []
    for core in conjuncts:
        named = names(" " + core)
        own = [t for t in terms(core) if t not in named and t not in _FILLER]
        name_terms = _name_terms(named)
        # (an acronym is spelled out in many ways, "the EU" / "the European Commission"; a person's administration
        # or camp speaks as its state or its staff: not checked)
        if not name_terms or _CAPITALS.search(core) or own and (
                own[-1] not in _ANY_NAME or own[-1] in _RELATIONAL or own[-1] in _ENTOURAGE):
            return None
        # (a capital is its state: "How did Moscow react?" is answered by "Russia's foreign ministry said…"; only
        # one-word names, as STATE_NAMES: "United States" would add "unit" and "state")
        seated = {t for state in seats_named(core).values() for name in state if " " not in name for t in terms(name)}
        actors.append(frozenset(name_terms.union(seated, *(state_forms(t) for t in name_terms))))
    return actors, reacted_to.group("event").strip()


# A title before a person's name: "President Valsorin" is one person, named in full.
_PERSON_TITLE = re.compile(r"^(?:President|Vice[- ]President|Prime Minister|Minister|Chancellor|General|Admiral|"
                           r"Colonel|Major|Captain|Lieutenant|Commander|Senator|Governor|Mayor|Judge|King|Queen|"
                           r"Prince|Princess|Emir|Sheikh|Sultan)\s+[{UPPER}]".replace("{UPPER}", UPPER))
# Words of a name that make it a state or a state's institution, which speak through officials named in other ways
# ("Defence Minister Solvane said…" for "Porvenna's authorities"): not read as a body named in full.
_STATE_BODY = re.compile(r"\b(?:government|authorities|administration|ministry|ministries|department|office|"
                         r"parliament|cabinet|army|navy|air force|forces|military|police|officials|republic|kingdom|"
                         r"federation|emirates?|state|states|union|nations|council|commission|house|street|court|"
                         r"chamber)\b", re.I)


# States named in two words or more ("Sri Lanka", "Burkina Faso"), and places that speak as one ("Hong Kong").
_MULTI_WORD_STATE = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in MULTI_WORD_STATES) + r")\b", re.I)


def named_bodies(question: str) -> list[frozenset[str]]:
    """The actors of a reaction question that are named in full: a company, a group or an organisation of two or
    more capitalised words ("Vastrel Dynamics", "the Coastal Liberation Front") or a person with a title ("President
    Valsorin"); each as the stemmed words of its name (the title left out).

    Such an actor speaks and acts under its name ("Vastrel Dynamics said…", "Valsorin told…"), so a report that
    names it but never has it do anything holds no reaction of it (:func:`rag.backends.extractive.body_silent`).
    States, their institutions and anything owned ("Lessia's government", "Orlik's family") are not read: their
    officials speak under other names. Conjuncts that :func:`named_reactors` does not read are not either.

    Example:
        >>> [sorted(b) for b in named_bodies("How did Vastrel Dynamics and Kestria react to the verdict?")]
        [['dynam', 'vastrel']]
        >>> [sorted(b) for b in named_bodies("How did President Valsorin respond to the charge?")]
        [['valsorin']]
        >>> named_bodies("How did the Rettland government react to the diversion?")
        []
    """
    asked = named_reactors(question)
    conjuncts = _actor_conjuncts(question)
    if not asked or len(conjuncts) != len(asked[0]):
        return []
    bodies = []
    for core, actor in zip(conjuncts, asked[0]):
        core = re.sub(r"^\s*the\s+", "", core.strip(), flags=re.I)
        if re.search(r"\w['’](?:s\b|\s|$)", core) or _STATE_BODY.search(core):
            continue
        # (a state or its seat named in two words: "Saudi Arabia", "South Korea", "White House")
        if seats_named(core) or any(t in STATE_NAMES for t in terms(core)) or _MULTI_WORD_STATE.search(core):
            continue
        capitalised = [w for w in core.split() if w[:1].isupper()]
        titled = _PERSON_TITLE.match(core)
        if len(capitalised) >= 2:
            title = set(terms(titled.group(0)[:-1])) if titled else set()
            name = frozenset(actor - title)
            if name:
                bodies.append(name)
    return bodies


_ENTOURAGE = frozenset(terms("administration camp team aides entourage circle office"))


def _name_terms(named: set[str]) -> set[str]:
    """The stemmed words of an actor's names that say who it is: not a role or an institution ("government"), unless
    a state's name, nor an ordinary word of a longer name ("United States")."""
    return {t for t in terms(" ".join(named)) if (t not in _ANY_NAME or t in STATE_NAMES) and t not in _NAME_FILLER}


# Heads that name someone else than the name before them ("Azawi's partners" are not Azawi).
_RELATIONAL = frozenset(terms("partners allies neighbours neighbors friends rivals enemies critics backers creditors "
                              "supporters opponents"))
# Words of multi-word names that are ordinary words too ("United States": a "unit"; "Gulf states").
_NAME_FILLER = frozenset(terms("united states state kingdom republic union nations nation federation"))


def reaction_actors(question: str) -> list[frozenset[str]]:
    """The actors a reaction question asks about, each conjunct as the head nouns that name it (stemmed).

    The head is the conjunct's last own word before what qualifies it ("Lessia's insurers", "hospitals in
    Kaunela"), with the words that mean the same actor (``_SAME_HEAD``). Empty, so nothing is checked, when the
    question asks no one's reaction, or when a conjunct has no such head: a name ("China", "the US") may be
    written as a capital, a leader or an adjective ("Beijing", "Xi", "Chinese officials"), and roles,
    institutions and markets (``_ANY_NAME_WORDS``) are named in other words.

    Example:
        >>> [sorted(actor) for actor in reaction_actors("How did Lessia's insurers respond to the losses?")]
        [['insur', 'underwrit']]
        >>> reaction_actors("How did China react to the clashes?"), reaction_actors("How did the new king react?")
        ([], [])
    """
    actors = []
    for conjunct in _actor_conjuncts(question):
        if _SHARE_PRICE.search(conjunct):
            # ("Pellamore Aircraft's share price": a report of it names the shares or the stock, however it words
            # the rest)
            actors.append(SHARES)
            continue
        core = _CAPITALS.sub(" ", conjunct)
        named = names(" " + core)  # not at a sentence start: "China" counts in any position
        own = [t for t in terms(core) if t not in named]
        if not own or own[-1] in _ANY_NAME:
            return []
        head = own[-1]
        actors.append(frozenset({head}).union(*(group for group in _SAME_HEAD if head in group)))
    return actors


# An actor asked as a group of others ("the various parties", "the two rival tank makers", "both sides"): each of
# them speaks under its own name (fortieth round).
_GROUP_OF_ACTORS = re.compile(r"\b(?:various|both|all|several|many|rival|two|three|four|five)\b", re.I)


def group_asked(question: str) -> bool:
    """Does a reaction question ask about a group of actors ("How did the two rival tank makers respond…?"), whose
    members a report names one by one?

    Example:
        >>> group_asked("How did the two rival tank makers respond?"), group_asked("How did the insurers respond?")
        (True, False)
    """
    return any(_GROUP_OF_ACTORS.search(conjunct) for conjunct in _actor_conjuncts(question))


# A company's share price or a stock market asked to have reacted (thirty-ninth round: all eleven such questions of
# the development sets were unanswerable, their reports never mentioning shares).
_SHARE_PRICE = re.compile(r"\b(?:share|stock)(?:\s+(?:price|market|exchange)s?)?\b|\b(?:shares|stocks)\b", re.I)
SHARES = frozenset(terms("share shares stock stocks shareholders"))


# "Why did Kaspria shoot down the aircraft?" presumes that Kaspria shot it down: the clause after "why did" is an
# event the sources must report. The clause ends where a second question or an aside begins ("…, and what
# followed?", "…, after …").
# ("Why didn't NATO intervene?" presumes that nothing happened: not read.)
_WHY_EVENT = re.compile(r"\bwhy (?:did|had)\s+(?P<clause>[^?;]+)", re.I)
# "How did X react when Y did Z?": the when-clause is an event the reaction presumes (thirty-sixth round).
_REACTED_WHEN = re.compile(r"\bhow did\s+[^?;]{1,80}?\s(?:react|respond|reply|retaliate)\s+when\s+(?P<clause>[^?;]+)",
                           re.I)
# "How did Manderra retaliate after the shelling?": the retaliation is presumed (not "how would X retaliate").
_RETALIATED = re.compile(r"\bhow (?:did|has|have|had)\s+(?P<actor>(?:(?!(?:not|never)\b)[^\s?;,]+\s+){0,7}?"
                         r"(?!(?:not|never)\b)[^\s?;,]+)\s+retaliated?\b", re.I)
# "What led the government to dismiss the commander?" asks why it dismissed him. (Not "what led to the collapse":
# the collapse is a noun, read as consequences are; and a short subject, not a clause.)
_WHAT_LED = re.compile(r"\b(?i:what (?:led|prompted|caused|drove|pushed|forced|persuaded|motivated))\s+"
                       rf"(?P<subject>(?:(?i:the)\s+)?[{UPPER}][\w’'-]*(?:\s+[{UPPER}][\w’'-]*){{0,4}}|"
                       r"(?i:the)\s+(?:[\w’'-]+\s+){0,2}?(?i:government|ministry|minister|army|navy|air force|company|"
                       r"firm|union|court|parliament|council|authorities|police|commission|president|party|board|"
                       r"committee|military|officials|leadership|cabinet|regime|rebels|militia|insurgents))\s+"
                       r"(?i:to)\s+(?P<verb>(?!(?:be|the|a|an|its|their|his|her|this|that|these|those)\b)[a-z]+\b)")
_CLAUSE_END = re.compile(r",?\s+(?:and|but|or)\s+(?:what|how|why|who|whom|when|where|which|whether|did|does|do|has|"
                         r"have|had|is|are|was|were|will|would|can|could|if)\b|,\s|\s[-–—]\s|\.\s", re.I)
# Where the event's own clause ends and its circumstances begin ("…withdraw from Kherson | after months of pressure").
_CIRCUMSTANCE = re.compile(r"\s+(?:after|when|while|because|despite|following|amid|before|during|since|as|once|"
                           r"until|in (?:response|reply|retaliation) to|in the wake of|"
                           # (an alternative not taken is no part of the event: "…the whole fleet rather than
                           # the crashed aircraft's unit")
                           r"rather than|instead of|as opposed to)\b.*$", re.I)
# A clause that reports what an actor said ("Why did Quelbria say it was restricting exports?"): the words are
# the actor's, which a report may give in its own ("curbs"); nothing is checked. The verb is the clause's own (a base
# form after its subject: "…seize tankers they said were…" is checked), and no order ("tell X to surrender").
# (Not "declare" or "announce": "Why did Zamboria declare war?" presumes the war.)
_SAID = re.compile(r"^\s*(?:[\w’'-]+\s+){1,4}?(?:say|claim|insist|argue|assert|suggest)\b", re.I)
# "Why was the captain relieved of command?", "Why has the frigate been delayed?": a passive presumes its event too.
# The participle follows its subject (at most eight words, none that makes the clause a state: "Why were the
# fishermen unhappy about the way the launch was notified?" asks a view of a thing done, not why it was done).
_WHY_PASSIVE = re.compile(r"\bwhy (?:(?:was|were)\s+(?P<subject>(?:[^\s?;]+\s+){0,7}?[^\s?;]+)|(?:has|have|had)\s+"
                          r"(?P<perfect>(?:[^\s?;]+\s+){0,7}?[^\s?;]+)\s+been)\s+"
                          r"(?P<participle>[a-z][\w-]*ed|shot|hit|sent|held|left|built|caught|brought|"
                          r"kept|told|sold|cut|struck|thrown|withdrawn|stolen|sunk|paid|laid|lost|put|set|shut|taken|"
                          r"given|seen|driven|written|broken|chosen|beaten|forbidden|frozen|hidden|spoken|sworn|"
                          r"overtaken|forgotten|fallen|proven)\b(?P<rest>[^?;]*)", re.I)
_NOT_A_SUBJECT = re.compile(r"\b(?:was|were|is|are|be|been|being|has|have|had|so|too|such|more|less|most|very|"
                            r"able|unable|about|with|that|than|to|not|never|no)\b", re.I)
# Participles that name a state of mind or of things, not a thing done ("Why were the officials worried…?", "Why
# were investors rattled by the budget?", "Why was the reaction muted?"); and any "un…ed" ("unexpected").
STATE_PARTICIPLES = frozenset("""worried concerned surprised divided interested involved prepared convinced determined
    satisfied disappointed frustrated alarmed dismayed pleased tired scared unconvinced unmoved united opposed
    committed reluctant embarrassed entitled exposed vulnerable limited needed qualified supposed used allowed
    expected required shocked angered outraged rattled spooked unsettled muted mixed emboldened impressed annoyed
    upset delighted encouraged reassured confused puzzled troubled disturbed depressed excited thrilled horrified
    appalled offended insulted frightened terrified relieved muddled subdued heated bored distracted""".split())
_STATE_UNLESS = {"relieved": " of "}  # "relieved of command" is a thing done; "officials were relieved" a state


def _clause(text: str) -> str:
    end = _CLAUSE_END.search(text)
    return (text[:end.start()] if end else text).strip()


# "What were the consequences of Valcik's resignation?": an event named by a noun, whose consequences are asked, is
# presumed as a "why did" clause's is (the nouns of events that reports name with a verb).
# (not the light nouns "decision", "deal", "agreement", "vote": "the decision to raise rates" is reported as "raised")
_EVENT_NOUNS = (r"resignation|arrests?|verdict|expulsion|dismissal|ban|seizure|closure|cancellation|withdrawal|"
                r"suspension|sacking|conviction|acquittal|ruling|shooting|attacks?|raids?|strikes?|collision|"
                r"crash|killing|kidnapping|detention|sanctions|blockade|veto|coup|mutiny|leak|"
                r"theft|hack|breach|sale|purchase|deployment|evacuation|recall|boycott|takeover|merger")
# (the noun phrase ends before what is affected, "…withdrawal | on the campaign": effect_unstated reads that; it
# keeps who took part, "the collision between the Stormfinch and a trawler": fortieth round)
_CONSEQUENCES_OF = re.compile(
    r"\b(?:consequences?|effects?|impacts?|results?|fallout|aftermath|repercussions?|implications?)\s+"
    r"(?:\w+\s+){0,3}?of\s+"
    rf"(?P<np>(?:the\s+|an?\s+)?(?:(?!(?:and|or|but|what|how|why|not|never|no)\b)[\w’'-]+\s+){{0,6}}?"
    rf"(?:{_EVENT_NOUNS})\b(?:\s+(?:of|against|over|by|at|in|from|between)\s+[^?,;]{{1,80}})?)", re.I)


# "What were the consequences of the laptop's contents being published online?" presumes they were published: read as
# "Why was the laptop's contents published online?" (fortieth round).
_CONSEQUENCES_OF_BEING = re.compile(
    r"(?<!possible )(?<!potential )(?<!likely )(?<!probable )(?<!expected )"
    r"\b(?:consequences?|effects?|impacts?|results?|fallout|aftermath|repercussions?|implications?)\s+"
    r"(?:\w+\s+){0,3}?of\s+(?P<subject>(?:(?!(?:not|never|no)\b)[\w’'-]+\s+){1,8}?)being\s+"
    r"(?P<rest>[^?;]+)", re.I)


# "What did the inquiry conclude about the crash?", "What did the court decide?": the question presumes a finding
# made, which the reports must tell as made ("the inquiry concluded that…"), not as due ("will publish its findings
# within 30 days"). Not a writer's view ("What does the author conclude?": a commentary argues it in its own words),
# nor a question on progress ("What has the investigation found so far?": "nothing yet" is its answer).
# (the verb is the question's own, "what" its object: followed by the question's end, a preposition or a clause, not a
# noun of its own, "…sometimes found evidence confirming?"; a base form after "did", a participle after "has")
_VERDICT_END = (r"(?=\s*(?:[?,;.]|$)|\s+(?:about|on|in|at|after|when|during|regarding|over|from|following|was|were|had|"
                r"has|is|are|would|caused|to|that|so|yet|and)\b)")
_VERDICT_ASKED = re.compile(
    r"\bwhat (?:did (?P<subject>(?:[^\s?;,]+ ){1,10}?)(?P<verb>conclude|decide|rule|determine|find)"
    r"|(?:has|have|had) (?P<perfect>(?:[^\s?;,]+ ){1,10}?)(?P<done>concluded|decided|ruled|determined|found))"
    + _VERDICT_END, re.I)
# "How did the commission rule on the complaint?", "How did parliament vote on the contract?": the same, a ruling or a
# vote presumed cast (not "How did X react to the vote": its subject reacts; "rule" only of a body that rules, not
# "How did the dynasty rule?").
_RULING_BODY = (r"(?:court|courts|tribunal|judge|judges|panel|commission|council|committee|board|inquiry|arbitrators?|"
                r"regulator|authority|body|jury)")
# (the verb right after its subject, not an object's noun: "How did the opposition describe the vote?"; and a ruling,
# not a way of choosing: "How did the government decide which plants to close?")
_SUBJECT_WORD = r"(?:(?!(?:react\w*|respond\w*|repl\w*|to|the|a|an|its|their|his|her|this|that)\b)[^\s?;,]+ )"
_HOW_RULED = re.compile(r"\bhow (?:did|has|have|had) (?:"
                        rf"(?P<body>(?:the )?{_SUBJECT_WORD}{{0,10}}?{_RULING_BODY} )(?P<ruled>rule|ruled)"
                        rf"|(?P<subject>(?:the )?{_SUBJECT_WORD}{{1,10}}?)(?P<voted>vote|voted|decide|decided))"
                        r"(?=\s*(?:[?,;.]|$)|\s+(?:on|about|in|at|after|when|during|over|for|against|to)\b)", re.I)
_NOT_A_FINDER = re.compile(r"\b(?:authors?|analysts?|writers?|commentators?|columnists?|commentary|analysis|article|"
                           r"column|essay|piece|you|we|i)\b", re.I)
# Who makes a finding, in the words a report may use for the one asked about ("the court": its judges; "parliament":
# its lawmakers), and the verbs it writes such a body's finding with ("The court struck down the law", "Parliament
# approved the bill": second review, fortieth round).
# (the verbs as written, past tense: "will vote on ratifying it" ratifies nothing)
_FINDING_BODIES = [(frozenset(terms(who)), frozenset(verbs.split())) for who, verbs in (
    ("court courts judge judges justice justices tribunal bench jury",
     "struck upheld overturned annulled quashed acquitted convicted sentenced found"),
    ("parliament lawmaker lawmakers legislator legislators mp mps deputies assembly senate congress legislature",
     "approved passed rejected ratified adopted"),
)]


def finding_body(words: Sequence[str]) -> tuple[frozenset[str], frozenset[str]]:
    """``words`` (stemmed, :func:`verdict_asked`'s subject) with the other words of their body, and the verbs such a
    body's finding is written with (:data:`_FINDING_BODIES`, as written).

    Example:
        >>> who, verbs = finding_body(["suprem", "court"])
        >>> "judg" in who, "overturned" in verbs
        (True, True)
    """
    groups = [(who, verbs) for who, verbs in _FINDING_BODIES if who & set(words)]
    return (frozenset(words).union(*(who for who, _ in groups)), frozenset().union(*(verbs for _, verbs in groups)))


_SO_FAR = re.compile(r"\b(?:so far|yet|to date|until now|thus far|up to now)\b", re.I)
# (the asked verb's stem is what a report writes it done with, "concluded", "ruled" / "ruling"; "find" is also
# "found")
_FIND = frozenset({"found", "find"})


def verdict_asked(question: str) -> tuple[list[str], frozenset[str]] | None:
    """Who a "What did X conclude / decide / rule / find…?" or "How did X rule / vote…?" question asks for a finding
    of (X's stemmed words, up to what qualifies it), and the verb's stems as a report writes it done; None for any
    other question or a writer's view.

    Example:
        >>> verdict_asked("What did the preliminary report of the accident board conclude about the crash?")
        (['preliminari', 'report'], frozenset({'conclud'}))
        >>> verdict_asked("What has the police investigation into the Merkolin drones found?")[0]
        ['polic', 'investig']
        >>> verdict_asked("What has the police investigation found so far?") is None
        True
        >>> verdict_asked("How did parliament vote on the contract?")
        (['parliament'], frozenset({'vote'}))
        >>> verdict_asked("How did Kessel react to the vote?") is None
        True
        >>> verdict_asked("What does the author conclude?") is None, verdict_asked("What did the auditors say?") is None
        (True, True)
    """
    question = " ".join(question.split())
    found = _VERDICT_ASKED.search(question)
    ruled = None if found else _HOW_RULED.search(question)
    if found:
        subject, verb = found.group("subject") or found.group("perfect"), found.group("verb") or found.group("done")
    elif ruled:
        verb, subject = ruled.group("ruled") or ruled.group("voted"), ruled.group("body") or ruled.group("subject")
    else:
        return None
    if _NOT_A_FINDER.search(subject) or _SO_FAR.search(question):
        return None
    words = [t for t in terms(_QUALIFIER.sub("", subject.strip())) if t not in _FILLER]
    stems = frozenset(terms(verb))
    return (words, _FIND if stems & _FIND else stems) if words else None


def _passive_event(question: str) -> tuple[int, str | None] | None:
    """Where a "why was / has … been + participle" question starts, and the event it presumes (None when it asks
    about a state: "Why were the officials worried?", "Why was the reaction so muted?"); None if there is none."""
    passive = _WHY_PASSIVE.search(question)
    if not passive:
        return None
    subject = passive.group("subject") or passive.group("perfect")
    participle = passive.group("participle")
    rest = passive.group("rest")
    lowered = participle.lower()
    state = lowered in STATE_PARTICIPLES and not (lowered in _STATE_UNLESS and rest.startswith(_STATE_UNLESS[lowered]))
    if _NOT_A_SUBJECT.search(subject) or state or lowered.startswith("un"):
        return passive.start(), None
    clause = _CIRCUMSTANCE.sub("", _clause(f"{subject} {participle}{rest}"))
    return passive.start(), (f"Why was {clause}?" if clause else None)


def passive_participle(presumed: str) -> str | None:
    """The participle of a passive event as :func:`presumed_event` writes it ("Why was the captain relieved of
    command?" → "relieved"); None for an active one."""
    passive = _WHY_PASSIVE.match(presumed)
    return passive.group("participle") if passive else None


def presumed_event(question: str) -> str | None:
    """The event a "why did…" question takes for granted, as a question of its own (also a passive's, "why was…", and
    an event named by a noun whose consequences are asked); None for any other question.

    A question asking someone's view ("Why did the author call the deal a mistake?") presumes a judgement, in
    words the writer may not use; only a question about what an actor did presumes an event.

    Example:
        >>> presumed_event("Why did Kaspria shoot down the aircraft over the gulf, and how did Ulthenia respond?")
        'Why did Kaspria shoot down the aircraft over the gulf?'
        >>> presumed_event("Why did Russia withdraw from Kherson in November after months of pressure?")
        'Why did Russia withdraw from Kherson in November?'
        >>> presumed_event("Why does the analyst think the deal will fail?") is None
        True
        >>> presumed_event("Why didn't NATO intervene?") is None
        True
        >>> presumed_event("Why did Skelvora ground the whole fleet rather than the crashed aircraft's unit?")
        'Why did Skelvora ground the whole fleet?'
        >>> presumed_event("Why did Quelbria say it was restricting exports?") is None
        True
        >>> presumed_event("What led the government to dismiss Colonel Alstrand as commander?")
        'Why did the government dismiss Colonel Alstrand?'
        >>> presumed_event("What led to the collapse of the talks?") is None
        True
        >>> presumed_event("How did the patrol boats respond when Yostrian warships fired warning shots?")
        'Why did Yostrian warships fired warning shots?'
        >>> presumed_event("How did Lessia react when the talks were not resumed?") is None
        True
        >>> presumed_event("Why was the captain of the Orsolind relieved of command after the collision?")
        'Why was the captain of the Orsolind relieved of command?'
        >>> presumed_event("Why were the fishermen unhappy about the way the launch was notified?") is None
        True
        >>> presumed_event("What were the consequences of Valcik's resignation over the database theft?")
        "Why did Valcik's resignation over the database theft?"
        >>> presumed_event("How did Manderra retaliate after the shelling of its border posts?")
        'Why did Manderra retaliate?'
        >>> presumed_event("What were the consequences of the station being struck by debris from the test?")
        'Why was the station struck by debris from the test?'
    """
    question = " ".join(question.split())
    if asks_view(question):
        return None
    question = _WHAT_LED.sub(lambda m: f"Why did {m.group('subject')} {m.group('verb')}", question)
    # The first "why" question of the two forms is read ("Why did Kaspria expel the envoy, and why were the talks
    # suspended?" presumes an expulsion); a passive that asks about a state leaves an active one to be read.
    passive = _passive_event(question)
    match = _WHY_EVENT.search(question)
    if passive and (not match or passive[1] and passive[0] < match.start()):
        return passive[1]
    reacted = _REACTED_WHEN.search(question) if not match else None
    if reacted:
        # "How did the patrol vessels respond when Yostrian warships fired warning shots?" presumes the shots.
        clause = _done_clause(reacted.group("clause"))
        # (not a negation written short, "didn't pay"; nor "when asked about…", whose words are the asker's)
        if clause and not re.search(r"n['’]t\b", clause, re.I) \
                and not re.match(r"(?:[a-z]+ed|told|shown|given|seen)\b", clause):
            return f"Why did {clause}?"
    retaliated = _RETALIATED.search(question) if not match else None
    if retaliated:
        # "How did Manderra retaliate?" presumes that Manderra retaliated (fortieth round).
        return f"Why did {retaliated.group('actor')} retaliate?"
    if not match:
        being = _CONSEQUENCES_OF_BEING.search(question)
        if being:
            passive = _passive_event(f"Why was {being.group('subject')}{being.group('rest')}")
            return passive[1] if passive else None
        named = _CONSEQUENCES_OF.search(question)
        noun_phrase = _CIRCUMSTANCE.sub("", _clause(named.group("np"))) if named else ""
        # ("the consequences of not signing the deal" presume that nothing happened)
        if not noun_phrase or re.search(r"\b(?:not|never|no)\b", noun_phrase, re.I):
            return None
        return f"Why did {noun_phrase}?"
    clause = _done_clause(match.group("clause"))
    return f"Why did {clause}?" if clause else None


def _done_clause(text: str) -> str | None:
    """The event's own clause of ``text`` (without its circumstances), or None when it is negated ("not", "never")
    or reports what someone said."""
    clause = _CIRCUMSTANCE.sub("", _clause(text))
    if not clause or re.search(r"\b(?:not|never)\b", clause, re.I) or _SAID.match(clause):
        return None
    return clause


# "What effect has the closure had on fish prices?", "How did the failure affect the share price?": the thing
# affected, which the sources must mention for there to be an answer.
# "The attack on the grid" is the cause, not the thing affected: what is affected follows "have / had on", an
# effect's own "on" ("the impact on tourism of…"), a consequence's "for", or "affect".
_NOT_A_SECOND_QUESTION = r"(?:(?!\b(?:and|but)\s+(?:what|how|why)\b)[^?;])"
_EFFECT_ON = re.compile(rf"\b(?:effects?|impacts?|toll)\b{_NOT_A_SECOND_QUESTION}{{0,80}}?\b(?:have|had|has|having)\s+"
                        r"on\s+(?P<on>[^?;]+)"
                        r"|\b(?:effects?|impacts?|toll)\s+on\s+(?P<direct>[^?;]+)"
                        rf"|\bconsequences?\b{_NOT_A_SECOND_QUESTION}{{0,80}}?\bfor\s+(?P<for>[^?;]+)"
                        r"|(?<!\bthe )(?<!\bbe )(?<!\bare )(?<!\bis )(?<!\bwere )(?<!\bwas )(?<!\bmost )"
                        r"\baffect(?:s|ed|ing)?\s+(?!by\b)(?P<object>[^?;]+)", re.I)
# A head that links to the thing affected ("access to medicine", "the threat to shipping", "supplies of fuel").
_LINKING_HEAD = re.compile(r"^\s*(?:the\s+|its\s+|their\s+)?(?:access|threats?|paths?|routes?|exposure|rights?|flows?|"
                           r"supply|supplies|links?|ties)\s+(?:to|of|for|into|with)\s+", re.I)
# Affected things an article says in other words ("daily life", "the region", "relations" are many things).
_ANY_AFFECTED = frozenset(terms("life lives people person persons situation region regions country countries area "
                                "areas world public population community communities way ways thing things everyone "
                                "everybody side sides future term relations relationship ties"))
MAX_AFFECTED_WORDS = 12
# A qualifier naming a pair ("trade between Raskeld and Solvenna"), whose "and" joins no conjuncts: the first "and"
# after "between", unless a preposition opens what follows it ("shipping between the islands and on fuel prices").
_BETWEEN = re.compile(r"(\bbetween\s+[^,;]*?)\s+and\s+(?!(?:on|in|for|to|at|of|over|with)\b)", re.I)


def affected_heads(question: str) -> list[frozenset[str]]:
    """The things an effect question asks about, each conjunct as the head nouns that name it (stemmed).

    Read as :func:`reaction_actors` reads actors: the conjunct's last own word before what qualifies it ("fish
    *prices* at the Haldeport market"). Empty, so nothing is checked, for a question asking a view, a thing
    named by a name ("the effect on Lessia"), a general one (``_ANY_AFFECTED``), or more than
    :data:`MAX_AFFECTED_WORDS` words.

    Example:
        >>> [sorted(h) for h in affected_heads("What effect has the closure had on fish prices and tourism?")]
        [['price'], ['tourism']]
        >>> affected_heads("How did the war affect Lessia?"), affected_heads("What effect did it have on daily life?")
        ([], [])
    """
    question = " ".join(question.split())
    match = _EFFECT_ON.search(question)
    if not match or asks_view(question):
        return []
    phrase = _clause(next(group for group in match.groups() if group))
    if not phrase or len(phrase.split()) > MAX_AFFECTED_WORDS:
        return []
    heads = []
    # ("trade between Raskeld and Solvenna": one thing, qualified by a pair, not two conjuncts)
    phrase = _BETWEEN.sub(r"\1 & ", phrase, count=1)
    for part in re.split(r"\s+(?:and|or|as well as|nor)\s+|\s*[,;]\s*", phrase):
        part = _LINKING_HEAD.sub("", part)  # "access to | medicine": the thing is what follows
        core = _CAPITALS.sub(" ", _ADVERB.sub(" ", _QUALIFIER.sub("", part)))
        named = names(" " + core)
        own = [t for t in terms(core) if t not in named and t not in _FILLER]
        if not own or own[-1] in _ANY_AFFECTED:
            return []
        head = own[-1]
        heads.append(frozenset({head}).union(*(group for group in _SAME_HEAD if head in group)))
    return heads


# Verbs that frame the event rather than name it ("Why did X decide to / agree to / try to / launch…"): not checked.
EVENT_FRAMES = frozenset(terms("decide decided agree agreed try tried attempt attempted start started begin began "
                               "launch launched carry carried conduct conducted stage staged go went make made take "
                               "took get got choose chose opt opted move moved seek sought"))
# Verbs of events that reports write in several ways ("attack" / "stormed", "pull out" / "withdrew"): each stands
# for the others (stemmed).
_SAME_EVENT = [frozenset(terms(group)) for group in (
    # (not "shell" or "ship": in these reports the nouns, "artillery shells", "ships", are the common words)
    "attack attacked storm stormed strike struck raid raided assault assaulted hit bomb bombed fire fired invade "
    "invaded invasion offensive incursion",
    "withdraw withdrew withdrawal pull pulled retreat retreated leave left exit quit",
    "expel expelled expulsion throw threw eject ejected oust ousted",
    "send sent supply supplied deliver delivered delivery provide provided give gave transfer transferred",
    "join joined accede acceded accession member membership",
    # (not "end": the noun, "by the end of 2027", is far more common in reports than the verb)
    "cancel cancelled canceled scrap scrapped drop dropped terminate terminated halt halted suspend suspended "
    "abandon abandoned",
    "reject rejected refuse refused decline declined veto vetoed oppose opposed block blocked",
    "select selected pick picked prefer preferred award awarded",
    "arrest arrested detain detained seize seized capture captured",
    "break broke collapse collapsed fail failed",
    "sign signed conclude concluded",
    "shoot shot down downing downed",
    # (thirty-eighth round: a ship or a convoy stopped is one blocked or halted; not "intercept", whose prefix is
    # the air-defence "interceptors")
    "stop stopped block blocked halt halted",
    # (not "remove" or "replace": reports remove and replace things far more often than people)
    "dismiss dismissed sack sacked relieve relieved",
    # (thirty-ninth round: "the Holm Valley hack" is reported as a cyberattack)
    "hack hacked hacking cyberattack cyberattacks",
    # (fortieth round, review: a retaliation is reported as one, as "reciprocal" measures, or as "hit back")
    "retaliate retaliated retaliation retaliatory reciprocate reciprocated reciprocal hitback",
)]


def same_event(term: str, *, asked: bool = False) -> frozenset[str]:
    """The stemmed verbs that name the same event as ``term`` ("attack": "storm", "strike", "raid"…), itself
    included. ``asked``: the question's own verb, which may also be a word that reports use mostly as a noun ("Why
    did Russia *shell* Kharkiv?" is answered by "…artillery struck…"; a report's "shells" are no attack)."""
    groups = [group for group in _SAME_EVENT if term in group]
    if asked and term in _ASKED_ONLY:
        groups.append(_ASKED_ONLY[term])
    return frozenset({term}).union(*groups)


# Verbs that a question may ask with but reports write mostly as nouns: they stand for their group only when asked.
_ASKED_ONLY = {terms(word)[0]: next(group for group in _SAME_EVENT if terms(member)[0] in group)
               for word, member in (("shell", "attack"), ("ship", "send"))}
