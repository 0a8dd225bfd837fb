// Shared by both small apps (practice at /, therapists at /therapeut): hash routes, in-app links
// that replace the history entry, and the "current page" mark in the menu.

/** "#/huiswerk/abc" -> ["huiswerk", "abc"] (each part URI-decoded). */
export function hashParts(hash) {
  const path = (hash || "").replace(/^#/, "") || "/";
  return path.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
}

export function markCurrentNav(name) {
  document.querySelectorAll(".site-nav a[data-route]").forEach((a) => {
    if (a.dataset.route === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
}

export function navigate(hash) {
  window.location.replace(hash);
}

// In-app links replace the history entry instead of adding one: the app then holds a single
// entry in the Back history, so after "Snel weg" the Back button cannot bring anyone here.
export function interceptLinks(route) {
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
