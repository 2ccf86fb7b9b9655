"""``claimnlp.ingest`` and ``claimnlp ingest``: whole reports (txt, HTML, PDF) -> passages, bad files included.

Fixtures are built here from real corpus text: a multi-country report as text (hard-wrapped like a
PDF dump), state.gov-like HTML pages, and PDFs drawn with fpdf2 (running headers, page numbers,
a two-column page written right column first, hyphenated line breaks, an encrypted and an image-only file).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.ingest import REPORT_SUFFIXES, ingest_file
from claimnlp.ingest.clean import clean
from claimnlp.ingest.headings import SECTIONS as VOCABULARY
from claimnlp.ingest.headings import country_heading, section_heading
from claimnlp.ingest.passages import MAX_CHARS, cleaned_text, passage_spans
from claimnlp.ingest.pdf import read_pdf
from claimnlp.io import InputProblem, Passage, read_passages

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SECTIONS = ["prosecution", "protection", "prevention", "profile"]
# (heading as printed, country in meta, tier in meta)
HEADINGS = [
    ("PERU: Tier 2", "Peru", "Tier 2"),
    ("BOSNIA AND HERZEGOVINA (Tier 1)", "Bosnia And Herzegovina", "Tier 1"),
    ("COTE D'IVOIRE: TIER 2 WATCH LIST", "Cote D'Ivoire", "Tier 2 Watch List"),
    ("Curaçao: Tier 1", "Curaçao", "Tier 1"),
    ("KOREA, REPUBLIC OF: Tier 1", "Korea, Republic Of", "Tier 1"),
    ("LIBYA: Special Case", "Libya", "Special Case"),
]


def norm(text: str) -> str:
    return " ".join(text.split())


def body(row: dict) -> list[str]:
    """A corpus passage's paragraphs without the page furniture and headings it was scraped with.

    Paragraphs holding "- " (the corpus keeps a few PDF breaks such as "anti- slavery") are left out: wrapped
    here, they would be de-hyphenated, rightly, and no longer equal the corpus text.
    """
    return [p for line in row["text"].splitlines() if len(p := line.strip()) > 80 and "- " not in p]


def ok(items: list) -> list[Passage]:
    return [i for i in items if isinstance(i, Passage)]


def bad(items: list) -> list[str]:
    return [str(i) for i in items if isinstance(i, InputProblem)]


@pytest.fixture(scope="module")
def narratives(corpus_rows) -> list[dict]:
    """One synthetic narrative per heading variant: section -> paragraphs, taken from real passages."""
    by_section: dict[str, list[list[str]]] = {}
    for row in sorted(corpus_rows, key=lambda r: r["id"]):
        if body(row):
            by_section.setdefault(row["section"], []).append(body(row))
    out = []
    for k, (heading, country, tier) in enumerate(HEADINGS):
        sections = {"overview": by_section["overview"][k][:2]}
        if k % 2 == 0:
            sections["recommendations"] = ["• Increase efforts to investigate and prosecute trafficking crimes.",
                                           "• Train officials to identify victims among vulnerable populations."]
        for name in SECTIONS:
            sections[name] = by_section[name][k]
        out.append({"heading": heading, "country": country, "tier": tier, "sections": sections})
    return out


def report_text(narratives: list[dict], width: int = 76) -> str:
    """The narratives as a hard-wrapped text report, with front matter before the first country."""
    parts = ["TRAFFICKING IN PERSONS REPORT", "JUNE 2020", "INTRODUCTION",
             textwrap.fill("This front matter is not part of any country narrative and must not come out.", width)]
    for n in narratives:
        parts.append(n["heading"])
        for name, paras in n["sections"].items():
            if name == "recommendations":
                parts.append("PRIORITIZED RECOMMENDATIONS:")
                parts.append("\n".join(paras))
                continue
            if name != "overview":
                parts.append("TRAFFICKING PROFILE" if name == "profile" else name.upper())
            parts.extend(textwrap.fill(p, width, break_on_hyphens=False) for p in paras)
    return "\n\n".join(parts) + "\n"


@pytest.fixture()
def report_file(tmp_path, narratives) -> Path:
    f = tmp_path / "tip2020.txt"
    f.write_text(report_text(narratives), encoding="utf-8")
    return f


# --- headings -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("line,country,tier", HEADINGS + [
    ("PERU (Tier 2)", "Peru", "Tier 2"),
    ("PERU: TIER 2 WATCH LIST", "Peru", "Tier 2 Watch List"),
    ("Peru: Tier 3", "Peru", "Tier 3"),
    ("CURAÇAO: Tier 1", "Curaçao", "Tier 1"),
    ("Cote d'Ivoire (Tier 2)", "Cote d'Ivoire", "Tier 2"),
    ("SOMALIA: SPECIAL CASE", "Somalia", "Special Case"),
    ("ATLANTIS REPUBLIC: Tier 3", "Atlantis Republic", "Tier 3"),  # no country list: unseen names work
])
def test_country_heading_variants(line, country, tier):
    assert country_heading(line) == (country, tier)


@pytest.mark.parametrize("line", [
    "The government of Peru: Tier 2",
    "Peru remained on Tier 2 Watch List for a third year.",
    "PROSECUTION",
    "Tier 2",
])
def test_prose_is_not_a_country_heading(line):
    assert country_heading(line) is None


@pytest.mark.parametrize("line,section", [
    ("PROSECUTION", "prosecution"), ("Protection:", "protection"), ("prevention", "prevention"),
    ("TRAFFICKING PROFILE", "profile"), ("PRIORITIZED RECOMMENDATIONS:", "recommendations"),
    ("RECOMMENDATIONS FOR PERU:", "recommendations"), ("RECOMMENDATIONS FOR COLOMBIA", "recommendations"),
    ("Recommendations for improving shelters were made.", None), ("Prosecution efforts increased.", None),
])
def test_section_headings(line, section):
    assert section_heading(line) == section


# --- clean ----------------------------------------------------------------------------------------------------


def test_clean_dehyphenates_unwraps_and_keeps_paragraphs():
    raw = ("The government increased traf-\nficking investigations and anti-\ntrafficking training,\n"
           "funded by  the anti-trafficking\tbudget.\n\n\nCOVID-\n19 slowed work—\nincluding courts.\n"
           "PROSECUTION\nText right under the heading.\n")
    out = clean(raw).text
    assert out == ("The government increased trafficking investigations and anti-trafficking training, "
                   "funded by the anti-trafficking budget.\n\nCOVID-19 slowed work—including courts."
                   "\n\nPROSECUTION\n\nText right under the heading.")


def test_clean_raw_offset_points_at_source_line():
    raw = "First line\r\nsecond line\r\n\r\nThird"
    c = clean(raw)
    assert c.text == "First line second line\n\nThird"
    i = c.text.index("second")
    assert raw[c.raw_offset(i):].startswith("second line")
    assert raw[c.raw_offset(c.text.index("Third")):] == "Third"


# --- text reports ---------------------------------------------------------------------------------------------


def test_txt_report_splits_countries_and_sections(report_file, narratives):
    items = list(ingest_file(report_file))
    assert bad(items) == []
    passages = ok(items)
    assert [n["country"] for n in narratives] == list(dict.fromkeys(p.meta["country"] for p in passages))
    assert "front matter" not in " ".join(p.text for p in passages)
    for n in narratives:
        mine = [p for p in passages if p.meta["country"] == n["country"]]
        assert {p.meta["tier"] for p in mine} == {n["tier"]}
        assert list(dict.fromkeys(p.meta["section"] for p in mine)) == list(n["sections"])
        for name, paras in n["sections"].items():
            got = [p.text for p in mine if p.meta["section"] == name]
            assert norm(" ".join(got)) == norm(" ".join(paras)), (n["country"], name)
    peru = [p for p in passages if p.meta["country"] == "Peru"]
    assert peru[0].id == "tip2020/peru/overview-1"
    assert {p.meta["report_year"] for p in passages} == {2020}
    assert {p.meta["source"] for p in passages} == {str(report_file)}
    assert {p.meta["section"] for p in passages} == set(VOCABULARY)
    assert any(p.id == "tip2020/korea-republic-of/protection-1" for p in passages)
    assert any(p.id == "tip2020/curacao/profile-1" for p in passages)
    assert len({p.id for p in passages}) == len(passages)


def test_txt_offsets_index_the_cleaned_report(report_file):
    text = clean(report_file.read_text(encoding="utf-8")).text
    passages = ok(list(ingest_file(report_file)))
    for p in passages:
        s, e = p.meta["char_start"], p.meta["char_end"]
        assert text[s:e] == p.text
        assert len(p.text) <= MAX_CHARS
        assert (s == 0 or not text[s - 1].isalnum()) and (e == len(text) or not text[e].isalnum())
    starts = [p.meta["char_start"] for p in passages]
    assert starts == sorted(starts)


def test_long_paragraph_is_split_at_sentence_ends(corpus_rows):
    sentences = " ".join(norm(r["text"]) for r in corpus_rows[:4])
    text = f"{sentences}\n\nShort closing paragraph."
    spans = passage_spans(text, 0, len(text))
    assert len(spans) >= 4 and all(e - s <= MAX_CHARS for s, e in spans)
    for _, e in spans[:-2]:
        assert text[e - 1] in ".!?”’)", text[e - 20:e]  # a sentence end, not a cut at the size limit
    assert text[spans[-1][0]:spans[-1][1]] == "Short closing paragraph."  # not merged with a split paragraph
    assert norm(" ".join(text[s:e] for s, e in spans)) == norm(text)


def test_paragraphs_are_packed_whole(corpus_rows):
    paras = [norm(r["text"])[:700].rsplit(" ", 1)[0] + "." for r in corpus_rows[:6]]
    text = "\n\n".join(paras)
    spans = passage_spans(text, 0, len(text))
    assert 1 < len(spans) < len(paras)
    for s, e in spans:
        assert (s == 0 or text[s - 2:s] == "\n\n") and (e == len(text) or text[e:e + 2] == "\n\n")


def test_txt_without_country_heading_is_one_unknown_narrative(tmp_path, narratives):
    n = narratives[0]
    f = tmp_path / "narrative.md"
    f.write_text(report_text([n]).split(n["heading"], 1)[1], encoding="utf-8")
    passages = ok(list(ingest_file(f)))
    assert passages and all("country" not in p.meta and "tier" not in p.meta for p in passages)
    assert passages[0].id == "narrative/unknown/overview-1"
    assert "report_year" not in passages[0].meta
    assert {p.meta["section"] for p in passages} == set(n["sections"])


def test_narrative_without_sections_is_kept_as_unknown_with_a_warning(tmp_path, narratives):
    text = report_text(narratives[:2])
    text = text.replace(narratives[1]["heading"], "ATLANTIS: Tier 3\n\nA narrative with no sections.\n\n"
                        + narratives[1]["heading"])
    f = tmp_path / "report.txt"
    f.write_text(text, encoding="utf-8")
    items = list(ingest_file(f))
    line = text[:text.index("ATLANTIS")].count("\n") + 1
    assert bad(items) == [(f"{f}:{line}: narrative 'Atlantis' has no section headings "
                          "(PROSECUTION/PROTECTION/PREVENTION/...); its text is kept as section 'unknown'")]
    assert all(i.warning for i in items if isinstance(i, InputProblem))
    atlantis = [p for p in ok(items) if p.meta["country"] == "Atlantis"]
    assert [(p.id, p.meta["section"], p.text) for p in atlantis] == [
        ("report/atlantis/unknown-1", "unknown", "A narrative with no sections.")]
    assert [p.meta["country"] for p in ok(items)].count("Bosnia And Herzegovina") > 4


def test_country_heading_alone_is_a_warning(tmp_path, narratives):
    f = tmp_path / "report.txt"
    f.write_text(report_text(narratives[:1]) + "\nATLANTIS: Tier 3\n", encoding="utf-8")
    items = list(ingest_file(f))
    assert [str(i).split(": ", 1)[1] for i in items if isinstance(i, InputProblem) and i.warning] == [
        "narrative 'Atlantis' has no text (a heading alone)"]
    assert {p.meta["country"] for p in ok(items)} == {"Peru"}


def test_run_in_recommendations_of_older_reports(tmp_path):
    f = tmp_path / "old2012.txt"
    f.write_text("PERU (Tier 2)\n\nPeru is a source country.\n\nRecommendations for Peru: Increase efforts to "
                 "prosecute.\nTrain police.\n\nProsecution\n\nThe government maintained efforts.\n", encoding="utf-8")
    passages = ok(list(ingest_file(f)))
    assert [(p.meta["section"], p.text) for p in passages] == [
        ("overview", "Peru is a source country."),
        ("recommendations", "Increase efforts to prosecute. Train police."),
        ("prosecution", "The government maintained efforts."),
    ]


# --- HTML -----------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>{title}</title><script>var nav = "PROSECUTION";</script>
<style>p {{ color: red }}</style></head><body>
<header class="site-header"><a href="/">U.S. Department of State</a><p>An official website of the
United States government</p></header>
<nav><ul><li>Home</li><li>Countries &amp; Areas</li><li>PROTECTION menu entry</li></ul></nav>
<main><article><header><h1>{h1}</h1></header>
<div class="breadcrumbs">Home / Reports / Peru</div>
<p>Office To Monitor and Combat Trafficking in Persons</p>
{body}
</article></main>
<footer><p>Office To Monitor and Combat Trafficking in Persons</p><p>Footer text &copy; 2020</p></footer>
</body></html>"""


def html_body(n: dict, heading_tag: str) -> str:
    out = []
    for name, paras in n["sections"].items():
        if name == "recommendations":
            out.append("<p><strong>PRIORITIZED RECOMMENDATIONS:</strong></p><ul>"
                       + "".join(f"<li>{p.lstrip('• ')}" for p in paras) + "</ul>")
            continue
        if name != "overview":
            label = "TRAFFICKING PROFILE" if name == "profile" else name.upper()
            out.append(f"<{heading_tag}>{label}</{heading_tag}>" if heading_tag != "strong"
                       else f"<p><strong>{label}</strong></p>")
        out.extend(f"<p>{p}" for p in paras)  # unclosed <p>, as on real pages
    return "\n".join(out)


@pytest.mark.parametrize("heading_tag", ["h3", "strong"])
def test_html_page_sections_without_page_furniture(tmp_path, narratives, heading_tag):
    n = narratives[0]
    f = tmp_path / "peru.html"
    f.write_text(PAGE.format(title="Peru - United States Department of State", h1="PERU (Tier 2)",
                             body=html_body(n, heading_tag)), encoding="utf-8")
    items = list(ingest_file(f))
    assert bad(items) == []
    passages = ok(items)
    assert {(p.meta["country"], p.meta["tier"]) for p in passages} == {("Peru", "Tier 2")}
    assert list(dict.fromkeys(p.meta["section"] for p in passages)) == list(n["sections"])
    for name, paras in n["sections"].items():
        got = " ".join(p.text for p in passages if p.meta["section"] == name)
        assert norm(got) == norm(" ".join(paras))
    everything = " ".join(p.text for p in passages)
    for junk in ("Office To Monitor", "official website", "menu entry", "Footer", "Home", "var nav"):
        assert junk not in everything
    assert passages[0].id == "peru/peru/overview-1"


def test_html_country_from_title_and_year_from_title(tmp_path, narratives):
    n = narratives[3]
    f = tmp_path / "page.htm"
    f.write_text(PAGE.format(title="2021 Trafficking in Persons Report: Curaçao - United States Department of State",
                             h1="Curaçao", body=html_body(n, "h2")), encoding="utf-8")
    passages = ok(list(ingest_file(f)))
    assert passages and {p.meta["country"] for p in passages} == {"Curaçao"}
    assert {p.meta["report_year"] for p in passages} == {2021}
    assert "tier" not in passages[0].meta
    assert passages[0].id == "page/curacao/overview-1"


def test_html_without_narrative_is_one_problem(tmp_path):
    f = tmp_path / "404.html"
    f.write_text(PAGE.format(title="Page not found", h1="Page not found", body="<p>Sorry, try the search box."),
                 encoding="utf-8")
    assert bad(list(ingest_file(f))) == [(f"{f}: no trafficking narrative in HTML page (no 'COUNTRY: Tier N' or "
                                         "PROSECUTION/PROTECTION/PREVENTION heading)")]


# --- PDF ------------------------------------------------------------------------------------------------------

LEADING = 12.0


class Doc:
    """Draws text lines at exact positions (points, from the top), so the test controls the layout."""

    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format="letter")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("DejaVu", "", str(FONT))
        self.pdf.set_font("DejaVu", size=9)

    def page(self, number: int | None = None) -> None:
        self.pdf.add_page()
        if number:
            self.pdf.text(200, 30, "TRAFFICKING IN PERSONS REPORT")
            self.pdf.text(300, 770, str(number))

    def block(self, x: float, y: float, paras: list[str], width: int) -> float:
        """Paragraphs wrapped to ``width`` characters (or lines given as lists), a blank line between them."""
        for p in paras:
            for line in (p if isinstance(p, list) else textwrap.wrap(p, width, break_on_hyphens=False)):
                self.pdf.text(x, y, line)
                y += LEADING
            y += LEADING
        return y

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def first_sentences(text: str, n: int = 2) -> str:
    return " ".join(re.split(r"(?<=\.) (?=[A-Z])", norm(text))[:n])


@pytest.fixture()
def report_pdf(tmp_path, narratives) -> tuple[Path, dict]:
    """Five pages: cover; Peru over pages 2-3 (a paragraph runs across the page break); a two-column page for
    Curaçao drawn right column first; a narrative with no sections, then one more country."""
    peru, cur = narratives[0]["sections"], narratives[3]["sections"]
    t = {k: first_sentences(v[0]) for k, v in peru.items() if k != "recommendations"}
    c = {k: first_sentences(v[0], 1) for k, v in cur.items()}
    d = Doc()
    d.page()
    d.block(54, 200, ["TRAFFICKING IN PERSONS REPORT 2020", ("This report covers government efforts from April "
                      "2019 through March 2020 and is front matter.")], 90)
    d.page(2)
    y = d.block(54, 80, ["PERU: Tier 2", [
        "The Government of Peru does not fully meet the minimum standards for the elimination of traf-",
        "ficking but is making significant efforts to do so; it funded anti-",
        "trafficking police units.",  # a line ending a sentence inside a paragraph
        "Anti-trafficking units reported results.",
    ], t["overview"], "PROSECUTION"], 90)
    prosecution = textwrap.wrap(t["prosecution"] + " " + t["protection"], 90)
    d.block(54, y, [prosecution[:-1]], 90)
    d.page(3)
    y = d.block(54, 80, [prosecution[-1:], "PROTECTION", t["protection"], "PREVENTION", t["prevention"],
                         "TRAFFICKING PROFILE", t["profile"]], 90)
    d.page(4)
    d.block(54, 80, ["CURAÇAO: Tier 1"], 90)
    d.block(330, 110, ["PROTECTION", c["protection"] + " right column", "PREVENTION", c["prevention"],
                       "TRAFFICKING PROFILE", c["profile"]], 44)  # drawn first: stream order is wrong
    d.block(54, 110, [c["overview"] + " left column", "PROSECUTION", c["prosecution"]], 44)
    d.page(5)
    d.block(54, 80, ["KOREA, REPUBLIC OF: Tier 1", "An overview with no section headings at all.",
                     "LIBYA: Special Case", "PROTECTION", c["protection"]], 90)
    return d.save(tmp_path / "report.pdf"), {"peru": t, "curacao": c, "prosecution_lines": prosecution}


def test_pdf_report_sections_pages_and_furniture(report_pdf):
    path, t = report_pdf
    items = list(ingest_file(path))
    assert bad(items) == [(f"{path}: narrative 'Korea, Republic Of' (page 5) has no section headings "
                          "(PROSECUTION/PROTECTION/PREVENTION/...); its text is kept as section 'unknown'")]
    passages = ok(items)
    assert [(p.meta["country"], p.meta["section"]) for p in passages] == [
        ("Peru", s) for s in ("overview", "prosecution", "protection", "prevention", "profile")] + [
        ("Curaçao", s) for s in ("overview", "prosecution", "protection", "prevention", "profile")] + [
        ("Korea, Republic Of", "unknown"), ("Libya", "protection")]
    by_id = {p.id: p for p in passages}
    assert set(by_id) >= {"report/peru/overview-1", "report/curacao/protection-1", "report/libya/protection-1"}
    assert {p.meta["report_year"] for p in passages} == {2020}
    everything = "\n".join(p.text for p in passages)
    assert "TRAFFICKING IN PERSONS REPORT" not in everything and "front matter" not in everything
    assert not re.search(r"(^|\n)\d+($|\n)", everything)  # no page numbers
    overview = by_id["report/peru/overview-1"]
    assert "elimination of trafficking but" in overview.text and "traf-" not in overview.text
    assert overview.text.split("\n\n")[0].endswith("funded anti-trafficking police units. Anti-trafficking "
                                                     "units reported results.")
    assert overview.text.split("\n\n")[1] == t["peru"]["overview"]
    assert (overview.meta["page_start"], overview.meta["page_end"]) == (2, 2)
    prosecution = by_id["report/peru/prosecution-1"]
    assert prosecution.text == " ".join(t["prosecution_lines"])  # one paragraph across the page break
    assert (prosecution.meta["page_start"], prosecution.meta["page_end"]) == (2, 3)
    assert by_id["report/peru/profile-1"].meta["page_start"] == 3
    assert by_id["report/libya/protection-1"].meta["page_start"] == 5
    assert by_id["report/korea-republic-of/unknown-1"].text == "An overview with no section headings at all."


def test_pdf_two_column_page_reads_left_column_first(report_pdf):
    path, t = report_pdf
    passages = [p for p in ok(list(ingest_file(path))) if p.meta["country"] == "Curaçao"]
    texts = {p.meta["section"]: p.text for p in passages}
    assert texts["overview"] == t["curacao"]["overview"] + " left column"
    assert texts["protection"] == t["curacao"]["protection"] + " right column"
    assert texts["profile"] == t["curacao"]["profile"]
    assert {(p.meta["page_start"], p.meta["page_end"]) for p in passages} == {(4, 4)}


def test_pdf_offsets_index_the_cleaned_report(report_pdf):
    path, _ = report_pdf
    doc = read_pdf(path, str(path))
    text = cleaned_text(doc)
    passages = ok(list(ingest_file(path)))
    assert passages
    for p in passages:
        assert text[p.meta["char_start"]:p.meta["char_end"]] == p.text


# --- bad inputs -----------------------------------------------------------------------------------------------


def encrypted_pdf(path: Path) -> Path:
    d = Doc()
    d.page()
    d.block(54, 80, ["PERU: Tier 2", "Secret text.", "PROSECUTION", "More secret text."], 90)
    d.pdf.set_encryption(owner_password="owner", user_password="secret")
    return d.save(path)


def image_only_pdf(path: Path) -> Path:
    d = Doc()
    for _ in range(2):
        d.pdf.add_page()
        d.pdf.rect(50, 50, 300, 400, style="F")
    return d.save(path)


def test_bad_inputs_one_precise_line_each(tmp_path, report_file, report_pdf, caplog):
    whole = report_pdf[0].read_bytes()
    files = {
        "truncated": tmp_path / "cut.pdf",
        "encrypted": encrypted_pdf(tmp_path / "locked.pdf"),
        "image": image_only_pdf(tmp_path / "scan.pdf"),
        "corrupt": tmp_path / "broken.pdf",
        "unsupported": tmp_path / "table.xlsx",
        "empty": tmp_path / "empty.txt",
        "latin": tmp_path / "latin.txt",
        "missing": tmp_path / "missing.pdf",
    }
    files["truncated"].write_bytes(whole[:len(whole) // 2])
    files["corrupt"].write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    files["unsupported"].write_bytes(b"PK\x03\x04")
    files["empty"].write_text("  \n")
    files["latin"].write_bytes("PERU: Tier 2\n\nPeru’s".encode("cp1252"))
    expected = {
        "truncated": "cut.pdf: corrupt PDF, cannot read (PdfStreamError: Stream has ended unexpectedly)",
        "encrypted": "locked.pdf: encrypted PDF, cannot read without a password",
        "image": "scan.pdf: no extractable text on any of 2 pages (image-only/scanned PDF? run OCR first)",
        "corrupt": "broken.pdf: corrupt PDF, cannot read (",
        "unsupported": "table.xlsx: unsupported file type '.xlsx', expected one of",
        "empty": "empty.txt: empty file",
        "latin": "latin.txt: not UTF-8 text (invalid start byte at byte 18)",
        "missing": "missing.pdf: no such file",
    }
    for key, f in files.items():
        items = list(ingest_file(f))
        assert len(items) == 1 and isinstance(items[0], InputProblem), (key, items)
        line = str(items[0])
        assert line.startswith(f"{f}: ") and expected[key] in line and "\n" not in line, (key, line)
    assert ok(list(ingest_file(report_file)))  # and a good file next to them still comes out
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # pypdf's repair chatter stays quiet


def test_report_suffixes():
    assert {".txt", ".text", ".md", ".html", ".htm", ".pdf"} == REPORT_SUFFIXES


# --- CLI ------------------------------------------------------------------------------------------------------


def test_cli_ingest_writes_good_passages_and_reports_problems(tmp_path, report_file, report_pdf, narratives):
    html = tmp_path / "peru.html"
    html.write_text(PAGE.format(title="Peru", h1="PERU (Tier 2)", body=html_body(narratives[0], "h3")),
                    encoding="utf-8")
    locked = encrypted_pdf(tmp_path / "locked.pdf")
    out = tmp_path / "out" / "passages.jsonl"
    args = ["ingest", str(report_file), str(html), str(report_pdf[0]), str(locked), str(tmp_path / "x.doc"),
            "-o", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 1, res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {locked}: encrypted PDF, cannot read without a password",
                      f"error: {tmp_path / 'x.doc'}: no such file"]
    assert [line for line in res.stderr.splitlines() if line.startswith("warning:")] == [
        (f"warning: {report_pdf[0]}: narrative 'Korea, Republic Of' (page 5) has no section headings "
         "(PROSECUTION/PROTECTION/PREVENTION/...); its text is kept as section 'unknown'")]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    read_back = list(read_passages(str(out)))
    assert len(read_back) == len(rows) and all(isinstance(p, Passage) for p in read_back)
    assert len({r["id"] for r in rows}) == len(rows)
    assert rows[0]["id"] == "tip2020/peru/overview-1" and rows[0]["country"] == "Peru"
    assert rows[0]["section"] == "overview" and rows[0]["report_year"] == 2020
    assert rows[0]["meta"]["tier"] == "Tier 2" and rows[0]["meta"]["source"] == str(report_file)
    countries = {r["country"] for r in rows}
    assert f"{len(rows)} passages from 3 files ({len(countries)} countries); 2 problems, 1 warnings" in res.stderr
