// Draws the figures embedded in the page (JSON written at build time) with the one shared Plotly file.
(function () {
  document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
    var data = document.getElementById("figure-" + el.dataset.figure);
    if (!data || typeof Plotly === "undefined") return;
    var fig = JSON.parse(data.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
  });
})();
