"""Evaluation results for people: rich tables on the terminal and a single-file HTML report."""

from __future__ import annotations

import html
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..render import plain_console
from ..schema import LABELS, Record
from .matching import PassageComparison
from .metrics import MODES


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _ci(ci: list[float | None]) -> str:
    return "" if ci[0] is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def metrics_table(m: dict[str, Any], title: str) -> Group:
    t = Table(title=title, title_justify="left")
    for col in ("label", "support", "pred", "strict P", "strict R", "strict F1", "95% CI", "partial F1", "95% CI "):
        t.add_column(col, justify="left" if col == "label" else "right")
    for label in LABELS:
        row = m["labels"][label]
        s, p = row["strict"], row["partial"]
        t.add_row(label, str(row["support"]), str(row["predicted"]), _f(s["p"]), _f(s["r"]), _f(s["f1"]),
                  _ci(s["f1_ci"]), _f(p["f1"]), _ci(p["f1_ci"]))
    for agg in ("micro", "macro"):
        s, p = m["overall"]["strict"][agg], m["overall"]["partial"][agg]
        t.add_row(Text(agg, style="bold"), "", "", _f(s.get("p")), _f(s.get("r")), _f(s["f1"]), _ci(s["f1_ci"]),
                  _f(p["f1"]), _ci(p["f1_ci"]))
    extra = Table(show_header=True)
    for col in ("measure", "value", "95% CI", "n"):
        extra.add_column(col, justify="left" if col == "measure" else "right")
    extra.add_row("ASSESSMENT polarity accuracy", _f(m["polarity"]["accuracy"]), _ci(m["polarity"]["ci"]),
                  str(m["polarity"]["matched"]))
    extra.add_row("QUANTITY value accuracy", _f(m["quantity_value"]["accuracy"]), _ci(m["quantity_value"]["ci"]),
                  str(m["quantity_value"]["matched"]))
    r = m["relations"]
    extra.add_row(f"counts relation F1 (P {_f(r['p'])}, R {_f(r['r'])})", _f(r["f1"]), _ci(r["f1_ci"]),
                  str(r["gold"]))
    if "statistic_claims" in m:
        c = m["statistic_claims"]
        extra.add_row(f"StatisticClaim (value, head) F1 (P {_f(c['p'])}, R {_f(c['r'])})", _f(c["f1"]),
                      _ci(c["f1_ci"]), str(c["gold"]))
    return Group(t, extra)


def diff_table(d: dict[str, Any], a: str, b: str) -> Table:
    t = Table(title=f"paired bootstrap: F1({a}) - F1({b})", title_justify="left")
    for col in ("label", "strict diff", "95% CI", "partial diff", "95% CI "):
        t.add_column(col, justify="left" if col == "label" else "right")
    for label in (*LABELS, "micro"):
        s, p = d["strict"][label], d["partial"][label]
        t.add_row(label, f"{s['diff']:+.3f}", _ci(s["ci"]), f"{p['diff']:+.3f}", _ci(p["ci"]))
    r = d["relations"]
    t.add_row("counts relations", f"{r['diff']:+.3f}", _ci(r["ci"]), "", "")
    return t


def wide_console() -> Console:
    """Metric tables need ~120 columns; a pipe or CI log would otherwise get 80 and fold every cell.

    Titles carry model names and paths, so the console prints strings verbatim (``render.plain_console``).
    """
    console = plain_console()
    return console if console.is_terminal else plain_console(width=140)


def claims_table(c: dict[str, Any], title: str) -> Table:
    """StatisticClaim scores (``evaluate.statistics.score_claims``): claim P/R/F1, then each field's accuracy."""
    t = Table(title=title, title_justify="left")
    for col in ("score", "value", "95% CI", "n"):
        t.add_column(col, justify="left" if col == "score" else "right")
    t.add_row(Text("claim F1 (value+metric+year)", style="bold"), _f(c["f1"]), _ci(c["f1_ci"]),
              f"{c['correct']}/{c['predicted']} pred, {c['gold']} gold")
    t.add_row("claim P / R", f"{_f(c['p'])} / {_f(c['r'])}", "", "")
    for name, x in c["fields"].items():
        t.add_row(f"{name} accuracy", _f(x["acc"]), _ci(x["ci"]), str(x["n"]))
    return t


def print_metrics(m: dict[str, Any], title: str, console: Console | None = None) -> None:
    (console or wide_console()).print(metrics_table(m, title))


# ---------------------------------------------------------------- HTML

CSS = """body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.ok{background:#d8f5d8}.part{background:#fff3bf}.miss{background:#ffd6d6}.spur{background:#ffd6d6}
.cols{display:flex;gap:1em}.cols>div{flex:1}.span{font-family:monospace;font-size:90%}
details{margin:.5em 0;border-top:1px solid #eee}"""


def _metrics_html(m: dict[str, Any], title: str) -> str:
    rows = []
    for label in LABELS:
        row = m["labels"][label]
        cells = [label, row["support"], row["predicted"]]
        for mode in MODES:
            x = row[mode]
            cells += [_f(x["p"]), _f(x["r"]), _f(x["f1"]), _ci(x["f1_ci"])]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    for agg in ("micro", "macro"):
        cells = [agg, "", ""]
        for mode in MODES:
            x = m["overall"][mode][agg]
            cells += [_f(x.get("p")), _f(x.get("r")), _f(x["f1"]), _ci(x["f1_ci"])]
        rows.append("<tr><th>" + "</th><th>".join(html.escape(str(c)) for c in cells) + "</th></tr>")
    head = ("<tr><th>label</th><th>support</th><th>pred</th>" +
            "".join(f"<th>{mode} P</th><th>{mode} R</th><th>{mode} F1</th><th>95% CI</th>" for mode in MODES) + "</tr>")
    r = m["relations"]
    extra = (f"<p>ASSESSMENT polarity accuracy {_f(m['polarity']['accuracy'])} {_ci(m['polarity']['ci'])} "
             f"(n={m['polarity']['matched']}); QUANTITY value accuracy {_f(m['quantity_value']['accuracy'])} "
             f"{_ci(m['quantity_value']['ci'])} (n={m['quantity_value']['matched']}); counts relation F1 "
             f"{_f(r['f1'])} {_ci(r['f1_ci'])} (P {_f(r['p'])}, R {_f(r['r'])}, gold {r['gold']})</p>")
    return f"<h2>{html.escape(title)}</h2><table>{head}{''.join(rows)}</table>{extra}"


def _span_rows(rec: Record, statuses: list[str]) -> str:
    out = []
    for s, st in zip(rec.spans, statuses, strict=True):
        extra = s.polarity or ("" if s.value is None else f"={s.value}")
        out.append(f"<tr class='{st}'><td>{s.label}</td><td class='span'>{html.escape(rec.span_text(s))}</td>"
                   f"<td>{s.start}-{s.end}</td><td>{html.escape(str(extra))}</td></tr>")
    return "<table>" + "".join(out) + "</table>"


def _statuses(own: Record, other: Record, pairs_own_to_other: dict[int, int], miss: str) -> list[str]:
    out = []
    for i, s in enumerate(own.spans):
        j = pairs_own_to_other.get(i)
        if j is None:
            out.append(miss)
        else:
            o = other.spans[j]
            exact = (o.start, o.end) == (s.start, s.end) and o.polarity == s.polarity and o.value == s.value
            out.append("ok" if exact else "part")
    return out


def html_report(metrics: dict[str, Any], title: str, gold: list[Record], pred: list[Record],
                comparisons: list[PassageComparison], diff: dict[str, Any] | None = None) -> str:
    """Tables, then each passage with gold and predicted spans side by side (green exact, yellow partial, red error)."""
    by_id = {r.id: r for r in pred}
    parts = [_metrics_html(metrics, title)]
    if diff is not None:
        rows = "".join(
            f"<tr><td>{k}</td><td>{v['diff']:+.3f}</td><td>{_ci(v['ci'])}</td></tr>" for k, v in diff["strict"].items())
        parts.append(f"<h2>Paired difference (strict F1)</h2><table><tr><th>label</th><th>diff</th><th>95% CI</th></tr>"
                     f"{rows}</table>")
    parts.append("<h2>Passages</h2><p>green: exact; yellow: overlapping or wrong value/polarity; red: missed (gold) "
                 "or spurious (predicted).</p>")
    for g, c in zip(gold, comparisons, strict=True):
        p = by_id.get(g.id) or Record(g.id, g.text, g.meta)
        p_to_g = dict(c.pairs)
        g_to_p = {j: i for i, j in c.pairs}
        errors = sum(1 for s in _statuses(g, p, g_to_p, "miss") if s != "ok") + sum(
            1 for s in _statuses(p, g, p_to_g, "spur") if s != "ok")
        parts.append(
            f"<details><summary>{html.escape(g.id)}: {errors} error(s)</summary>"
            f"<p>{html.escape(g.text)}</p><div class='cols'><div><h4>gold</h4>"
            f"{_span_rows(g, _statuses(g, p, g_to_p, 'miss'))}</div><div><h4>predicted</h4>"
            f"{_span_rows(p, _statuses(p, g, p_to_g, 'spur'))}</div></div></details>")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>{''.join(parts)}</body></html>")
