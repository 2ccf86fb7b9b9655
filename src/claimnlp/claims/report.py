"""A single-file, offline HTML report of claim rows: counts, victims over time, negative share by section.

Every figure links to the sentence it came from (an anchor in the evidence list at
the end), so a reader can audit any number. The plot is inline SVG: no scripts,
no CDN, nothing fetched.
"""

from __future__ import annotations

import html
import io
from collections import Counter, defaultdict
from typing import Any


def _anchor(row: dict[str, Any]) -> str:
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in str(row["claim_id"]))


def _num(v: Any) -> float | None:
    try:
        return None if v in (None, "") else float(v)
    except (TypeError, ValueError):
        return None


def _victim_series(rows: list[dict[str, Any]]) -> dict[str, dict[int, dict[str, Any]]]:
    """Per country and reference year: the largest main figure of identified victims (the headline number)."""
    series: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        if r["claim_type"] != "statistic" or r.get("role") != "main" or r.get("population_head") != "victims":
            continue
        year, value = _num(r.get("reference_year")), _num(r.get("value"))
        if year is None or value is None or not r.get("country"):
            continue
        best = series[r["country"]].get(int(year))
        if best is None or value > (_num(best["value"]) or 0.0):  # a stored best always has a value
            series[r["country"]][int(year)] = r
    return series


def _svg_plot(series: dict[str, dict[int, dict[str, Any]]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for country, points in sorted(series.items()):
        xy = [(x, v) for x in sorted(points) if (v := _num(points[x]["value"])) is not None]
        ax.plot([x for x, _ in xy], [v for _, v in xy], marker="o", label=country)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("reference year")
    ax.set_ylabel("victims (headline figure)")
    ax.grid(alpha=0.3)
    if len(series) <= 12:
        ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def render(rows: list[dict[str, Any]], title: str = "claimnlp claims report") -> str:
    stats = [r for r in rows if r["claim_type"] == "statistic"]
    assessments = [r for r in rows if r["claim_type"] == "assessment"]
    parts = [f"<h1>{html.escape(title)}</h1><p>{len(stats)} statistic and {len(assessments)} assessment claims "
             f"from {len({r['doc_id'] for r in rows})} passages.</p>"]

    per = Counter((r.get("country") or "?", r.get("report_year") or "?", r["claim_type"]) for r in rows)
    first: dict[tuple[Any, Any, str], dict[str, Any]] = {}
    for r in rows:
        first.setdefault((r.get("country") or "?", r.get("report_year") or "?", r["claim_type"]), r)
    keys = sorted({(c, y) for c, y, _ in per}, key=lambda k: (str(k[0]), str(k[1])))
    body = "".join(
        f"<tr><td>{html.escape(str(c))}</td><td>{y}</td>" + "".join(
            f"<td><a href='#{_anchor(first[(c, y, t)])}'>{per[(c, y, t)]}</a></td>" if per[(c, y, t)] else "<td>0</td>"
            for t in ("statistic", "assessment")) + "</tr>" for c, y in keys)
    parts.append("<h2>Claims per country and report year</h2><table><tr><th>country</th><th>report year</th>"
                 f"<th>statistics</th><th>assessments</th></tr>{body}</table>")

    series = _victim_series(rows)
    if series:
        points = "".join(
            f"<tr><td>{html.escape(c)}</td><td>{y}</td><td><a href='#{_anchor(r)}'>{_num(r['value']):,.0f}</a></td>"
            f"<td>{html.escape(str(r.get('source_org') or ''))}</td></tr>"
            for c, ys in sorted(series.items()) for y, r in sorted(ys.items()))
        parts.append(f"<h2>Victims identified per country</h2>{_svg_plot(series)}<table><tr><th>country</th>"
                     f"<th>year</th><th>victims</th><th>reported by</th></tr>{points}</table>")

    by_section: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in assessments:
        by_section[r.get("section") or "?"].append(r)
    srows = ""
    for sec, rs in sorted(by_section.items()):
        neg = [r for r in rs if r.get("polarity") == "negative"]
        share = len(neg) / len(rs)
        link = f"<a href='#{_anchor(neg[0])}'>{len(neg)}</a>" if neg else "0"
        srows += (f"<tr><td>{html.escape(sec)}</td><td>{link} / {len(rs)}</td><td>{share:.0%}</td>"
                  f"<td><div class='bar' style='width:{share * 200:.0f}px'></div></td></tr>")
    parts.append("<h2>Share of negative assessments per section</h2><table><tr><th>section</th>"
                 f"<th>negative / all</th><th>share</th><th></th></tr>{srows}</table>")

    ev = []
    for r in rows:
        s0, a, b = int(r["sentence_start"]), int(r["start"]), int(r["end"])
        sent = str(r["sentence"])
        mark = (html.escape(sent[: a - s0]) + "<mark>" + html.escape(sent[a - s0 : b - s0]) + "</mark>" +
                html.escape(sent[b - s0 :]))
        what = (f"{r.get('value')} {r.get('population') or ''}" if r["claim_type"] == "statistic"
                else f"{r.get('polarity')} ({r.get('topic')}; actor: {r.get('actor')})")
        ev.append(f"<li id='{_anchor(r)}'><b>{html.escape(str(r['doc_id']))}</b> [{a}:{b}] "
                  f"{html.escape(what)}<br>{mark}</li>")
    parts.append(f"<h2>Evidence</h2><ol>{''.join(ev)}</ol>")
    css = ("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
           "td,th{border:1px solid #ccc;padding:2px 8px}.bar{background:#c0392b;height:10px}"
           "li{margin:.4em 0}mark{background:#fff3bf}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")
