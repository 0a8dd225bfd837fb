// "Zeg het veilig": check any sentence before you say or send it.

import { h, uid, replaceChildren, announce, focusElement } from "./dom.js";
import { analyze } from "./api.js";
import { createComposer } from "./composer.js";
import { feedbackCard, feedbackAnnouncement } from "./feedback.js";
import { safetyPanel } from "./safety.js";
import { errorPanel, pageHeading, focusPageHeading } from "./ui.js";

export function renderCheck(view) {
  const roleName = uid("check-role");
  const roles = [
    ["speaker", "Ik wil iets zeggen", "Je brengt zelf iets ter sprake."],
    ["listener", "Ik reageer op mijn partner", "Je partner bracht iets ter sprake en jij antwoordt."],
  ];
  const roleField = h("fieldset", { class: "role-choice" },
    h("legend", {}, "Wat ga je doen?"),
    roles.map(([value, label, help], i) => {
      const id = `${roleName}-${i}`;
      return h("div", { class: "radio-card" },
        h("input", { type: "radio", name: roleName, id, value, checked: i === 0, "aria-describedby": `${id}-help` }),
        h("label", { for: id }, label),
        h("p", { id: `${id}-help`, class: "radio-help" }, help));
    }));
  const currentRole = () => {
    const checked = roleField.querySelector("input:checked");
    return checked ? checked.value : "speaker";
  };

  const result = h("div", { class: "check-result" });

  const composer = createComposer({
    label: "Wat wil je zeggen?",
    description: "Typ de zin zoals je hem zou zeggen of sturen. Je ziet meteen welke woorden hard kunnen aankomen.",
    role: currentRole,
    submitLabel: "Bekijk feedback",
    onSubmit: async (text) => {
      composer.clearError();
      try {
        const fb = await analyze(text, currentRole());
        if (fb.safety) {
          replaceChildren(result, safetyPanel(fb.safety, { headingLevel: 2, focus: true }));
          return;
        }
        const card = feedbackCard(fb, { text, headingLevel: 2 });
        replaceChildren(result, card);
        announce(feedbackAnnouncement(fb));
        window.setTimeout(() => focusElement(card.querySelector(".verdict-title")), 0);
      } catch (err) {
        composer.setError(errorPanel(err, () => composer.element.requestSubmit()));
      }
    },
    onSafety: (safety) => {
      // While typing: the same place as the feedback card, once (no repeated announcements).
      const shown = result.querySelector("[data-testid=safety-panel] .safety-message");
      if (shown && shown.textContent === safety.message) return;
      replaceChildren(result, safetyPanel(safety, { headingLevel: 2 }));
    },
  });

  roleField.addEventListener("change", () => {
    // Same text, other role: look again.
    if (composer.textarea.value.trim()) composer.setText(composer.textarea.value);
    replaceChildren(result);
  });

  replaceChildren(view,
    h("div", { class: "check" },
      pageHeading("Zeg het veilig"),
      h("p", { class: "lead" }, "Wil je iets zeggen of sturen en twijfel je hoe het aankomt? Typ het hier. Je ziet welke woorden hard kunnen aankomen en wat al goed is."),
      h("p", { class: "privacy-note" }, "We bewaren deze tekst niet."),
      h("form", { class: "check-role-form", "aria-label": "Jouw rol" }, roleField),
      composer.element,
      result));
  focusPageHeading();
  return () => composer.destroy();
}
