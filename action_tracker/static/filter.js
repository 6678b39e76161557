// Client-side search and filters over the action list: no server needed.
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.actions tbody tr"));
  var q = document.getElementById("q"), plan = document.getElementById("f-plan"),
      status = document.getElementById("f-status"), theme = document.getElementById("f-theme"),
      count = document.getElementById("count");
  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (r) {
      var ok = words.every(function (w) { return r.dataset.text.indexOf(w) >= 0; }) &&
        (!plan.value || r.dataset.plan === plan.value) && (!status.value || r.dataset.status === status.value) &&
        (!theme.value || r.dataset.themes.split("; ").indexOf(theme.value) >= 0);
      r.hidden = !ok; if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " actions";
  }
  [q, plan, status, theme].forEach(function (el) { el.addEventListener("input", apply); });
})();
