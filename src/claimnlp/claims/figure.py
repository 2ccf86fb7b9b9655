"""What one figure measures, read off its sentence's dependency parse: unit, metric, source and year basis.

The rules follow docs/claims-taxonomy.md and read word lists from ``data/statistics.json``
(no country or body names: currency words, metric verbs and nouns, actor words). They
walk the parse that the pipeline's ``parser`` (sourced from the stock English
pipeline) assigns: from the figure to the noun it counts (``765 victims``), then up
its heads to the verb that says what was done (``identifying``, ``prosecuted``,
``referred``), and to the subject of that verb or of a reporting verb above it
(``The national police database ... recorded``). A doc without a parse has every
token as its own head, so only the figure's own words and the sentence's words count.
Nothing here is learned; the parser is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

DATA = Path(__file__).parent / "data" / "statistics.json"
YEAR = re.compile(r"^(?:19|20)\d\d$")
CLAUSE_DEPS = ("ROOT", "ccomp", "xcomp", "advcl", "acl", "relcl", "conj", "pcomp", "csubj", "parataxis")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The word lists, loaded once."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _stem(word: str, stems: list[str]) -> bool:
    return any(word.startswith(s) for s in stems)


def _phrase(words: str, phrases: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}", words) for p in phrases)


@dataclass
class Figure:
    """The fields of one QUANTITY that its sentence decides; the claim layer adds role, parent and comparison."""

    unit: str | None
    metric: str | None  # None: the figure's own words and heads name no metric (a part may take its total's)
    source: str | None
    chain: list[Token]  # the counted noun (else the figure's root) and its heads: the walk up the parse
    copular: bool  # the figure is the subject of "were"/"was": a breakdown of an earlier total


def plural(word: str) -> str:
    """A counted noun as the taxonomy writes units: lowercase plural (``one boy`` -> ``boys``)."""
    lex = lexicon()
    w = word.lower()
    if w in lex["irregular_plurals"]:
        return str(lex["irregular_plurals"][w])
    if w in lex["plural_only"] or w.endswith("s"):
        return w
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + ("es" if w.endswith(("x", "ch", "sh")) else "s")


def currency(q: Span) -> str | None:
    """ISO 4217 code of a money figure, from a symbol, a code or a currency word in or right after it."""
    lex = lexicon()
    doc = q.doc
    after = doc[q.end : min(q.end + 2, len(doc))]
    if len(after) == 2 and after[0].is_title and after[0].is_alpha:  # "19.7 million Serbian dinars"
        after = doc[q.end + 1 : q.end + 2]
    window = list(q) + list(after)
    before = doc[q.start - 1] if q.start > 0 else None
    if before is not None and before.text in lex["iso_codes"]:
        return before.text
    for i, t in enumerate(window):
        if t.text in lex["iso_codes"]:
            return t.text
        low = t.lower_
        if low in ("dollars", "dollar"):
            prefix = " ".join(x.lower_ for x in doc[max(t.i - 3, 0) : t.i])
            return next((code for name, code in lex["dollar_prefixes"].items() if prefix.endswith(name)), "USD")
        for sym in ("us$", "$", "€", "£", "¥"):
            if t.i < q.end and low.startswith(sym):
                return str(lex["currency_words"][sym])
        if low in lex["currency_words"] and (t.i < q.end or i == len(q)):
            return str(lex["currency_words"][low])
    return None


def _anchor(q: Span, population: Span | None) -> Token:
    if population is not None:
        return population.root
    root = q.root
    head = root.head
    doc = q.doc
    nxt = doc[q.end] if q.end < len(doc) else None
    if nxt is not None and nxt.lower_.endswith("ed") and any(
            _stem(nxt.lower_, stems) for stems in lexicon()["metric_verbs"].values()):
        return root  # "114 received care": a verb right after the figure, whatever the parser made of it
    if head.i != root.i and not (q.start <= head.i < q.end) and root.dep_ in (
            "nummod", "quantmod", "amod", "compound", "det", "npadvmod", "nmod") and head.is_alpha:
        return head
    return root


def _unit(q: Span, anchor: Token, population: Span | None, money: str | None) -> str | None:
    lex = lexicon()
    if money:
        return money
    after = [q.doc[q.end]] if q.end < len(q.doc) else []  # "four to eight years imprisonment"
    for t in list(q) + ([anchor] if anchor.i >= q.end else []) + after:
        word = t.lower_.rstrip("’'")
        if word in lex["unit_words"]:
            return str(lex["unit_words"][word])
    if population is not None:
        words = [w for w in population.text.replace("-", " ").split() if w]
        lower = [w.lower() for w in words]
        head = lower[lower.index("of") - 1] if "of" in lower[1:] else lower[-1]
        return plural(head)
    if anchor.i >= q.end or anchor.i < q.start:
        return plural(anchor.text)
    noun = _counted_elsewhere(q)
    return plural(noun.text) if noun is not None else None


COPULAS = ("were", "was", "are", "is", "be", "been")


def copular_subject(q: Span, anchor: Token) -> bool:
    """``Eighteen victims were children``, ``21 were women``: the figure is the subject of a copula, which in
    these reports breaks down a total stated before (taxonomy decision 14)."""
    for t in (q.root, anchor):
        if t.dep_ in SUBJECT_DEPS and (t.head.lower_ in COPULAS or any(
                c.dep_ in ("auxpass", "aux") and c.lower_ in COPULAS for c in t.head.children)):
            return True
    return False


def _counted_elsewhere(q: Span) -> Token | None:
    """The noun a bare figure counts: ``23 were victims`` (copula), ``130, 249, and 964 victims`` (a conjoined
    figure's noun)."""
    root = q.root
    head = root.head
    if root.dep_ in SUBJECT_DEPS and head.lower_ in COPULAS + ("included",):
        attr = next((c for c in head.children if c.dep_ in ("attr", "dobj")), None)
        if attr is not None and attr.is_alpha:
            return attr
    for t in list(root.conjuncts):
        if t.dep_ in ("nummod", "quantmod") and t.head.is_alpha and t.head.i > t.i:
            return t.head
    return None


def _chain(anchor: Token, limit: int = 8) -> list[Token]:
    """The anchor and its heads up to the sentence root."""
    out = [anchor]
    t = anchor
    while t.head.i != t.i and len(out) < limit:
        t = t.head
        out.append(t)
    return out


def _metric(q: Span, anchor: Token, unit: str | None, money: str | None, chain: list[Token]) -> str | None:
    lex = lexicon()
    sent = q.sent
    clause = " ".join(t.lower_ for t in chain) + " " + sent.text.lower()
    # a penalty the law prescribes, not one a court imposed: the sentence speaks of the law and no verb over
    # the figure says it was imposed ("prescribed penalties of five to 10 years' imprisonment and a fine of ...")
    law = _phrase(sent.doc[sent.start : q.end].text.lower(), lex["law_words"])
    imposed = any(_stem(t.lower_, lex["imposed_words"]) for t in chain[1:])
    if money:
        if _phrase(clause, lex["restitution_words"]):
            return "restitution"
        if law and not imposed:
            return "statutory_penalty"
        if _phrase(clause, lex["fine_words"]):
            return "sentences"
        return "funding"
    if unit in ("years", "months", "days", "weeks"):
        if law and not imposed:
            return "statutory_penalty"
        path = " ".join(t.lower_ for t in chain)
        before = sent.doc[sent.start : q.start].text.lower()
        for text in (path, before):
            for words, metric in ((lex["sentence_words"], "sentences"), (lex["penalty_words"], "statutory_penalty")):
                if _phrase(text, words):
                    return metric
        return "other"
    if unit == "percent":
        return "other"
    nouns = {w: m for m, ws in lex["metric_nouns"].items() for w in ws}
    if anchor.lower_ in nouns:
        return nouns[anchor.lower_]
    near = chain[1:3] + [c for t in chain[1:3] for c in t.children if c.dep_ in ("dobj", "nsubj", "pobj")]
    if any(t.lower_ in lex["other_nouns"] for t in near):
        return "other"  # "the total capacity of these seven shelters to 130 children": a capacity, not a count
    # verbs that govern the counted noun: its participles ("81 registered victims", "victims identified in
    # 2018"), relative clauses, then its heads upward
    governing = [c for c in anchor.children if c.dep_ in ("acl", "relcl", "amod")] + chain[1:]
    for t in governing:
        found = _verb_metric(t, unit)
        if found is not None:
            # "identified and referred 200 victims": the first verb, when the figure is its object too (not in
            # "investigated 18 cases, prosecuted 25 traffickers", where each verb has its own)
            shared = t.dep_ == "conj" and not any(c.dep_ in ("dobj", "nummod", "pobj", "prep") for c in t.head.children)
            first = _verb_metric(t.head, unit) if shared else None
            trained = [c for c in t.children if c.dep_ == "dobj" and c.lower_ in lex["metric_nouns"]["officials_trained"]]
            return "officials_trained" if trained else first or found
        low = t.lower_
        if t.lower_ in nouns and t.dep_ not in CLAUSE_DEPS:
            return nouns[t.lower_]
        if _stem(low, lex["facility_verbs"]) and unit in lex["metric_nouns"]["facilities"]:
            return "facilities"
    return None


def _verb_metric(t: Token, unit: str | None) -> str | None:
    """The metric a verb names (``prosecuted`` -> prosecutions); verbs of giving count assistance only when
    what is given is a service (``received shelter``, ``granted 91 passes``; not ``received a warning``)."""
    lex = lexicon()
    low = t.lower_
    for metric, stems in lex["metric_verbs"].items():
        if _stem(low, stems):
            if metric == "victims_assisted" and _stem(low, lex["weak_assist_verbs"]):
                objects = [w for c in t.children if c.dep_ in ("dobj", "attr", "prep", "dative", "oprd")
                           for w in [c, *c.children]]
                if not (_stem(unit or "", lex["service_words"]) or
                        any(_stem(w.lower_, lex["service_words"]) for w in objects)):
                    continue
            return str(metric)
    return None


def _subject_text(subject: Token, orgs: list[Span], q: Span, generic: bool = True) -> str | None:
    """A subject as the source: the ORG inside it, else an actor word's phrase (``the government``), else, if
    ``generic`` (the subject of a verb that reports or does what is counted), its noun phrase when it names who
    acted (``First responders``), never the counted group, the figure itself or a pronoun."""
    lex = lexicon()
    left, right = subject.left_edge.i, subject.right_edge.i + 1
    if left <= q.start < right:
        return None  # "765 victims were identified": the subject is the figure
    inside = [e for e in orgs if left <= e.start and e.end <= right]
    if inside:
        return inside[0].text
    low = subject.lower_
    country = (subject.doc._.meta or {}).get("country")
    if country and subject.doc[left:right].text == country:
        return str(country)  # "Peru participated in a joint operation": the country's government
    if not generic and low not in lex["actor_words"] and low.rstrip("s") not in lex["actor_words"]:
        return None
    if low in lex["pronouns"] or low in lex["victim_units"] or not subject.is_alpha or low in lex["not_actors"]:
        return None
    doc = subject.doc
    first = left
    while first < subject.i and doc[first].dep_ not in ("det", "amod", "compound", "nummod", "nmod"):
        first += 1
    if subject.i + 1 - first > 6:
        return None
    return doc[first : subject.i + 1].text


def _previous_subject(q: Span, orgs: list[Span]) -> str | None:
    """What ``It`` stands for: the subject of the previous sentence's main verb, when it names a body."""
    sent = q.sent
    if sent.start == 0:
        return None
    prev = q.doc[sent.start - 1].sent
    subject = next((c for c in prev.root.children if c.dep_ in SUBJECT_DEPS), None)
    return _subject_text(subject, orgs, q) if subject is not None else None


def _source(q: Span, chain: list[Token], orgs: list[Span], previous: str | None) -> str | None:
    """Who reported the figure: ``according to X``; the subject of the topmost reporting verb over it
    (taxonomy decision 11); the subject or passive agent of the verbs over it; a pronoun subject stands for
    the body named before."""
    lex = lexicon()
    sent = q.sent
    words = [t.lower_ for t in sent]
    for k in range(len(words) - 1):
        if words[k] == "according" and words[k + 1] == "to":
            pobj = next((c for c in sent[k + 1].children if c.dep_ == "pobj"), None)
            found = _subject_text(pobj, orgs, q) if pobj is not None else None
            if found:
                return found
    clauses = [c for c in chain[0].children if c.dep_ in ("acl", "relcl")] + chain[1:]
    verbs = [t for t in clauses if t.dep_ in CLAUSE_DEPS or any(c.dep_ in SUBJECT_DEPS for c in t.children)]
    reporting = [t for t in verbs if _stem(t.lower_, lex["reporting_verbs"])]
    for verb in reporting[::-1] + verbs:
        for c in verb.children:
            if c.dep_ in SUBJECT_DEPS and c.lower_ in lex["pronouns"]:
                return _previous_subject(q, orgs) or previous
            target = c if c.dep_ in SUBJECT_DEPS else next(
                (g for g in c.children if g.dep_ == "pobj"), None) if c.dep_ == "agent" else None
            doer = _stem(verb.lower_, lex["reporting_verbs"]) or _verb_metric(verb, None) is not None
            found = _subject_text(target, orgs, q, generic=doer) if target is not None else None
            if found:
                return found
    return None


def source_type(source: str | None) -> str:
    """``government``, ``ngo``, ``international_organization`` or ``none`` from the source's own words."""
    if source is None:
        return "none"
    lex = lexicon()
    low = f" {source.lower()} "
    if _phrase(low, [f" {w}" for w in lex["international_words"]]):
        return "international_organization"
    if _phrase(low, lex["ngo_words"]):
        return "ngo"
    return "government"


def read_figure(q: Span, population: Span | None, orgs: list[Span], previous_source: str | None) -> Figure:
    """Unit, metric and source of the QUANTITY ``q`` (``population``: the POPULATION it counts, if linked)."""
    money = currency(q)
    anchor = _anchor(q, population)
    unit = _unit(q, anchor, population, money)
    chain = _chain(anchor)
    metric = _metric(q, anchor, unit, money, chain)
    source = _source(q, chain, orgs, previous_source)
    return Figure(unit=unit, metric=metric, source=source, chain=chain, copular=copular_subject(q, anchor))


def is_money(unit: str | None) -> bool:
    """Money units are ISO 4217 codes, or ``unknown`` for a currency word the text does not pin down."""
    return unit == "unknown" or (unit is not None and len(unit) == 3 and unit.isupper())


def same_family(a: str | None, b: str | None) -> bool:
    """Whether two metrics are about the same kind of work (victims, law enforcement, money, ...); a figure
    whose own words name no metric yet is of any family."""
    families = lexicon()["metric_families"]
    return a is None or b is None or families.get(a, a) == families.get(b, b)


def default_metric(unit: str | None) -> str:
    """The metric of a figure whose words, heads and total name none."""
    lex = lexicon()
    if unit in lex["default_metrics"]:
        return str(lex["default_metrics"][unit])
    return "victims_identified" if unit in lex["default_identified_units"] else "other"


def _governs_period(q: Span) -> bool:
    """Whether a ``previous reporting period`` in the sentence is the figure's: it opens the sentence, or no
    comma parts it from the figure (not ``a shelter opened in the previous reporting period, bringing ...``)."""
    sent = q.sent
    for t in sent:
        if t.lower_ in ("period", "year") and t.i > 0 and t.doc[t.i - 1].lower_ in ("reporting", "previous", "prior"):
            lo, hi = sorted((t.i, q.start))
            if t.i - sent.start <= 5 or not any(x.text in (",", ";") for x in t.doc[lo:hi]):
                return True
    return False


def year_basis(q: Span, segment_years: list[int], in_comparison: bool, segment_text: str,
               metric: str | None, unit: str | None) -> str:
    """How the figure's year is known (taxonomy decision 4-5): a year governing it, the report's period, none."""
    lex = lexicon()
    if metric == "statutory_penalty" or (metric == "other" and unit in ("years", "months", "weeks", "days")):
        return "none"  # a prescribed penalty; a duration or age ("within 30 days", "for the first time in 7 years")
    text = segment_text.lower()
    before = q.doc[q.sent.start : q.start].text.lower()
    if re.search(r"\bsince (?:19|20)\d\d\b", text):
        return "none"
    if segment_years:
        return "explicit"
    if _phrase(text, lex["previous_period"]) and (in_comparison or _governs_period(q)):
        return "previous_period"
    if _phrase(before[-60:] + " " + q.text.lower(), lex["no_year_words"]):
        return "none"
    return "previous_period" if in_comparison else "reporting_period"


def years_in(tokens: list[Token]) -> list[int]:
    """Calendar years among tokens, skipping ``since 2015`` (a multi-year span, decision 5) and law names."""
    law_nouns = lexicon()["law_nouns"]
    out = []
    for t in tokens:
        if not YEAR.match(t.text) or (t.i > 0 and t.doc[t.i - 1].lower_ == "since"):
            continue
        if any(x.lower_ in law_nouns for x in t.doc[t.i + 1 : min(t.i + 4, len(t.doc))]):
            continue  # "the 2008 Anti-Trafficking in Persons Act" names a law, not the figure's year
        out.append(int(t.text))
    return out
