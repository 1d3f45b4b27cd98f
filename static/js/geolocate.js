/*
 * « Autour de moi »: on a button carrying data-geolocate-url (the communes API) and
 * data-geolocate-field (the id of the place field), shown only where the browser offers
 * geolocation. The position goes to the API once (?lat=&lon=), which answers the nearest
 * commune; the field gets its name. Neither the page nor the server keeps the position.
 */
(function () {
  "use strict";

  function statusOf(button) {
    // The status line is in the button's field, beside the row of the field and the button.
    var field = button.closest(".field, .search-field") || button.parentNode;
    var status = field.querySelector(".geolocate-status");
    return status || { textContent: "" };
  }

  function locate(button) {
    var field = document.getElementById(button.getAttribute("data-geolocate-field"));
    var status = statusOf(button);
    if (!field) {
      return;
    }
    button.disabled = true;
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var url = button.getAttribute("data-geolocate-url");
      url += (url.indexOf("?") === -1 ? "?" : "&") + "lat=" +
        encodeURIComponent(position.coords.latitude.toFixed(4)) + "&lon=" +
        encodeURIComponent(position.coords.longitude.toFixed(4));
      window.fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          button.disabled = false;
          var commune = data && data.results && data.results[0];
          if (commune) {
            field.value = commune.label;
            status.textContent = "Commune trouvée : " + commune.label + ".";
            field.focus();
          } else {
            status.textContent = (data && data.detail) ||
              "Aucune commune trouvée près de votre position.";
          }
        })
        .catch(function () {
          button.disabled = false;
          status.textContent = "La commune n'a pas pu être trouvée : saisissez-la.";
        });
    }, function () {
      button.disabled = false;
      status.textContent = "Position indisponible : saisissez une commune ou un code postal.";
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  }

  function start() {
    if (!("geolocation" in navigator) || typeof window.fetch !== "function") {
      return;  // the button stays hidden
    }
    var buttons = document.querySelectorAll("button[data-geolocate-url]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        locate(event.currentTarget);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
