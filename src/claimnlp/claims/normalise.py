"""Small documented rule sets the claim layer uses: population heads, hedges, actors, topics.

Each is a lexicon over words the spec and the guidelines already name, so they
apply to any country's narrative (nationalities are recognised by the demonym
pattern of the rule pipeline's POPULATION patterns, not by a list of this corpus's
countries).
"""

from __future__ import annotations

import re

HEADS = {
    "victims": "victims", "victim": "victims", "survivors": "victims", "survivor": "victims",
    "girls": "girls", "girl": "girls", "boys": "boys", "boy": "boys",
    "children": "children", "child": "children", "minors": "children", "minor": "children",
    "adults": "adults", "adult": "adults", "women": "women", "woman": "women", "females": "women",
    "men": "men", "man": "men", "males": "men",
    "migrants": "migrants", "migrant": "migrants", "workers": "workers", "worker": "workers",
    "refugees": "refugees", "persons": "persons", "individuals": "persons", "people": "persons",
}
QUALIFIERS = ("suspected", "potential", "possible", "presumed", "alleged", "identified", "confirmed",
              "certified", "unidentified", "official")
HEDGE_WORDS = ("suspected", "potential", "possible", "presumed", "alleged", "reportedly", "estimated",
               "approximately", "about", "around", "roughly", "nearly", "almost", "at least", "more than",
               "over", "up to", "some")
DEMONYM = re.compile(r"^(?:[A-Z][a-z]+(?:an|ian|ese|i|ish|ch|ic|ean|er|ite|ine|ot|k|z)|Thai|Lao|Roma|Rohingya)$")

# Topic rules: the first topic with a keyword in the claim (then its sentence) wins, in this order.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("complicity", ("complicit", "complicity", "corrupt", "bribe", "impunity")),
    ("funding", ("fund", "budget", "resources", "financial", "allocat", "spent", "spend")),
    ("victim identification", ("identif", "screen", "referr", "refer ")),
    ("shelter and services", ("shelter", "service", "care", "assistance", "protect", "reintegrat",
                              "rehabilitat", "repatriat", "restitution", "compensation")),
    ("prosecution and convictions", ("prosecut", "convict", "investigat", "sentenc", "penalt", "court",
                                     "judicia", "law enforcement", "arrest", "punish", "trial", "legal")),
    ("coordination", ("coordinat", "cooperat", "interagency", "inter-agency", "committee", "task force",
                      "working group", "partnership", "collaborat")),
    ("prevention", ("prevent", "awareness", "campaign", "recruit", "labor migration", "inspect", "train",
                    "hotline", "demand", "minimum standards", "tier", "efforts")),
)
SECTIONS = {"prosecution": "prosecution", "protection": "protection", "prevention": "prevention",
            "overview": "overview", "mixed": "overview", "recommendations": "overview", "profile": "profile"}
ACTOR_WORDS = ("government", "authorities", "officials", "police", "prosecutors", "judges", "courts",
               "law enforcement", "ministry", "the state", "labor inspectors", "shelters", "services")


def population_head(text: str) -> tuple[str, str | None, list[str]]:
    """``(head, nationality, qualifiers)`` of a POPULATION span: ``Venezuelan adults`` -> adults, Venezuelan."""
    words = text.replace("-", " ").split()
    lower = [w.lower() for w in words]
    head_word = lower[-1]
    if "of" in lower:  # victims of forced labor: the head precedes "of"
        head_word = lower[lower.index("of") - 1] if lower.index("of") > 0 else head_word
    head = HEADS.get(head_word, head_word)
    nationality = next((w for w in words if DEMONYM.match(w)), None)
    if nationality is None and "foreign" in lower:
        nationality = "foreign"
    qualifiers = [w for w in lower if w in QUALIFIERS]
    return head, nationality, qualifiers


def hedges(quantity_text: str, population_text: str, sentence: str) -> list[str]:
    """The hedging words that qualify a figure: its bound, its group's qualifier, the sentence's ``reportedly``."""
    found = []
    q, p, s = quantity_text.lower(), population_text.lower(), sentence.lower()
    for w in HEDGE_WORDS:
        if q.startswith(w + " ") or re.search(rf"\b{w}\b", p) or (w in ("reportedly", "estimated") and
                                                                  re.search(rf"\b{w}\b", s)):
            found.append(w)
    return found


def topic(claim_text: str, sentence: str) -> str:
    for text in (claim_text.lower(), sentence.lower()):
        for name, keys in TOPICS:
            if any(k in text for k in keys):
                return name
    return "other"


def section(meta_section: str | None) -> str:
    return SECTIONS.get((meta_section or "").lower(), "overview")
