// Draws the dashboard's Plotly figures from the JSON the page carries (no inline script:
// the Content-Security-Policy forbids it). Without JavaScript the tables carry every figure.
document.querySelectorAll("[data-figure]").forEach((box) => {
  const source = document.getElementById(box.dataset.figure);
  if (!source || typeof Plotly === "undefined") return;
  const figure = JSON.parse(source.textContent);
  // No toolbar: its buttons sit inside a role="img" box (axe: nested-interactive), and
  // plotly.js offers "Share chart", which would upload the figures to Plotly Cloud.
  Plotly.newPlot(box, figure.data, figure.layout, {
    responsive: true,
    displayModeBar: false,
    showSendToCloud: false,
    showLink: false,
  });
});
