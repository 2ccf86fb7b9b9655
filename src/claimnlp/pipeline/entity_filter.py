"""Context rules the entity rulers' patterns cannot express, applied after them.

Token patterns see only the matched tokens; the spec's exclusions depend on the
words around a match: a number after ``Law`` or before ``-year-old`` is no
QUANTITY, ``national police`` is an ORG only as a definite description, ``victim``
before ``services`` is a modifier, not a POPULATION. The word lists are component
config, so a project can tune them in ``config.cfg`` like any spaCy setting.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import require_entities

ID_WORDS = ["law", "laws", "article", "articles", "tier", "decree", "no", "no.", "number", "section", "chapter",
            "resolution", "act", "code", "paragraph", "order", "bill", "clause", "phase", "level", "category",
            "grade", "class", "page", "item", "annex", "provision", "provisions", "regulation", "ordinance",
            "convention", "protocol", "list", "route", "proclamation", "covid", "covid-19", "case", "vol", "chapters",
            "sections", "paragraphs", "decrees", "lines", "line", "district", "zone", "highway", "resolution",
            "table", "tables", "figure", "figures", "chart"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
AGE_BEFORE = ["aged", "age", "ages", "younger", "older", "between"]
AGE_BOUNDS = ["under", "over", "below", "above"]
AGE_NOUNS = ["age", "ages"]
RANGE_WORDS = ["through", "to", "and", "-", "–", "or"]
AGE_LINKS = ["is", "are", "was", "were", "be", "remains", "remained", "at", "from"]  # "the minimum age ... is 16"
RANGE_VERBS = ["range", "ranged", "ranges", "ranging", "varied", "vary", "varies", "varying"]
TIMES = ["a.m.", "p.m.", "am", "pm", "a.m", "p.m", "o'clock"]
CITATION_SEPARATORS = {";", ",", "-", "–"}
SENTENCE_END = {".", "!", "?", ";", ":"}
DEFINITE = ["the", "its", "their", "his", "her", "our", "’s", "'s", "whose"]
MODIFIEE = ["identification", "services", "service", "protection", "assistance", "care", "support", "shelter",
            "shelters", "statistics", "data", "screening", "referral", "rights", "compensation", "restitution",
            "witness", "witnesses", "testimony", "testimonies", "labor", "labour", "marriage", "marriages",
            "pornography", "abuse", "sex", "sexual", "exploitation", "trafficking", "tourism", "begging", "centers",
            "centres", "center", "centre", "homes", "home", "advocates", "advocacy", "hotline", "fund", "funds",
            "outreach", "interviews", "interview", "needs", "status", "visas", "visa", "participation", "smuggling",
            "recruitment", "trafficker", "traffickers", "rehabilitation", "reintegration", "unit", "units", "policy",
            "policies", "procedures", "protocol", "protocols", "welfare", "benefits", "compensation", "soldiering",
            "soldier", "prostitution", "mortality", "custody", "courts", "court", "friendly", "-", "sensitive",
            "centered", "centred", "survivor", "victim", "care", "coordinator", "coordinators", "liaison", "psychologists",
            "safety", "health", "education", "grooming", "brides", "bride", "workers", "referrals", "applications",
            "camp", "camps", "vulnerability", "case", "cases", "registry", "’s", "'s", "’", "'"]
AS_JOB = ["as"]
# the last word of a defined name that makes its acronym no ORG: ``Prevention of Trafficking in Persons Act
# (PTPA)`` is a law, ``Memorandum of Understanding (MOU)`` a document, ``Child Protection Units (CPUs)`` many
# bodies (guidelines O5, O10)
NOT_ORG_HEADS = ["act", "law", "code", "decree", "bill", "plan", "strategy", "program", "programme", "policy",
                 "protocol", "convention", "mechanism", "fund", "fleet", "database", "hotline", "system", "zone",
                 "region", "airport", "framework", "understanding", "certificate", "procedures", "guidelines",
                 "units", "centers", "centres", "committees", "offices", "courts", "commissions", "teams", "groups",
                 "agencies", "councils", "directorates", "departments", "shelters", "forces", "networks"]
YEAR = re.compile(r"^(?:19|20)\d\d$")


def _prev(doc: Doc, span: Span, k: int = 1) -> Token | None:
    i = span.start - k
    return doc[i] if i >= 0 else None


def _next(doc: Doc, span: Span, k: int = 1) -> Token | None:
    i = span.end + k - 1
    return doc[i] if i < len(doc) else None


def _low(tok: Token | None) -> str:
    return tok.lower_ if tok is not None else ""


def _is_heading(doc: Doc, ent: Span) -> bool:
    """An all-caps word of a title line (``PAPUA NEW GUINEA: TIER 2``), not an acronym."""
    prev, nxt = _prev(doc, ent), _next(doc, ent)
    caps_word = lambda t: t is not None and t.is_alpha and t.is_upper and len(t) > 1  # noqa: E731
    return (caps_word(prev) or caps_word(nxt) or (nxt is not None and (nxt.text in (":", "(") or "\n" in nxt.text_with_ws))
            or (prev is not None and "\n" in prev.text_with_ws and (nxt is None or nxt.is_space)))


def _citation(doc: Doc, ent: Span) -> bool:
    """A source citation: a bracketed group of numbers alone, after a sentence end (``agriculture. (7)``) or a list or
    range (``(1; 2; 3)``, ``(1-4)``), as the Labor Department's findings cite their sources."""
    group = lambda t: t.text in CITATION_SEPARATORS or (t.is_digit and len(t) <= 3)  # noqa: E731
    if not all(group(t) for t in ent):
        return False
    i, j = ent.start - 1, ent.end
    while i >= 0 and group(doc[i]):
        i -= 1
    while j < len(doc) and group(doc[j]):
        j += 1
    if i < 0 or j >= len(doc) or doc[i].text not in ("(", "[") or doc[j].text not in (")", "]"):
        return False
    separated = any(t.text in CITATION_SEPARATORS for t in doc[i + 1:j])
    return separated or (i > 0 and doc[i - 1].text in SENTENCE_END)


def _change_ends(doc: Doc, ent: Span) -> list[Span]:
    """``increased ... from 4 to 11`` states two figures, a change, not a range: its ends, as two QUANTITY spans;
    ``ranged from five to 20`` stays one range (guidelines Q3); any other entity is returned as it is."""
    link = next((t.i for t in ent if t.lower_ in ("to", "-", "–")), None)
    if (ent.label_ != "QUANTITY" or link is None or link in (ent.start, ent.end - 1) or _low(_prev(doc, ent)) != "from"
            or _low(_prev(doc, ent, 2)) in RANGE_VERBS):
        return [ent]
    return [Span(doc, ent.start, link, label="QUANTITY"), Span(doc, link + 1, ent.end, label="QUANTITY")]


def _table_age(doc: Doc, ent: Span) -> bool:
    """The age column of a statistics table (``Working (% and population) | 7 to 14 | 11.0``): a range of child ages
    in a table row, that is followed on its line by a figure, a cell bar or the end of the line."""
    ends = [t for t in ent if t.like_num]
    if len(ends) != 2 or not all(t.is_digit and int(t.text) <= 18 for t in ends):
        return False
    nxt = _next(doc, ent)
    return nxt is None or nxt.like_num or nxt.text == "|" or "\n" in ent[-1].whitespace_ or "\n" in nxt.text


class EntityFilter:
    """Drops ruler matches that the spec's context rules exclude; see the module docstring."""

    def __init__(self, nlp: Language, name: str, id_words: list[str], definite: list[str], modifiee: list[str],
                 propagate_acronyms: bool, not_org_heads: list[str]) -> None:
        self.name = name
        self.id_words = set(id_words)
        self.definite = set(definite)
        self.modifiee = set(modifiee)
        self.propagate_acronyms = propagate_acronyms
        self.not_org_heads = set(not_org_heads)

    def __call__(self, doc: Doc) -> Doc:
        require_entities(doc, self.name)
        kept = [part for e in doc.ents if self.keep(doc, e) for part in _change_ends(doc, e)]
        if self.propagate_acronyms:
            kept = self._acronyms(doc, kept)
        doc.ents = kept
        return doc

    def keep(self, doc: Doc, ent: Span) -> bool:
        if ent.label_ == "QUANTITY":
            return self._keep_quantity(doc, ent)
        if ent.label_ == "ORG":
            return self._keep_org(doc, ent)
        if ent.label_ == "POPULATION":
            return self._keep_population(doc, ent)
        return True

    def _keep_quantity(self, doc: Doc, ent: Span) -> bool:
        text = ent.text
        if any(YEAR.match(t.text) or re.fullmatch(r"\d{5,}", t.text) for t in ent):
            return False  # years; long digit strings without commas are identifiers
        before, after, after2 = _low(_prev(doc, ent)), _low(_next(doc, ent)), _low(_next(doc, ent, 2))
        if before in self.id_words or before.rstrip(".") in self.id_words or before in MONTHS or after in MONTHS:
            return False
        if before == "-" and (prev2 := _prev(doc, ent, 2)) is not None and prev2.is_alpha:
            return False  # COVID-19 style identifiers
        if after == "-" and after2 in ("year", "years", "month", "months") and _low(_next(doc, ent, 4)) == "old":
            return False  # 18-year-old: an age (but "three-year plan" is a length: kept)
        if after in ("year", "years") and _low(_next(doc, ent, 2)) in ("old", "of"):
            return False
        first = ent[0].lower_
        if before in AGE_BEFORE or (before == "than" and _low(_prev(doc, ent, 2)) in ("younger", "older")):
            return False
        if self._age(doc, ent, before) or _citation(doc, ent) or after in TIMES or _table_age(doc, ent):
            return False
        if first in AGE_BOUNDS and ((nxt := _next(doc, ent)) is None or not nxt.is_alpha or after in ("years", "year")):
            return False  # under 18 / over 18 years: an age limit
        if first in ("one",) and len(ent) == 1 and (after in ("of", "another", "-") or before == "no"):
            return False
        if ent[-1].lower_ in ("half", "third", "thirds", "quarter", "quarters", "fifth", "fifths") and after != "of":
            return False  # "the second half", "a third country": not a fraction of a group
        return text.lower() not in ("some", "about", "over")

    @staticmethod
    def _age(doc: Doc, ent: Span, before: str) -> bool:
        """The other end of an age range (``ages 15 through 17``, ``the ages of 18 and 21``) or an age limit stated
        with a copula (``the minimum age for hazardous work is 18 years``)."""
        prev2, prev3 = _prev(doc, ent, 2), _prev(doc, ent, 3)
        if before in RANGE_WORDS and prev2 is not None and prev2.like_num and _low(prev3) in AGE_BEFORE:
            return True
        if before == "of" and _low(prev2) in AGE_NOUNS:
            return True
        if before == "as" and _low(prev2) in ("young", "old"):
            return True  # "as young as 10"
        k = 0 if ent[0].lower_ in AGE_LINKS else 2 if before.endswith("ly") else 1  # "from 10 to 14", "is generally 16"
        if (k and _low(_prev(doc, ent, k)) not in AGE_LINKS) or ((nxt := _next(doc, ent)) is not None and nxt.is_alpha
                                                       and nxt.lower_ not in ("years", "year", "although", "but")):
            return False
        for i in range(ent.start - k - 1, max(ent.start - k - 8, -1), -1):
            if doc[i].lower_ in AGE_NOUNS:
                return True
            if doc[i].like_num or doc[i].is_punct:
                return False
        return False

    def _keep_org(self, doc: Doc, ent: Span) -> bool:
        before = _low(_prev(doc, ent))
        if len(ent) == 1 and (ent[0].is_upper or ent.text[-1] == "s"):
            return not _is_heading(doc, ent) and not ent.text.endswith("s")  # "PERU: Tier 2"; plural "RICs"
        if len(ent) == 1 or not (ent[0].is_title or ent[0].is_upper):
            return before in self.definite  # "the ministry", "the national police"; not "police", "a unit"
        return True

    def _keep_population(self, doc: Doc, ent: Span) -> bool:
        after = _low(_next(doc, ent))
        if after in self.modifiee:
            return False
        return not (_low(_prev(doc, ent)) in AS_JOB and ent[-1].lower_ in ("workers", "worker", "laborers", "domestics"))

    def _acronyms(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """The document's own definitions decide what an acronym is: ``Name (ACR)`` with Name an ORG makes every
        ``ACR`` an ORG; any other Name ending in a word of ``not_org_heads`` (a law, a plan, plural bodies) makes
        it none, whatever the rulers or ``ner`` said."""
        orgs_end = {e.end for e in ents if e.label_ == "ORG"}
        acronyms, not_orgs = set(), set()
        for i, t in enumerate(doc[1:-2], start=1):
            if t.text == "(" and doc[i + 2].text == ")" and doc[i + 1].is_upper and len(doc[i + 1]) > 1:
                if i in orgs_end:
                    acronyms.add(doc[i + 1].text)
                elif doc[i - 1].lower_ in self.not_org_heads and doc[i - 1].is_title:
                    not_orgs.add(doc[i + 1].text)
        acronyms -= not_orgs
        if not_orgs:
            ents = [e for e in ents if not (e.label_ == "ORG" and e.text in not_orgs)]
        if not acronyms:
            return ents
        taken = {i for e in ents for i in range(e.start, e.end)}
        extra = [Span(doc, t.i, t.i + 1, label="ORG") for t in doc if t.text in acronyms and t.i not in taken]
        return sorted(ents + extra, key=lambda e: e.start)


@Language.factory(
    "claimnlp_entity_filter",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    requires=["doc.ents"],
    default_config={"id_words": ID_WORDS, "definite": DEFINITE, "modifiee": MODIFIEE, "propagate_acronyms": True,
                    "not_org_heads": NOT_ORG_HEADS},
)
def make_entity_filter(nlp: Language, name: str, id_words: list[str], definite: list[str], modifiee: list[str],
                       propagate_acronyms: bool, not_org_heads: list[str]) -> EntityFilter:
    return EntityFilter(nlp, name, id_words, definite, modifiee, propagate_acronyms, not_org_heads)
