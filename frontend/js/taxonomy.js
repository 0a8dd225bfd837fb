// Dutch labels of the closed feedback vocabulary (PRODUCT.md section 3), for places where the
// API gives only category ids (the transcript).

export const CATEGORY_LABELS = {
  absolute_language: "Absolute taal",
  accusation: "Verwijt",
  character_attack: "Persoon aanvallen",
  contempt: "Minachting",
  defensiveness: "Verdedigen",
  dismissal: "Wegwuiven",
  threat: "Dreigen",
  command: "Eisen",
  stonewalling: "Dichtklappen",
  past_raking: "Oude koeien",
  pseudo_ik: "Verkapt verwijt",
  feeling: "Gevoel",
  need: "Behoefte",
  observation: "Waarneming",
  curiosity: "Nieuwsgierigheid",
  validation: "Erkenning",
  responsibility: "Verantwoordelijkheid",
  collaboration: "Samen zoeken",
  regulation: "Vertragen",
  reassurance: "Geruststellen",
  appreciation: "Waardering",
};

export function categoryLabel(category) {
  if (category && typeof category === "object") return category.label || categoryLabel(category.category);
  return CATEGORY_LABELS[category] || String(category);
}
