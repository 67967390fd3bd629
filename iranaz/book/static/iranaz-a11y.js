/* Accessibility fixes to the theme's navbar (axe-core "label-content-name-mismatch"):
   - the colour-mode button is named "Color mode" by aria-label, but Font Awesome turns the
     titles of its three icons into text inside it ("Light", "Dark", "System Settings");
     the icons are decorative (only one shows at a time), so they are hidden from the
     accessibility tree;
   - the search button is named "Search" while it shows "Search Ctrl+K", and myst-nb's
     folded cells ("hide-input") are named "Toggle hidden content" while they show "Show code
     cell source": their names are taken from what they show instead. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      var title = icon.querySelector && icon.querySelector("title");
      if (title) { title.remove(); }
    });
    document.querySelectorAll(".search-button-field[aria-label], details.hide > summary[aria-label]").forEach(function (el) {
      if (el.textContent.trim()) { el.removeAttribute("aria-label"); }
    });
  }
  fix();
  // Font Awesome replaces the <i> icons by <svg> when it gets to it: fix those too.
  document.querySelectorAll(".theme-switch-button").forEach(function (button) {
    new MutationObserver(fix).observe(button, {childList: true, subtree: true});
  });
  document.addEventListener("DOMContentLoaded", fix);
})();
