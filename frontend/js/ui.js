// Shared bits of UI: calm error messages with "Probeer opnieuw", role names, headings.

import { h, focusElement } from "./dom.js";
import { errorMessage } from "./api.js";

export const ROLE_LABELS = {
  speaker: "Jij brengt iets ter sprake",
  listener: "Jij luistert",
};

export function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}

export function levelLabel(level) {
  if (typeof level === "number") return `Niveau ${level}`;
  const names = { beginner: "Om te beginnen", basis: "Om te beginnen", gevorderd: "Gevorderd", advanced: "Gevorderd" };
  return names[level] || String(level || "");
}

export function minutesLabel(minutes) {
  if (!Number.isFinite(minutes)) return "";
  return minutes === 1 ? "1 minuut" : `${minutes} minuten`;
}

/**
 * A calm message with a "Probeer opnieuw" button (role=alert so it is heard at once).
 * @param {unknown} err
 * @param {() => void} onRetry
 */
export function errorPanel(err, onRetry, extra) {
  const panel = h("div", { class: "error-panel", role: "alert", "data-testid": "error-panel" },
    h("p", { class: "error-title" }, "Dat lukte even niet"),
    h("p", { class: "error-message" }, errorMessage(err)),
  );
  const row = h("div", { class: "button-row" });
  if (onRetry) {
    const retry = h("button", { type: "button", class: "button button-primary" }, "Probeer opnieuw");
    retry.addEventListener("click", onRetry);
    row.append(retry);
  }
  if (extra) row.append(extra);
  if (row.childElementCount) panel.append(row);
  return panel;
}

/** Page title for the tab and a focus target for route changes. */
export function pageHeading(text, level = 1) {
  document.title = `${text} · Veilig Gezegd`;
  return h(`h${level}`, { class: "page-title", tabindex: "-1", id: "page-title" }, text);
}

export function focusPageHeading() {
  const heading = document.getElementById("page-title");
  if (heading) focusElement(heading);
}

export function formatDate(ms) {
  if (!ms) return "";
  try {
    return new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" })
      .format(new Date(ms));
  } catch {
    return "";
  }
}
