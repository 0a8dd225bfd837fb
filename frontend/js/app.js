// Entry point: hash router, quick exit, help toggle and the data controls in the footer.
//   #/                      home and catalogue
//   #/oefen/<scenario_id>   start a scenario
//   #/sessie/<session_id>   a practice session (also resume)
//   #/zeg-het-veilig        check one sentence

import { h, replaceChildren } from "./dom.js";
import { initQuickExit } from "./exit.js";
import { initHelpToggle } from "./safety.js";
import { allSessions, getSettings, setSetting, wipeAll } from "./storage.js";
import { forgetSession } from "./api.js";
import { renderHome } from "./home.js";
import { renderStart, renderSession } from "./practice.js";
import { renderCheck } from "./check.js";
import { pageHeading, focusPageHeading } from "./ui.js";

const view = document.getElementById("view");
let cleanup = null;
let firstRoute = true;

function parseRoute(hash) {
  const path = (hash || "").replace(/^#/, "") || "/";
  const parts = path.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts.length === 0) return { name: "home" };
  if (parts[0] === "oefen" && parts[1]) return { name: "start", id: parts[1] };
  if (parts[0] === "sessie" && parts[1]) return { name: "session", id: parts[1] };
  if (parts[0] === "zeg-het-veilig") return { name: "check" };
  return { name: "notfound" };
}

function markCurrentNav(name) {
  document.querySelectorAll(".site-nav a[data-route]").forEach((a) => {
    if (a.dataset.route === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
}

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const r = parseRoute(window.location.hash);
  markCurrentNav(r.name === "check" ? "check" : r.name === "home" ? "home" : "");
  const moveFocus = !firstRoute;
  firstRoute = false;
  if (r.name === "home") {
    await renderHome(view);
    if (moveFocus) focusPageHeading();
  } else if (r.name === "start") {
    await renderStart(view, r.id);
  } else if (r.name === "session") {
    await renderSession(view, r.id);
  } else if (r.name === "check") {
    cleanup = renderCheck(view);
  } else {
    replaceChildren(view, pageHeading("Deze pagina bestaat niet"),
      h("p", {}, "Misschien klopt de link niet helemaal."),
      h("a", { href: "#/", class: "button button-primary", "data-nav": true }, "Naar de oefeningen"));
    focusPageHeading();
  }
}

// In-app links replace the history entry instead of adding one: the app then holds a single
// entry in the Back history, so after "Snel weg" the Back button cannot bring anyone here.
function interceptLinks() {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    const href = link.getAttribute("href");
    if (href === "#main") return; // skip link
    event.preventDefault();
    if (href === window.location.hash || (href === "#/" && !window.location.hash)) {
      route();
    } else {
      window.location.replace(href);
    }
  });
}

function initDataControls() {
  const checkbox = document.getElementById("wipe-on-exit");
  const start = document.getElementById("wipe-start");
  const confirmBox = document.getElementById("wipe-confirm");
  const yes = document.getElementById("wipe-yes");
  const no = document.getElementById("wipe-no");
  const status = document.getElementById("wipe-status");

  checkbox.checked = Boolean(getSettings().wipeOnExit);
  checkbox.addEventListener("change", () => setSetting("wipeOnExit", checkbox.checked));

  start.setAttribute("aria-expanded", "false");
  start.setAttribute("aria-controls", "wipe-confirm");
  start.addEventListener("click", () => {
    confirmBox.hidden = false;
    start.setAttribute("aria-expanded", "true");
    status.textContent = "";
    no.focus();
  });
  no.addEventListener("click", () => {
    confirmBox.hidden = true;
    start.setAttribute("aria-expanded", "false");
    start.focus();
  });
  yes.addEventListener("click", () => {
    Object.entries(allSessions()).forEach(([id, info]) => {
      if (info && info.token) forgetSession(id, info.token);
    });
    wipeAll();
    checkbox.checked = false;
    confirmBox.hidden = true;
    start.setAttribute("aria-expanded", "false");
    const helpToggle = document.getElementById("help-toggle");
    helpToggle.hidden = true;
    document.getElementById("help-panel").hidden = true;
    status.textContent = "Je gegevens op dit apparaat zijn gewist.";
    start.focus();
    const r = parseRoute(window.location.hash);
    if (r.name === "home" || r.name === "session") route();
  });
}

initQuickExit();
initHelpToggle();
initDataControls();
interceptLinks();
window.addEventListener("hashchange", route);
route();
