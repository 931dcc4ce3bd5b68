// The screener: show the screening outcome of each receiving country only while its
// agreement is in force on the day typed (the "as of" date, else the encounter's date);
// move the focus to a family member just added. Without scripts every control shows.
(function () {
  "use strict";
  var form = document.querySelector("form.facts");
  if (!form) return;
  var asOf = document.getElementById("date");
  var encounter = document.getElementById("f-encounter_date");
  var hints = form.querySelectorAll(".fear-hint");
  function day() {
    return (asOf && asOf.value) || (encounter && encounter.value) || "";
  }
  function inForce(periods, d) {
    return periods.some(function (p) { return p[0] <= d && (!p[1] || d <= p[1]); });
  }
  function update() {
    var d = day();
    form.querySelectorAll(".field.fear").forEach(function (node) {
      var select = node.querySelector("select");
      var periods = JSON.parse(node.getAttribute("data-in-force") || "[]");
      node.hidden = !(select && select.value) && (!d || !inForce(periods, d));
    });
    hints.forEach(function (h) { h.hidden = !!d; });
  }
  [asOf, encounter].forEach(function (input) {
    if (input) input.addEventListener("change", update);
  });
  update();
  var focus = document.getElementById("focus-target");
  if (focus) {
    var member = document.getElementById(focus.getAttribute("data-focus"));
    var first = member && member.querySelector("select, input");
    if (first) { member.scrollIntoView(); first.focus(); }
  }
})();
