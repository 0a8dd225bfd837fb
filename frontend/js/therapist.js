// Entry point of the therapists' pages (/therapeut): login state, hash router, quick exit.
//   #/                      log in (or, logged in, the clients)
//   #/registreren           make an account
//   #/clienten              clients and their homework
//   #/nieuw-huiswerk[/<id>] assign homework (optionally for one client)
//   #/huiswerk/<id>         progress of one homework
//   #/eigen-oefeningen      own scenarios
//   #/account               password, second factor, delete the account

import { h, replaceChildren, announce } from "./dom.js";
import { initQuickExit } from "./exit.js";
import { hashParts, interceptLinks, markCurrentNav, navigate } from "./nav.js";
import * as tapi from "./therapist-api.js";
import { pageHeading, focusPageHeading, errorPanel, setQuietFocus } from "./ui.js";
import { renderLogin, renderRegister } from "./therapist-auth.js";
import { renderClients } from "./therapist-clients.js";
import { renderNewHomework, renderProgress } from "./therapist-homework.js";
import { renderOwnScenarios } from "./therapist-scenarios.js";
import { renderAccount } from "./therapist-account.js";

const view = document.getElementById("view");
const nav = document.getElementById("therapist-nav");
const logoutButton = document.getElementById("logout");

/** What every screen may use: who is logged in, and how to change that. */
export const session = {
  me: null, // {id, email, second_factor}
  checked: false,
  message: "", // a calm note for the login screen (logged out, session ended, account deleted)
  returnTo: "",
};

function parseRoute(hash) {
  const parts = hashParts(hash);
  if (parts.length === 0) return { name: "home", public: true };
  if (parts[0] === "registreren") return { name: "register", public: true };
  if (parts[0] === "clienten") return { name: "clients" };
  if (parts[0] === "nieuw-huiswerk") return { name: "new-homework", clientId: parts[1] || "" };
  if (parts[0] === "huiswerk" && parts[1]) return { name: "homework", id: parts[1] };
  if (parts[0] === "eigen-oefeningen") return { name: "own-scenarios" };
  if (parts[0] === "account") return { name: "account" };
  return { name: "notfound" };
}

function showLoggedIn(me) {
  session.me = me ? me.therapist : null;
  nav.hidden = !session.me;
  logoutButton.hidden = !session.me;
}

/** After a login: where the person was going, else the clients. */
export function loggedIn(me) {
  showLoggedIn(me);
  session.message = "";
  const target = session.returnTo || "#/clienten";
  session.returnTo = "";
  if (target === window.location.hash) route();
  else navigate(target);
}

/** The login is gone (logged out, expired, deleted): back to the login screen, calmly. */
export function loggedOut(message, { comeBack = false } = {}) {
  const wasOn = window.location.hash;
  showLoggedIn(null);
  session.message = message || "";
  const r = parseRoute(wasOn);
  session.returnTo = comeBack && !r.public && r.name !== "notfound" ? wasOn : "";
  if (wasOn === "#/" || wasOn === "") route();
  else navigate("#/");
}

tapi.whenLoggedOut((err) => {
  if (!session.me) return;
  loggedOut(err.detail || "Je bent niet (meer) ingelogd. Log opnieuw in.", { comeBack: true });
});

async function route() {
  const r = parseRoute(window.location.hash);
  markCurrentNav(r.name);
  if (!session.checked) {
    try {
      showLoggedIn(await tapi.me());
      session.checked = true;
    } catch (err) {
      replaceChildren(view, pageHeading("Voor therapeuten"), errorPanel(err, route));
      focusPageHeading();
      return;
    }
  }
  if (!session.me && !r.public) {
    session.returnTo = window.location.hash;
    session.message = session.message || "Log eerst in om deze pagina te zien.";
    navigate("#/");
    return;
  }
  if (session.me && r.public) {
    navigate("#/clienten");
    return;
  }
  // Each route renders into a fresh container: a slow answer for a screen that was left since
  // then lands in a detached element and cannot overwrite the screen that is shown now.
  const screen = h("div", { class: "screen" });
  replaceChildren(view, screen);
  const ctx = { view: screen, session, loggedIn, loggedOut };
  switch (r.name) {
    case "home": return renderLogin(ctx);
    case "register": return renderRegister(ctx);
    case "clients": return renderClients(ctx);
    case "new-homework": return renderNewHomework(ctx, r.clientId);
    case "homework": return renderProgress(ctx, r.id);
    case "own-scenarios": return renderOwnScenarios(ctx);
    case "account": return renderAccount(ctx);
    default:
      replaceChildren(view, pageHeading("Deze pagina bestaat niet"),
        h("p", {}, "Misschien klopt de link niet helemaal."),
        h("a", { href: "#/", class: "button button-primary", "data-nav": true }, "Naar het begin"));
      focusPageHeading();
      return undefined;
  }
}

logoutButton.addEventListener("click", async () => {
  try {
    await tapi.logout();
  } catch {
    /* the server forgets the login anyway when it expires; here we forget it at once */
  }
  announce("Je bent uitgelogd.");
  loggedOut("Je bent uitgelogd.");
});

initQuickExit();
interceptLinks(route);
window.addEventListener("hashchange", route);
// Until the person does something, screens leave focus where the browser put it (no focus ring on
// the title of a page that just loaded); from the first key or pointer press on, focus follows.
setQuietFocus(true);
["pointerdown", "keydown"].forEach((type) => {
  document.addEventListener(type, () => setQuietFocus(false), { capture: true, once: true });
});
route();
