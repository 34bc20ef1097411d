"""Capitals and seats of government that stand for their states in news and analysis ("Moscow said…").

An analyst asks "How did Paris react to the offensive?" of an article that says "France called a special
meeting of the UN Security Council": the question names France by its capital. :func:`seat_of` tells which
state a capital (or a seat such as "the Kremlin", "the White House") stands for, so that a check for names no
passage mentions does not refuse the question on a figure of speech. Real places only: fictional capitals are
unknown (their articles name both).

Pure data and one lookup, no models.

Example:
    >>> seat_of("Moscow"), seat_of("Tandara")
    (('Russia', 'Russian'), ())
"""

from __future__ import annotations

import re

from rag.text import terms

# seat → the names of the state it stands for, as an article would write them.
_SEATS = {
    "Washington": "United States US USA America American", "White House": "United States US America American",
    "Pentagon": "United States US America American", "Moscow": "Russia Russian", "Kremlin": "Russia Russian",
    "Beijing": "China Chinese", "Kyiv": "Ukraine Ukrainian", "Kiev": "Ukraine Ukrainian",
    "London": "United Kingdom UK Britain British", "Whitehall": "United Kingdom UK Britain British",
    "Downing Street": "United Kingdom UK Britain British", "Paris": "France French",
    "Élysée": "France French", "Elysee": "France French", "Berlin": "Germany German",
    "Brussels": "European Union EU Belgium Belgian NATO", "Rome": "Italy Italian", "Madrid": "Spain Spanish",
    "Lisbon": "Portugal Portuguese", "The Hague": "Netherlands Dutch", "Amsterdam": "Netherlands Dutch",
    "Vienna": "Austria Austrian", "Bern": "Switzerland Swiss", "Warsaw": "Poland Polish",
    "Prague": "Czech Czechia", "Budapest": "Hungary Hungarian", "Bucharest": "Romania Romanian",
    "Sofia": "Bulgaria Bulgarian", "Athens": "Greece Greek", "Ankara": "Turkey Turkish Türkiye",
    "Stockholm": "Sweden Swedish", "Oslo": "Norway Norwegian", "Helsinki": "Finland Finnish",
    "Copenhagen": "Denmark Danish", "Dublin": "Ireland Irish", "Tallinn": "Estonia Estonian",
    "Riga": "Latvia Latvian", "Vilnius": "Lithuania Lithuanian", "Minsk": "Belarus Belarusian",
    "Chisinau": "Moldova Moldovan", "Belgrade": "Serbia Serbian", "Zagreb": "Croatia Croatian",
    "Sarajevo": "Bosnia Bosnian", "Pristina": "Kosovo", "Tirana": "Albania Albanian",
    "Skopje": "North Macedonia Macedonian", "Tbilisi": "Georgia Georgian", "Yerevan": "Armenia Armenian",
    "Baku": "Azerbaijan Azerbaijani Azeri", "Tehran": "Iran Iranian", "Baghdad": "Iraq Iraqi",
    "Damascus": "Syria Syrian", "Beirut": "Lebanon Lebanese", "Amman": "Jordan Jordanian",
    "Jerusalem": "Israel Israeli", "Tel Aviv": "Israel Israeli", "Riyadh": "Saudi Arabia Saudi",
    "Abu Dhabi": "United Arab Emirates UAE Emirati", "Doha": "Qatar Qatari", "Muscat": "Oman Omani",
    "Sanaa": "Yemen Yemeni", "Cairo": "Egypt Egyptian", "Tripoli": "Libya Libyan", "Tunis": "Tunisia Tunisian",
    "Algiers": "Algeria Algerian", "Rabat": "Morocco Moroccan", "Khartoum": "Sudan Sudanese",
    "Addis Ababa": "Ethiopia Ethiopian African Union AU", "Nairobi": "Kenya Kenyan", "Abuja": "Nigeria Nigerian",
    "Pretoria": "South Africa South African", "Kinshasa": "Congo Congolese", "Kigali": "Rwanda Rwandan",
    "Bamako": "Mali Malian", "Niamey": "Niger Nigerien", "Ouagadougou": "Burkina Faso Burkinabe",
    "Dakar": "Senegal Senegalese", "Mogadishu": "Somalia Somali", "Kabul": "Afghanistan Afghan",
    "Islamabad": "Pakistan Pakistani", "New Delhi": "India Indian", "Delhi": "India Indian",
    "Dhaka": "Bangladesh Bangladeshi", "Kathmandu": "Nepal Nepalese", "Colombo": "Sri Lanka Sri Lankan",
    "Tokyo": "Japan Japanese", "Seoul": "South Korea Korea Korean", "Pyongyang": "North Korea Korea Korean",
    "Taipei": "Taiwan Taiwanese", "Hanoi": "Vietnam Vietnamese", "Bangkok": "Thailand Thai",
    "Manila": "Philippines Philippine Filipino", "Jakarta": "Indonesia Indonesian",
    "Kuala Lumpur": "Malaysia Malaysian", "Singapore": "Singapore Singaporean", "Naypyidaw": "Myanmar Burma",
    "Canberra": "Australia Australian", "Wellington": "New Zealand", "Ottawa": "Canada Canadian",
    "Mexico City": "Mexico Mexican", "Havana": "Cuba Cuban", "Caracas": "Venezuela Venezuelan",
    "Bogotá": "Colombia Colombian", "Bogota": "Colombia Colombian", "Brasília": "Brazil Brazilian",
    "Brasilia": "Brazil Brazilian", "Buenos Aires": "Argentina Argentine Argentinian",
    "Santiago": "Chile Chilean", "Lima": "Peru Peruvian", "Astana": "Kazakhstan Kazakh",
    "Tashkent": "Uzbekistan Uzbek", "Bishkek": "Kyrgyzstan Kyrgyz", "Dushanbe": "Tajikistan Tajik",
    "Ashgabat": "Turkmenistan Turkmen", "Ulaanbaatar": "Mongolia Mongolian", "Vatican": "Holy See Pope",
}
# Names of more than one word in the table above, kept whole.
_MULTI = ("United States", "United Kingdom", "European Union", "Saudi Arabia", "United Arab Emirates",
          "South Africa", "South African", "South Korea", "North Korea", "Sri Lanka", "Sri Lankan", "New Zealand",
          "North Macedonia", "Burkina Faso", "Holy See", "African Union")
# The states (and unions of states) named in two words or more, with places that speak as one ("Hong Kong"), for
# readers outside this module (rag.keypoints.named_bodies: no company or group).
MULTI_WORD_STATES = (*_MULTI, "Costa Rica", "Sierra Leone", "Ivory Coast", "El Salvador", "East Timor",
                     "Papua New Guinea", "Hong Kong", "Gaza Strip", "West Bank", "South Sudan", "Czech Republic",
                     "Dominican Republic")


def _phrases(state: str) -> tuple[str, ...]:
    for multi in _MULTI:
        state = state.replace(multi, multi.replace(" ", "_"))
    return tuple(name.replace("_", " ") for name in state.split())


_STATES = {seat: _phrases(state) for seat, state in _SEATS.items()}
_BY_STEMS = {tuple(terms(seat)): _STATES[seat] for seat in _SEATS}
# Every state name of the table, stemmed ("china", "russian"): a word a reaction question may type in lower case.
# (Single-word names only: "union" of "European Union" is also a trade union.)
STATE_NAMES = frozenset(t for names in _STATES.values() for name in names if " " not in name for t in terms(name))
# One state's one-word names ("France", "French"; "Netherlands", "Dutch"), stemmed: a question that says
# "the French government" names France. (Not the seats that stand for several bodies: Brussels, Addis Ababa.)
def _one_word_forms() -> dict[str, frozenset[str]]:
    forms: dict[str, frozenset[str]] = {}
    for state in _STATES.values():
        if any(" " in name and name.endswith("Union") or name in ("NATO", "AU") for name in state):
            continue
        group = frozenset(t for name in state if " " not in name for t in terms(name))
        for t in group:
            forms[t] = forms.get(t, frozenset()) | group
    return forms


_FORMS = _one_word_forms()


def state_forms(stem: str) -> frozenset[str]:
    """The stemmed one-word names of the state a stemmed name stands for ("french" → france, french); empty if
    it is none.

    Example:
        >>> sorted(state_forms("dutch"))
        ['dutch', 'netherland']
    """
    return _FORMS.get(stem, frozenset())


# The combining forms of compound adjectives ("Sino-Russian", "Anglo-American", "Franco-German"): their state.
_COMBINING = {form: terms(state)[0] for form, state in (
    ("sino", "China"), ("anglo", "Britain"), ("franco", "France"), ("indo", "India"), ("russo", "Russia"),
    ("turco", "Turkey"), ("greco", "Greece"), ("austro", "Austria"), ("italo", "Italy"), ("nippo", "Japan"),
    ("polono", "Poland"), ("hispano", "Spain"), ("luso", "Portugal"), ("afro", "Africa"))}


def combined_state(form: str) -> str | None:
    """The stemmed state a combining form stands for ("sino" → china); None if it is none.

    Example:
        >>> combined_state("franco"), combined_state("galdor")
        ('franc', None)
    """
    return _COMBINING.get(form)


# A seat that is part of a longer name ("George Washington", "Washington Post") or a place ("strikes on Kyiv").
_SEAT = re.compile(r"\b(?:" + "|".join(re.escape(seat) for seat in sorted(_SEATS, key=len, reverse=True)) + r")\b")
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|on|at|to|of|into|from|near|over|around|across|toward|towards)|"
                           r"\b[A-Z][\w’'-]*)\s+$")


def seat_of(phrase: str) -> tuple[str, ...]:
    """The names of the state that the capital or seat ``phrase`` stands for (as written); empty if none."""
    return _BY_STEMS.get(tuple(terms(phrase)), ())


def seats_named(text: str) -> dict[str, tuple[str, ...]]:
    """The capitals and seats ``text`` names as actors, each with its state's names.

    Not a seat inside a longer name ("George Washington", "the Washington Post") or after a preposition ("the
    strikes on Kyiv": a place).

    Example:
        >>> seats_named("How did Paris and the White House react to the strikes on Kyiv?")
        {'Paris': ('France', 'French'), 'White House': ('United States', 'US', 'America', 'American')}
        >>> seats_named("How did George Washington respond?")
        {}
    """
    found = {}
    for match in _SEAT.finditer(text):
        before, after = text[max(0, match.start() - 30):match.start()], text[match.end():match.end() + 2]
        if _PLACE_BEFORE.search(before) or re.match(r" [A-Z]", after):
            continue
        found[match.group(0)] = seat_of(match.group(0))
    return found


def states_stated(state: tuple[str, ...], text: str) -> bool:
    """Does ``text`` write one of the state's names as a whole name ("United States", not "the state")?

    Example:
        >>> states_stated(seat_of("Washington"), "The state grid operator called for help.")
        False
    """
    return any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in state)
