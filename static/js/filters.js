/*
 * The folding panel of a listing's filters, on a phone (static/css/site.css folds it below
 * 48rem). Without JavaScript the « Filtres » link opens it as its :target and « Fermer les
 * filtres » (a link to the results) closes it. Here the link becomes a disclosure button
 * (aria-expanded, aria-controls) that opens and closes the panel in place, keeping the focus.
 */
(function () {
  "use strict";

  function setUp(link) {
    var panel = document.getElementById(link.getAttribute("href").slice(1));
    if (!panel) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.innerHTML = link.innerHTML;
    button.setAttribute("aria-controls", panel.id);
    link.parentNode.replaceChild(button, link);

    function show(open) {
      panel.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open && window.location.hash === "#" + panel.id) {
        // The panel must not stay open as the URL's :target.
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
    }

    show(panel.classList.contains("is-open") || window.location.hash === "#" + panel.id);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    panel.querySelectorAll("[data-filters-close]").forEach(function (close) {
      close.setAttribute("role", "button");
      close.addEventListener("click", function (event) {
        event.preventDefault();
        show(false);
        button.focus();
      });
    });
  }

  document.querySelectorAll("a[data-filters-toggle]").forEach(setUp);
})();
