// A study's page: poll its status, then show its report.
(function () {
  "use strict";
  var node = document.getElementById("study");
  if (!node) return;
  var id = node.getAttribute("data-id");
  function poll() {
    fetch("/api/v1/studies/" + id).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("study-status").textContent = s.status;
      document.getElementById("study-progress").textContent = s.progress.done + " / " + s.progress.total;
      var bar = document.getElementById("study-bar");
      bar.max = s.progress.total; bar.value = s.progress.done;
      if (s.status === "queued" || s.status === "running") { setTimeout(poll, 1000); return; }
      if (s.status !== "done") return;
      var links = document.getElementById("study-links");
      links.textContent = "";
      [["report", "Report"], ["summary", "summary.json"], ["daily", "daily.parquet"]].forEach(function (l, i) {
        var a = document.createElement("a");
        a.href = s.links[l[0]]; a.textContent = l[1];
        if (i) links.appendChild(document.createTextNode(" · "));
        links.appendChild(a);
      });
      var frame = document.createElement("iframe");
      frame.src = s.links.report; frame.title = "The study's report"; frame.className = "report";
      document.getElementById("report-frame").appendChild(frame);
    });
  }
  poll();
})();
