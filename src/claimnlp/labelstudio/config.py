"""The Label Studio labeling config, generated from the schema so the two cannot drift apart.

Control tag names here are the contract with ``convert``: ``label`` (spans),
``polarity`` (per-region choice on ASSESSMENT), ``value`` (per-region number on
QUANTITY) and relations labelled ``counts``; the object tag is ``text``.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..schema import CLAIM_LABEL, LABELS, POLARITIES, RELATION_LABEL

SPAN_TAG, POLARITY_TAG, VALUE_TAG, TEXT_TAG = "label", "polarity", "value", "text"

# Distinct, colour-blind-safe (Okabe-Ito) backgrounds, one per label.
COLOURS = {"ORG": "#0072B2", "QUANTITY": "#E69F00", "POPULATION": "#009E73", "ASSESSMENT": "#CC79A7"}

HINTS = {
    "ORG": "ministries, police units, courts, NGOs, international organisations",
    "QUANTITY": "how many / how much: counts, amounts, sentences; record the value",
    "POPULATION": "groups of people: victims, girls, Venezuelan adults, LGBTI persons",
    "ASSESSMENT": "an evaluative claim about performance; choose its polarity",
}


def labeling_config() -> str:
    """The XML a project is created with.

    The ``Text`` view keeps whitespace (``pre-wrap``) so what annotators see lines up
    with the offsets: double spaces and line breaks are characters of the passage.
    """
    labels = "\n".join(
        f"    <Label value={quoteattr(lab)} background={quoteattr(COLOURS[lab])} hint={quoteattr(HINTS[lab])}/>"
        for lab in LABELS
    )
    choices = "\n".join(f"      <Choice value={quoteattr(p)}/>" for p in POLARITIES)
    return f"""<View>
  <Style>.claimnlp-text {{ white-space: pre-wrap; }}</Style>
  <Relations>
    <Relation value="{RELATION_LABEL}"/>
  </Relations>
  <Labels name="{SPAN_TAG}" toName="{TEXT_TAG}">
{labels}
  </Labels>
  <View className="claimnlp-text">
    <Text name="{TEXT_TAG}" value="$text" granularity="symbol"/>
  </View>
  <View visibleWhen="region-selected" whenTagName="{SPAN_TAG}" whenLabelValue="{CLAIM_LABEL}">
    <Header value="Polarity of this assessment"/>
    <Choices name="{POLARITY_TAG}" toName="{TEXT_TAG}" perRegion="true" choice="single" required="false">
{choices}
    </Choices>
  </View>
  <View visibleWhen="region-selected" whenTagName="{SPAN_TAG}" whenLabelValue="QUANTITY">
    <Header value="Value (the number as written; empty for ranges)"/>
    <Number name="{VALUE_TAG}" toName="{TEXT_TAG}" perRegion="true"/>
  </View>
</View>
"""
