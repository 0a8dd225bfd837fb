// A labelled text box with live highlights: while you type (debounced), /api/v1/analyze finds
// the words that can land hard; a mirrored layer behind the transparent textarea underlines them.
// The layer is aria-hidden; screen readers get the same information from a polite status line
// under the box. Nothing here ever moves focus while typing.

import { h, uid, replaceChildren, debounce } from "./dom.js";
import { analyze } from "./api.js";
import { findingSpans, segments, segmentPolarity } from "./spans.js";

export const MAX_LENGTH = 1000;
const LIVE_DELAY_MS = 300;

function codePointLength(text) {
  let n = 0;
  for (const _ of text) n += 1; // eslint-disable-line no-unused-vars
  return n;
}

function quote(text) {
  return `„${text}”`;
}

/** The status line under the box, in words. */
function liveSummary(result, spans) {
  const unsafe = spans.filter((s) => s.polarity === "unsafe");
  if (unsafe.length) {
    const parts = unsafe.map((s) => `${quote(s.finding.text)} (${s.finding.label})`);
    return `Let op: ${parts.join(", ")}.`;
  }
  const safe = [...new Set(spans.filter((s) => s.polarity === "safe").map((s) => s.finding.label))];
  if (safe.length) return `Sterk: ${safe.join(", ")}.`;
  if (result && result.verdict === "almost") return "Nog niets dat hard aankomt.";
  return "";
}

/**
 * @param {{
 *   label: string, description?: string, role: () => string, submitLabel: string,
 *   initialText?: string, placeholder?: string,
 *   onSubmit: (text: string) => Promise<void>|void,
 *   onSafety?: (safety: object) => void,
 * }} options
 */
export function createComposer(options) {
  const id = uid("composer");
  const descId = `${id}-desc`;
  const liveId = `${id}-live`;
  const errorId = `${id}-error`;
  const counterId = `${id}-count`;

  const mirror = h("div", { class: "field-mirror", "aria-hidden": "true" });
  const textarea = h("textarea", {
    id,
    name: "text",
    rows: "3",
    maxlength: String(MAX_LENGTH),
    autocomplete: "off",
    spellcheck: "true",
    "aria-describedby": [options.description ? descId : null, liveId, errorId].filter(Boolean).join(" "),
    placeholder: options.placeholder || null,
  });
  const live = h("p", { id: liveId, class: "live-hint", role: "status", "data-testid": "live-hint" });
  const counter = h("p", { id: counterId, class: "char-count", hidden: true });
  const error = h("div", { id: errorId, class: "composer-error" });
  const safetySlot = h("div", { class: "composer-safety" });
  const submit = h("button", { type: "submit", class: "button button-primary" }, options.submitLabel);

  const form = h("form", { class: "composer", novalidate: true },
    h("label", { for: id, class: "composer-label" }, options.label),
    options.description ? h("p", { id: descId, class: "composer-desc" }, options.description) : null,
    h("div", { class: "field-stack" }, mirror, textarea),
    h("div", { class: "composer-meta" }, live, counter),
    safetySlot,
    error,
    h("div", { class: "button-row" }, submit),
  );

  let spans = [];
  let lastResult = null;
  let seq = 0;
  let controller = null;
  let busy = false;

  function renderMirror() {
    const text = textarea.value;
    const parts = segments(text, spans).map((seg) => {
      const polarity = segmentPolarity(seg);
      if (!polarity) return seg.text;
      return h("mark", { class: ["hl", `hl-${polarity}`] }, seg.text);
    });
    // A trailing newline needs a character after it, or the layer is one line short.
    if (text.endsWith("\n") || text === "") parts.push(" ");
    replaceChildren(mirror, parts);
  }

  function setLive(message) {
    if (live.textContent !== message) live.textContent = message;
  }

  function updateCounter() {
    const n = codePointLength(textarea.value);
    counter.hidden = n < MAX_LENGTH * 0.8;
    counter.textContent = `${n} van ${MAX_LENGTH} tekens`;
  }

  async function runAnalysis() {
    const text = textarea.value;
    seq += 1;
    const mine = seq;
    if (controller) controller.abort();
    if (!text.trim() || codePointLength(text) > MAX_LENGTH) {
      spans = [];
      lastResult = null;
      renderMirror();
      setLive("");
      return;
    }
    controller = new AbortController();
    try {
      const result = await analyze(text, options.role(), controller.signal);
      if (mine !== seq || textarea.value !== text) return; // the text moved on meanwhile
      lastResult = result;
      if (result.safety) {
        spans = [];
        renderMirror();
        setLive("Lees even het bericht onder het tekstvak.");
        if (options.onSafety) options.onSafety(result.safety, safetySlot);
        return;
      }
      spans = findingSpans(text, result.findings);
      renderMirror();
      setLive(liveSummary(result, spans));
    } catch (err) {
      if (err && err.name === "AbortError") return;
      if (mine !== seq) return;
      setLive("We kunnen je tekst nu niet live bekijken. Versturen kan wel.");
    }
  }

  const scheduleAnalysis = debounce(runAnalysis, LIVE_DELAY_MS);

  textarea.addEventListener("input", () => {
    // Keep highlights that still sit on the same words until the new answer arrives.
    const text = textarea.value;
    spans = spans.filter((s) => text.slice(s.start, s.end) === s.finding.text);
    renderMirror();
    updateCounter();
    if (textarea.getAttribute("aria-invalid") === "true" && text.trim()) {
      textarea.removeAttribute("aria-invalid");
      replaceChildren(error);
    }
    scheduleAnalysis();
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const text = textarea.value;
    if (!text.trim()) {
      textarea.setAttribute("aria-invalid", "true");
      replaceChildren(error, h("p", { class: "field-error" }, "Schrijf eerst iets in het tekstvak."));
      textarea.focus();
      return;
    }
    scheduleAnalysis.cancel();
    setBusy(true);
    try {
      await options.onSubmit(text);
    } finally {
      setBusy(false);
    }
  });

  function setBusy(value) {
    busy = value;
    form.classList.toggle("is-busy", value);
    submit.setAttribute("aria-disabled", String(value));
    form.setAttribute("aria-busy", String(value));
  }

  const api = {
    element: form,
    textarea,
    get lastResult() {
      return lastResult;
    },
    setText(text) {
      textarea.value = text;
      spans = [];
      renderMirror();
      updateCounter();
      setLive("");
      if (text.trim()) scheduleAnalysis();
    },
    focus() {
      textarea.focus({ preventScroll: false });
    },
    setError(node) {
      replaceChildren(error, node);
    },
    clearError() {
      replaceChildren(error);
    },
    destroy() {
      scheduleAnalysis.cancel();
      seq += 1;
      if (controller) controller.abort();
    },
  };
  if (options.initialText) api.setText(options.initialText);
  else renderMirror();
  return api;
}
