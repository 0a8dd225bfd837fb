// A small line chart of the `connection` meter, built with DOM APIs (attributes, no styles),
// with a text alternative that says the same in words.

import { h, s, uid } from "./dom.js";

const WIDTH = 320;
const HEIGHT = 150;
const PAD = { left: 34, right: 14, top: 14, bottom: 30 };

function trendSentence(points) {
  if (points.length < 2) return "";
  const first = points[0].value;
  const last = points[points.length - 1].value;
  if (last > first) return `De verbinding groeide van ${first} naar ${last}.`;
  if (last < first) return `De verbinding zakte van ${first} naar ${last}.`;
  return `De verbinding bleef op ${last}.`;
}

/** @param {{turn:number, value:number}[]} history */
export function connectionChart(history) {
  const points = (history || []).filter((p) => Number.isFinite(p.turn) && Number.isFinite(p.value));
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  const words = points.map((p) => `beurt ${p.turn}: ${p.value}`).join(", ");
  const description = points.length
    ? `${trendSentence(points)} Per beurt: ${words}.`.trim()
    : "Er zijn nog geen beurten om te tonen.";

  const figure = h("figure", { class: "chart", "data-testid": "connection-chart" });
  if (!points.length) {
    figure.append(h("figcaption", {}, "Verbinding in het gesprek"), h("p", {}, description));
    return figure;
  }

  const values = points.map((p) => p.value);
  let min = Math.min(0, ...values);
  let max = Math.max(...values, min + 1);
  if (max === min) max = min + 1;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (points.length === 1 ? innerW / 2 : (innerW * i) / (points.length - 1));
  const y = (v) => PAD.top + innerH - ((v - min) * innerH) / (max - min);

  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
    class: "chart-svg",
    focusable: "false",
  },
  s("title", { id: titleId }, "Verbinding per beurt"),
  s("desc", { id: descId }, description),
  );

  // Horizontal guides at min, 0 (if inside) and max, with labels.
  [...new Set([min, 0, max])].filter((v) => v >= min && v <= max).forEach((v) => {
    svg.append(
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v),
        class: v === 0 ? "chart-zero" : "chart-grid" }),
      s("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-label" }, String(v)),
    );
  });
  points.forEach((p, i) => {
    svg.append(s("text", { x: x(i), y: HEIGHT - 8, "text-anchor": "middle", class: "chart-label" },
      String(p.turn)));
  });
  svg.append(s("polyline", {
    points: points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "),
    class: "chart-line",
    fill: "none",
  }));
  points.forEach((p, i) => {
    svg.append(s("circle", { cx: x(i).toFixed(1), cy: y(p.value).toFixed(1), r: 4.5, class: "chart-dot" }));
  });

  figure.append(
    svg,
    h("figcaption", { class: "chart-caption" },
      h("span", { class: "chart-caption-title" }, "Verbinding per beurt"),
      " ",
      h("span", {}, trendSentence(points))),
  );
  return figure;
}
