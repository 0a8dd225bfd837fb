// Home: what the app is, sessions in progress on this device, and the filterable catalogue.

import { h, uid, replaceChildren } from "./dom.js";
import { listScenarios } from "./api.js";
import { sessionsInProgress, storedHomework } from "./storage.js";
import { errorPanel, pageHeading, roleLabel, levelLabel, minutesLabel, formatDate } from "./ui.js";

let cachedScenarios = null;

export async function loadScenarios(force = false) {
  if (!cachedScenarios || force) cachedScenarios = await listScenarios();
  return cachedScenarios;
}

function resumeSection() {
  const sessions = sessionsInProgress();
  const homework = storedHomework();
  if (!sessions.length && !homework.length) return null;
  return h("section", { class: "resume", "aria-labelledby": "resume-title" },
    h("h2", { id: "resume-title" }, "Verder waar je was"),
    h("ul", { class: "resume-list" },
      homework.map((hw) => h("li", {},
        h("a", { href: `#/huiswerk/${encodeURIComponent(hw.code)}`, class: "resume-link", "data-nav": true, "data-testid": "resume-homework" },
          h("span", { class: "resume-title" }, "Je huiswerk van je therapeut"),
          h("span", { class: "resume-meta" }, hw.due ? `Af op ${hw.due}` : `Geopend: ${formatDate(hw.updated)}`)))),
      sessions.map((s) => h("li", {},
        h("a", { href: `#/sessie/${encodeURIComponent(s.id)}`, class: "resume-link", "data-nav": true },
          h("span", { class: "resume-title" }, s.homework ? `${s.title || "Oefening"} (huiswerk)` : s.title || "Oefening"),
          s.updated ? h("span", { class: "resume-meta" }, `Laatst geoefend: ${formatDate(s.updated)}`) : null,
        ))),
    ),
  );
}

function scenarioCard(sc) {
  const titleId = uid("sc");
  return h("li", { class: "scenario-card", "data-testid": "scenario-card", dataset: { role: sc.role, theme: sc.theme } },
    h("article", { "aria-labelledby": titleId },
      h("h3", { id: titleId, class: "scenario-title" }, sc.title),
      h("ul", { class: "scenario-meta" },
        h("li", { class: ["role-tag", `role-${sc.role}`] }, roleLabel(sc.role)),
        sc.theme_label || sc.theme ? h("li", {}, sc.theme_label || sc.theme) : null,
        sc.level !== undefined && sc.level !== null ? h("li", {}, levelLabel(sc.level)) : null,
        Number.isFinite(sc.minutes) ? h("li", {}, minutesLabel(sc.minutes)) : null,
      ),
      h("p", { class: "scenario-summary" }, sc.summary),
      h("a", {
        class: "button button-primary",
        href: `#/oefen/${encodeURIComponent(sc.id)}`,
        "data-nav": true,
        "aria-describedby": titleId,
      }, "Begin deze oefening"),
    ));
}

function catalogue(scenarios) {
  const section = h("section", { class: "catalogue", "aria-labelledby": "catalogue-title" },
    h("h2", { id: "catalogue-title" }, "Oefeningen"));
  const themes = new Map();
  scenarios.forEach((sc) => themes.set(sc.theme, sc.theme_label || sc.theme));

  const roleName = uid("role");
  const roleOptions = [["", "Alle"], ["speaker", "Jij brengt iets ter sprake"], ["listener", "Jij luistert"]];
  const roleFieldset = h("fieldset", { class: "filter-roles" },
    h("legend", {}, "Rol"),
    roleOptions.map(([value, label], i) => {
      const id = `${roleName}-${i}`;
      return h("span", { class: "choice-pill" },
        h("input", { type: "radio", name: roleName, id, value, checked: value === "" }),
        h("label", { for: id }, label));
    }));
  const themeId = uid("theme");
  const themeSelect = h("select", { id: themeId, name: "theme" },
    h("option", { value: "" }, "Alle thema's"),
    [...themes.entries()].sort((a, b) => a[1].localeCompare(b[1], "nl"))
      .map(([value, label]) => h("option", { value }, label)));
  const filters = h("form", { class: "filters", "aria-label": "Filter de oefeningen" },
    roleFieldset,
    h("div", { class: "filter-theme" }, h("label", { for: themeId }, "Thema"), themeSelect));
  filters.addEventListener("submit", (e) => e.preventDefault());

  const count = h("p", { class: "result-count", role: "status" });
  const list = h("ul", { class: "scenario-list" });
  const empty = h("p", { class: "empty", hidden: true }, "Geen oefeningen met deze keuze. Kies een andere rol of thema.");

  function apply() {
    const role = filters.querySelector(`input[name="${roleName}"]:checked`).value;
    const theme = themeSelect.value;
    const shown = scenarios.filter((sc) => (!role || sc.role === role) && (!theme || sc.theme === theme));
    replaceChildren(list, shown.map(scenarioCard));
    empty.hidden = shown.length > 0;
    const text = shown.length === 1 ? "1 oefening" : `${shown.length} oefeningen`;
    count.textContent = text; // role=status: screen readers hear the new count
  }
  filters.addEventListener("change", apply);
  apply();
  section.append(filters, count, list, empty);
  return section;
}

export async function renderHome(view) {
  const intro = h("section", { class: "intro", "aria-labelledby": "page-title" },
    pageHeading("Oefen moeilijke gesprekken, veilig"),
    h("p", { class: "lead" },
      "Hier oefen je hoe je iets moeilijks tegen je partner zegt zonder aan te vallen, en hoe je luistert zonder je te verdedigen. "
      + "De app speelt je partner, jij typt wat je zou zeggen en je krijgt meteen uitleg over wat goed ging en wat hard kan aankomen."),
    h("p", {},
      "Wil je één zin checken voor je hem zegt of stuurt? ",
      h("a", { href: "#/zeg-het-veilig", "data-nav": true }, "Ga naar Zeg het veilig"), "."),
  );
  const slot = h("div", { class: "catalogue-slot" }, h("p", { class: "loading" }, "Oefeningen laden…"));
  replaceChildren(view, intro, resumeSection(), slot);

  async function load() {
    replaceChildren(slot, h("p", { class: "loading" }, "Oefeningen laden…"));
    try {
      const scenarios = await loadScenarios(true);
      replaceChildren(slot, catalogue(scenarios));
    } catch (err) {
      replaceChildren(slot, errorPanel(err, load));
    }
  }
  await load();
}
