// Log in (with the second factor when the server asks for it) and make an account.

import { h, replaceChildren, focusElement } from "./dom.js";
import { ApiError } from "./api.js";
import * as tapi from "./therapist-api.js";
import { errorPanel, pageHeading, focusPageHeading, field } from "./ui.js";

export const MIN_PASSWORD = 12;
export const PASSWORD_HINT = `Minstens ${MIN_PASSWORD} tekens. Een zin van een paar woorden die alleen jij kent, werkt goed en onthoud je makkelijk.`;

/** A calm panel for a failed form; "Probeer opnieuw" only where trying again can help. */
export function formError(err, form) {
  const retry = form && err instanceof ApiError && err.isRetryable ? () => form.requestSubmit() : null;
  return errorPanel(err, retry);
}

/** A small client-side message next to a field (the server still checks everything). */
export function fieldProblem(input, slot, message) {
  slot.textContent = message;
  slot.hidden = !message;
  if (message) {
    input.setAttribute("aria-invalid", "true");
    focusElement(input);
  } else {
    input.removeAttribute("aria-invalid");
  }
}

function problemSlot(input) {
  const slot = h("p", { class: "field-error", id: `${input.id}-problem`, hidden: true });
  const described = input.getAttribute("aria-describedby");
  input.setAttribute("aria-describedby", described ? `${described} ${slot.id}` : slot.id);
  return slot;
}

export function renderLogin(ctx) {
  const { view, session } = ctx;
  const email = field({ label: "E-mailadres", name: "email", type: "email", attrs: { autocomplete: "username", required: true, spellcheck: "false" } });
  const password = field({ label: "Wachtwoord", name: "password", type: "password", attrs: { autocomplete: "current-password", required: true } });
  const code = field({
    label: "Code uit je authenticator-app",
    name: "totp",
    hint: "Zes cijfers. Kijk in je app voor de code van nu.",
    attrs: { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12", spellcheck: "false" },
  });
  const recovery = field({
    label: "Herstelcode",
    name: "recovery",
    hint: "Een van de tien herstelcodes die je kreeg toen je de tweede stap aanzette (of je nieuwste tien). Elke code werkt één keer.",
    attrs: { autocomplete: "off", maxlength: "40", spellcheck: "false" },
  });
  const useRecovery = h("button", { type: "button", class: "link-button" }, "Ik heb mijn app niet bij de hand: gebruik een herstelcode");
  const second = h("div", { class: "second-factor", hidden: true, "data-testid": "second-factor" },
    h("p", { class: "notice-inline" }, "Je hebt de tweede stap aan staan. Vul de code uit je app in."),
    code.element, useRecovery, h("div", { hidden: true, class: "recovery" }, recovery.element));
  useRecovery.addEventListener("click", () => {
    const box = second.querySelector(".recovery");
    box.hidden = false;
    useRecovery.hidden = true;
    focusElement(recovery.input);
  });
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Inloggen");
  const errors = h("div", {});
  const form = h("form", { class: "stack-form", "aria-labelledby": "page-title", novalidate: true },
    email.element, password.element, second,
    h("div", { class: "button-row" }, submit),
    errors);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(errors);
    if (!email.input.value.trim() || !password.input.value) {
      replaceChildren(errors, h("p", { class: "field-error", role: "alert" }, "Vul je e-mailadres en je wachtwoord in."));
      focusElement(email.input.value.trim() ? password.input : email.input);
      return;
    }
    submit.setAttribute("aria-disabled", "true");
    try {
      const me = await tapi.login(email.input.value.trim(), password.input.value, {
        totpCode: second.hidden ? "" : code.input.value.trim(),
        recoveryCode: second.hidden ? "" : recovery.input.value.trim(),
      });
      ctx.loggedIn(me);
    } catch (err) {
      submit.removeAttribute("aria-disabled");
      if (err instanceof ApiError && err.code === "second_factor_required") {
        second.hidden = false;
        focusElement(code.input);
        return;
      }
      replaceChildren(errors, formError(err, form));
      if (err instanceof ApiError && err.code === "wrong_second_factor") {
        code.input.value = "";
        focusElement(code.input);
      }
    }
  });

  replaceChildren(view,
    h("div", { class: "narrow" },
      pageHeading("Inloggen voor therapeuten"),
      h("p", { class: "lead" }, "Geef je cliënten oefeningen mee als huiswerk en zie of en hoe ze oefenen. Je cliënten hebben zelf geen account nodig."),
      session.message ? h("p", { class: "notice-box", role: "status", "data-testid": "login-message" }, session.message) : null,
      form,
      h("p", { class: "form-aside" }, "Nog geen account? ", h("a", { href: "#/registreren", "data-nav": true }, "Maak een account"), ".")));
  focusPageHeading();
}

export function renderRegister(ctx) {
  const { view } = ctx;
  const email = field({
    label: "E-mailadres",
    name: "email",
    type: "email",
    hint: "Je werkadres. We gebruiken het alleen om je te laten inloggen.",
    attrs: { autocomplete: "username", required: true, spellcheck: "false" },
  });
  const password = field({
    label: "Wachtwoord",
    name: "new-password",
    type: "password",
    hint: PASSWORD_HINT,
    attrs: { autocomplete: "new-password", required: true, minlength: String(MIN_PASSWORD) },
  });
  const problem = problemSlot(password.input);
  password.element.append(problem);
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Maak mijn account");
  const errors = h("div", {});
  const form = h("form", { class: "stack-form", "aria-labelledby": "page-title", novalidate: true },
    email.element, password.element, h("div", { class: "button-row" }, submit), errors);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(errors);
    if (password.input.value.length < MIN_PASSWORD) {
      fieldProblem(password.input, problem, `Nog iets langer: minstens ${MIN_PASSWORD} tekens. Een zin van een paar woorden werkt goed.`);
      return;
    }
    fieldProblem(password.input, problem, "");
    submit.setAttribute("aria-disabled", "true");
    try {
      await tapi.register(email.input.value.trim(), password.input.value);
      ctx.loggedIn(await tapi.login(email.input.value.trim(), password.input.value));
    } catch (err) {
      submit.removeAttribute("aria-disabled");
      replaceChildren(errors, formError(err, form));
    }
  });

  replaceChildren(view,
    h("div", { class: "narrow" },
      pageHeading("Een account voor therapeuten"),
      h("p", { class: "lead" }, "Met een account geef je oefeningen mee als huiswerk, volg je de voortgang en maak je eigen oefeningen."),
      form,
      h("p", { class: "form-aside" }, "Heb je al een account? ", h("a", { href: "#/", "data-nav": true }, "Log in"), ".")));
  focusPageHeading();
}
