"""The claims dashboard: one offline HTML file an analyst opens to read, filter and audit claim rows.

Everything travels inside the file (plotly.js, the data as JSON, the behaviour in ``data/dashboard.js``), so
it works from a laptop with no network and can be mailed around. The chart, the table of plotted points and
the findings follow the controls (country, metric, role; kept in the URL hash, so a view can be shared). The
evidence list is static HTML written here, so every link to a sentence works even without scripts.
"""

from __future__ import annotations

import html
import importlib.util
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .findings import integer, number
from .taxonomy import METRICS, ROLES

DEFAULT_METRIC = "victims_identified"
OPEN_EVIDENCE_UP_TO = 60  # statistic claims; past this the per-country evidence lists start closed
SENTENCE_CHARS = 300  # of a sentence carried into the chart's hover text

Row = Mapping[str, Any]


def evidence_id(claim_id: Any) -> str:
    """The element id of a claim's evidence entry: ``c-`` and the claim id, every non-alphanumeric as ``-``."""
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in str(claim_id))


def _str(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


def _fmt(v: float | None) -> str:
    if v is None:
        return "?"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


Span = tuple[int | None, int | None]


def _segments(sentence: str, s0: int | None, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """The sentence as (text, is-a-figure) pieces; a span outside the sentence, or over an earlier one, marks nothing."""
    out: list[tuple[str, bool]] = []
    at = 0
    for a, b in sorted((a - s0, b - s0) for a, b in spans if s0 is not None and a is not None and b is not None):
        if at <= a <= b <= len(sentence) and a < b:
            out += [(sentence[at:a], False), (sentence[a:b], True)]
            at = b
    return [(t, m) for t, m in [*out, (sentence[at:], False)] if t]


def _figure_span(row: Row) -> Span:
    return integer(row.get("start")), integer(row.get("end"))


def _marked(row: Row) -> str:
    pieces = _segments(str(row.get("sentence") or ""), integer(row.get("sentence_start")), [_figure_span(row)])
    return "".join(f"<mark>{html.escape(t)}</mark>" if m else html.escape(t) for t, m in pieces)


def _sentences(claims: Iterable[Row], anchors: dict[str, str]) -> list[dict[str, Any]]:
    """A finding's claims by sentence: one sentence with all its figures marked, not the sentence once per figure."""
    groups: dict[tuple[str, int | None, str], list[Row]] = {}
    for c in claims:
        key = (str(c.get("doc_id") or ""), integer(c.get("sentence_start")), str(c.get("sentence") or ""))
        groups.setdefault(key, []).append(c)
    return [{"doc_id": doc, "report_year": integer(cs[0].get("report_year")),
             "segments": _segments(sentence, s0, [_figure_span(c) for c in cs]),
             "links": [[anchors.get(str(c.get("claim_id"))), str(c.get("text") or _fmt(number(c.get("value"))))]
                       for c in cs]}
            for (doc, s0, sentence), cs in groups.items()]


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    """plotly.min.js as the plotly package ships it (found without importing plotly: only the file is used)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the claims dashboard needs the plotly package (pip install plotly)")
    return (Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js").read_text("utf-8")


def _dashboard_js() -> str:
    return resources.files("claimnlp.claims").joinpath("data/dashboard.js").read_text("utf-8")


def _anchors(stats: Iterable[Row]) -> dict[str, str]:
    """claim_id -> element id, made unique (two ids can map to the same string, or a row can repeat)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for r in stats:
        cid = str(r.get("claim_id"))
        if cid in out:
            continue
        base = aid = evidence_id(cid)
        k = 1
        while aid in used:
            k += 1
            aid = f"{base}-{k}"
        used.add(aid)
        out[cid] = aid
    return out


def _payload(stats: list[Row], findings: Sequence[Mapping[str, Any]], anchors: dict[str, str]) -> dict[str, Any]:
    """What the page's script needs: the plottable figures, counts for the default selection, the findings."""
    points: list[dict[str, Any]] = []
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in stats:
        country, metric = _str(r.get("country")), _str(r.get("metric"))
        if country and metric:
            counts[metric][country] += 1
        year, value = integer(r.get("reference_year")), number(r.get("value"))
        if country and metric and year is not None and value is not None:
            points.append({"id": anchors[str(r.get("claim_id"))], "country": country, "metric": metric,
                           "role": _str(r.get("role")) or "main", "reference_year": year, "value": value,
                           "unit": _str(r.get("unit")), "source": _str(r.get("source_org")),
                           "report_year": integer(r.get("report_year")),
                           "sentence": " ".join(str(r.get("sentence") or "").split())[:SENTENCE_CHARS]})
    present = set(counts) | {DEFAULT_METRIC}
    metrics = [m for m in METRICS if m in present] + sorted(present - set(METRICS))
    country_of = {str(r.get("claim_id")): _str(r.get("country")) for r in stats}
    out_findings = []
    for f in findings:
        country = _str(f.get("country"))
        involved = sorted({x for c in f.get("claims") or [] if (x := country_of.get(str(c.get("claim_id"))))})
        out_findings.append({"finding_id": str(f.get("finding_id") or ""), "kind": str(f.get("kind") or "?"),
                             "scope": str(f.get("scope") or ""), "country": country,
                             "countries": [country] if country else involved, "metric": _str(f.get("metric")),
                             "reference_year": integer(f.get("reference_year")), "message": str(f.get("message") or ""),
                             "sentences": _sentences(f.get("claims") or [], anchors)})
    roles = list(ROLES) + sorted({p["role"] for p in points} - set(ROLES))
    return {"points": points, "countries": sorted({c for m in counts.values() for c in m}),
            "counts": {m: dict(c) for m, c in counts.items()}, "metrics": metrics, "roles": roles,
            "default_metric": DEFAULT_METRIC if DEFAULT_METRIC in counts or not counts else
            max(counts, key=lambda m: sum(counts[m].values())), "findings": out_findings}


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, no ``<!--`` (every ``<`` is written ``\\u003c``)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _header(rows: Sequence[Row], stats: list[Row], findings: Sequence[Mapping[str, Any]]) -> str:
    years = sorted({y for r in rows if (y := integer(r.get("report_year"))) is not None})
    scopes = Counter(str(f.get("scope")) for f in findings)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    cells = [(f"{len(stats):,}", "statistic claims"), (f"{len(rows) - len(stats):,}", "assessment claims"),
             (f"{len({r.get('doc_id') for r in rows}):,}", "passages"),
             (f"{len({c for r in rows if (c := _str(r.get('country')))}):,}", "countries"),
             (f"{len(years)}", f"report years ({span})"),
             (f"{len(findings):,}", f"findings ({scopes['narrative']} consistency, {scopes['cross_report']} audit)")]
    return "".join(f"<div class='stat'><b>{n}</b><span>{html.escape(label)}</span></div>" for n, label in cells)


def _assessments(rows: Sequence[Row]) -> str:
    by_section: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.get("claim_type") == "assessment":
            by_section[_str(r.get("section")) or "?"].append(r)
    if not by_section:
        return "<p class='muted'>No assessment claims.</p>"
    body = ""
    for sec, rs in sorted(by_section.items()):
        neg = sum(r.get("polarity") == "negative" for r in rs)
        share = neg / len(rs)
        body += (f"<tr><td>{html.escape(sec)}</td><td class='num'>{neg} / {len(rs)}</td>"
                 f"<td class='num'>{share:.0%}</td><td><div class='bar'><div style='width:{share * 100:.0f}%'>"
                 "</div></div></td></tr>")
    return ("<table class='narrow'><thead><tr><th>section</th><th>negative / all</th><th>share</th><th></th></tr>"
            f"</thead><tbody>{body}</tbody></table>")


def _evidence_item(r: Row, aid: str) -> str:
    e = {k: html.escape(v) if (v := _str(r.get(k))) else "" for k in
         ("metric", "unit", "role", "source_org", "source_type", "year_basis", "doc_id")}
    year, report = integer(r.get("reference_year")), integer(r.get("report_year"))
    source = f"{e['source_org']} ({e['source_type']})" if e["source_org"] else "not stated"
    basis = f" ({e['year_basis']})" if e["year_basis"] else ""
    return (f"<li id='{aid}'><div class='meta'><span class='metric'>{e['metric'] or 'no metric'}</span> "
            f"<b>{_fmt(number(r.get('value')))}</b> {e['unit']} · {e['role']} · source: {source} · reference year "
            f"{year if year is not None else '—'}{basis} · <span class='doc'>{e['doc_id']}</span> "
            f"({report if report is not None else '?'} report)</div><q>{_marked(r)}</q></li>")


def _evidence(stats: list[Row], anchors: dict[str, str]) -> str:
    """Every statistic claim's sentence, the figure marked, grouped by country (closed when there are many)."""
    if not stats:
        return "<p class='muted'>No statistic claims.</p>"
    by_country: dict[str, list[Row]] = defaultdict(list)
    for r in stats:
        by_country[_str(r.get("country")) or "(no country)"].append(r)
    seen: set[str] = set()
    opened = " open" if len(stats) <= OPEN_EVIDENCE_UP_TO else ""
    parts = []
    for country, rs in sorted(by_country.items()):
        items = []
        for r in sorted(rs, key=lambda r: (integer(r.get("report_year")) or 0, str(r.get("doc_id")),
                                           integer(r.get("start")) or 0)):
            aid = anchors[str(r.get("claim_id"))]
            if aid not in seen:  # a repeated row: its one entry is enough
                seen.add(aid)
                items.append(_evidence_item(r, aid))
        parts.append(f"<details{opened}><summary>{html.escape(country)} <span class='muted'>{len(rs)} statistic "
                     f"claim(s)</span></summary><ol class='evidence'>{''.join(items)}</ol></details>")
    return "".join(parts)


CSS = """
:root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f3f5f8;--card:#fff;--accent:#2563eb;--mark:#fde68a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);
background:var(--bg)}
header.top{background:#102a43;color:#fff;padding:16px 24px}
header.top h1{margin:0 0 10px;font-size:20px;font-weight:600}
.stats{display:flex;flex-wrap:wrap;gap:8px}
.stat{background:rgba(255,255,255,.09);border-radius:6px;padding:6px 12px;min-width:110px}
.stat b{display:block;font-size:18px;font-variant-numeric:tabular-nums}
.stat span{font-size:12px;color:#bcccdc}
.layout{display:grid;grid-template-columns:250px minmax(0,1fr);gap:20px;max-width:1500px;margin:0 auto;
padding:20px 24px}
aside{position:sticky;top:12px;align-self:start;max-height:calc(100vh - 24px);overflow:auto;background:var(--card);
border:1px solid var(--line);border-radius:8px;padding:14px}
aside h3{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:14px 0 6px}
aside h3:first-child{margin-top:0}
select,input[type=search],button{font:inherit;color:inherit}
select,input[type=search]{width:100%;padding:5px 8px;border:1px solid #cbd2d9;border-radius:5px;background:#fff}
button{padding:3px 10px;border:1px solid #cbd2d9;border-radius:5px;background:#f8fafc;cursor:pointer}
button:hover{background:#eef2f7}
.buttons{display:flex;gap:6px;margin:6px 0}
.check{display:flex;align-items:center;gap:6px;padding:2px 0;cursor:pointer}
.check .count{margin-left:auto;color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.check.empty{color:#9aa5b1}
#countries{max-height:420px;overflow:auto;border:1px solid var(--line);border-radius:5px;padding:4px 8px}
main{min-width:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-bottom:20px}
.card h2{font-size:16px;margin:0 0 4px}
.card h3{font-size:14px;margin:16px 0 6px}
.sub{color:var(--muted);margin:0 0 10px;font-size:13px}
.muted{color:var(--muted)}
.scroll{max-height:360px;overflow:auto;border:1px solid var(--line);border-radius:5px}
table{border-collapse:collapse;width:100%}
table.narrow{width:auto;min-width:480px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;font-weight:600;color:var(--muted);background:#f8fafc;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#f8fafc}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
mark{background:var(--mark);padding:0 2px;border-radius:2px}
q{quotes:none;display:block;max-width:75em}
.bar{width:200px;height:10px;background:#edf0f4;border-radius:5px;overflow:hidden}
.bar div{height:100%;background:#c0392b}
.chip{display:inline-block;background:#eef2f7;border-radius:12px;padding:2px 10px;margin:0 6px 6px 0;font-size:12px}
.kind{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#fff4e5;
color:#8a4b00;border-radius:4px;padding:1px 6px;white-space:nowrap}
ul.claims{margin:0;padding-left:18px}
ul.claims li{margin-bottom:6px}
.meta{color:var(--muted);font-size:12px}
.metric{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef2f7;border-radius:4px;
padding:0 5px}
.doc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
details{border-top:1px solid var(--line);padding:6px 0}
summary{cursor:pointer;font-weight:600}
ol.evidence{margin:6px 0;padding-left:28px}
ol.evidence li{margin:0 0 8px;padding:4px 6px;border-radius:5px;scroll-margin:80px}
.current,li:target{outline:2px solid var(--accent);background:#eff6ff}
#chart{min-height:440px}
.noscript{background:#fff4e5;border:1px solid #f0c36d;border-radius:6px;padding:8px 12px}
"""


def _page(title: str, header: str, payload: dict[str, Any], assessments: str, evidence: str) -> str:
    def findings(scope: str, name: str, why: str) -> str:
        return (f"<h3>{name} <span class='chip' id='count-{scope}'>0</span></h3><p class='sub'>{why}</p>"
                f"<div id='kinds-{scope}'></div><div class='scroll' id='findings-{scope}-table'><table><thead>"
                "<tr><th>kind</th><th>where</th><th>message</th><th>sentences involved</th></tr></thead>"
                f"<tbody id='findings-{scope}'></tbody></table></div>"
                f"<p class='muted' id='findings-{scope}-empty'>No findings for this selection.</p>")

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body>
<header class="top"><h1>{html.escape(title)}</h1><div class="stats">{header}</div></header>
<div class="layout">
<aside>
<h3>Metric</h3><select id="metric" aria-label="metric"></select>
<h3>Role</h3><div id="roles"></div>
<h3>Y axis</h3><label class="check"><input type="checkbox" id="log"> log scale</label>
<h3>Countries</h3><input type="search" id="country-filter" placeholder="filter countries" aria-label="filter countries">
<div class="buttons"><button id="top8" type="button">top 8</button><button id="none" type="button">none</button></div>
<div id="countries"></div>
</aside>
<main>
<noscript><p class="noscript">The chart and the filtered tables need JavaScript; the evidence below works without.</p>
</noscript>
<section class="card" id="chart-card"><h2>Headline figure per country and reference year</h2>
<p class="sub">Per country and reference year, the largest figure of the metric among the selected roles.
Click a point for its sentence.</p><div id="chart"></div></section>
<section class="card" id="points"><h2>Plotted points</h2><p class="sub" id="points-summary"></p>
<div class="scroll"><table><thead><tr><th>country</th><th class="num">reference year</th><th class="num">value</th>
<th>unit</th><th>source</th><th class="num">report year</th></tr></thead><tbody id="points-body"></tbody></table></div>
<p class="muted" id="points-empty" hidden>No figures for this selection.</p></section>
<section class="card" id="findings"><h2>Findings</h2>
<p class="sub">For the selected countries (and the metric, when a finding has one).</p>
{findings("narrative", "Consistency", "Figures within one narrative that do not add up.")}
{findings("cross_report", "Audit", "The same figure as reported in different years' reports.")}
</section>
<section class="card" id="assessments"><h2>Share of negative assessments per section</h2>{assessments}</section>
<section class="card" id="evidence"><h2>Evidence</h2>
<p class="sub">Every statistic claim's sentence, the figure marked.</p>{evidence}</section>
</main></div>
<script id="dashboard-data" type="application/json">{_script_json(payload)}</script>
<script id="plotly-js">{_plotly_js()}</script>
<script>{_dashboard_js()}</script>
</body></html>
"""


def render(rows: Sequence[Row], findings: Sequence[Mapping[str, Any]] = (),
           title: str = "claimnlp claims dashboard") -> str:
    """The dashboard of claim rows (``claimnlp extract``'s columns) and the findings of the checks and audit."""
    if isinstance(findings, str):
        raise TypeError("render(rows, findings, title): findings comes before the title")
    stats = [r for r in rows if r.get("claim_type") == "statistic"]
    anchors = _anchors(stats)
    return _page(title, _header(rows, stats, findings), _payload(stats, findings, anchors), _assessments(rows),
                 _evidence(stats, anchors))
