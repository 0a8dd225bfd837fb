// The feedback card: verdict in words, the sentence with every finding marked (unsafe and safe
// look different without colour too), each finding's label, message and tip behind a button,
// what was already good, what the exercise still asked for, and an example on request.

import { h, uid } from "./dom.js";
import { findingSpans, segments, segmentPolarity } from "./spans.js";

export const VERDICTS = {
  safe: { title: "Veilig gezegd", icon: "✓", short: "veilig gezegd" },
  almost: { title: "Bijna", icon: "◐", short: "bijna" },
  unsafe: { title: "Dit kan hard aankomen", icon: "!", short: "kan hard aankomen" },
};

export function verdictInfo(verdict) {
  return VERDICTS[verdict] || VERDICTS.almost;
}

/** A small verdict label in words, used in bubbles and on the end screen. */
export function verdictBadge(verdict) {
  const info = verdictInfo(verdict);
  return h("span", { class: ["verdict-badge", `verdict-${verdict}`] },
    h("span", { class: "verdict-icon", "aria-hidden": "true" }, info.icon), " ", info.title);
}

function quote(text) {
  return `„${text}”`;
}

function markedSentence(text, spans, onMarkClick) {
  const parts = [];
  segments(text, spans).forEach((seg) => {
    const polarity = segmentPolarity(seg);
    if (!polarity) {
      parts.push(seg.text);
    } else {
      const indexes = seg.spans.map((s) => s.index);
      const mark = h("mark", {
        class: ["hl", `hl-${polarity}`],
        dataset: { findings: indexes.join(" ") },
      }, seg.text);
      mark.addEventListener("click", () => onMarkClick(indexes));
      parts.push(mark);
    }
    // Numbers after each finding, as text: they link the sentence to the list below.
    spans
      .filter((s) => s.end === seg.end)
      .sort((a, b) => a.index - b.index)
      .forEach((s) => {
        parts.push(h("sup", { class: ["finding-ref", `finding-ref-${s.polarity}`] }, String(s.number)));
      });
  });
  return parts;
}

function findingItem(span) {
  const f = span.finding;
  const detailsId = uid("finding");
  const unsafe = f.polarity === "unsafe";
  // Findings of the cue model (rule id "cue.…") are a hunch no rule confirms: say so.
  const hunch = typeof f.rule_id === "string" && f.rule_id.startsWith("cue.");
  const button = h("button", {
    type: "button",
    class: "finding-toggle",
    "aria-expanded": "false",
    "aria-controls": detailsId,
  },
  h("span", { class: "finding-num", "aria-hidden": "true" }, String(span.number)),
  h("span", { class: "finding-icon", "aria-hidden": "true" }, unsafe ? "!" : "✓"),
  h("span", { class: "finding-kind" }, hunch ? "Misschien" : unsafe ? "Let op" : "Sterk"),
  h("span", { class: "visually-hidden" }, ` (${span.number}): `),
  h("span", { class: "finding-label" }, f.label),
  " ",
  h("span", { class: "finding-text" }, quote(f.text)),
  );
  const details = h("div", { id: detailsId, class: "finding-details", hidden: true },
    f.message ? h("p", {}, f.message) : null,
    f.tip ? h("p", {}, h("strong", {}, "Tip: "), f.tip) : null,
    f.suggestion ? h("p", {}, h("strong", {}, "Zo kan het ook: "), quote(f.suggestion)) : null,
  );
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    details.hidden = !open;
  });
  return h("li", {
    class: ["finding", unsafe ? "finding-unsafe" : "finding-safe"],
    dataset: { index: span.index },
  }, button, details);
}

/**
 * @param {object} fb analyze result (plus expected/missing for an exercise)
 * @param {{examples?: string[], headingLevel?: number, intro?: Node|string|null}} options
 */
export function feedbackCard(fb, options = {}) {
  const level = options.headingLevel || 3;
  const sub = `h${Math.min(level + 1, 6)}`;
  const info = verdictInfo(fb.verdict);
  const titleId = uid("feedback-title");
  const text = typeof options.text === "string" ? options.text : "";

  const spans = findingSpans(text, fb.findings)
    .sort((a, b) => a.start - b.start || a.index - b.index)
    .map((span, i) => ({ ...span, number: i + 1 }));

  const card = h("section", {
    class: ["feedback-card", `verdict-${fb.verdict}`],
    "aria-labelledby": titleId,
    "data-testid": "feedback-card",
    "data-verdict": fb.verdict,
  });

  const list = h("ol", { class: "findings" }, spans.map((s) => findingItem(s)));

  function openFindings(indexes) {
    indexes.forEach((index) => {
      const item = list.querySelector(`li[data-index="${index}"]`);
      if (!item) return;
      const button = item.querySelector(".finding-toggle");
      if (button.getAttribute("aria-expanded") !== "true") button.click();
    });
    const first = list.querySelector(`li[data-index="${indexes[0]}"] .finding-toggle`);
    if (first) first.focus();
  }

  card.append(h(`h${level}`, { id: titleId, class: "verdict-title", tabindex: "-1" },
    h("span", { class: "verdict-icon", "aria-hidden": "true" }, info.icon), " ", info.title));
  if (options.intro) card.append(options.intro);
  if (fb.summary) card.append(h("p", { class: "feedback-summary" }, fb.summary));

  if (text) {
    card.append(h("div", { class: "feedback-sentence" },
      h("p", { class: "feedback-sentence-label" }, "Jouw zin"),
      h("p", { class: "feedback-sentence-text" }, markedSentence(text, spans, openFindings)),
    ));
  }

  if (spans.length) {
    card.append(
      h(sub, { class: "feedback-subtitle" }, "Wat we zagen"),
      h("p", { class: "feedback-help" }, "Kies een punt voor uitleg en een tip."),
      list,
    );
  }

  const strengths = spans.filter((s) => s.polarity === "safe");
  card.append(h(sub, { class: "feedback-subtitle" }, "Wat al goed was"));
  if (strengths.length) {
    card.append(h("ul", { class: "plain-list strengths" },
      strengths.map((s) => h("li", {}, h("span", { class: "list-icon", "aria-hidden": "true" }, "✓ "),
        `${s.finding.label}: ${quote(s.finding.text)}`))));
  } else {
    card.append(h("p", { class: "strengths-empty" },
      "Hier zagen we nog geen sterk punt, zoals een gevoel, een behoefte of een open vraag. Dat kan er nog bij."));
  }

  if (Array.isArray(fb.missing) || Array.isArray(fb.expected)) {
    const missing = fb.missing || [];
    card.append(h(sub, { class: "feedback-subtitle" }, "Wat de oefening nog vroeg"));
    if (missing.length) {
      card.append(h("ul", { class: "plain-list missing" },
        missing.map((m) => h("li", {}, h("span", { class: "list-icon", "aria-hidden": "true" }, "○ "), m.label || m.category))));
    } else {
      card.append(h("p", { class: "missing-none" }, "Alles wat de oefening vroeg, zat erin."));
    }
  }

  const examples = [...new Set([fb.suggestion, ...(options.examples || [])]
    .filter((e) => typeof e === "string" && e.trim()))];
  if (examples.length) {
    const exampleId = uid("example");
    let shown = -1;
    const exampleText = h("p", { class: "example-text" });
    const exampleBox = h("div", { id: exampleId, class: "example", hidden: true },
      h("p", { class: "example-label" }, "Zo zou het kunnen klinken:"),
      exampleText);
    const button = h("button", {
      type: "button",
      class: "button button-quiet",
      "aria-controls": exampleId,
      "aria-expanded": "false",
    }, "Laat een voorbeeld zien");
    button.addEventListener("click", () => {
      shown = (shown + 1) % examples.length;
      exampleText.textContent = quote(examples[shown]);
      exampleBox.hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.textContent = examples.length > 1 ? "Nog een voorbeeld" : "Laat een voorbeeld zien";
    });
    card.append(h("div", { class: "example-area" }, button, exampleBox));
  }
  return card;
}

/** One sentence for the live region, so screen reader users hear the gist at once. */
export function feedbackAnnouncement(fb) {
  const info = verdictInfo(fb.verdict);
  return [info.title + ".", fb.summary || ""].join(" ").trim();
}
