// #/huiswerk/<code>: homework from a therapist's private link. No account: the code is the key.
// The client reads the note and the due date, chooses what the therapist sees (before the first
// attempt), starts the assigned scenarios on the normal practice screen, and can take their data
// along or erase it.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import * as api from "./api.js";
import { ApiError } from "./api.js";
import { saveFile } from "./download.js";
import { openNewSession } from "./practice.js";
import { rememberHomework, forgetHomework, forgetHomeworkSessions, sessionsInProgress } from "./storage.js";
import { errorPanel, pageHeading, focusPageHeading, roleLabel, minutesLabel, formatDay, confirmButton } from "./ui.js";

export const SHARING_OPTIONS = [
  {
    value: "results",
    label: "Alleen resultaten",
    help: "Je therapeut ziet hoe vaak je oefende, of je antwoorden veilig, bijna of hard overkwamen, en welke soorten feedback steeds terugkwamen. Niet wat je typte.",
  },
  {
    value: "texts",
    label: "Resultaten en teksten",
    help: "Je therapeut ziet daarnaast ook wat je typte. Dat kan helpen om er samen over te praten.",
  },
];

const STATUS = {
  nieuw: { icon: "○", label: "Nog niet begonnen" },
  bezig: { icon: "◐", label: "Bezig" },
  klaar: { icon: "✓", label: "Klaar" },
};

function sharingLabel(value) {
  const option = SHARING_OPTIONS.find((o) => o.value === value);
  return option ? option.label : "Nog niet gekozen";
}

export async function renderHomework(view, code, { message = "" } = {}) {
  replaceChildren(view, pageHeading("Je huiswerk"), h("p", { class: "loading" }, "Je huiswerk wordt geladen…"));
  let homework;
  try {
    homework = await api.getHomework(code);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      forgetHomework(code);
      replaceChildren(view, pageHeading("Deze link werkt niet (meer)"),
        h("p", {}, "Misschien is de link niet helemaal goed overgenomen, of heeft je therapeut hem vernieuwd of uitgezet. Vraag je therapeut gerust om een nieuwe link."),
        h("p", {}, "Je kunt intussen gewoon zelf oefenen, zonder account."),
        h("a", { href: "#/", class: "button button-primary", "data-nav": true }, "Naar de oefeningen"));
    } else {
      replaceChildren(view, pageHeading("Je huiswerk"), errorPanel(err, () => renderHomework(view, code)));
    }
    focusPageHeading();
    return;
  }
  rememberHomework(code, { due: homework.due_date ? formatDay(homework.due_date) : "" });
  new HomeworkPage(view, code).render(homework, message);
}

class HomeworkPage {
  constructor(view, code) {
    this.view = view;
    this.code = code;
  }

  reload(message) {
    return renderHomework(this.view, this.code, { message });
  }

  render(hw, message) {
    const status = h("p", { class: "homework-status", role: "status", "data-testid": "homework-status" }, message || "");
    const parts = [
      h("div", { class: "homework-head" },
        pageHeading("Je huiswerk"),
        h("p", { class: "lead" }, "Je therapeut heeft deze oefeningen voor je klaargezet. Je hebt er geen account voor nodig.")),
      status,
    ];
    if (hw.note || hw.due_date) {
      parts.push(h("section", { class: "homework-note", "aria-labelledby": "note-title", "data-testid": "homework-note" },
        h("h2", { id: "note-title" }, "Van je therapeut"),
        hw.note ? h("p", { class: "note-text" }, hw.note) : null,
        hw.due_date ? h("p", { class: "due-date" }, h("strong", {}, "Graag af op: "), formatDay(hw.due_date)) : null));
    }
    if (hw.erased) {
      parts.push(h("section", { class: "notice-box", "aria-labelledby": "erased-title", "data-testid": "homework-erased" },
        h("h2", { id: "erased-title" }, "Je gegevens zijn gewist"),
        h("p", {}, "Alles wat je voor dit huiswerk oefende, is gewist. Je therapeut ziet alleen dat je het gewist hebt."),
        h("p", {}, "Met deze link kun je niet meer verder oefenen. Wil je toch verder? Vraag je therapeut om nieuw huiswerk, of oefen zelf zonder account."),
        h("a", { href: "#/", class: "button button-quiet", "data-nav": true }, "Naar de oefeningen")));
      replaceChildren(this.view, ...parts);
      focusPageHeading();
      return;
    }
    const chosen = Boolean(hw.sharing);
    const sharing = this.sharingSection(hw);
    const list = this.scenarioSection(hw, chosen);
    // Before the first attempt the choice comes first; after that, the exercises do.
    if (chosen) parts.push(list, sharing);
    else parts.push(sharing, list);
    parts.push(this.dataSection());
    replaceChildren(this.view, ...parts);
    focusPageHeading();
  }

  // ---- what the therapist sees ---------------------------------------------------------------

  sharingSection(hw) {
    const section = h("section", { class: "sharing", "aria-labelledby": "sharing-title", "data-testid": "sharing" });
    const form = this.sharingForm(hw.sharing);
    if (!hw.sharing) {
      section.append(
        h("h2", { id: "sharing-title" }, "Eerst even dit: wat ziet je therapeut?"),
        h("p", {}, "Jij bepaalt wat je therapeut van je oefeningen ziet. Kies wat voor jou goed voelt; er is geen goed of fout antwoord."),
        form);
      return section;
    }
    const change = h("button", { type: "button", class: "button button-quiet", "aria-expanded": "false" }, "Wijzig wat je deelt");
    form.hidden = true;
    form.id = uid("sharing-form");
    change.setAttribute("aria-controls", form.id);
    change.addEventListener("click", () => {
      const open = form.hidden;
      form.hidden = !open;
      change.setAttribute("aria-expanded", String(open));
      if (open) focusElement(form.querySelector("input:checked") || form.querySelector("input"));
    });
    section.append(
      h("h2", { id: "sharing-title" }, "Wat je therapeut ziet"),
      h("p", { "data-testid": "sharing-current" }, h("strong", {}, sharingLabel(hw.sharing)), ". ",
        (SHARING_OPTIONS.find((o) => o.value === hw.sharing) || { help: "" }).help),
      change,
      form);
    return section;
  }

  sharingForm(current) {
    const name = uid("sharing");
    const legendId = uid("sharing-legend");
    const errorId = uid("sharing-error");
    const error = h("p", { id: errorId, class: "field-error", role: "alert", hidden: true });
    const fieldset = h("fieldset", { class: "role-choice sharing-choice", "aria-describedby": errorId },
      h("legend", { id: legendId }, "Wat mag je therapeut zien?"),
      SHARING_OPTIONS.map((o, i) => {
        const id = `${name}-${i}`;
        return h("div", { class: "radio-card" },
          h("input", { type: "radio", name, id, value: o.value, checked: o.value === current, "aria-describedby": `${id}-help` }),
          h("label", { for: id }, o.label),
          h("p", { id: `${id}-help`, class: "radio-help" }, o.help));
      }));
    const submit = h("button", { type: "submit", class: "button button-primary" }, "Bewaar mijn keuze");
    const serverError = h("div", {});
    const form = h("form", { class: "sharing-form", "aria-labelledby": legendId, novalidate: true },
      fieldset,
      h("ul", { class: "sharing-facts" },
        h("li", {}, "Je kunt dit later altijd veranderen. Je nieuwe keuze geldt dan ook voor wat je al geoefend hebt."),
        h("li", {}, "Schreef je iets waarbij de app je hulp aanbood, bijvoorbeeld over geweld of over jezelf iets aandoen? Dat antwoord deelt de app nooit met je therapeut."),
        h("li", {}, "Je kunt alles wat je voor dit huiswerk oefende op elk moment zelf wissen.")),
      error,
      h("div", { class: "button-row" }, submit),
      serverError);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const checked = form.querySelector("input:checked");
      if (!checked) {
        error.textContent = "Kies een van de twee. Je kunt het later nog veranderen.";
        error.hidden = false;
        focusElement(form.querySelector("input"));
        return;
      }
      error.hidden = true;
      replaceChildren(serverError);
      if (submit.getAttribute("aria-disabled") === "true") return;
      submit.setAttribute("aria-disabled", "true");
      try {
        await api.setHomeworkSharing(this.code, checked.value);
      } catch (err) {
        submit.removeAttribute("aria-disabled");
        replaceChildren(serverError, errorPanel(err, () => form.requestSubmit()));
        return;
      }
      const said = `Bewaard: ${sharingLabel(checked.value).toLowerCase()}.`;
      announce(said);
      await this.reload(said);
    });
    return form;
  }

  // ---- the exercises -------------------------------------------------------------------------

  scenarioSection(hw, chosen) {
    const inProgress = sessionsInProgress().filter((s) => s.homework === this.code);
    const section = h("section", { class: "homework-scenarios", "aria-labelledby": "hw-scenarios-title" },
      h("h2", { id: "hw-scenarios-title" }, hw.scenarios.length === 1 ? "Je oefening" : "Je oefeningen"));
    if (!chosen) {
      section.append(h("p", { class: "notice" }, "Kies eerst hierboven wat je therapeut ziet. Daarna kun je beginnen."));
    }
    if (!hw.scenarios.length) {
      section.append(h("p", { class: "empty", "data-testid": "homework-empty" }, hw.withdrawn > 0
        ? "Je therapeut heeft de oefeningen uit dit huiswerk gehaald. Wat je daarin al deed, is niet weg. Vraag je therapeut gerust naar een nieuwe oefening."
        : "Er staan geen oefeningen (meer) in dit huiswerk. Vraag je therapeut ernaar."));
      return section;
    }
    if (hw.withdrawn > 0) {
      section.append(h("p", { class: "notice", "data-testid": "homework-withdrawn" },
        hw.withdrawn === 1
          ? "Je therapeut heeft één oefening uit dit huiswerk gehaald. Wat je daarin al deed, is niet weg."
          : `Je therapeut heeft ${hw.withdrawn} oefeningen uit dit huiswerk gehaald. Wat je daarin al deed, is niet weg.`));
    }
    section.append(h("ul", { class: "scenario-list homework-list" }, hw.scenarios.map((sc) => {
      const titleId = uid("hw-sc");
      const st = STATUS[sc.status] || STATUS.nieuw;
      const open = inProgress.find((s) => s.ref === sc.id);
      const error = h("div", {});
      const actions = h("div", { class: "button-row" });
      if (chosen) {
        if (open) {
          actions.append(h("a", { href: `#/sessie/${encodeURIComponent(open.id)}`, class: "button button-primary", "data-nav": true, "aria-describedby": titleId }, "Ga verder"));
        }
        const start = h("button", { type: "button", class: open ? "button button-quiet" : "button button-primary", "aria-describedby": titleId },
          open ? "Begin opnieuw" : sc.status === "nieuw" ? "Begin deze oefening" : "Oefen nog een keer");
        start.addEventListener("click", () => this.start(sc, start, error));
        actions.append(start);
      }
      return h("li", { class: "scenario-card", "data-testid": "homework-scenario", dataset: { status: sc.status } },
        h("article", { "aria-labelledby": titleId },
          h("h3", { id: titleId, class: "scenario-title" }, sc.title),
          h("p", { class: ["status-tag", `status-${sc.status}`] },
            h("span", { "aria-hidden": "true" }, st.icon), " ", st.label,
            sc.sessions_started > 1 ? ` · ${sc.sessions_started} keer begonnen` : ""),
          h("ul", { class: "scenario-meta" },
            h("li", { class: ["role-tag", `role-${sc.role}`] }, roleLabel(sc.role)),
            Number.isFinite(sc.minutes) ? h("li", {}, minutesLabel(sc.minutes)) : null),
          h("p", { class: "scenario-summary" }, sc.summary),
          actions,
          error));
    })));
    return section;
  }

  async start(sc, button, errorSlot) {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    replaceChildren(errorSlot);
    try {
      const session = await api.startHomeworkSession(this.code, sc.id);
      openNewSession(session, { homework: this.code, ref: sc.id });
    } catch (err) {
      button.removeAttribute("aria-disabled");
      if (err instanceof ApiError && err.status === 409) {
        await this.reload(err.detail || "");
        return;
      }
      replaceChildren(errorSlot, errorPanel(err, () => this.start(sc, button, errorSlot)));
    }
  }

  // ---- your data -----------------------------------------------------------------------------

  dataSection() {
    const result = h("div", {});
    const exportButton = h("button", { type: "button", class: "button button-quiet", "data-testid": "homework-export" }, "Download mijn gegevens");
    exportButton.addEventListener("click", async () => {
      if (exportButton.getAttribute("aria-disabled") === "true") return;
      exportButton.setAttribute("aria-disabled", "true");
      replaceChildren(result);
      try {
        saveFile(await api.exportHomeworkData(this.code));
        replaceChildren(result, h("p", { role: "status" }, "Je gegevens staan in het bestand mijn-oefeningen.json."));
      } catch (err) {
        replaceChildren(result, errorPanel(err, () => exportButton.click()));
      } finally {
        exportButton.removeAttribute("aria-disabled");
      }
    });
    const erase = confirmButton({
      label: "Wis mijn gegevens van dit huiswerk",
      question: "Weet je het zeker? Alles wat je voor dit huiswerk oefende, wissen we dan voor altijd, ook bij je therapeut. Je therapeut ziet alleen dat je het gewist hebt. Dit kun je niet terugdraaien.",
      yes: "Ja, wis alles",
      testid: "homework-erase",
      onConfirm: async () => {
        await api.eraseHomeworkData(this.code);
        forgetHomeworkSessions(this.code);
        announce("Je gegevens van dit huiswerk zijn gewist.");
        await this.reload("Je gegevens van dit huiswerk zijn gewist.");
      },
    });
    return h("section", { class: "homework-data", "aria-labelledby": "hw-data-title" },
      h("h2", { id: "hw-data-title" }, "Jouw gegevens"),
      h("p", {}, "Wat je voor dit huiswerk oefent, bewaren we bij dit huiswerk. Je kunt het downloaden om mee te nemen, of voorgoed wissen."),
      h("div", { class: "button-row" }, exportButton),
      result,
      erase);
  }
}
