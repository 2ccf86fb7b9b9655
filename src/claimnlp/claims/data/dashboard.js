// The claims dashboard's behaviour: controls <-> URL hash, the plotly chart, the points and findings tables.
// Data comes from <script id="dashboard-data" type="application/json">, written by claimnlp.claims.report.
// Every user-provided string reaches the DOM through textContent (or esc() for plotly's own HTML-ish labels).
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("dashboard-data").textContent);
  const COUNTRIES = DATA.countries;            // every country with a statistic claim, sorted
  const KNOWN = new Set(COUNTRIES);
  const $ = (id) => document.getElementById(id);
  const fmt = (v) => Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 });
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let state = null;
  let ignoreHash = false;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  // --- state and the URL hash ------------------------------------------------------------------------------
  function topCountries(metric) {
    const counts = DATA.counts[metric] || {};
    return Object.keys(counts).sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1)).slice(0, 8);
  }

  // "Peru,Congo, Democratic Republic of the": country names may hold commas, so pieces are joined back
  // until they name a known country.
  function splitCountries(value) {
    const out = [];
    let buf = null;
    for (const piece of value.split(",")) {
      buf = buf === null ? piece : buf + "," + piece;
      if (KNOWN.has(buf.trim())) { out.push(buf.trim()); buf = null; }
    }
    return out;
  }

  function isStateHash(params) {
    return params.has("metric") || params.has("country") || params.has("role") || params.has("scale");
  }

  function parseHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const metric = DATA.metrics.includes(params.get("metric")) ? params.get("metric") : DATA.default_metric;
    const countries = params.has("country") ? params.getAll("country").flatMap(splitCountries)
      : topCountries(metric);
    let roles = (params.get("role") || "").split(",").filter((r) => DATA.roles.includes(r));
    if (!roles.length) roles = ["main"];
    return { metric, countries: new Set(countries), roles: new Set(roles), log: params.get("scale") === "log" };
  }

  function hashOf(s) {
    const enc = encodeURIComponent;
    let h = "metric=" + enc(s.metric) + "&country=" + COUNTRIES.filter((c) => s.countries.has(c)).map(enc).join(",");
    const roles = DATA.roles.filter((r) => s.roles.has(r));
    if (roles.join(",") !== "main") h += "&role=" + roles.join(",");
    if (s.log) h += "&scale=log";
    return h;
  }

  function writeHash() {
    const h = "#" + hashOf(state);
    if (location.hash === h) return;
    try {
      history.replaceState(null, "", h);
    } catch (e) {  // some file:// setups refuse replaceState: fall back to a plain hash change
      ignoreHash = true;
      location.hash = h;
    }
  }

  // --- controls --------------------------------------------------------------------------------------------
  function buildControls() {
    const metric = $("metric");
    for (const m of DATA.metrics) metric.append(el("option", { value: m }, m.replace(/_/g, " ")));
    metric.addEventListener("change", () => { state.metric = metric.value; changed(); });

    const roles = $("roles");
    for (const r of DATA.roles) {
      const box = el("input", { type: "checkbox", value: r });
      box.addEventListener("change", () => {
        if (box.checked) state.roles.add(r); else state.roles.delete(r);
        changed();
      });
      roles.append(el("label", { class: "check" }, box, " " + r));
    }

    $("log").addEventListener("change", (e) => { state.log = e.target.checked; changed(); });

    const list = $("countries");
    for (const c of COUNTRIES) {
      const box = el("input", { type: "checkbox", value: c });
      box.addEventListener("change", () => {
        if (box.checked) state.countries.add(c); else state.countries.delete(c);
        changed();
      });
      list.append(el("label", { class: "check", "data-country": c }, box, " " + c, el("span", { class: "count" })));
    }
    $("country-filter").addEventListener("input", (e) => {
      const q = e.target.value.trim().toLowerCase();
      for (const label of list.children) label.hidden = q !== "" && !label.dataset.country.toLowerCase().includes(q);
    });
    $("top8").addEventListener("click", () => { state.countries = new Set(topCountries(state.metric)); changed(); });
    $("none").addEventListener("click", () => { state.countries = new Set(); changed(); });
  }

  function syncControls() {
    $("metric").value = state.metric;
    $("log").checked = state.log;
    for (const box of $("roles").querySelectorAll("input")) box.checked = state.roles.has(box.value);
    const counts = DATA.counts[state.metric] || {};
    for (const label of $("countries").children) {
      const c = label.dataset.country;
      label.querySelector("input").checked = state.countries.has(c);
      label.querySelector(".count").textContent = counts[c] ? String(counts[c]) : "";
      label.classList.toggle("empty", !counts[c]);
    }
  }

  function changed() {
    writeHash();
    update();
  }

  // --- the headline points ---------------------------------------------------------------------------------
  // Per (country, reference year): the largest figure of the metric among the selected roles.
  function headlinePoints() {
    const best = new Map();
    for (const p of DATA.points) {
      if (p.metric !== state.metric || !state.countries.has(p.country) || !state.roles.has(p.role)) continue;
      const key = p.country + "\u0000" + p.reference_year;
      const seen = best.get(key);
      if (!seen || p.value > seen.value) best.set(key, p);
    }
    return [...best.values()].sort((a, b) =>
      (a.country < b.country ? -1 : a.country > b.country ? 1 : 0) || a.reference_year - b.reference_year);
  }

  function wrap(text, width, lines) {
    const out = [];
    let line = "";
    for (const word of text.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = "";
        if (out.length === lines) return out.join("<br>") + " …";
      }
      line = line ? line + " " + word : word;
    }
    if (line) out.push(line);
    return out.join("<br>");
  }

  function hover(p) {
    return "<b>" + esc(p.country) + "</b> · " + p.reference_year + "<br>" +
      "value: <b>" + fmt(p.value) + "</b> " + esc(p.unit || "") + "<br>" +
      "source: " + esc(p.source || "not stated") + "<br>" +
      "report year: " + esc(p.report_year ?? "?") + " · role: " + esc(p.role) + "<br>" +
      "<i>" + wrap(esc(p.sentence), 80, 3) + "</i>";
  }

  function drawChart(points) {
    const byCountry = new Map();
    for (const p of points) {
      if (!byCountry.has(p.country)) byCountry.set(p.country, []);
      byCountry.get(p.country).push(p);
    }
    const traces = [...byCountry.entries()].map(([country, ps]) => ({
      type: "scatter", mode: "lines+markers", name: esc(country),
      x: ps.map((p) => p.reference_year), y: ps.map((p) => p.value),
      customdata: ps.map((p) => p.id), text: ps.map(hover), hovertemplate: "%{text}<extra></extra>",
      marker: { size: 8 }, line: { width: 2 },
    }));
    const layout = {
      height: 440, margin: { l: 70, r: 20, t: 20, b: 50 }, showlegend: true, hovermode: "closest",
      legend: { title: { text: "country" } },
      font: { family: "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif", size: 12 },
      xaxis: { title: { text: "reference year" }, tickformat: "d", dtick: 1, gridcolor: "#edf0f4", zeroline: false },
      yaxis: { title: { text: state.metric.replace(/_/g, " ") + " (headline figure)" },
               type: state.log ? "log" : "linear", rangemode: state.log ? "normal" : "tozero",
               separatethousands: true, gridcolor: "#edf0f4" },
      hoverlabel: { align: "left", bgcolor: "#ffffff", bordercolor: "#9aa5b1", font: { size: 12 } },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      annotations: traces.length ? [] : [{ text: "No figures for this selection", showarrow: false,
        xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { size: 14, color: "#7b8794" } }],
    };
    const chart = $("chart");
    const first = !chart.classList.contains("js-plotly-plot");
    Plotly.react(chart, traces, layout, { displaylogo: false, responsive: true });
    if (first) {
      chart.on("plotly_click", (ev) => { if (ev.points && ev.points.length) jumpTo(ev.points[0].customdata); });
    }
  }

  function evidenceLink(id, label) {
    return id ? el("a", { href: "#" + id, class: "ev-link" }, label) : document.createTextNode(String(label));
  }

  function drawPoints(points) {
    const body = $("points-body");
    body.replaceChildren(...points.map((p) => el("tr", {},
      el("td", {}, p.country), el("td", { class: "num" }, String(p.reference_year)),
      el("td", { class: "num" }, evidenceLink(p.id, fmt(p.value))), el("td", {}, p.unit || ""),
      el("td", {}, p.source || "—"), el("td", { class: "num" }, p.report_year ?? ""))));
    $("points-empty").hidden = points.length > 0;
    $("points-summary").textContent = points.length + " point(s) from " +
      new Set(points.map((p) => p.country)).size + " of " + state.countries.size + " selected countries";
  }

  // --- findings --------------------------------------------------------------------------------------------
  function findingShown(f) {
    if (f.countries.length && !f.countries.some((c) => state.countries.has(c))) return false;
    return !f.metric || f.metric === state.metric;
  }

  function sentenceItem(s) {
    const sentence = el("q", {}, ...s.segments.map(([text, figure]) => (figure ? el("mark", {}, text) : text)));
    const meta = el("div", { class: "meta" }, s.doc_id + " · " + (s.report_year ?? "?") + " report");
    const links = s.links.filter(([id]) => id);
    if (links.length) meta.append(" · evidence: ");
    links.forEach(([id, label], i) => meta.append(i ? ", " : "", evidenceLink(id, label)));
    return el("li", {}, sentence, meta);
  }

  function drawFindings() {
    for (const scope of ["narrative", "cross_report"]) {
      const shown = DATA.findings.filter((f) => f.scope === scope && findingShown(f));
      const kinds = new Map();
      for (const f of shown) kinds.set(f.kind, (kinds.get(f.kind) || 0) + 1);
      $("kinds-" + scope).replaceChildren(...[...kinds.entries()].sort().map(([k, n]) =>
        el("span", { class: "chip" }, k.replace(/_/g, " ") + " ", el("b", {}, String(n)))));
      $("findings-" + scope).replaceChildren(...shown.map((f) => el("tr", { "data-finding": f.finding_id },
        el("td", {}, el("span", { class: "kind" }, f.kind.replace(/_/g, " "))),
        el("td", {}, [f.country || f.countries.join(", ") || "—", f.metric, f.reference_year]
          .filter((x) => x !== null && x !== undefined && x !== "").join(" · ")),
        el("td", {}, f.message),
        el("td", {}, el("ul", { class: "claims" }, ...f.sentences.map(sentenceItem))))));
      $("findings-" + scope + "-empty").hidden = shown.length > 0;
      $("findings-" + scope + "-table").hidden = shown.length === 0;
      $("count-" + scope).textContent = String(shown.length);
    }
  }

  // --- evidence --------------------------------------------------------------------------------------------
  // Links to evidence are handled here so the hash keeps the filter state (a plain link would replace it).
  function jumpTo(id) {
    const target = document.getElementById(id);
    if (!target) return;
    const details = target.closest("details");
    if (details) details.open = true;
    for (const old of document.querySelectorAll(".current")) old.classList.remove("current");
    target.classList.add("current");
    target.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a || a.getAttribute("href").length < 2) return;
    e.preventDefault();
    jumpTo(decodeURIComponent(a.getAttribute("href").slice(1)));
  });

  window.addEventListener("hashchange", () => {
    if (ignoreHash) { ignoreHash = false; return; }
    const raw = location.hash.replace(/^#/, "");
    if (isStateHash(new URLSearchParams(raw))) { state = parseHash(); update(); } else if (raw) jumpTo(raw);
  });

  function update() {
    syncControls();
    const points = headlinePoints();
    drawChart(points);
    drawPoints(points);
    drawFindings();
  }

  buildControls();
  state = parseHash();
  update();
  const start = location.hash.replace(/^#/, "");
  if (start && !isStateHash(new URLSearchParams(start))) jumpTo(decodeURIComponent(start));
  document.body.classList.add("ready");
})();
