// Entry point: hash router, quick exit, help toggle and the data controls in the footer.
//   #/                      home and catalogue
//   #/oefen/<scenario_id>   start a scenario
//   #/sessie/<session_id>   a practice session (also resume)
//   #/huiswerk/<code>       homework from a therapist's private link
//   #/zeg-het-veilig        check one sentence

import { h, replaceChildren } from "./dom.js";
import { initQuickExit } from "./exit.js";
import { initHelpToggle } from "./safety.js";
import { allSessions, getSettings, setSetting, wipeAll } from "./storage.js";
import { forgetSession } from "./api.js";
import { renderHome } from "./home.js";
import { renderStart, renderSession } from "./practice.js";
import { renderCheck } from "./check.js";
import { renderHomework } from "./homework.js";
import { pageHeading, focusPageHeading, setQuietFocus } from "./ui.js";
import { hashParts, interceptLinks, markCurrentNav, navigate } from "./nav.js";

const view = document.getElementById("view");
let cleanup = null;
let firstRoute = true;

function parseRoute(hash) {
  const parts = hashParts(hash);
  if (parts.length === 0) return { name: "home" };
  if (parts[0] === "oefen" && parts[1]) return { name: "start", id: parts[1] };
  if (parts[0] === "sessie" && parts[1]) return { name: "session", id: parts[1] };
  if (parts[0] === "huiswerk" && parts[1]) return { name: "homework", code: parts[1] };
  if (parts[0] === "zeg-het-veilig") return { name: "check" };
  return { name: "notfound" };
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
  } else if (r.name === "homework") {
    setQuietFocus(!moveFocus);
    try {
      await renderHomework(view, r.code);
    } finally {
      setQuietFocus(false);
    }
  } else if (r.name === "check") {
    cleanup = renderCheck(view);
  } else {
    replaceChildren(view, pageHeading("Deze pagina bestaat niet"),
      h("p", {}, "Misschien klopt de link niet helemaal."),
      h("a", { href: "#/", class: "button button-primary", "data-nav": true }, "Naar de oefeningen"));
    focusPageHeading();
  }
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
      // Homework practice stays with the homework (the client erases it there, on purpose);
      // anonymous practice is only reachable from this device, so it goes from the server too.
      if (info && info.token && !info.homework) forgetSession(id, info.token);
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
    if (r.name === "homework") navigate("#/"); // the code on screen is forgotten too
    else if (r.name === "home" || r.name === "session") route();
  });
}

initQuickExit();
initHelpToggle();
initDataControls();
interceptLinks(route);
window.addEventListener("hashchange", route);
route();
