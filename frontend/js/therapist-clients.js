// Clients: a pseudonym each (no real names needed), their homework, add and delete.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import * as tapi from "./therapist-api.js";
import { errorPanel, pageHeading, focusPageHeading, field, confirmButton, formatMoment, formatDay } from "./ui.js";
import { formError, fieldProblem } from "./therapist-auth.js";

export const PSEUDONYM_HINT = "Je hebt geen echte namen nodig. Kies iets wat alleen jij herkent, zoals \u201eStel A\u201d of \u201eStel dinsdag\u201d. Laat namen, geboortedata en andere herkenbare gegevens weg.";

function homeworkState(hw) {
  if (hw.erased) return "De cliënt heeft de gegevens gewist";
  const parts = [];
  parts.push(hw.link_active ? "link werkt" : "link staat uit");
  if (hw.sharing === "texts") parts.push("deelt resultaten en teksten");
  else if (hw.sharing === "results") parts.push("deelt alleen resultaten");
  else parts.push("nog niet geopend of nog niet gekozen wat je ziet");
  return parts.join(" · ");
}

function clientCard(client, homework, reload) {
  const titleId = uid("client");
  const mine = homework.filter((hw) => hw.client_id === client.id);
  const remove = confirmButton({
    label: "Verwijder cliënt",
    question: `Weet je het zeker? ${client.pseudonym} verdwijnt met al het huiswerk en alle oefenpogingen. De links werken daarna niet meer. Dit kun je niet terugdraaien.`,
    yes: "Ja, verwijder",
    testid: "delete-client",
    onConfirm: async () => {
      await tapi.deleteClient(client.id);
      announce(`${client.pseudonym} is verwijderd.`);
      await reload(`${client.pseudonym} is verwijderd.`);
    },
  });
  return h("li", { class: "card client-card", "data-testid": "client" },
    h("h2", { id: titleId, class: "card-title" }, client.pseudonym),
    h("p", { class: "card-meta" }, `Toegevoegd op ${formatMoment(client.created_at)}`),
    mine.length
      ? h("ul", { class: "homework-links", "aria-label": `Huiswerk van ${client.pseudonym}` }, mine.map((hw) => h("li", {},
        h("a", { href: `#/huiswerk/${encodeURIComponent(hw.id)}`, "data-nav": true, "data-testid": "homework-link" },
          `Huiswerk van ${formatMoment(hw.created_at)}`),
        hw.due_date ? ` · af op ${formatDay(hw.due_date)}` : "",
        h("span", { class: "homework-state" }, ` · ${homeworkState(hw)}`))))
      : h("p", { class: "empty" }, "Nog geen huiswerk."),
    h("div", { class: "button-row" },
      h("a", { href: `#/nieuw-huiswerk/${encodeURIComponent(client.id)}`, class: "button button-primary", "data-nav": true, "aria-describedby": titleId }, "Nieuw huiswerk"),
      remove));
}

export async function renderClients(ctx, message = "") {
  const { view } = ctx;
  const status = h("p", { class: "form-status", role: "status" }, message);
  const listSlot = h("div", {}, h("p", { class: "loading" }, "Je cliënten worden geladen…"));

  const name = field({ label: "Schuilnaam", name: "pseudonym", hint: PSEUDONYM_HINT, attrs: { maxlength: "80", autocomplete: "off", required: true } });
  const problem = h("p", { class: "field-error", id: `${name.input.id}-problem`, hidden: true });
  name.input.setAttribute("aria-describedby", `${name.input.getAttribute("aria-describedby")} ${problem.id}`);
  name.element.append(problem);
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Voeg toe");
  const errors = h("div", {});
  const form = h("form", { class: "stack-form inline-form", "aria-labelledby": "add-client-title", novalidate: true },
    name.element, h("div", { class: "button-row" }, submit), errors);

  const reload = (msg) => renderClients(ctx, msg);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(errors);
    const pseudonym = name.input.value.trim();
    if (!pseudonym) {
      fieldProblem(name.input, problem, "Vul een schuilnaam in, bijvoorbeeld Stel A.");
      return;
    }
    fieldProblem(name.input, problem, "");
    submit.setAttribute("aria-disabled", "true");
    try {
      await tapi.addClient(pseudonym);
    } catch (err) {
      submit.removeAttribute("aria-disabled");
      replaceChildren(errors, formError(err, form));
      return;
    }
    announce(`${pseudonym} is toegevoegd.`);
    await reload(`${pseudonym} is toegevoegd.`);
    focusElement(document.querySelector("[data-testid=client] h2"));
  });

  replaceChildren(view,
    pageHeading("Je cliënten"),
    status,
    listSlot,
    h("section", { class: "panel", "aria-labelledby": "add-client-title" },
      h("h2", { id: "add-client-title" }, "Cliënt toevoegen"),
      form));
  if (!message) focusPageHeading();

  async function load() {
    replaceChildren(listSlot, h("p", { class: "loading" }, "Je cliënten worden geladen…"));
    try {
      const [clients, homework] = await Promise.all([tapi.listClients(), tapi.listHomework()]);
      replaceChildren(listSlot, clients.length
        ? h("ul", { class: "card-list", "aria-label": "Cliënten" }, clients.map((c) => clientCard(c, homework, reload)))
        : h("p", { class: "empty" }, "Je hebt nog geen cliënten. Voeg er hieronder een toe; een schuilnaam is genoeg."));
    } catch (err) {
      replaceChildren(listSlot, errorPanel(err, load));
    }
  }
  await load();
}
