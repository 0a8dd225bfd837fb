// Practice: the conversation with the partner, one turn at a time, with feedback after every
// reply, choices as buttons, and the end screen with the reflection and the connection chart.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import * as api from "./api.js";
import { ApiError } from "./api.js";
import { getStoredSession, saveSession, removeSession } from "./storage.js";
import { createComposer } from "./composer.js";
import { feedbackCard, feedbackAnnouncement, verdictBadge } from "./feedback.js";
import { safetyPanel } from "./safety.js";
import { connectionChart } from "./chart.js";
import { categoryLabel } from "./taxonomy.js";
import { errorPanel, pageHeading, focusPageHeading, roleLabel } from "./ui.js";
import { loadScenarios } from "./home.js";
import { navigate } from "./nav.js";

// A session just created is handed over to the #/sessie/ route without a second request.
const freshSessions = new Map();

const OUTCOME_LABELS = {
  connected: "Jullie vonden elkaar",
  good: "Jullie vonden elkaar",
  positive: "Jullie vonden elkaar",
  repaired: "Het kwam weer goed",
  partial: "Een eerste stap",
  mixed: "Een eerste stap",
  neutral: "Een eerste stap",
  distant: "Het bleef schuren",
  disconnected: "Het bleef schuren",
  hard: "Het bleef schuren",
  negative: "Het bleef schuren",
};

/**
 * Keep a session just created (id + token on this device) and continue on the practice screen.
 * `extra` marks homework practice: {homework: <code>, ref: <the scenario ref in the homework>}.
 */
export function openNewSession(session, extra = {}) {
  saveSession(session.id, {
    token: session.token,
    scenario_id: session.scenario.id,
    title: session.scenario.title,
    status: session.status,
    ...extra,
  });
  freshSessions.set(session.id, session);
  navigate(`#/sessie/${encodeURIComponent(session.id)}`);
}

/** #/oefen/<scenario_id>: start a new session, then continue at #/sessie/<id>. */
export async function renderStart(view, scenarioId) {
  replaceChildren(view, pageHeading("Oefening starten"), h("p", { class: "loading" }, "De oefening wordt klaargezet…"));
  try {
    openNewSession(await api.createSession(scenarioId));
  } catch (err) {
    const home = h("a", { href: "#/", class: "button button-quiet", "data-nav": true }, "Naar alle oefeningen");
    replaceChildren(view, pageHeading("Oefening starten"),
      errorPanel(err, () => renderStart(view, scenarioId), home));
    focusPageHeading();
  }
}

/** #/sessie/<id>: a fresh session, or resume one stored on this device. */
export async function renderSession(view, sessionId) {
  const stored = getStoredSession(sessionId);
  if (!stored || !stored.token) {
    replaceChildren(view, pageHeading("Oefening niet gevonden"),
      h("p", {}, "Deze oefening staat niet (meer) op dit apparaat. Misschien heb je je gegevens gewist."),
      h("a", { href: "#/", class: "button button-primary", "data-nav": true }, "Kies een oefening"));
    focusPageHeading();
    return;
  }
  const fresh = freshSessions.get(sessionId);
  if (fresh) {
    freshSessions.delete(sessionId);
    new Practice(view, sessionId, stored).start(fresh, null);
    return;
  }
  replaceChildren(view, pageHeading(stored.title || "Oefening"), h("p", { class: "loading" }, "Je gesprek wordt geladen…"));
  try {
    const session = await api.getSession(sessionId, stored.token);
    new Practice(view, sessionId, stored).start(session, session.transcript || []);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      removeSession(sessionId);
      replaceChildren(view, pageHeading("Oefening niet gevonden"),
        h("p", {}, "Deze oefening kunnen we niet meer vinden. Misschien is ze verlopen. Je kunt hem gewoon opnieuw beginnen."),
        stored.homework
          ? h("a", { href: homeworkHash(stored.homework), class: "button button-primary", "data-nav": true }, "Naar je huiswerk")
          : null,
        !stored.homework && stored.scenario_id
          ? h("a", { href: `#/oefen/${encodeURIComponent(stored.scenario_id)}`, class: "button button-primary", "data-nav": true }, "Begin opnieuw")
          : null,
        h("a", { href: "#/", class: "button button-quiet", "data-nav": true }, "Naar alle oefeningen"));
    } else {
      replaceChildren(view, pageHeading(stored.title || "Oefening"),
        errorPanel(err, () => renderSession(view, sessionId)));
    }
    focusPageHeading();
  }
}

function homeworkHash(code) {
  return `#/huiswerk/${encodeURIComponent(code)}`;
}

class Practice {
  constructor(view, id, stored) {
    this.view = view;
    this.id = id;
    this.token = stored.token;
    // Homework practice: the code of the homework link and the scenario's ref in it.
    this.homework = stored.homework || null;
    this.ref = stored.ref || null;
    this.session = null;
    this.composer = null;
    this.answeredPrompt = null;
  }

  start(session, transcript) {
    this.session = session;
    const sc = session.scenario;
    this.partner = sc.partner_name || "Je partner";
    this.log = h("ol", { class: "chat-log", "data-testid": "chat-log" });
    this.turn = h("section", { class: "turn-area", "aria-label": "Jouw beurt" });
    replaceChildren(this.view,
      h("div", { class: "practice" },
        h("div", { class: "practice-head" },
          h("p", { class: "back-link" }, this.homework
            ? h("a", { href: homeworkHash(this.homework), "data-nav": true }, "← Terug naar je huiswerk")
            : h("a", { href: "#/", "data-nav": true }, "← Alle oefeningen")),
          pageHeading(sc.title),
          h("p", { class: "practice-meta" }, `${roleLabel(sc.role)} · Je praat met ${this.partner}`)),
        h("section", { class: "conversation", "aria-labelledby": "conversation-title" },
          h("h2", { id: "conversation-title", class: "visually-hidden" }, "Het gesprek"),
          this.log),
        this.turn));

    if (transcript) {
      transcript.forEach((item) => this.addTranscriptItem(item));
    } else {
      (session.messages || []).forEach((m) => this.addMessage(m));
    }
    this.renderTurn(session, { fromResume: Boolean(transcript) });
    focusPageHeading();
  }

  // ---- chat log -------------------------------------------------------------------------

  addMessage(m) {
    if (m.speaker === "narrator") {
      this.log.append(h("li", { class: "narration", "data-speaker": "narrator" },
        h("span", { class: "visually-hidden" }, "Verteller: "), m.text));
    } else {
      this.log.append(h("li", { class: "bubble bubble-partner", "data-speaker": "partner" },
        h("p", { class: "bubble-name" }, m.name || this.partner),
        h("p", { class: "bubble-text" }, m.text)));
    }
  }

  addMine(text, verdict) {
    const item = h("li", { class: "bubble bubble-me", "data-speaker": "me" },
      h("p", { class: "bubble-name" }, "Jij"),
      h("p", { class: "bubble-text" }, text),
      verdict ? h("p", { class: "bubble-verdict" }, verdictBadge(verdict)) : null);
    this.log.append(item);
    return item;
  }

  addTranscriptItem(item) {
    if (item.kind === "message") this.addMessage(item);
    else if (item.kind === "reply") this.addMine(item.text === null || item.text === undefined ? "(je tekst is niet bewaard)" : item.text, item.verdict);
    else if (item.kind === "choice") this.addMine(item.text, null);
  }

  announceMessages(messages) {
    return (messages || []).map((m) => (m.speaker === "narrator" ? m.text : `${m.name || this.partner} zegt: ${m.text}`)).join(" ");
  }

  // ---- current turn ---------------------------------------------------------------------

  renderTurn(session, { fromResume = false, retry = false, keepText = "" } = {}) {
    if (this.composer) this.composer.destroy();
    this.composer = null;
    saveSession(this.id, { status: session.status });
    if (session.status === "awaiting_text" && session.prompt) {
      this.renderPrompt(session.prompt, { retry, keepText });
    } else if (session.status === "awaiting_choice" && session.choices) {
      this.renderChoices(session.choices);
    } else if (session.status === "finished") {
      this.renderEnding(session, fromResume);
    } else {
      replaceChildren(this.turn, errorPanel(new ApiError(500, "unexpected_state", null), () => this.reload()));
    }
  }

  renderPrompt(prompt, { retry, keepText }) {
    const hints = prompt.hints || [];
    const parts = [
      h("h2", { class: "turn-title" }, retry ? "Probeer het nog eens" : "Jouw beurt"),
      h("div", { class: "instruction", "data-testid": "instruction" },
        h("p", { class: "instruction-label" }, "De oefening"),
        h("p", {}, prompt.instruction)),
    ];
    if (prompt.attempt && prompt.attempt > 1) {
      parts.push(h("p", { class: "attempt" }, `Poging ${prompt.attempt}`));
    }
    if (hints.length) {
      parts.push(h("div", { class: "hints", "data-testid": "hints" },
        h("h3", {}, hints.length === 1 ? "Een hint" : "Hints"),
        h("ul", {}, hints.map((hint) => h("li", {}, hint)))));
    }
    if (prompt.unsafe_example) {
      parts.push(h("details", { class: "pitfall" },
        h("summary", {}, "Hoe het vaak misgaat"),
        h("p", {}, "Wat vaak als eerste opkomt: ", h("q", {}, prompt.unsafe_example),
          " Dat is menselijk, en het kan hard aankomen.")));
    }
    this.composer = createComposer({
      label: `Jouw antwoord aan ${this.partner}`,
      description: "Je ziet al tijdens het typen welke woorden hard kunnen aankomen. Enter verstuurt, Shift+Enter maakt een nieuwe regel.",
      role: () => this.session.scenario.role,
      submitLabel: "Verstuur",
      initialText: keepText,
      onSubmit: (text) => this.sendReply(text, prompt),
      onSafety: (safety, slot) => {
        const shown = slot.querySelector(".safety-message");
        if (shown && shown.textContent === safety.message) return;
        replaceChildren(slot, safetyPanel(safety, { headingLevel: 3 }));
      },
    });
    parts.push(this.composer.element);
    replaceChildren(this.turn, ...parts);
  }

  renderChoices(choices) {
    const titleId = uid("choice");
    const error = h("div", { class: "choice-error" });
    const buttons = choices.options.map((opt) => {
      const b = h("button", { type: "button", class: "button choice-button", dataset: { choice: opt.id } }, opt.text);
      b.addEventListener("click", () => this.sendChoice(opt, error, group));
      return b;
    });
    const group = h("div", { class: "choice-list", role: "group", "aria-labelledby": titleId }, buttons);
    replaceChildren(this.turn,
      h("h2", { class: "turn-title", id: titleId }, choices.text || "Wat doe je?"),
      group,
      error);
  }

  async renderEnding(session, fromResume) {
    const ending = session.ending || {};
    const summary = h("div", { class: "ending-details" }, h("p", { class: "loading" }, "Je gesprek wordt samengevat…"));
    const scenarioId = session.scenario.id;
    const actions = this.homework ? this.homeworkEndingActions() : this.endingActions(scenarioId);
    const titleId = uid("ending");
    const outcome = OUTCOME_LABELS[ending.outcome];
    replaceChildren(this.turn,
      h("section", { class: ["ending", `outcome-${ending.outcome || "unknown"}`], "aria-labelledby": titleId, "data-testid": "ending" },
        h("p", { class: "ending-kicker" }, "Einde van de oefening"),
        h("h2", { id: titleId, tabindex: "-1", class: "ending-title" }, ending.title || "Klaar"),
        outcome ? h("p", { class: "ending-outcome" }, outcome) : null,
        ending.reflection ? h("p", { class: "ending-reflection" }, ending.reflection) : null,
        summary,
        actions));
    saveSession(this.id, { status: "finished" });
    if (!fromResume) announce(`Einde van de oefening. ${ending.title || ""}. ${ending.reflection || ""}`);

    const loadSummary = async () => {
      replaceChildren(summary, h("p", { class: "loading" }, "Je gesprek wordt samengevat…"));
      try {
        const full = session.transcript ? session : await api.getSession(this.id, this.token);
        const replies = (full.transcript || []).filter((t) => t.kind === "reply");
        replaceChildren(summary,
          h("h3", {}, "Jouw beurten"),
          replies.length
            ? h("ol", { class: "turn-list", "data-testid": "turn-list" }, replies.map((r) => h("li", {},
              h("p", { class: "turn-text" }, r.text === null || r.text === undefined ? "(je tekst is niet bewaard)" : r.text),
              h("p", { class: "turn-meta" }, verdictBadge(r.verdict),
                r.attempt > 1 ? ` · poging ${r.attempt}` : "",
                (r.categories || []).length ? ` · ${(r.categories || []).map(categoryLabel).join(", ")}` : ""))))
            : h("p", {}, "In deze oefening typte je geen antwoorden."),
          h("h3", {}, "Hoe de verbinding liep"),
          connectionChart(full.connection_history || []));
      } catch (err) {
        replaceChildren(summary, errorPanel(err, loadSummary));
      }
    };
    await loadSummary();
    if (!fromResume && !this.skipEndingFocus) focusElement(this.turn.querySelector(".ending-title"));
  }

  endingActions(scenarioId) {
    const next = h("a", { href: "#/", class: "button button-quiet", "data-nav": true }, "Volgende oefening");
    loadScenarios().then((list) => {
      const i = list.findIndex((sc) => sc.id === scenarioId);
      const following = list.length > 1 ? list[(i + 1) % list.length] : null;
      if (following && following.id !== scenarioId) {
        next.setAttribute("href", `#/oefen/${encodeURIComponent(following.id)}`);
        next.setAttribute("aria-label", `Volgende oefening: ${following.title}`);
      }
    }).catch(() => { /* the link stays on the catalogue */ });
    return h("div", { class: "button-row ending-actions" },
      h("a", { href: `#/oefen/${encodeURIComponent(scenarioId)}`, class: "button button-primary", "data-nav": true }, "Opnieuw"),
      next);
  }

  /** Homework: practise this one again (as homework, so the therapist sees it) or go back. */
  homeworkEndingActions() {
    const error = h("div", { class: "ending-error" });
    const again = h("button", { type: "button", class: "button button-primary" }, "Opnieuw");
    const row = h("div", { class: "button-row ending-actions" },
      this.ref ? again : null,
      h("a", { href: homeworkHash(this.homework), class: "button button-quiet", "data-nav": true }, "Terug naar je huiswerk"));
    again.addEventListener("click", async () => {
      if (again.getAttribute("aria-disabled") === "true") return;
      again.setAttribute("aria-disabled", "true");
      replaceChildren(error);
      try {
        const fresh = await api.startHomeworkSession(this.homework, this.ref);
        openNewSession(fresh, { homework: this.homework, ref: this.ref });
      } catch (err) {
        again.removeAttribute("aria-disabled");
        replaceChildren(error, errorPanel(err, () => again.click()));
      }
    });
    return h("div", {}, row, error);
  }

  // ---- actions --------------------------------------------------------------------------

  async sendReply(text, prompt) {
    this.composer.clearError();
    let session;
    try {
      session = await api.reply(this.id, this.token, text);
    } catch (err) {
      // The reply stays in the box; nothing is lost.
      const conflict = err instanceof ApiError && err.status === 409;
      this.composer.setError(errorPanel(err, conflict ? () => this.reload() : () => this.composer.element.requestSubmit()));
      return;
    }
    this.session = session;
    const answered = h("li", { class: "chat-feedback" });
    if (session.safety) {
      this.addMine(text, null);
      this.log.append(answered);
      const rest = () => this.continueAfter(session, text, null);
      replaceChildren(this.turn);
      answered.append(safetyPanel(session.safety, { headingLevel: 3, onContinue: rest, focus: true }));
      return;
    }
    const fb = session.feedback;
    this.addMine(text, fb ? fb.verdict : null);
    this.log.append(answered);
    if (fb) {
      const card = feedbackCard(fb, {
        text,
        examples: prompt.examples || [],
        intro: session.retry ? h("p", { class: "retry-note" }, "Je mag het nog een keer proberen. Je tekst staat nog in het tekstvak.") : null,
      });
      answered.append(card);
    }
    this.continueAfter(session, text, fb);
    if (fb) {
      const heading = answered.querySelector(".verdict-title");
      window.setTimeout(() => focusElement(heading), 0);
    }
  }

  continueAfter(session, text, fb) {
    (session.messages || []).forEach((m) => this.addMessage(m));
    const spoken = this.announceMessages(session.messages);
    if (fb) announce(`${feedbackAnnouncement(fb)} ${session.retry ? "Je mag het nog een keer proberen." : ""} ${spoken}`.trim());
    else if (spoken) announce(spoken);
    const retry = Boolean(session.retry) && session.status === "awaiting_text";
    this.skipEndingFocus = Boolean(fb);
    this.renderTurn(session, { retry, keepText: retry ? text : "" });
    if (!fb && session.status === "awaiting_text" && this.composer) this.composer.focus();
  }

  async sendChoice(option, errorSlot, group) {
    if (group.getAttribute("aria-busy") === "true") return;
    group.setAttribute("aria-busy", "true");
    replaceChildren(errorSlot);
    let session;
    try {
      session = await api.choose(this.id, this.token, option.id);
    } catch (err) {
      group.removeAttribute("aria-busy");
      const conflict = err instanceof ApiError && err.status === 409;
      replaceChildren(errorSlot, errorPanel(err, conflict ? () => this.reload() : () => this.sendChoice(option, errorSlot, group)));
      return;
    }
    this.session = session;
    this.addMine(option.text, null);
    (session.messages || []).forEach((m) => this.addMessage(m));
    announce(this.announceMessages(session.messages));
    this.renderTurn(session);
    if (session.status === "awaiting_text" && this.composer) this.composer.focus();
    else if (session.status === "awaiting_choice") {
      const first = this.turn.querySelector(".choice-button");
      if (first) first.focus();
    }
  }

  reload() {
    renderSession(this.view, this.id);
  }
}
