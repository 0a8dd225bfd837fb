// Own scenarios: upload a YAML file or pasted text; the same linter as ours answers line by line.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import { ApiError } from "./api.js";
import * as tapi from "./therapist-api.js";
import { errorPanel, pageHeading, focusPageHeading, field, confirmButton, formatMoment } from "./ui.js";
import { formError } from "./therapist-auth.js";

const SEVERITY = { error: "Fout", warning: "Let op" };

/** "upload.yaml:12: code message" as the API sends it -> "regel 12: message". */
function diagnosticList(diagnostics) {
  return h("ol", { class: "diagnostics", "data-testid": "diagnostics" }, diagnostics.map((d) => h("li", {
    class: ["diagnostic", `diagnostic-${d.severity}`],
  },
  h("span", { class: "diagnostic-severity" }, `${SEVERITY[d.severity] || d.severity}: `),
  h("span", { class: "diagnostic-text" }, `regel ${d.line}: ${d.explanation || d.message}`),
  d.explanation ? h("span", { class: "diagnostic-detail" }, ` ${d.message}`) : null,
  h("span", { class: "diagnostic-code" }, ` (${d.code})`))));
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("load", () => resolve(String(reader.result || "")));
    reader.addEventListener("error", () => reject(reader.error));
    reader.readAsText(file, "utf-8");
  });
}

export async function renderOwnScenarios(ctx, message = "") {
  const { view } = ctx;
  const status = h("p", { class: "form-status", role: "status" }, message);
  const listSlot = h("div", {}, h("p", { class: "loading" }, "Je eigen oefeningen worden geladen…"));

  const fileId = uid("yaml-file");
  const fileInput = h("input", { id: fileId, type: "file", accept: ".yaml,.yml,text/yaml,application/x-yaml", class: "file-input", "aria-describedby": `${fileId}-hint` });
  const fileStatus = h("p", { class: "field-hint", role: "status" });
  const text = field({
    label: "De oefening in YAML",
    name: "yaml",
    tag: "textarea",
    hint: "Plak hier de tekst, of kies hierboven een bestand: dan komt de inhoud hier te staan.",
    attrs: { rows: "14", spellcheck: "false", class: "field-input code-input", autocomplete: "off" },
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    try {
      text.input.value = await readFile(file);
      fileStatus.textContent = `${file.name} staat hieronder. Klik op "Controleer en bewaar".`;
    } catch {
      fileStatus.textContent = "Dit bestand konden we niet lezen. Probeer het nog eens, of plak de tekst.";
    }
  });
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Controleer en bewaar");
  const result = h("div", { class: "upload-result" });
  const form = h("form", { class: "stack-form", "aria-labelledby": "upload-title", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: fileId }, "Een YAML-bestand"),
      h("p", { id: `${fileId}-hint`, class: "field-hint" }, "Een .yaml-bestand in hetzelfde formaat als de oefeningen in onze bibliotheek."),
      fileInput, fileStatus),
    text.element,
    h("div", { class: "button-row" }, submit),
    result);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(result);
    if (!text.input.value.trim()) {
      replaceChildren(result, h("p", { class: "field-error", role: "alert" }, "Kies een bestand of plak de YAML van je oefening."));
      focusElement(text.input);
      return;
    }
    submit.setAttribute("aria-disabled", "true");
    let answer;
    try {
      answer = await tapi.uploadOwnScenario(text.input.value);
    } catch (err) {
      submit.removeAttribute("aria-disabled");
      const diagnostics = err instanceof ApiError && err.data && Array.isArray(err.data.diagnostics) ? err.data.diagnostics : null;
      if (err instanceof ApiError && err.status === 422 && diagnostics && diagnostics.length) {
        const count = diagnostics.filter((d) => d.severity === "error").length;
        replaceChildren(result, h("div", { class: "error-panel", role: "alert", "data-testid": "upload-errors" },
          h("p", { class: "error-title" }, "Deze oefening is nog niet bewaard"),
          h("p", { class: "error-message" }, `${err.detail || "Er zitten fouten in."} ${count === 1 ? "Er is 1 fout" : `Er zijn ${count} fouten`} om op te lossen.`),
          diagnosticList(diagnostics)));
      } else {
        replaceChildren(result, formError(err, form));
      }
      return;
    }
    const sc = answer.scenario;
    const msg = `Bewaard: ${sc.title} (versie ${sc.version}). Je kunt hem nu als huiswerk meegeven.`;
    announce(msg);
    await renderOwnScenarios(ctx, msg);
    const warnings = (answer.diagnostics || []).filter((d) => d.severity !== "error");
    if (warnings.length) {
      const slot = view.querySelector(".upload-result");
      replaceChildren(slot, h("div", { class: "notice-box" },
        h("p", {}, "De oefening is bewaard. Een paar dingen om nog eens naar te kijken:"), diagnosticList(warnings)));
    }
  });

  replaceChildren(view,
    pageHeading("Eigen oefeningen"),
    h("p", { class: "lead" }, "Schrijf een oefening in hetzelfde YAML-formaat als onze bibliotheek. Dezelfde controle als voor onze eigen oefeningen kijkt hem na. Alleen jij en de cliënten aan wie je hem meegeeft, zien hem."),
    status,
    h("section", { "aria-labelledby": "own-list-title" }, h("h2", { id: "own-list-title" }, "Je oefeningen"), listSlot),
    h("section", { class: "panel", "aria-labelledby": "upload-title" },
      h("h2", { id: "upload-title" }, "Een oefening toevoegen"),
      h("p", { class: "field-hint" }, "Een nieuwe versie van een oefening die je al hebt? Gebruik dezelfde id; het huiswerk dat al loopt, houdt de versie waarmee het begon."),
      form));
  if (!message) focusPageHeading();

  async function load() {
    replaceChildren(listSlot, h("p", { class: "loading" }, "Je eigen oefeningen worden geladen…"));
    try {
      const own = await tapi.listOwnScenarios();
      replaceChildren(listSlot, own.length
        ? h("ul", { class: "card-list" }, own.map((sc) => h("li", { class: "card", "data-testid": "own-scenario" },
          h("h3", { class: "card-title" }, sc.title),
          h("p", { class: "card-meta" }, `id ${sc.scenario_id} · versie ${sc.version} · toegevoegd op ${formatMoment(sc.created_at)}`),
          confirmButton({
            label: "Verwijder",
            question: `Weet je het zeker? "${sc.title}" (versie ${sc.version}) verdwijnt uit je lijst en huiswerk waarin hij staat, kan hem daarna niet meer starten. Wat je cliënten er al in oefenden, blijft bewaard: dat is van hen. Dit kun je niet terugdraaien.`,
            yes: "Ja, verwijder",
            testid: "delete-own-scenario",
            onConfirm: async () => {
              await tapi.deleteOwnScenario(sc.id);
              announce(`${sc.title} is verwijderd.`);
              await renderOwnScenarios(ctx, `${sc.title} is verwijderd.`);
            },
          }))))
        : h("p", { class: "empty" }, "Je hebt nog geen eigen oefeningen."));
    } catch (err) {
      replaceChildren(listSlot, errorPanel(err, load));
    }
  }
  await load();
}
