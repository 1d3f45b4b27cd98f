/*
 * Suggestions under a text field: an ARIA 1.2 combobox with a list popup, added on top of a
 * form that works without it (progressive enhancement; strict CSP: no inline script or style,
 * the list is shown and hidden with the `hidden` attribute and styled by site.css).
 *
 * Contract, read from the <input>'s attributes:
 *   data-suggest-url     GET <url>?q=<text>; a JSON answer whose `results` is a list of objects
 *   data-suggest-text    key of the text shown for each result, put in the field on choice
 *   data-suggest-detail  (optional) key of a secondary text shown beside it
 *   data-suggest-fill    (optional) space-separated `field=key` pairs: on choice, the form's
 *                        field `field` (created as a hidden input if absent) gets item[key];
 *                        typing in the field again empties them, so no stale value is sent
 *   data-suggest-clear   (optional) space-separated names of the form's fields emptied on choice
 *   data-suggest-submit  (optional, no value) submit the form on choice
 *
 * Keyboard: Down/Up move through the list (Alt+Down opens it), Enter chooses the active option,
 * Escape closes the list (a second Escape empties the field). The number of suggestions is
 * announced in a polite live region. Requests are debounced and a stale one is aborted.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;
  var counter = 0;

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function Suggest(input) {
    this.input = input;
    this.form = input.form;
    this.url = input.getAttribute("data-suggest-url");
    this.textKey = input.getAttribute("data-suggest-text") || "label";
    this.detailKey = input.getAttribute("data-suggest-detail");
    this.fill = words(input.getAttribute("data-suggest-fill")).map(function (pair) {
      var at = pair.indexOf("=");
      return at > 0 ? [pair.slice(0, at), pair.slice(at + 1)] : null;
    }).filter(Boolean);
    this.clear = words(input.getAttribute("data-suggest-clear"));
    this.submit = input.hasAttribute("data-suggest-submit");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.lastQuery = null;
    this.cache = {};
    this.build();
    this.bind();
  }

  Suggest.prototype.build = function () {
    var input = this.input;
    counter += 1;
    if (!input.id) {
      input.id = "suggest-" + counter;
    }
    var listId = input.id + "-suggestions";
    this.list = document.createElement("ul");
    this.list.id = listId;
    this.list.className = "suggest-list";
    this.list.setAttribute("role", "listbox");
    var labels = input.labels && input.labels.length ? input.labels[0] : null;
    if (labels) {
      if (!labels.id) {
        labels.id = input.id + "-label";
      }
      this.list.setAttribute("aria-labelledby", labels.id);
    } else {
      this.list.setAttribute("aria-label", "Suggestions");
    }
    this.list.hidden = true;

    this.status = document.createElement("p");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");

    var host = document.createElement("div");
    host.className = "suggest";
    input.parentNode.insertBefore(host, input);
    host.appendChild(input);
    host.appendChild(this.list);
    host.appendChild(this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("spellcheck", "false");
  };

  Suggest.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      self.forgetChoice();
      self.schedule();
    });
    this.input.addEventListener("keydown", function (event) {
      self.onKey(event);
    });
    this.input.addEventListener("blur", function () {
      // A tap on an option blurs the field first on some phones: let the click land.
      window.setTimeout(function () {
        if (document.activeElement !== self.input) {
          self.close();
        }
      }, 150);
    });
    // Keep the focus in the field while an option is pressed (mouse and touch alike).
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        self.choose(Number(option.getAttribute("data-index")));
      }
    });
  };

  Suggest.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.fetch(self.input.value.trim());
    }, DEBOUNCE_MS);
  };

  Suggest.prototype.fetch = function (text) {
    var self = this;
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
    if (text.length < MIN_CHARS) {
      this.lastQuery = null;
      this.close();
      return;
    }
    if (text === this.lastQuery && this.items.length) {
      this.open();
      return;
    }
    if (Object.prototype.hasOwnProperty.call(this.cache, text)) {
      this.lastQuery = text;
      this.render(this.cache[text]);
      return;
    }
    var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") + "q=" +
      encodeURIComponent(text);
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    this.controller = controller;
    window.fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (data) {
      if (self.controller !== controller) {
        return;  // a newer request replaced this one
      }
      self.controller = null;
      var results = data && Array.isArray(data.results) ? data.results : [];
      self.cache[text] = results;
      self.lastQuery = text;
      if (self.input.value.trim() === text) {
        self.render(results);
      }
    }).catch(function (error) {
      if (error && error.name === "AbortError") {
        return;
      }
      // The field still works as a plain text field: the server resolves what was typed.
      self.close();
    });
  };

  Suggest.prototype.render = function (results) {
    var self = this;
    this.items = results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.list.firstChild) {
      this.list.removeChild(this.list.firstChild);
    }
    results.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.input.id + "-option-" + index;
      option.className = "suggest-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      var text = document.createElement("span");
      text.className = "suggest-text";
      text.textContent = String(item[self.textKey] == null ? "" : item[self.textKey]);
      option.appendChild(text);
      if (self.detailKey && item[self.detailKey] != null && item[self.detailKey] !== "") {
        var detail = document.createElement("span");
        detail.className = "suggest-detail";
        detail.textContent = String(item[self.detailKey]);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(detail);
      }
      self.list.appendChild(option);
    });
    if (results.length) {
      this.open();
      this.announce(results.length === 1 ? "1 suggestion disponible." :
        results.length + " suggestions disponibles.");
    } else {
      this.close();
      this.announce("Aucune suggestion.");
    }
  };

  Suggest.prototype.announce = function (message) {
    var status = this.status;
    // Emptied first so that the same count, announced twice in a row, is read again.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  };

  Suggest.prototype.open = function () {
    if (!this.items.length) {
      return;
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Suggest.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.setActive(-1);
  };

  Suggest.prototype.isOpen = function () {
    return !this.list.hidden;
  };

  Suggest.prototype.setActive = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    for (var i = 0; i < options.length; i += 1) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) {
        options[index].scrollIntoView({ block: "nearest" });
      }
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Suggest.prototype.onKey = function (event) {
    var count = this.items.length;
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        if (!this.isOpen()) {
          if (count) {
            this.open();
          } else {
            this.fetch(this.input.value.trim());
          }
          if (event.altKey) {
            event.preventDefault();
            return;
          }
        }
        if (count) {
          this.setActive(this.active + 1 >= count ? 0 : this.active + 1);
        }
        event.preventDefault();
        break;
      case "ArrowUp":
      case "Up":
        if (count) {
          this.open();
          this.setActive(this.active <= 0 ? count - 1 : this.active - 1);
          event.preventDefault();
        }
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        }
        break;
      case "Escape":
      case "Esc":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.forgetChoice();
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Suggest.prototype.field = function (name, create) {
    var form = this.form;
    if (!form) {
      return null;
    }
    var field = form.elements.namedItem(name);
    if (field && typeof field.length === "number" && !field.tagName) {
      field = field[0];  // a RadioNodeList: several fields of that name
    }
    if (!field && create) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      field.setAttribute("data-suggest-created", "");
      form.appendChild(field);
    }
    return field;
  };

  Suggest.prototype.forgetChoice = function () {
    var self = this;
    this.fill.forEach(function (pair) {
      var field = self.field(pair[0], false);
      if (field && field !== self.input) {
        field.value = "";
      }
    });
  };

  Suggest.prototype.choose = function (index) {
    var self = this;
    var item = this.items[index];
    if (!item) {
      return;
    }
    this.input.value = String(item[this.textKey] == null ? "" : item[this.textKey]);
    this.lastQuery = this.input.value.trim();
    this.clear.forEach(function (name) {
      var field = self.field(name, false);
      if (field && field !== self.input) {
        if (field.tagName === "SELECT") {
          field.selectedIndex = 0;
        } else if (field.type === "checkbox" || field.type === "radio") {
          field.checked = false;
        } else {
          field.value = "";
        }
      }
    });
    this.fill.forEach(function (pair) {
      var field = self.field(pair[0], true);
      if (field) {
        field.value = item[pair[1]] == null ? "" : String(item[pair[1]]);
      }
    });
    this.close();
    this.announce(this.input.value + " choisi.");
    if (this.submit && this.form) {
      if (typeof this.form.requestSubmit === "function") {
        this.form.requestSubmit();
      } else {
        this.form.submit();
      }
    }
  };

  function start() {
    if (typeof window.fetch !== "function") {
      return;  // very old browsers keep the plain field
    }
    var inputs = document.querySelectorAll("input[data-suggest-url]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (!inputs[i].hasAttribute("data-suggest-ready")) {
        inputs[i].setAttribute("data-suggest-ready", "");
        new Suggest(inputs[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
