// Account: change the password, the second factor (TOTP, shown as text: no external QR service),
// and deleting the account with everything under it.

import { h, replaceChildren, announce, focusElement } from "./dom.js";
import * as tapi from "./therapist-api.js";
import { pageHeading, focusPageHeading, field } from "./ui.js";
import { formError, fieldProblem, MIN_PASSWORD, PASSWORD_HINT } from "./therapist-auth.js";

function problemFor(f) {
  const slot = h("p", { class: "field-error", id: `${f.input.id}-problem`, hidden: true });
  const described = f.input.getAttribute("aria-describedby");
  f.input.setAttribute("aria-describedby", described ? `${described} ${slot.id}` : slot.id);
  f.element.append(slot);
  return slot;
}

/** A form that posts once at a time and shows a calm error under itself. */
function simpleForm({ labelledby, fields, submitLabel, submitClass = "button button-primary", onSubmit, testid }) {
  const submit = h("button", { type: "submit", class: submitClass }, submitLabel);
  const errors = h("div", {});
  const form = h("form", { class: "stack-form", "aria-labelledby": labelledby, novalidate: true, "data-testid": testid },
    ...fields, h("div", { class: "button-row" }, submit), errors);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    replaceChildren(errors);
    submit.setAttribute("aria-disabled", "true");
    try {
      await onSubmit();
    } catch (err) {
      replaceChildren(errors, formError(err, form));
    } finally {
      submit.removeAttribute("aria-disabled");
    }
  });
  return form;
}

function groupSecret(secret) {
  return String(secret).replace(/(.{4})/g, "$1 ").trim();
}

function passwordSection() {
  const current = field({ label: "Je huidige wachtwoord", name: "current-password", type: "password", attrs: { autocomplete: "current-password" } });
  const next = field({ label: "Nieuw wachtwoord", name: "new-password", type: "password", hint: PASSWORD_HINT, attrs: { autocomplete: "new-password", minlength: String(MIN_PASSWORD) } });
  const problem = problemFor(next);
  const status = h("p", { class: "form-status", role: "status" });
  const form = simpleForm({
    labelledby: "password-title",
    fields: [current.element, next.element],
    submitLabel: "Verander mijn wachtwoord",
    testid: "password-form",
    onSubmit: async () => {
      status.textContent = "";
      if (next.input.value.length < MIN_PASSWORD) {
        fieldProblem(next.input, problem, `Nog iets langer: minstens ${MIN_PASSWORD} tekens.`);
        return;
      }
      fieldProblem(next.input, problem, "");
      await tapi.changePassword(current.input.value, next.input.value);
      current.input.value = "";
      next.input.value = "";
      status.textContent = "Je wachtwoord is veranderd. Op andere apparaten ben je nu uitgelogd.";
    },
  });
  return h("section", { class: "panel", "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, "Wachtwoord"), form, status);
}

function secondFactorSection(ctx) {
  const section = h("section", { class: "panel", "aria-labelledby": "totp-title", "data-testid": "second-factor-section" });
  const render = (...body) => replaceChildren(section, h("h2", { id: "totp-title" }, "Tweede stap bij het inloggen"), ...body);

  const showOff = () => {
    const start = h("button", { type: "button", class: "button button-primary" }, "Zet de tweede stap aan");
    const errors = h("div", {});
    start.addEventListener("click", async () => {
      replaceChildren(errors);
      try {
        showSetup(await tapi.totpSetup());
      } catch (err) {
        replaceChildren(errors, formError(err, null));
      }
    });
    render(
      h("p", {}, "De tweede stap staat uit. Zet hem aan, dan vraagt Veilig Gezegd bij het inloggen ook een code uit een authenticator-app op je telefoon. Zo kan niemand met alleen je wachtwoord bij de gegevens van je cliënten."),
      h("div", { class: "button-row" }, start), errors);
  };

  const showSetup = (setup) => {
    const code = field({ label: "De code uit je app", name: "totp-code", hint: "Zes cijfers.", attrs: { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12" } });
    const form = simpleForm({
      labelledby: "totp-confirm-title",
      fields: [code.element],
      submitLabel: "Zet aan",
      testid: "totp-enable-form",
      onSubmit: async () => {
        const answer = await tapi.totpEnable(code.input.value.trim());
        ctx.session.me = { ...ctx.session.me, second_factor: true };
        showCodes(answer.recovery_codes);
      },
    });
    render(
      h("ol", { class: "steps" },
        h("li", {}, "Open je authenticator-app (bijvoorbeeld een app van je telefoon of je wachtwoordbeheerder) en kies om een account toe te voegen met een sleutel."),
        h("li", {}, "Neem deze sleutel over:", h("code", { class: "secret", "data-testid": "totp-secret" }, groupSecret(setup.secret))),
        h("li", {}, "Of, als je app een adres kan plakken, dit adres:", h("code", { class: "secret secret-uri", "data-testid": "totp-uri" }, setup.otpauth_uri)),
        h("li", { id: "totp-confirm-title" }, "Vul de code in die je app nu toont.")),
      h("p", { class: "field-hint" }, "We maken geen QR-code via een dienst van buiten: je sleutel blijft tussen jou en Veilig Gezegd."),
      form);
    focusElement(section.querySelector("h2"));
  };

  const showCodes = (codes, renewed = false) => {
    const done = h("button", { type: "button", class: "button button-primary" }, "Ik heb ze bewaard");
    done.addEventListener("click", () => showOn());
    const notice = renewed ? "Hier zijn je nieuwe herstelcodes. De oude codes werken niet meer." : "De tweede stap staat aan.";
    render(
      h("p", { class: "notice-box", role: "status" }, notice),
      h("h3", { id: "codes-title" }, "Je herstelcodes"),
      h("p", {}, h("strong", {}, "Je ziet deze codes maar één keer."), " Bewaar ze op een veilige plek, bijvoorbeeld in je wachtwoordbeheerder. Ben je je telefoon kwijt, dan log je in met een van deze codes. Elke code werkt één keer."),
      h("ol", { class: "recovery-codes", "aria-labelledby": "codes-title", "data-testid": "recovery-codes" }, codes.map((c) => h("li", {}, h("code", {}, c)))),
      h("div", { class: "button-row" }, done));
    announce(`${notice} Bewaar je herstelcodes: je ziet ze maar één keer.`);
    focusElement(section.querySelector("h3"));
  };

  const showOn = () => {
    const password = field({ label: "Je wachtwoord", name: "totp-off-password", type: "password", attrs: { autocomplete: "current-password" } });
    const code = field({ label: "De code uit je app", name: "totp-off-code", attrs: { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12" } });
    const form = simpleForm({
      labelledby: "totp-off-title",
      fields: [password.element, code.element],
      submitLabel: "Zet de tweede stap uit",
      submitClass: "button button-quiet",
      onSubmit: async () => {
        await tapi.totpDisable(password.input.value, code.input.value.trim());
        ctx.session.me = { ...ctx.session.me, second_factor: false };
        announce("De tweede stap staat uit.");
        showOff();
      },
    });
    const renewPassword = field({ label: "Je wachtwoord", name: "totp-renew-password", type: "password", attrs: { autocomplete: "current-password" } });
    const renewCode = field({ label: "De code uit je app", name: "totp-renew-code", attrs: { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12" } });
    const renewForm = simpleForm({
      labelledby: "totp-renew-title",
      fields: [renewPassword.element, renewCode.element],
      submitLabel: "Maak nieuwe codes",
      submitClass: "button button-quiet",
      testid: "totp-renew-form",
      onSubmit: async () => {
        const answer = await tapi.totpNewRecoveryCodes(renewPassword.input.value, renewCode.input.value.trim());
        showCodes(answer.recovery_codes, true);
      },
    });
    render(
      h("p", { "data-testid": "totp-on" }, "De tweede stap staat aan: bij het inloggen vragen we ook een code uit je app."),
      h("details", { class: "quiet-details" },
        h("summary", { id: "totp-renew-title" }, "Nieuwe herstelcodes maken"),
        h("p", {}, "Heb je codes opgebruikt, of ben je ze kwijt? Maak dan tien nieuwe. De oude werken daarna niet meer."),
        renewForm),
      h("details", { class: "quiet-details" }, h("summary", { id: "totp-off-title" }, "De tweede stap uitzetten"), form));
  };

  if (ctx.session.me && ctx.session.me.second_factor) showOn();
  else showOff();
  return section;
}

function deleteSection(ctx) {
  const password = field({ label: "Je wachtwoord, ter bevestiging", name: "delete-password", type: "password", attrs: { autocomplete: "current-password" } });
  const problem = problemFor(password);
  const form = simpleForm({
    labelledby: "delete-title",
    fields: [password.element],
    submitLabel: "Verwijder mijn account en alles eronder",
    submitClass: "button button-danger",
    testid: "delete-account-form",
    onSubmit: async () => {
      if (!password.input.value) {
        fieldProblem(password.input, problem, "Vul je wachtwoord in om te bevestigen.");
        return;
      }
      fieldProblem(password.input, problem, "");
      await tapi.deleteAccount(password.input.value);
      announce("Je account is verwijderd.");
      ctx.loggedOut("Je account en alles eronder zijn verwijderd.");
    },
  });
  return h("section", { class: "panel panel-danger", "aria-labelledby": "delete-title" },
    h("h2", { id: "delete-title" }, "Account verwijderen"),
    h("p", {}, "Je account verdwijnt meteen, met alles eronder: al je cliënten, al het huiswerk, alle oefenpogingen van je cliënten en je eigen oefeningen. De links die je verstuurde, werken daarna niet meer. Dit kun je niet terugdraaien."),
    h("p", {}, "Wil je iets bewaren? Exporteer het eerst op de huiswerkpagina's."),
    form);
}

export function renderAccount(ctx) {
  const { view, session } = ctx;
  replaceChildren(view,
    pageHeading("Je account"),
    h("p", { class: "lead" }, "Ingelogd als ", h("strong", { "data-testid": "account-email" }, session.me ? session.me.email : "")),
    passwordSection(),
    secondFactorSection(ctx),
    deleteSection(ctx));
  focusPageHeading();
}
