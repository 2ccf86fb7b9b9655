"""The claims dashboard (claimnlp.claims.report.render): offline, escaped, linked, and filtered in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimnlp.claims.extract import COLUMNS
from claimnlp.claims.report import evidence_id, render

EVIL = "</script><script>alert(1)</script>"


def stat(doc: str, country: str, report_year: int, metric: str, value: float, ref_year: int, role: str = "main",
         prefix: str = "Police identified ", suffix: str = " victims.") -> dict:
    """One statistic row with every column, the figure at its place in the sentence."""
    figure = f"{value:,.0f}"
    sentence = prefix + figure + suffix
    s0 = 100
    start = s0 + len(prefix)
    row = dict.fromkeys(COLUMNS)
    row.update(claim_id=f"{doc}:{start}-{start + len(figure)}", claim_type="statistic", doc_id=doc, country=country,
               report_year=report_year, section="protection", sentence_start=s0, sentence_end=s0 + len(sentence),
               start=start, end=start + len(figure), text=figure, sentence=sentence, value=value, metric=metric,
               unit="victims", role=role, reference_year=ref_year, year_basis="explicit", source_org="the police",
               source_type="government")
    return row


def assessment(doc: str, country: str, section: str, polarity: str) -> dict:
    row = dict.fromkeys(COLUMNS)
    sentence = "The government did not adequately screen migrants."
    row.update(claim_id=f"{doc}:a{section}{polarity}", claim_type="assessment", doc_id=doc, country=country,
               report_year=2020, section=section, sentence_start=0, sentence_end=len(sentence), start=4,
               end=len(sentence) - 1, text=sentence[4:-1], sentence=sentence, polarity=polarity, topic="protection")
    return row


ROWS = [
    stat("atlantis-2019-protection-1", "Atlantis", 2019, "victims_identified", 1234, 2018,
         prefix="In <b>2018</b> police identified ", suffix=f" victims {EVIL} & more."),
    stat("atlantis-2019-protection-1", "Atlantis", 2019, "victims_identified", 300, 2018, role="part"),
    stat("atlantis-2020-protection-1", "Atlantis", 2020, "victims_identified", 2345, 2019),
    stat("atlantis-2020-protection-1", "Atlantis", 2020, "victims_identified", 99999, 2019, role="comparison"),
    stat("atlantis-2020-prosecution-1", "Atlantis", 2020, "convictions", 8888, 2019),
    stat("borduria-2019-protection-1", "Borduria", 2019, "victims_identified", 777, 2018),
    stat("borduria-2019-prosecution-1", "Borduria", 2019, "convictions", 4321, 2018),
    stat("borduria-2020-prosecution-1", "Borduria", 2020, "convictions", 5432, 2019),
    assessment("atlantis-2019-protection-1", "Atlantis", "protection", "negative"),
    assessment("borduria-2019-prosecution-1", "Borduria", "prosecution", "positive"),
]


def involved(row: dict) -> dict:
    return {k: row[k] for k in ("claim_id", "doc_id", "report_year", "value", "text", "sentence", "sentence_start",
                                "start", "end")}


FINDINGS = [
    {"finding_id": "f1", "kind": "breakdown_exceeds_total", "scope": "narrative", "country": "Atlantis",
     "metric": "victims_identified", "reference_year": 2018, "message": "ATLANTIS-FINDING: parts exceed the total",
     "claims": [involved(ROWS[0]), involved(ROWS[1])]},
    {"finding_id": "f2", "kind": "conflicting_values", "scope": "cross_report", "country": "Borduria",
     "metric": "convictions", "reference_year": 2018, "message": "BORDURIA-FINDING: 4,321 vs 5,432",
     "claims": [involved(ROWS[6]), involved(ROWS[7])]},
    # no country of its own: it is Borduria's through its claims
    {"finding_id": "f3", "kind": "comparison_direction", "scope": "narrative", "country": None,
     "metric": "convictions", "reference_year": None, "message": "COUNTRYLESS-FINDING: the increase is a decrease",
     "claims": [involved(ROWS[7])]},
]


class Tags(HTMLParser):
    """Every start tag's attributes, and the text of each <script> by id."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs).get("id") or ""
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts[self._script] += data


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


@pytest.fixture(scope="module")
def page() -> str:
    return render(ROWS, FINDINGS, title="test <dashboard>")


def test_nothing_is_fetched(page):
    tags = parse(page)
    for needle in ("<script src=", "<link", '<img src="http', "@import"):
        assert needle not in page
    assert not [a for _, a in tags.attrs if "src" in a]
    assert all(str(a["href"]).startswith("#") for _, a in tags.attrs if "href" in a)
    assert len(tags.scripts["plotly-js"]) > 1_000_000  # plotly.js itself is inlined


def test_user_text_is_escaped_and_the_data_survives(page):
    assert EVIL not in page and "<b>2018</b>" not in page and "<title>test &lt;dashboard&gt;</title>" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # the evidence entry, as text
    data = json.loads(parse(page).scripts["dashboard-data"])  # the data script was not cut short by the sentence
    assert any(EVIL in p["sentence"] for p in data["points"])
    assert any(EVIL in text for f in data["findings"] for s in f["sentences"] for text, _ in s["segments"])


def test_evidence_marks_the_figure_and_every_link_target_exists(page):
    ids = {str(a["id"]) for _, a in parse(page).attrs if "id" in a}
    for r in ROWS[:8]:
        assert evidence_id(r["claim_id"]) in ids
        entry = page.split(f"<li id='{evidence_id(r['claim_id'])}'>")[1].split("</li>")[0]
        assert f"<mark>{r['text']}</mark>" in entry
    assert evidence_id("atlantis-2019:12-14") == "c-atlantis-2019-12-14"
    data = json.loads(parse(page).scripts["dashboard-data"])  # the script's links: the chart and both tables
    targets = {p["id"] for p in data["points"]} | {i for f in data["findings"] for s in f["sentences"]
                                                     for i, _ in s["links"]}
    assert targets and targets <= ids
    assert data["findings"][2]["countries"] == ["Borduria"]


def test_header_and_assessments(page):
    assert "<b>8</b><span>statistic claims</span>" in page and "<b>2</b><span>assessment claims</span>" in page
    assert "<b>3</b><span>findings (2 consistency, 1 audit)</span>" in page
    assert "<td>protection</td><td class='num'>1 / 1</td><td class='num'>100%</td>" in page


def test_csv_strings_render_like_the_rows():
    as_csv = [{k: "" if v is None else str(v) for k, v in r.items()} for r in ROWS]
    page = render(as_csv, [])
    data = json.loads(parse(page).scripts["dashboard-data"])
    assert sorted(p["value"] for p in data["points"]) == sorted(float(r["value"]) for r in ROWS[:8])
    assert f"<li id='{evidence_id(ROWS[2]['claim_id'])}'>" in page and "<mark>2,345</mark>" in page


def test_title_in_the_findings_place_is_refused():
    with pytest.raises(TypeError):
        render(ROWS, "a title")  # type: ignore[arg-type]


# --- in a browser ---------------------------------------------------------------------------------------------

def chromium(tmp_path: Path, url: str, *args: str) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing could be fetched even if the page tried
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--window-size=1400,1800"]
    out = subprocess.run(["chromium", *flags, *args, url], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-800:]
    return out.stdout


def section(dom: str, name: str, following: str) -> str:
    return dom.split(f'id="{name}"', 1)[1].split(f'id="{following}"', 1)[0]


def legend(dom: str) -> list[str]:
    return re.findall(r'<text class="legendtext"[^>]*>([^<]*)</text>', dom)


needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="Debian chromium not installed (.ci/run installs it)")


@needs_chromium
def test_filters_from_the_hash_change_chart_points_and_findings(tmp_path, page):
    path = tmp_path / "dashboard.html"
    path.write_text(page, encoding="utf-8")
    a = chromium(tmp_path, path.as_uri() + "#country=Atlantis&metric=victims_identified", "--dump-dom")
    assert 'class="main-svg"' in a and '<g class="legend"' in a and legend(a) == ["Atlantis"]
    points = section(a, "points", "findings")
    assert "1,234" in points and "2,345" in points
    assert "99,999" not in points and "777" not in points and "4,321" not in points  # main figures, A's only
    findings = section(a, "findings", "assessments")
    assert "ATLANTIS-FINDING" in findings and "BORDURIA-FINDING" not in findings and "COUNTRYLESS" not in findings
    assert "<mark>1,234</mark>" in findings and "&lt;b&gt;2018&lt;/b&gt;" in findings
    assert "<script>alert(1)" not in a and "<b>2018</b>" not in a  # the sentence is text everywhere, never markup

    b = chromium(tmp_path, path.as_uri() + "#country=Borduria&metric=convictions", "--dump-dom")
    assert legend(b) == ["Borduria"]
    points = section(b, "points", "findings")
    assert "4,321" in points and "5,432" in points and "1,234" not in points and "8,888" not in points
    findings = section(b, "findings", "assessments")
    assert "BORDURIA-FINDING" in findings and "COUNTRYLESS-FINDING" in findings and "ATLANTIS" not in findings

    for dom in (a, b):  # every link the script wrote has its target
        ids = set(re.findall(r'\sid="([^"]+)"', dom)) | set(re.findall(r"\sid='([^']+)'", dom))
        hrefs = set(re.findall(r'href="#([^"]+)"', dom))
        assert hrefs and hrefs <= ids

    roles = chromium(tmp_path, path.as_uri() + "#country=Atlantis&metric=victims_identified&role=main,comparison",
                     "--dump-dom")
    assert "99,999" in section(roles, "points", "findings")

    shot = tmp_path / "shot.png"
    chromium(tmp_path, path.as_uri() + "#country=Atlantis,Borduria", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000


@needs_chromium
def test_controls_write_the_hash(tmp_path, page):
    """Ticking a country and picking a metric (real change events) redraws the tables and rewrites the hash."""
    probe = """<script>
      const box = document.querySelector('#countries input[value="Borduria"]');
      box.checked = true; box.dispatchEvent(new Event("change"));
      const metric = document.getElementById("metric");
      metric.value = "convictions"; metric.dispatchEvent(new Event("change"));
      const out = document.createElement("pre"); out.id = "probe"; out.textContent = location.hash;
      document.body.append(out);
    </script></body>"""
    path = tmp_path / "probe.html"
    head, _, tail = page.rpartition("</body>")
    path.write_text(head + probe + tail, encoding="utf-8")
    dom = chromium(tmp_path, path.as_uri() + "#country=Atlantis&metric=victims_identified", "--dump-dom")
    assert '<pre id="probe">#metric=convictions&amp;country=Atlantis,Borduria</pre>' in dom
    points = section(dom, "points", "findings")
    assert "8,888" in points and "4,321" in points and "1,234" not in points


def test_a_findings_sentence_is_shown_once_with_all_its_figures():
    sentence = "Of 50 victims, 30 were women."
    total, part = (dict(ROWS[5], claim_id=f"x:{a}", start=100 + a, end=100 + a + 2, text=sentence[a:a + 2],
                        sentence=sentence) for a in (3, 15))
    finding = dict(FINDINGS[0], country="Borduria", claims=[involved(total), involved(part)])
    data = json.loads(parse(render([total, part], [finding])).scripts["dashboard-data"])
    [shown] = data["findings"][0]["sentences"]
    assert shown["segments"] == [["Of ", False], ["50", True], [" victims, ", False], ["30", True],
                                 [" were women.", False]]
    assert shown["links"] == [["c-x-3", "50"], ["c-x-15", "30"]]
