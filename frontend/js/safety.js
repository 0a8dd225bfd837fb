// The calm safety panel: shown instead of feedback when what someone wrote matters more than
// how it was phrased. It cannot be closed with one click, and "Hulp nodig?" keeps it reachable.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import { rememberSafety, rememberedSafety } from "./storage.js";

// A phone field can hold more than one number and some words: "113 of 0800-0113 (gratis)".
// Every number becomes its own tel: link; the words stay text.
const PHONE_NUMBER = /\+?\d(?:[\d \-]*\d)?/g;

export function phoneParts(phone) {
  const text = String(phone);
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(PHONE_NUMBER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const digits = match[0].replace(/[^\d+]/g, "");
    parts.push(h("a", { href: `tel:${digits}`, class: "helpline-phone" }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function isWebLink(value) {
  return typeof value === "string" && /^https:\/\/[^\s]+$/i.test(value);
}

function webHref(value) {
  if (isWebLink(value)) return value;
  if (typeof value === "string" && /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/\S*)?$/i.test(value)) {
    return `https://${value}`;
  }
  return null;
}

function externalLink(href, label) {
  return h("a", { href, rel: "noopener noreferrer external", target: "_blank" }, label,
    h("span", { class: "visually-hidden" }, " (opent in een nieuw tabblad)"));
}

function regionLabel(region) {
  const labels = { NL: "Nederland", BE: "België", nl: "Nederland", be: "België" };
  return labels[region] || region || "";
}

function helplineItem(line) {
  const name = h("h4", { class: "helpline-name" }, line.name || "Hulplijn");
  const details = [];
  if (line.purpose) details.push(h("p", { class: "helpline-purpose" }, line.purpose));
  const ways = h("ul", { class: "helpline-ways" });
  if (line.phone) {
    ways.append(h("li", {}, "Bel ", phoneParts(line.phone)));
  }
  if (line.chat) {
    const chatHref = webHref(line.chat);
    ways.append(h("li", {}, chatHref ? ["Chat via ", externalLink(chatHref, line.chat)] : `Chat: ${line.chat}`));
  }
  if (isWebLink(line.url)) {
    ways.append(h("li", {}, externalLink(line.url, "Website")));
  }
  if (ways.childElementCount) details.push(ways);
  const meta = [regionLabel(line.region), line.hours].filter(Boolean).join(" · ");
  if (meta) details.push(h("p", { class: "helpline-meta" }, meta));
  return h("li", { class: ["helpline", line.emergency ? "helpline-emergency" : ""] },
    line.emergency ? h("p", { class: "helpline-flag" }, "Bij direct gevaar") : null,
    name, details);
}

/** In the server's order: the safety checker puts the best fit first. */
export function helplineList(safety) {
  return h("ul", { class: "helplines" }, (safety.helplines || []).map(helplineItem));
}

/**
 * @param {object} safety the `safety` object from the API
 * @param {{onContinue?: () => void, headingLevel?: number, focus?: boolean}} options
 */
export function safetyPanel(safety, options = {}) {
  const titleId = uid("safety-title");
  const level = options.headingLevel || 2;
  const panel = h("section", {
    class: ["safety-panel", safety.level === "crisis" ? "safety-crisis" : "safety-concern"],
    "aria-labelledby": titleId,
    "data-testid": "safety-panel",
  },
  h(`h${level}`, { id: titleId, class: "safety-title", tabindex: "-1" }, "Even stilstaan bij jou"),
  h("p", { class: "safety-message" }, safety.message),
  h("p", { class: "safety-lead" }, "Je hoeft dit niet alleen te dragen. Deze mensen luisteren, ook midden in de nacht:"),
  helplineList(safety),
  );

  if (options.onContinue) {
    const confirmId = uid("safety-confirm");
    const confirm = h("div", { class: "safety-confirm", id: confirmId, hidden: true },
      h("p", {}, "Wil je echt verder oefenen? De hulplijnen blijven bereikbaar via “Hulp nodig?” bovenaan."),
    );
    const start = h("button", {
      type: "button",
      class: "button button-quiet",
      "aria-expanded": "false",
      "aria-controls": confirmId,
    }, "Ik wil verder oefenen");
    const yes = h("button", { type: "button", class: "button" }, "Ja, ga verder");
    const no = h("button", { type: "button", class: "button button-quiet" }, "Nee, blijf hier");
    confirm.append(h("div", { class: "button-row" }, yes, no));
    start.addEventListener("click", () => {
      confirm.hidden = false;
      start.setAttribute("aria-expanded", "true");
      yes.focus();
    });
    no.addEventListener("click", () => {
      confirm.hidden = true;
      start.setAttribute("aria-expanded", "false");
      start.focus();
    });
    yes.addEventListener("click", () => {
      panel.classList.add("safety-continued");
      start.remove();
      confirm.remove();
      options.onContinue();
    });
    panel.append(h("div", { class: "safety-actions" }, start, confirm));
  }

  showHelpToggle(safety);
  announce(`Even stilstaan bij jou. ${safety.message}`);
  if (options.focus) window.setTimeout(() => focusElement(panel.querySelector(".safety-title")), 0);
  return panel;
}

/** Keep help reachable for the rest of this browser session. */
export function showHelpToggle(safety) {
  if (safety) rememberSafety(safety);
  const current = safety || rememberedSafety();
  const toggle = document.getElementById("help-toggle");
  const panel = document.getElementById("help-panel");
  const body = document.getElementById("help-panel-body");
  if (!current || !toggle || !panel || !body) return;
  replaceChildren(body,
    h("h2", { id: "help-panel-title", class: "safety-title" }, "Hulp nodig?"),
    h("p", {}, current.message),
    helplineList(current),
    h("button", { type: "button", class: "button button-quiet", id: "help-close" }, "Verberg hulplijnen"),
  );
  body.querySelector("#help-close").addEventListener("click", () => {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });
  toggle.hidden = false;
}

export function initHelpToggle() {
  const toggle = document.getElementById("help-toggle");
  const panel = document.getElementById("help-panel");
  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) focusElement(panel.querySelector("h2"));
  });
  if (rememberedSafety()) showHelpToggle(null);
}
