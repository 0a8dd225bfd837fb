// "Snel weg": leave at once for a neutral site. location.replace() keeps this page out of the
// Back history, and the app's own navigation also uses replace(), so Back never returns here.

import { getSettings, wipeAll, forgetSafety } from "./storage.js";

export const NEUTRAL_EXIT_URL = "https://www.google.com/search?q=weer+morgen";

/** Tests (and embedders) may point the exit elsewhere with <body data-exit-url="...">. */
export function exitUrl() {
  const override = document.body && document.body.dataset.exitUrl;
  return override || NEUTRAL_EXIT_URL;
}

export function quickExit() {
  try {
    forgetSafety();
    if (getSettings().wipeOnExit) wipeAll();
  } finally {
    window.location.replace(exitUrl());
  }
}

export function initQuickExit() {
  const button = document.getElementById("quick-exit");
  if (button) button.addEventListener("click", quickExit);
  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.repeat) return;
    const now = Date.now();
    if (now - lastEscape <= 1000) {
      lastEscape = 0;
      quickExit();
    } else {
      lastEscape = now;
    }
  });
}
