// Assign homework (the private link is shown once) and follow its progress.
// Everything a client typed is inserted as text (textContent via h()), never as HTML.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import * as tapi from "./therapist-api.js";
import { saveFile } from "./download.js";
import { verdictInfo, verdictBadge } from "./feedback.js";
import { categoryLabel } from "./taxonomy.js";
import { safeRepliesChart } from "./chart.js";
import {
  errorPanel, pageHeading, focusPageHeading, field, confirmButton, formatMoment, formatDay, roleLabel,
} from "./ui.js";
import { formError } from "./therapist-auth.js";

const MAX_SCENARIOS = 12;

// ---- the private link, shown once ------------------------------------------------------------

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return Promise.reject(new Error("no clipboard"));
}

/** The link with a copy button and what the therapist needs to know about it. */
export function linkPanel(link, { pseudonym, headingLevel = 2 } = {}) {
  const inputId = uid("link");
  const input = h("input", { id: inputId, type: "text", readonly: true, value: link.url, class: "field-input link-input", spellcheck: "false", "data-testid": "private-link" });
  input.addEventListener("focus", () => input.select());
  const status = h("p", { class: "copy-status", role: "status" });
  const copy = h("button", { type: "button", class: "button button-primary", "data-testid": "copy-link" }, "Kopieer de link");
  copy.addEventListener("click", async () => {
    try {
      await copyText(link.url);
      status.textContent = "Gekopieerd. Plak de link in je bericht aan je cliënt.";
    } catch {
      input.focus();
      input.select();
      status.textContent = "Kopiëren lukte niet vanzelf. De link is geselecteerd: kopieer hem met Ctrl+C (of Cmd+C).";
    }
  });
  return h("section", { class: "link-panel", "aria-labelledby": `${inputId}-title`, "data-testid": "link-panel" },
    h(`h${headingLevel}`, { id: `${inputId}-title` }, pseudonym ? `De privélink voor ${pseudonym}` : "De nieuwe privélink"),
    h("p", { class: "link-once" }, h("strong", {}, "Je ziet deze link maar één keer."),
      " We bewaren hem niet leesbaar, dus kopieer hem nu en stuur hem zelf naar je cliënt, bijvoorbeeld via je beveiligde mail."),
    h("div", { class: "field" }, h("label", { for: inputId }, "Privélink"), input),
    h("div", { class: "button-row" }, copy),
    status,
    h("p", { class: "field-hint" },
      "Iedereen met deze link kan het huiswerk openen; er is geen wachtwoord. Kwijt, of per ongeluk gedeeld? Maak op de huiswerkpagina een nieuwe link: de oude werkt dan meteen niet meer. Je kunt de link daar ook uitzetten."));
}

// ---- new homework ----------------------------------------------------------------------------

function scenarioChoice(name, sc, ref, meta) {
  const id = uid("sc-choice");
  return h("li", { class: "check-item" },
    h("input", { type: "checkbox", id, name, value: ref, "aria-describedby": `${id}-meta` }),
    h("label", { for: id }, sc.title),
    h("p", { id: `${id}-meta`, class: "check-meta" }, meta));
}

export async function renderNewHomework(ctx, clientId = "") {
  const { view } = ctx;
  replaceChildren(view, pageHeading("Nieuw huiswerk"), h("p", { class: "loading" }, "Even laden…"));
  focusPageHeading();
  let clients;
  let library;
  let own;
  try {
    [clients, library, own] = await Promise.all([tapi.listClients(), tapi.listScenarios(), tapi.listOwnScenarios()]);
  } catch (err) {
    replaceChildren(view, pageHeading("Nieuw huiswerk"), errorPanel(err, () => renderNewHomework(ctx, clientId)));
    return;
  }
  if (!clients.length) {
    replaceChildren(view, pageHeading("Nieuw huiswerk"),
      h("p", {}, "Voeg eerst een cliënt toe. Een schuilnaam zoals \u201eStel A\u201d is genoeg."),
      h("a", { href: "#/clienten", class: "button button-primary", "data-nav": true }, "Naar je cliënten"));
    focusPageHeading();
    return;
  }

  const client = field({
    label: "Voor wie?",
    name: "client",
    tag: "select",
    attrs: { required: true },
    children: clients.map((c) => h("option", { value: c.id, selected: c.id === clientId }, c.pseudonym)),
  });
  const scenarioName = uid("scenarios");
  const pickError = h("p", { class: "field-error", id: uid("pick-error"), role: "alert", hidden: true });
  const picker = h("fieldset", { class: "scenario-picker", "aria-describedby": pickError.id },
    h("legend", {}, "Welke oefeningen?"),
    h("p", { class: "field-hint" }, `Kies er een of meer (hoogstens ${MAX_SCENARIOS}). Je cliënt ziet ze in deze volgorde.`),
    h("h3", { class: "picker-title" }, "Uit de bibliotheek"),
    h("ul", { class: "check-list", "data-testid": "library-choices" },
      library.map((sc) => scenarioChoice(scenarioName, sc, sc.id, `${roleLabel(sc.role)} · ${sc.summary}`))),
    h("h3", { class: "picker-title" }, "Je eigen oefeningen"),
    own.length
      ? h("ul", { class: "check-list", "data-testid": "own-choices" },
        own.map((sc) => scenarioChoice(scenarioName, sc, sc.ref, `Eigen oefening · versie ${sc.version}`)))
      : h("p", { class: "empty" }, "Je hebt nog geen eigen oefeningen. ", h("a", { href: "#/eigen-oefeningen", "data-nav": true }, "Maak er een"), "."),
    pickError);
  const note = field({
    label: "Bericht voor je cliënt (mag leeg blijven)",
    name: "note",
    tag: "textarea",
    hint: "Je cliënt leest dit boven de oefeningen. Schrijf er geen namen of andere herkenbare gegevens in.",
    attrs: { rows: "4", maxlength: "2000" },
  });
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const due = field({ label: "Graag af op (mag leeg blijven)", name: "due", type: "date", attrs: { min: iso(today) } });
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Maak het huiswerk en de link");
  const errors = h("div", {});
  const form = h("form", { class: "stack-form", "aria-labelledby": "page-title", novalidate: true },
    client.element, picker, note.element, due.element, h("div", { class: "button-row" }, submit), errors);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(errors);
    const refs = [...form.querySelectorAll(`input[name="${scenarioName}"]:checked`)].map((i) => i.value);
    if (!refs.length || refs.length > MAX_SCENARIOS) {
      pickError.textContent = refs.length ? `Kies hoogstens ${MAX_SCENARIOS} oefeningen.` : "Kies minstens één oefening.";
      pickError.hidden = false;
      focusElement(form.querySelector(`input[name="${scenarioName}"]`));
      return;
    }
    pickError.hidden = true;
    submit.setAttribute("aria-disabled", "true");
    const chosen = clients.find((c) => c.id === client.input.value);
    let created;
    try {
      created = await tapi.createHomework({
        client_id: client.input.value,
        scenario_ids: refs,
        note: note.input.value.trim(),
        due_date: due.input.value || null,
      });
    } catch (err) {
      submit.removeAttribute("aria-disabled");
      replaceChildren(errors, formError(err, form));
      return;
    }
    const panel = linkPanel(created, { pseudonym: chosen ? chosen.pseudonym : "" });
    replaceChildren(view,
      pageHeading("Het huiswerk staat klaar"),
      panel,
      h("div", { class: "button-row" },
        h("a", { href: `#/huiswerk/${encodeURIComponent(created.id)}`, class: "button button-quiet", "data-nav": true }, "Bekijk de voortgang"),
        h("a", { href: "#/clienten", class: "button button-quiet", "data-nav": true }, "Naar je cliënten")));
    announce("Het huiswerk staat klaar. Je ziet de privélink maar één keer.");
    focusPageHeading();
  });

  replaceChildren(view,
    pageHeading("Nieuw huiswerk"),
    h("p", { class: "lead" }, "Kies oefeningen voor je cliënt. Je krijgt daarna een privélink om zelf door te sturen; je cliënt heeft geen account nodig."),
    form);
  focusPageHeading();
}

// ---- progress --------------------------------------------------------------------------------

function sharingSentence(sharing) {
  if (sharing === "texts") return "De cliënt deelt resultaten en teksten.";
  if (sharing === "results") return "De cliënt deelt alleen resultaten.";
  return "De cliënt heeft nog niet gekozen wat je ziet (of de link nog niet geopend).";
}

function verdictCounts(verdicts) {
  return ["safe", "almost", "unsafe"]
    .map((v) => `${verdicts[v] || 0}× ${verdictInfo(v).short}`)
    .join(" · ");
}

function attemptBlock(label, attempt, sharing) {
  let text;
  if (attempt.text !== null && attempt.text !== undefined) {
    text = h("blockquote", { class: "attempt-text", "data-testid": "attempt-text" }, attempt.text);
  } else if (sharing === "texts") {
    text = h("p", { class: "attempt-hidden" }, "(geen tekst bewaard)");
  } else {
    text = h("p", { class: "attempt-hidden", "data-testid": "texts-hidden" }, "De cliënt deelt alleen resultaten.");
  }
  const categories = attempt.categories || [];
  return h("div", { class: "attempt-block" },
    h("p", { class: "attempt-label" }, label, h("span", { class: "attempt-when" }, ` · ${formatMoment(attempt.at)}`)),
    h("p", { class: "attempt-verdict" }, verdictBadge(attempt.verdict)),
    categories.length ? h("p", { class: "attempt-categories" }, categories.map(categoryLabel).join(", ")) : null,
    text);
}

function promptStatus(p) {
  if (!p.last) return null;
  if (p.last.verdict === "safe" && p.first && p.first.verdict !== "safe") return ["improved", "Gelukt na oefenen"];
  if (p.last.verdict === "safe") return ["safe", "Meteen veilig"];
  return ["stuck", "Loopt hier nog vast"];
}

function promptItem(p, sharing) {
  const status = promptStatus(p);
  return h("li", { class: "prompt-progress", "data-testid": "prompt-progress" },
    h("h4", { class: "prompt-instruction" }, p.instruction || p.node_id),
    h("p", { class: "prompt-counts" },
      status ? h("span", { class: ["prompt-status", `prompt-status-${status[0]}`] }, status[1]) : null,
      status ? " · " : null,
      p.attempts === 1 ? "1 poging" : `${p.attempts} pogingen`, ": ",
      h("span", { "data-testid": "verdict-counts" }, verdictCounts(p.verdicts))),
    h("div", { class: "attempt-compare" },
      p.first ? attemptBlock(p.attempts > 1 ? "Eerste poging" : "De poging", p.first, sharing) : null,
      p.last && p.attempts > 1 ? attemptBlock("Laatste poging", p.last, sharing) : null));
}

function scenarioProgress(sc, sharing) {
  const titleId = uid("sp");
  let state;
  if (!sc.started) state = "Nog niet begonnen";
  else if (sc.finished) state = `${sc.started === 1 ? "1 keer" : `${sc.started} keer`} begonnen, ${sc.finished} keer afgerond`;
  else state = `${sc.started === 1 ? "1 keer" : `${sc.started} keer`} begonnen, nog niet afgerond`;
  return h("li", { class: "card scenario-progress", "data-testid": "scenario-progress" },
    h("h3", { id: titleId, class: "card-title" }, sc.title),
    h("p", { class: ["progress-state", sc.finished ? "is-finished" : sc.started ? "is-started" : "is-new"] },
      h("span", { "aria-hidden": "true" }, sc.finished ? "✓ " : sc.started ? "◐ " : "○ "), state),
    sc.prompts.length
      ? h("ol", { class: "prompt-list", "aria-label": `Momenten in ${sc.title}` }, sc.prompts.map((p) => promptItem(p, sharing)))
      : sc.started ? h("p", { class: "empty" }, "Nog geen antwoorden getypt.") : null);
}

function overview(data) {
  const started = data.scenarios.filter((s) => s.started).length;
  const finished = data.scenarios.filter((s) => s.finished).length;
  const replies = data.scenarios.reduce((n, s) => n + s.prompts.reduce((m, p) => m + p.attempts, 0), 0);
  const total = data.scenarios.length;
  const practised = started > 0;
  return h("section", { class: "panel overview", "aria-labelledby": "overview-title", "data-testid": "overview" },
    h("h2", { id: "overview-title" }, "In het kort"),
    h("ul", { class: "fact-list" },
      h("li", {}, h("strong", {}, "Geoefend: "), practised
        ? `ja. ${started} van ${total} ${total === 1 ? "oefening" : "oefeningen"} begonnen, ${finished} afgerond, ${replies} ${replies === 1 ? "antwoord" : "antwoorden"}.`
        : "nog niet."),
      h("li", {}, h("strong", {}, "Wat steeds terugkomt: "), data.recurring_categories.length
        ? h("span", { "data-testid": "recurring" }, data.recurring_categories.map((c) => `${c.label} (${c.count}×)`).join(", "))
        : practised ? "geen valkuilen die terugkomen." : "nog niets."),
      h("li", {}, h("strong", {}, "Wat je ziet: "), sharingSentence(data.sharing))));
}

function linkSection(ctx, data) {
  const slot = h("div", {});
  const renew = async () => {
    const link = await tapi.renewLink(data.id);
    replaceChildren(slot, linkPanel(link, { headingLevel: 3 }));
    announce("Er is een nieuwe link. Je ziet hem maar één keer.");
    focusElement(slot.querySelector("h3"));
  };
  const controls = [];
  if (data.link_active) {
    controls.push(confirmButton({
      label: "Maak een nieuwe link",
      question: "De huidige link werkt dan meteen niet meer. Je cliënt heeft de nieuwe link nodig. Doorgaan?",
      yes: "Ja, maak een nieuwe link",
      testid: "renew-link",
      onConfirm: renew,
    }));
    controls.push(confirmButton({
      label: "Zet de link uit",
      question: "Je cliënt kan het huiswerk dan niet meer openen. Wat al geoefend is, blijft. Je kunt later een nieuwe link maken.",
      yes: "Ja, zet uit",
      testid: "revoke-link",
      onConfirm: async () => {
        await tapi.revokeLink(data.id);
        announce("De link staat uit.");
        await renderProgress(ctx, data.id, "De link staat uit.");
      },
    }));
  } else {
    const make = h("button", { type: "button", class: "button button-quiet", "data-testid": "renew-link" }, "Maak een nieuwe link");
    const err = h("div", {});
    make.addEventListener("click", async () => {
      replaceChildren(err);
      try {
        await renew();
      } catch (e) {
        replaceChildren(err, errorPanel(e, () => make.click()));
      }
    });
    controls.push(make, err);
  }
  return h("section", { class: "panel", "aria-labelledby": "link-title" },
    h("h2", { id: "link-title" }, "Privélink"),
    h("p", { "data-testid": "link-state" }, data.link_active
      ? "De link werkt. Je ziet hem niet meer: hij werd één keer getoond. Is hij kwijt, maak dan een nieuwe."
      : "De link staat uit. Je cliënt kan het huiswerk nu niet openen."),
    h("div", { class: "button-row" }, controls),
    slot);
}

function exportSection(data) {
  const result = h("div", {});
  const button = (format, label) => {
    const b = h("button", { type: "button", class: "button button-quiet", "data-testid": `export-${format}` }, label);
    b.addEventListener("click", async () => {
      if (b.getAttribute("aria-disabled") === "true") return;
      b.setAttribute("aria-disabled", "true");
      replaceChildren(result);
      try {
        const file = await tapi.exportHomework(data.id, format);
        saveFile(file);
        replaceChildren(result, h("p", { role: "status" }, `Gedownload: ${file.filename}.`));
      } catch (err) {
        replaceChildren(result, errorPanel(err, () => b.click()));
      } finally {
        b.removeAttribute("aria-disabled");
      }
    });
    return b;
  };
  return h("section", { class: "panel", "aria-labelledby": "export-title" },
    h("h2", { id: "export-title" }, "Exporteren"),
    h("p", {}, "Elke poging als een regel: oefening, moment, poging, oordeel, categorieën en (alleen als de cliënt dat deelt) de tekst."),
    h("div", { class: "button-row" }, button("csv", "Download CSV"), button("json", "Download JSON")),
    result);
}

function chartSection(clientId) {
  const slot = h("div", {}, h("p", { class: "loading" }, "De grafiek wordt geladen…"));
  const load = async () => {
    replaceChildren(slot, h("p", { class: "loading" }, "De grafiek wordt geladen…"));
    try {
      replaceChildren(slot, safeRepliesChart(await tapi.clientProgress(clientId)));
    } catch (err) {
      replaceChildren(slot, errorPanel(err, load));
    }
  };
  load();
  return h("section", { class: "panel", "aria-labelledby": "chart-title" },
    h("h2", { id: "chart-title" }, "Veilige antwoorden door de tijd"),
    h("p", { class: "field-hint" }, "Al het huiswerk van deze cliënt samen, per dag."),
    slot);
}

export async function renderProgress(ctx, homeworkId, message = "") {
  const { view } = ctx;
  if (!message) {
    replaceChildren(view, pageHeading("Voortgang"), h("p", { class: "loading" }, "De voortgang wordt geladen…"));
    focusPageHeading();
  }
  let data;
  try {
    data = await tapi.homeworkProgress(homeworkId);
  } catch (err) {
    replaceChildren(view, pageHeading("Voortgang"), errorPanel(err, () => renderProgress(ctx, homeworkId)),
      h("a", { href: "#/clienten", class: "button button-quiet", "data-nav": true }, "Naar je cliënten"));
    focusPageHeading();
    return;
  }
  const head = h("div", { class: "progress-head" },
    h("p", { class: "back-link" }, h("a", { href: "#/clienten", "data-nav": true }, "← Je cliënten")),
    pageHeading(`Huiswerk voor ${data.client.pseudonym}`),
    h("p", { class: "card-meta" },
      `Gegeven op ${formatMoment(data.created_at)}`,
      data.due_date ? ` · af op ${formatDay(data.due_date)}` : ""),
    data.note ? h("p", { class: "note-text" }, h("strong", {}, "Je bericht: "), data.note) : null,
    h("p", { class: "form-status", role: "status" }, message));
  const parts = [head];
  if (data.erased) {
    parts.push(h("section", { class: "notice-box", "data-testid": "erased" },
      h("p", {}, h("strong", {}, "De cliënt heeft de gegevens gewist.")),
      h("p", {}, "Van dit huiswerk is niets meer te zien of te exporteren. Wil je cliënt verder oefenen, geef dan nieuw huiswerk.")));
  } else {
    parts.push(
      overview(data),
      h("section", { class: "scenario-progress-section", "aria-labelledby": "per-scenario-title" },
        h("h2", { id: "per-scenario-title" }, "Per oefening"),
        h("ul", { class: "card-list" }, data.scenarios.map((sc) => scenarioProgress(sc, data.sharing)))),
      chartSection(data.client.id),
      exportSection(data));
  }
  parts.push(linkSection(ctx, data));
  replaceChildren(view, ...parts);
  if (!message) focusPageHeading();
}
