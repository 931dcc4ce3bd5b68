// The scenario lab: run the study the page describes, then show lab minus base.
// Plain JavaScript, no dependencies; charts are drawn as SVG.
(function () {
  "use strict";
  var results = document.getElementById("results");
  var specNode = document.getElementById("study-spec");
  if (!results || !specNode) return;
  var spec = JSON.parse(specNode.textContent);
  var base = results.getAttribute("data-base");
  var statusNode = document.getElementById("status");
  var ROWS = [
    ["aca_transfers_SV", "ACA transfers to El Salvador"],
    ["aca_transfers_HN", "ACA transfers to Honduras"],
    ["aca_transfers_GT", "ACA transfers to Guatemala"],
    ["mpp_enrolled", "MPP enrolments"],
    ["mpp_enrolled_ca_az_2020_03_12_to_2020_12_31", "MPP enrolments in California and Arizona, 12 Mar–31 Dec 2020"],
    ["title42_expulsions", "Title 42 expulsions"],
    ["mpp_in_absentia", "MPP in-absentia removal orders"],
    ["mpp_pending_end", "MPP cases pending at the end"],
    ["pathway_CREDIBLE_FEAR", "Credible-fear screenings"],
    ["pathway_NTA_RELEASE", "Notices to appear and release"]
  ];

  function fmt(x) {
    if (x === null || x === undefined || isNaN(x)) return "–";
    return Math.round(x).toLocaleString("en-US");
  }
  function interval(h) {
    return fmt(h.mean) + " (" + fmt(h.p5) + " to " + fmt(h.p95) + ")";
  }
  function say(text) { statusNode.textContent = text; }

  function run() {
    say("Submitting the study…");
    fetch("/api/v1/studies", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(spec)
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    }).then(function (a) {
      if (!a.ok) { say("The study was refused: " + a.body.error.message); return; }
      poll(a.body.id);
    }).catch(function () { say("The server could not be reached."); });
  }

  function poll(id) {
    fetch("/api/v1/studies/" + id).then(function (r) { return r.json(); }).then(function (s) {
      if (s.status === "done") { show(id); return; }
      if (s.status === "failed" || s.status === "cancelled") { say("The study " + s.status + (s.error ? ": " + s.error : ".")); return; }
      say("Running: " + s.progress.done + " of " + s.progress.total + " replications done…");
      setTimeout(function () { poll(id); }, 500);
    });
  }

  function show(id) {
    fetch("/api/v1/studies/" + id + "/summary").then(function (r) { return r.json(); }).then(function (summary) {
      var names = Object.keys(summary.scenarios);
      var lab = names[1];
      var diff = summary.comparisons[lab + " - " + names[0]];
      var hb = summary.scenarios[names[0]].headline, hl = summary.scenarios[lab].headline;
      var table = document.getElementById("diff");
      var body = table.querySelector("tbody");
      body.textContent = "";
      var shown = [];
      ROWS.forEach(function (row) {
        if (!(row[0] in diff)) return;
        shown.push(row);
        var tr = document.createElement("tr");
        tr.setAttribute("data-metric", row[0]);
        var th = document.createElement("th");
        th.scope = "row"; th.textContent = row[1]; tr.appendChild(th);
        [interval(hb[row[0]]), interval(hl[row[0]]), interval(diff[row[0]])].forEach(function (t, i) {
          var td = document.createElement("td");
          td.textContent = t;
          if (i === 2) td.className = "difference";
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.hidden = false;
      var charts = document.getElementById("charts");
      charts.textContent = "";
      var aca = shown.filter(function (r) { return r[0].indexOf("aca_transfers_") === 0; });
      charts.appendChild(bars("ACA transfers by receiving country: base and lab (mean, 5–95%)", aca, hb, hl, base, "lab"));
      charts.appendChild(dots("Lab minus base (mean, 5–95%)", shown, diff));
      document.getElementById("study-link").innerHTML = "";
      var a = document.createElement("a");
      a.href = "/studies/" + id; a.textContent = "The full study and its report";
      document.getElementById("study-link").appendChild(a);
      say("Done: " + summary.replications + " replications in " + summary.run_seconds + " s.");
      results.setAttribute("data-study", id);
    });
  }

  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var n = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function figure(title, svg) {
    var f = document.createElement("figure");
    var c = document.createElement("figcaption");
    c.textContent = title;
    f.appendChild(c); f.appendChild(svg);
    return f;
  }
  function bars(title, rows, hb, hl, baseName, labName) {
    var W = 600, rowH = 46, left = 170, H = rows.length * rowH + 40;
    var max = 1;
    rows.forEach(function (r) { max = Math.max(max, hb[r[0]].p95 || 0, hl[r[0]].p95 || 0); });
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": title, class: "chart" });
    rows.forEach(function (r, i) {
      var y = 10 + i * rowH;
      svg.appendChild(el("text", { x: 0, y: y + 22, class: "label" }, r[1].replace("ACA transfers to ", "")));
      [[hb, "base", 0], [hl, "lab", 1]].forEach(function (s) {
        var h = s[0][r[0]], yy = y + s[2] * 18, w = (W - left - 70) * (h.mean / max);
        svg.appendChild(el("rect", { x: left, y: yy, width: Math.max(w, 0), height: 15, class: "bar " + s[1] }));
        var x5 = left + (W - left - 70) * (h.p5 / max), x95 = left + (W - left - 70) * (h.p95 / max);
        svg.appendChild(el("line", { x1: x5, x2: x95, y1: yy + 7.5, y2: yy + 7.5, class: "whisker" }));
        svg.appendChild(el("text", { x: left + Math.max(w, 0) + 6, y: yy + 12, class: "value" }, fmt(h.mean)));
      });
    });
    var ly = H - 14;
    svg.appendChild(el("rect", { x: left, y: ly - 10, width: 12, height: 12, class: "bar base" }));
    svg.appendChild(el("text", { x: left + 16, y: ly, class: "label" }, baseName));
    svg.appendChild(el("rect", { x: left + 260, y: ly - 10, width: 12, height: 12, class: "bar lab" }));
    svg.appendChild(el("text", { x: left + 276, y: ly, class: "label" }, labName));
    return figure(title, svg);
  }
  function dots(title, rows, diff) {
    var W = 600, rowH = 28, left = 250, H = rows.length * rowH + 30;
    var lo = 0, hi = 0;
    rows.forEach(function (r) { lo = Math.min(lo, diff[r[0]].p5); hi = Math.max(hi, diff[r[0]].p95); });
    if (hi === lo) { hi = lo + 1; }
    function X(v) { return left + (W - left - 20) * (v - lo) / (hi - lo); }
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": title, class: "chart" });
    svg.appendChild(el("line", { x1: X(0), x2: X(0), y1: 0, y2: H - 20, class: "zero" }));
    rows.forEach(function (r, i) {
      var y = 14 + i * rowH, d = diff[r[0]];
      svg.appendChild(el("text", { x: 0, y: y + 4, class: "label" }, r[1].length > 34 ? r[1].slice(0, 33) + "…" : r[1]));
      svg.appendChild(el("line", { x1: X(d.p5), x2: X(d.p95), y1: y, y2: y, class: "whisker" }));
      svg.appendChild(el("circle", { cx: X(d.mean), cy: y, r: 5, class: "dot" }));
    });
    svg.appendChild(el("text", { x: left, y: H - 4, class: "value" }, fmt(lo)));
    svg.appendChild(el("text", { x: W - 60, y: H - 4, class: "value" }, fmt(hi)));
    return figure(title, svg);
  }

  if (results.getAttribute("data-autorun") === "yes") run();
})();
