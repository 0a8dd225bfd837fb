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

// ---- safe replies per day (the therapist's progress page) --------------------------------------

const DAY_FORMAT = (() => {
  try {
    return new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", timeZone: "UTC" });
  } catch {
    return null;
  }
})();

function dayLabel(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m || !DAY_FORMAT) return String(iso);
  return DAY_FORMAT.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

function safeSentence(p) {
  const n = p.replies === 1 ? "1 antwoord" : `${p.replies} antwoorden`;
  return `${dayLabel(p.day)}: ${p.safe} van ${n} veilig`;
}

const MAX_DAYS = 14;

/**
 * Bars per day: an outlined bar for all replies, a filled bar for the safe ones (they differ in
 * shape, not only in colour), the counts as text above, and the same data as a table.
 * @param {{day:string, replies:number, safe:number}[]} points
 */
export function safeRepliesChart(points) {
  const all = (points || []).filter((p) => p && Number.isFinite(p.replies) && Number.isFinite(p.safe));
  const shown = all.slice(-MAX_DAYS);
  const figure = h("figure", { class: "chart chart-safe", "data-testid": "safe-chart" });
  const title = "Veilige antwoorden per dag";
  if (!shown.length) {
    figure.append(h("figcaption", { class: "chart-caption" },
      h("span", { class: "chart-caption-title" }, title), " ", h("span", {}, "Nog geen antwoorden om te tonen.")));
    return figure;
  }
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  const last = shown[shown.length - 1];
  const summary = `${all.length === 1 ? "Op 1 dag" : `Op ${all.length} dagen`} geoefend.`
    + (all.length > 1 ? ` Eerste dag: ${safeSentence(all[0])}. Laatste dag: ${safeSentence(last)}.` : ` ${safeSentence(last)}.`);
  const width = Math.max(240, PAD.left + PAD.right + shown.length * 44);
  const height = 170;
  const innerW = width - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom - 12;
  const top = PAD.top + 12;
  const max = Math.max(1, ...shown.map((p) => p.replies));
  const slot = innerW / shown.length;
  const barW = Math.min(28, slot * 0.6);
  const y = (v) => top + innerH - (v * innerH) / max;

  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    // Drawn at its own size (text stays 12px), shrunk by CSS when the screen is narrower.
    width,
    height,
    role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
    class: "chart-svg",
    focusable: "false",
  },
  s("title", { id: titleId }, title),
  s("desc", { id: descId }, `${summary} Per dag: ${shown.map(safeSentence).join("; ")}.`));
  [0, max].forEach((v) => {
    svg.append(
      s("line", { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v), class: "chart-grid" }),
      s("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-label" }, String(v)));
  });
  shown.forEach((p, i) => {
    const cx = PAD.left + slot * i + slot / 2;
    const x = (cx - barW / 2).toFixed(1);
    svg.append(
      s("rect", { x, y: y(p.replies).toFixed(1), width: barW.toFixed(1), height: (y(0) - y(p.replies)).toFixed(1), class: "chart-bar-all" }),
      s("rect", { x, y: y(p.safe).toFixed(1), width: barW.toFixed(1), height: (y(0) - y(p.safe)).toFixed(1), class: "chart-bar-safe" }),
      s("text", { x: cx.toFixed(1), y: (y(p.replies) - 5).toFixed(1), "text-anchor": "middle", class: "chart-label chart-count" }, `${p.safe}/${p.replies}`),
      s("text", { x: cx.toFixed(1), y: height - 8, "text-anchor": "middle", class: "chart-label" }, dayLabel(p.day)));
  });

  const table = h("table", { class: "data-table" },
    h("caption", { class: "visually-hidden" }, title),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Dag"), h("th", { scope: "col" }, "Antwoorden"), h("th", { scope: "col" }, "Veilig"))),
    h("tbody", {}, all.map((p) => h("tr", {},
      h("th", { scope: "row" }, dayLabel(p.day)), h("td", {}, String(p.replies)), h("td", {}, String(p.safe))))));

  figure.append(
    svg,
    h("figcaption", { class: "chart-caption" },
      h("span", { class: "chart-caption-title" }, title), " ",
      h("span", { "data-testid": "safe-chart-summary" }, summary),
      h("span", { class: "chart-legend" },
        h("span", { class: "legend-item" }, h("span", { class: "legend-swatch legend-safe", "aria-hidden": "true" }), "veilig"),
        h("span", { class: "legend-item" }, h("span", { class: "legend-swatch legend-all", "aria-hidden": "true" }), "alle antwoorden")),
      all.length > shown.length ? h("span", { class: "chart-note" }, ` De grafiek toont de laatste ${MAX_DAYS} dagen; de tabel alle dagen.`) : null),
    h("details", { class: "chart-table" }, h("summary", {}, "Toon als tabel"), table));
  return figure;
}
