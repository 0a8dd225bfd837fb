// Shared bits of UI: calm error messages with "Probeer opnieuw", role names, headings.

import { h, uid, replaceChildren, focusElement } from "./dom.js";
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

// On the very first screen of a page load nothing moves focus (as on the home page): a focus ring
// on the title there looks like a fault, and screen readers start at the top anyway.
let quietFocus = false;

export function setQuietFocus(value) {
  quietFocus = Boolean(value);
}

export function focusPageHeading() {
  if (quietFocus) return;
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

/** "2026-12-01" -> "1 december 2026" (a date without a time, as the API sends due dates). */
export function formatDay(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return String(iso);
  try {
    return new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
  } catch {
    return String(iso);
  }
}

/** "2026-05-03T10:11:12+00:00" -> "3 mei, 10:11" in the reader's time zone. */
export function formatMoment(iso) {
  const ms = Date.parse(iso || "");
  return Number.isNaN(ms) ? "" : formatDate(ms);
}

/**
 * A button that asks first: it opens a small box with the question, "yes" and "no".
 * `onConfirm` may return a promise; while it runs the buttons wait, an error shows in the box.
 */
export function confirmButton({ label, question, yes, no = "Nee, toch niet", onConfirm, buttonClass = "button button-quiet", testid }) {
  const boxId = uid("confirm");
  const questionId = uid("confirm-q");
  const start = h("button", {
    type: "button", class: buttonClass, "aria-expanded": "false", "aria-controls": boxId, "data-testid": testid,
  }, label);
  const yesButton = h("button", { type: "button", class: "button button-danger" }, yes);
  const noButton = h("button", { type: "button", class: "button button-quiet" }, no);
  const error = h("div", { class: "confirm-error" });
  const box = h("div", { id: boxId, class: "confirm-box", role: "group", "aria-labelledby": questionId, hidden: true },
    h("p", { id: questionId }, question),
    h("div", { class: "button-row" }, yesButton, noButton),
    error);
  const close = () => {
    box.hidden = true;
    start.setAttribute("aria-expanded", "false");
    replaceChildren(error);
    start.focus();
  };
  start.addEventListener("click", () => {
    box.hidden = false;
    start.setAttribute("aria-expanded", "true");
    noButton.focus();
  });
  noButton.addEventListener("click", close);
  yesButton.addEventListener("click", async () => {
    if (yesButton.getAttribute("aria-disabled") === "true") return;
    yesButton.setAttribute("aria-disabled", "true");
    replaceChildren(error);
    try {
      await onConfirm();
    } catch (err) {
      replaceChildren(error, errorPanel(err, null));
    } finally {
      yesButton.removeAttribute("aria-disabled");
    }
  });
  return h("div", { class: "confirm" }, start, box);
}

/**
 * A labelled form field with an optional hint, wired for screen readers.
 * @returns {{element: HTMLElement, input: HTMLInputElement|HTMLTextAreaElement|HTMLSelectElement}}
 */
export function field({ label, name, type = "text", hint, tag = "input", attrs = {}, children = [] }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const input = h(tag, {
    id, name, ...(tag === "input" ? { type } : {}), "aria-describedby": hintId, class: "field-input", ...attrs,
  }, ...children);
  const element = h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { id: hintId, class: "field-hint" }, hint) : null,
    input);
  return { element, input };
}

/** Run `fn` once at a time for a form: the submit button waits (aria-disabled, not disabled). */
export function whileBusy(button, fn) {
  return async (...args) => {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    try {
      await fn(...args);
    } finally {
      button.removeAttribute("aria-disabled");
    }
  };
}
