"""``claimnlp ingest`` for the other report families: DOL child labor findings, State HRR and IRF reports.

Fixtures are shaped like the real reports (titles, advancement line, roman and numbered sections, lettered
subsections, run-in sub-subheadings, dol.gov/state.gov page chrome, HRR running headers and footers) and
filled with paragraphs of data/corpus/other_reports.jsonl about a country no list knows: Freedonia.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.cli import ReportOption, app
from claimnlp.ingest import FAMILIES, ingest_file
from claimnlp.ingest.families import DOL_TDA, HRR, IRF, TIP, detect
from claimnlp.ingest.html import read_html
from claimnlp.ingest.passages import Document, cleaned_text
from claimnlp.ingest.pdf import read_pdf
from claimnlp.io import InputProblem, Passage

from .conftest import CORPUS, DATA
from .test_ingest import LEADING, Doc, bad, norm, ok

OTHER = [json.loads(line) for line in (DATA / "corpus" / "other_reports.jsonl").read_text(encoding="utf-8").splitlines()]
BY_ID = {r["id"]: r for r in OTHER}
COUNTRY = "Freedonia"  # in no list: titles are recognised by shape


def paras(passage_id: str, n: int = 1, skip: int = 0) -> list[str]:
    """``n`` body paragraphs of a corpus passage (page chrome, headings and short lines left out), about Freedonia."""
    row = BY_ID[passage_id]
    body = [p for line in row["text"].splitlines() if len(p := line.strip()) > 80 and ".gov" not in p
            and "- " not in p and not any(f.is_heading(p) for f in FAMILIES.values())]
    return [p.replace(row["country"], COUNTRY) for p in body[skip:skip + n]]


# (heading as printed or None for the text under the title, section, section_title, paragraphs)
Spec = list[tuple[str | None, str, str | None, list[str]]]

DOL_TITLES = ["Prevalence and Sectoral Distribution of Child Labor", "Legal Framework for Child Labor",
              "Enforcement of Laws on Child Labor", "Coordination of Government Efforts on Child Labor",
              "Government Policies on Child Labor", "Social Programs to Address Child Labor",
              "Suggested Government Actions to Eliminate Child Labor"]
DOL_NAMES = ["prevalence", "legal-framework", "enforcement", "coordination", "policies", "social-programs",
             "suggested-actions"]
DOL_POOL = [p for r in OTHER if r["report"] == "DOL TDA" for p in paras(r["id"], 9)]
DOL: Spec = [(None, "overview", None, ["Moderate Advancement", DOL_POOL[0]])] + [
    (f"{num}. {title}", name, title, [DOL_POOL[k + 1]])
    for k, (num, title, name) in enumerate(zip(["I", "II", "III", "IV", "V", "VI", "VII"], DOL_TITLES, DOL_NAMES,
                                               strict=True))]
DOL[1][3].append("Table 1. Statistics on Children's Work and Education")  # a table caption stays text

HRR_SPEC: Spec = [
    ("EXECUTIVE SUMMARY", "executive-summary", None, paras("hrr-libya-na-1")),
    ("Section 1. Respect for the Integrity of the Person, Including Freedom from:", "", "", []),
    ("a. Arbitrary Deprivation of Life and Other Unlawful or Politically Motivated Killings", "1.a",
     "Arbitrary Deprivation of Life and Other Unlawful or Politically Motivated Killings",
     paras("hrr-afghanistan-2018-1", 2)),
    ("c. Torture and Other Cruel, Inhuman, or Degrading Treatment or Punishment", "1.c",
     "Torture and Other Cruel, Inhuman, or Degrading Treatment or Punishment",
     paras("hrr-afghanistan-2017-1", 2) + ["Prison and Detention Center Conditions"]
     + paras("hrr-malawi-2014-1", 1, skip=2)),  # a sub-subheading and a run-in "Physical Conditions:" stay text
    ("Section 6. Discrimination, Societal Abuses, and Trafficking in Persons", "6",
     "Discrimination, Societal Abuses, and Trafficking in Persons", ["Women"] + paras("hrr-algeria-2020-1", 2)),
    ("Section 7. Worker Rights", "", "", []),
    ("b. Prohibition of Forced or Compulsory Labor", "7.b", "Prohibition of Forced or Compulsory Labor",
     paras("hrr-georgia-na-1", 2)),
    ("e. Acceptable Conditions of Work", "7.e", "Acceptable Conditions of Work", paras("hrr-albania-na-1", 2)),
]
IRF_SPEC: Spec = [
    ("Executive Summary", "executive-summary", None, paras("irf-afghanistan-2019-1", 1, skip=0)),
    ("Section I. Religious Demography", "1", "Religious Demography", paras("irf-afghanistan-2019-1", 2, skip=1)),
    ("Section II. Status of Government Respect for Religious Freedom", "2",
     "Status of Government Respect for Religious Freedom", ["Legal Framework"] + paras("hrr-haiti-na-1")),
    ("Section III. Status of Societal Respect for Religious Freedom", "3",
     "Status of Societal Respect for Religious Freedom", paras("irf-afghanistan-2019-1", 1, skip=3)),
    ("Section IV. U.S. Government Policy and Engagement", "4", "U.S. Government Policy and Engagement",
     paras("hrr-bolivia-na-1")),
]


def sections(spec: Spec) -> list[tuple[str, str | None, list[str]]]:
    """(section, section_title, paragraphs) the spec's passages must give, in order: headings with text only."""
    return [(name, title, ps) for _, name, title, ps in spec if ps]


def report_txt(title: list[str], spec: Spec, width: int = 76) -> str:
    """A narrative as a text report: title lines, headings on their own, paragraphs hard-wrapped."""
    parts = list(title)
    for heading, _, _, ps in spec:
        parts += [heading] if heading else []
        parts += [textwrap.fill(p, width, break_on_hyphens=False) for p in ps]
    return "\n\n".join(parts) + "\n"


def page_html(title: str, top: str, spec: Spec, h1: str = "h2", h2: str = "h3") -> str:
    """A dol.gov/state.gov-like page: site chrome around the title blocks ``top`` and the narrative."""
    body = []
    for heading, _, _, ps in spec:
        if heading:
            tag = h2 if re.match(r"[a-h]\. ", heading) else h1
            body.append(f"<{tag}>{heading}</{tag}>")
        body += [f"<h4>{p}</h4>" if len(p) < 40 and p[0].isupper() and "." not in p else f"<p>{p}</p>" for p in ps]
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            "<header><p>An official website of the United States government</p></header>"
            "<nav><ul><li>Home</li><li>Reports</li></ul></nav>"
            f"<main><article>{top}<button>Expand All</button>{''.join(body)}</article></main>"
            "<footer><p>Footer text</p></footer></body></html>")


def comparable(passages: list[Passage]) -> list[tuple[str, str, dict]]:
    """What must not depend on the format: id after the file stem, text, and the meta but offsets and source."""
    drop = {"source", "char_start", "char_end", "page_start", "page_end"}
    return [(p.id.split("/", 1)[1], p.text, {k: v for k, v in p.meta.items() if k not in drop}) for p in passages]


def check(items: list, spec: Spec, report: str, year: int, cleaned: str, country: str = COUNTRY) -> list[Passage]:
    """Family, country, year, sections in order with their titles, every paragraph kept, offsets index ``cleaned``."""
    assert bad(items) == []
    passages = ok(items)
    assert {(p.meta["report"], p.meta.get("country"), p.meta["report_year"]) for p in passages} == {
        (report, country, year)}
    want = sections(spec)
    assert list(dict.fromkeys(p.meta["section"] for p in passages)) == [name for name, _, _ in want]
    for name, title, ps in want:
        mine = [p for p in passages if p.meta["section"] == name]
        assert {p.meta.get("section_title") for p in mine} == {title}, name
        assert norm(" ".join(p.text for p in mine)) == norm(" ".join(ps)), name  # no narrative word lost
    for p in passages:
        assert cleaned[p.meta["char_start"]:p.meta["char_end"]] == p.text
    slug = country.lower().replace(" ", "-")
    assert passages[0].id.split("/", 1)[1] == f"{slug}/{want[0][0]}-1"
    return passages


def txt_doc(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    return Document(str(path), text, family=detect(text[:5000]))


# --- headings -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("family,line,country", [
    (DOL_TDA, "2020 Findings on the Worst Forms of Child Labor: Peru", "Peru"),
    (DOL_TDA, "Findings on the Worst Forms of Child Labor - The Kyrgyz Republic", "The Kyrgyz Republic"),
    (DOL_TDA, "2016 Findings on the Worst Forms of Child Labor:", None),  # the older pages: country above it
    (HRR, "PERU 2019 HUMAN RIGHTS REPORT", "Peru"),
    (HRR, "KOREA, REPUBLIC OF 2019 HUMAN RIGHTS REPORT", "Korea, Republic Of"),
    (HRR, "2019 Country Reports on Human Rights Practices: Freedonia", "Freedonia"),
    (HRR, "Country Reports on Human Rights Practices for 2019", None),
    (HRR, "as documented in the 2019 Human Rights Report", None),  # prose
    (IRF, "FREEDONIA 2019 INTERNATIONAL RELIGIOUS FREEDOM REPORT", "Freedonia"),
    (IRF, "2019 Report on International Religious Freedom: Côte d’Ivoire", "Côte d’Ivoire"),
])
def test_title_lines_name_the_country(family, line, country):
    heading = family.country_line(line)
    assert (heading.name if heading else None) == country


@pytest.mark.parametrize("family,line,section", [
    (DOL_TDA, "I. Prevalence and Sectoral Distribution of Child Labor", ("prevalence", False)),
    (DOL_TDA, "III. Enforcement of Laws on Child Labor", ("enforcement", False)),
    (DOL_TDA, "Laws and Regulations on the Worst Forms of Child Labor", ("legal-framework", False)),  # 2012 pages
    (DOL_TDA, "VII. Suggested Government Actions to Eliminate Child Labor", ("suggested-actions", False)),
    (DOL_TDA, "Enforcement of laws on child labor was weak in rural areas.", None),
    (DOL_TDA, "Table 1. Statistics on Children's Work and Education", None),
    (HRR, "EXECUTIVE SUMMARY", ("executive-summary", False)),
    (HRR, "Section 7. Worker Rights", ("7", False)),
    (HRR, "b. Prohibition of Forced or Compulsory Labor", ("b", True)),
    (HRR, "a. The law states that detainees may appeal.", None),  # a list item ending a sentence
    (HRR, "Section 1 of the penal code prohibits torture", None),
    (HRR, "Physical Conditions:", None),  # a run-in sub-subheading stays text
    (IRF, "Section II. Status of Government Respect for Religious Freedom", ("2", False)),
    (IRF, "Section IV. U.S. Government Policy and Engagement", ("4", False)),
])
def test_section_heading_shapes(family, line, section):
    h = family.section_line(line)
    assert ((h.name, h.sub) if h else None) == section


def test_every_family_is_a_report_option():
    assert {o.value for o in ReportOption} == {"auto", *FAMILIES}
    assert [f.name for f in FAMILIES.values()] == ["TIP", "DOL TDA", "State HRR", "State IRF"]


# --- detection ------------------------------------------------------------------------------------------------


def test_detection_on_real_passages():
    """The corpus passages are cut out of real pages: each shows its family by a title, section or rating line,
    except two HRR fragments with no heading at all; no TIP passage is mistaken for another family."""
    missed = [r["id"] for r in OTHER if detect(r["text"][:5000]).name != r["report"]]
    assert missed == ["hrr-malawi-2012-1", "hrr-malawi-2014-1"]
    tip = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in tip if detect(r["text"][:5000]) is not TIP] == []


def test_a_tip_report_is_still_tip(tmp_path):
    tip = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in tip if r["country"] == "Georgia"][:3]
    f = tmp_path / "tip2021.txt"
    f.write_text("2021 Trafficking in Persons Report\n\nGEORGIA: Tier 1\n\nSee also the State Department's\n"
                 "Country Reports on Human Rights Practices for 2020\n\n" + "\n\n".join(r["text"] for r in rows),
                 encoding="utf-8")
    passages = ok(list(ingest_file(f)))
    assert passages and {(p.meta["report"], p.meta["country"], p.meta["tier"]) for p in passages} == {
        ("TIP", "Georgia", "Tier 1")}
    assert "Country Reports on Human Rights Practices for 2020" in passages[0].text  # prose, not furniture


# --- DOL ------------------------------------------------------------------------------------------------------


def dol_txt(tmp_path: Path) -> Path:
    f = tmp_path / "txt" / "freedonia.txt"
    f.parent.mkdir()
    f.write_text(report_txt(["Child Labor and Forced Labor Reports",
                             f"2020 Findings on the Worst Forms of Child Labor: {COUNTRY}"], DOL), encoding="utf-8")
    return f


def test_dol_txt(tmp_path):
    f = dol_txt(tmp_path)
    passages = check(list(ingest_file(f)), DOL, "DOL TDA", 2020, cleaned_text(txt_doc(f)))
    assert {p.meta["advancement"] for p in passages} == {"Moderate Advancement"}
    assert "tier" not in passages[0].meta
    assert passages[0].text.startswith("Moderate Advancement\n\n")
    assert [p.id for p in passages][:2] == ["freedonia/freedonia/overview-1", "freedonia/freedonia/prevalence-1"]


def test_dol_html_gives_the_passages_of_the_txt(tmp_path):
    """The older dol.gov layout: the country alone as <h1>, then a title naming no country, "Expand All"."""
    page = tmp_path / "html" / "freedonia.html"
    page.parent.mkdir()
    page.write_text(page_html(f"{COUNTRY} | U.S. Department of Labor",
                              f"<p>Child Labor and Forced Labor Reports</p><h1>{COUNTRY}</h1>"
                              "<h2>2020 Findings on the Worst Forms of Child Labor:</h2>", DOL), encoding="utf-8")
    doc = read_html(page.read_bytes(), str(page))
    assert isinstance(doc, Document) and doc.family is DOL_TDA and doc.country == COUNTRY
    passages = check(list(ingest_file(page)), DOL, "DOL TDA", 2020, cleaned_text(doc))
    assert comparable(passages) == comparable(ok(list(ingest_file(dol_txt(tmp_path)))))
    everything = " ".join(p.text for p in passages)
    for junk in ("Expand All", "Child Labor and Forced Labor Reports", "official website", "Findings on the Worst"):
        assert junk not in everything


# --- HRR ------------------------------------------------------------------------------------------------------

HRR_TITLE = f"{COUNTRY.upper()} 2019 HUMAN RIGHTS REPORT"
HRR_FOOTER = ["Country Reports on Human Rights Practices for 2019",
              "United States Department of State • Bureau of Democracy, Human Rights and Labor"]


def hrr_txt(tmp_path: Path) -> Path:
    f = tmp_path / "txt" / "freedonia.txt"
    f.parent.mkdir(exist_ok=True)
    f.write_text(report_txt([HRR_TITLE], HRR_SPEC), encoding="utf-8")
    return f


def hrr_pdf(path: Path, lines_per_page: int = 24) -> Path:
    """The narrative on letter pages under the running header, above the two-line footer and a page number.
    A page ends inside a paragraph, never after a line that ends a sentence mid-paragraph (the reader takes a
    page that starts after a sentence end as a new paragraph, as in real reports)."""
    lines: list[tuple[str, bool]] = []  # (line, last line of its paragraph)
    for heading, _, _, ps in HRR_SPEC:
        for block in ([heading] if heading else []) + ps:
            wrapped = textwrap.wrap(block, 90, break_on_hyphens=False)
            lines += [(w, k == len(wrapped) - 1) for k, w in enumerate(wrapped)]
    d = Doc()
    number = 0
    while lines:
        cut = min(lines_per_page, len(lines))
        while cut < len(lines) and not lines[cut - 1][1] and re.search(r"[.!?:]$", lines[cut - 1][0]):
            cut -= 1
        page, lines = lines[:cut], lines[cut:]
        number += 1
        d.pdf.add_page()
        d.pdf.text(200, 30, HRR_TITLE)
        d.pdf.text(150, 740, HRR_FOOTER[0])
        d.pdf.text(150, 752, HRR_FOOTER[1])
        d.pdf.text(300, 770, str(number))
        y = 80.0
        for text, last in page:
            d.pdf.text(54, y, text)
            y += 2 * LEADING if last else LEADING
    return d.save(path)


def test_hrr_pdf_gives_the_passages_of_the_txt(tmp_path):
    path = hrr_pdf(tmp_path / "freedonia.pdf")
    doc = read_pdf(path, str(path))
    assert isinstance(doc, Document) and doc.family is HRR and len(doc.page_starts or []) >= 3
    passages = check(list(ingest_file(path)), HRR_SPEC, "State HRR", 2019, cleaned_text(doc))
    assert comparable(passages) == comparable(ok(list(ingest_file(hrr_txt(tmp_path)))))
    everything = "\n".join(p.text for p in passages)
    assert "HUMAN RIGHTS REPORT" not in everything and "Bureau of Democracy" not in everything
    assert "Practices for 2019" not in everything and not re.search(r"(^|\n)\d+($|\n)", everything)
    assert any(p.meta["page_start"] < p.meta["page_end"] for p in passages)  # a paragraph across a page break
    assert passages[0].meta["page_start"] == 1 and passages[-1].meta["page_end"] == len(doc.page_starts or [])


def test_hrr_html_gives_the_passages_of_the_txt(tmp_path):
    """The state.gov layout: the country alone as <h1> under the report's name, sections in <h2>/<h3>."""
    page = tmp_path / "page.html"
    page.write_text(page_html(f"{COUNTRY} - United States Department of State",
                              f"<p>2019 Country Reports on Human Rights Practices</p><h1>{COUNTRY}</h1>", HRR_SPEC),
                    encoding="utf-8")
    doc = read_html(page.read_bytes(), str(page))
    assert isinstance(doc, Document)
    passages = check(list(ingest_file(page)), HRR_SPEC, "State HRR", 2019, cleaned_text(doc))
    assert comparable(passages) == comparable(ok(list(ingest_file(hrr_txt(tmp_path)))))
    assert passages[0].id == "page/freedonia/executive-summary-1"


# --- IRF ------------------------------------------------------------------------------------------------------


def test_irf_txt_with_two_countries(tmp_path):
    other = [(h, n, t, [p.replace(COUNTRY, "Sylvania") for p in ps]) for h, n, t, ps in IRF_SPEC[:2]]
    text = (report_txt(["International Religious Freedom Report for 2019", "Office of International Religious "
                        "Freedom", f"{COUNTRY.upper()} 2019 INTERNATIONAL RELIGIOUS FREEDOM REPORT"], IRF_SPEC)
            + "\n" + report_txt(["SYLVANIA 2019 INTERNATIONAL RELIGIOUS FREEDOM REPORT"], other))
    f = tmp_path / "irf.txt"
    f.write_text(text, encoding="utf-8")
    items = list(ingest_file(f))
    cleaned = cleaned_text(txt_doc(f))
    freedonia = [p for p in ok(items) if p.meta["country"] == COUNTRY]
    check(freedonia, IRF_SPEC, "State IRF", 2019, cleaned)
    check([p for p in ok(items) if p.meta["country"] == "Sylvania"], other, "State IRF", 2019, cleaned, "Sylvania")
    assert "Office of International" not in " ".join(p.text for p in ok(items))  # front matter, before a country


# --- the command ----------------------------------------------------------------------------------------------


def test_report_option_overrides_detection(tmp_path):
    f = dol_txt(tmp_path)
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(app, ["ingest", str(f), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["report"] == "DOL TDA" and rows[0]["meta"]["report"] == "DOL TDA"
    assert [r["section"] for r in rows][:2] == ["overview", "prevalence"]
    res = CliRunner().invoke(app, ["ingest", str(f), "--report", "tip", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "has no section headings (PROSECUTION/PROTECTION/PREVENTION/...)" in res.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {(r["report"], r["section"]) for r in rows} == {("TIP", "unknown")}
    res = CliRunner().invoke(app, ["ingest", str(f), "--report", "ilo"])
    assert res.exit_code == 2 and "ilo" in res.output


def test_a_family_page_without_its_headings_is_one_problem(tmp_path):
    f = tmp_path / "search.html"
    f.write_text("<html><head><title>2019 Country Reports on Human Rights Practices</title></head><body><main>"
                 "<p>Search the reports by country.</p></main></body></html>", encoding="utf-8")
    items = list(ingest_file(f))
    assert len(items) == 1 and isinstance(items[0], InputProblem)
    assert str(items[0]) == (f"{f}: no human rights narrative in HTML page (no 'COUNTRY 2019 HUMAN RIGHTS REPORT' "
                             "or 'Section 1.' heading)")
