// SmartySales: the little behaviour the server-rendered pages need. No dependencies.
"use strict";

// GET a JSON document of this site with the session's cookies; rejects on an error status or
// anything that is not JSON (a login page after the session expired), so pollers just stop.
function getJSON(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || type.indexOf("application/json") !== 0) {
      throw new Error("not JSON from " + url);
    }
    return response.json();
  });
}

// A form, or the button that submits it, may carry data-confirm="question":
// the browser asks before anything is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter || document.activeElement;
  var question = (submitter && submitter.getAttribute && submitter.getAttribute("data-confirm")) ||
    form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Marks the navigation link of the current page for people and screen readers.
document.addEventListener("DOMContentLoaded", function () {
  var path = window.location.pathname;
  var links = document.querySelectorAll(".main-nav a[href]");
  for (var i = 0; i < links.length; i++) {
    var href = links[i].getAttribute("href");
    if (href.indexOf("#") === -1 && (href === path || (href !== "/" && path.indexOf(href + "/") === 0))) {
      links[i].setAttribute("aria-current", "page");
    }
  }
});

// Live progress of mailbox syncs and classification. Elements with data-progress="key" show a
// figure of /inbox/progress ("totals.needsReview", "mailbox.<id>.messagesStored"…), refreshed
// every 3 seconds while the page is visible; "rate.stored" and "rate.classified" are messages
// per minute over the answers of the last 30 seconds (work finishes in batches, so two answers
// 3 seconds apart would jump between 0 and thousands), shown once two answers at least
// 10 seconds apart exist. data-progress-status="mailbox.<id>" keeps
// a status badge's colour in step. An element that also has data-progress-clears is emptied and
// hidden when its figure is null ("mailbox.<id>.lastError" after the mailbox recovered), and shown
// again when it has one. Without JavaScript the figures of page load stay.
(function () {
  var figures = document.querySelectorAll("[data-progress]");
  if (!figures.length || !window.fetch) {
    return;
  }
  var windowMs = 30000;
  // The "new messages" banner: the page carries the number of messages it was rendered with
  // (data-new-mail-since); when the progress reports more, the banner says how many arrived
  // since and links to the list's first page with the same filters.
  var banner = document.querySelector("[data-new-mail-since]");
  var shortestMs = 10000;
  // The answers of the last windowMs, oldest first: { time, values }.
  var readings = [];
  var timer = null;

  function flatten(data) {
    var values = {};
    var totals = data.totals || {};
    for (var key in totals) {
      if (Object.prototype.hasOwnProperty.call(totals, key)) {
        values["totals." + key] = totals[key];
      }
    }
    (data.mailboxes || []).forEach(function (mailbox) {
      var prefix = "mailbox." + mailbox.id + ".";
      values[prefix + "status"] = mailbox.status;
      values[prefix + "statusLabel"] = mailbox.statusLabel;
      values[prefix + "messagesStored"] = mailbox.messagesStored;
      values[prefix + "lastSync"] = mailbox.lastSync;
      values[prefix + "lastError"] = mailbox.lastError;
      values[prefix + "lastErrorDetail"] = mailbox.lastErrorDetail;
    });
    return values;
  }

  // Messages a minute from the oldest answer of the window to the newest, or "—" (as on page
  // load) while they are less than shortestMs apart or the count went down (messages removed).
  function perMinute(oldest, newest, count) {
    var elapsed = newest.time - oldest.time;
    var delta = count(newest.values) - count(oldest.values);
    if (elapsed < shortestMs || delta < 0) {
      return "\u2014";
    }
    return Math.round(delta / (elapsed / 60000));
  }

  function show(values) {
    for (var i = 0; i < figures.length; i++) {
      var value = values[figures[i].getAttribute("data-progress")];
      if (figures[i].hasAttribute("data-progress-clears") && value !== undefined) {
        figures[i].hidden = value === null;
        value = value === null ? "" : value;
      }
      if (value !== undefined && value !== null && String(value) !== figures[i].textContent) {
        figures[i].textContent = String(value);
      }
    }
    var badges = document.querySelectorAll("[data-progress-status]");
    for (var j = 0; j < badges.length; j++) {
      var status = values[badges[j].getAttribute("data-progress-status") + ".status"];
      if (status) {
        badges[j].className = "badge status-" + status;
      }
    }
  }

  function announceNewMail(total) {
    if (!banner || typeof total !== "number") {
      return;
    }
    var arrived = total - (parseInt(banner.getAttribute("data-new-mail-since"), 10) || 0);
    if (arrived <= 0) {
      banner.hidden = true;
      return;
    }
    var template = banner.getAttribute(arrived === 1 ? "data-new-mail-one" : "data-new-mail-many") || "";
    var text = banner.querySelector("[data-new-mail-text]");
    if (text) {
      text.textContent = template.replace("{count}", String(arrived));
    }
    banner.hidden = false;
  }

  function stored(values) {
    return values["totals.messages"] || 0;
  }

  function classified(values) {
    return (values["totals.messages"] || 0) - (values["totals.unclassified"] || 0);
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    getJSON("/inbox/progress")
      .then(function (data) {
        var values = flatten(data);
        var now = Date.now();
        readings.push({ time: now, values: values });
        // Answers older than the window go; so do those from before a hidden spell.
        while (readings.length > 1 && now - readings[0].time > windowMs) {
          readings.shift();
        }
        var oldest = readings[0];
        var newest = readings[readings.length - 1];
        values["rate.stored"] = perMinute(oldest, newest, stored);
        values["rate.classified"] = perMinute(oldest, newest, classified);
        show(values);
        announceNewMail(values["totals.messages"]);
      })
      .catch(function () {
        // Signed out, or the server is gone: keep the last figures and stop asking.
        window.clearInterval(timer);
      });
  }

  poll();
  timer = window.setInterval(poll, 3000);
})();

// "Select all on this page": a checkbox with data-select-all="form-id" (served hidden, shown
// here, so without JavaScript only the per-row boxes appear) ticks or clears every row box
// that belongs to that form, and shows whether none, some or all of them are ticked.
(function () {
  var toggles = document.querySelectorAll("[data-select-all]");
  for (var i = 0; i < toggles.length; i++) {
    (function (toggle) {
      var formID = toggle.getAttribute("data-select-all");
      function rows() {
        return document.querySelectorAll('input[type="checkbox"][form="' + formID + '"]');
      }
      function reflect() {
        var boxes = rows();
        var ticked = 0;
        for (var j = 0; j < boxes.length; j++) {
          if (boxes[j].checked) {
            ticked++;
          }
        }
        toggle.checked = boxes.length > 0 && ticked === boxes.length;
        toggle.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      if (!rows().length) {
        return;
      }
      toggle.hidden = false;
      toggle.addEventListener("change", function () {
        var boxes = rows();
        for (var j = 0; j < boxes.length; j++) {
          boxes[j].checked = toggle.checked;
        }
        toggle.indeterminate = false;
      });
      document.addEventListener("change", function (event) {
        var target = event.target;
        if (target !== toggle && target.getAttribute && target.getAttribute("form") === formID) {
          reflect();
        }
      });
      reflect();
    })(toggles[i]);
  }
})();

// Live progress of client enrichment. A section with data-enrichment-progress="url" and
// data-pending="n" polls that JSON every 3 seconds while n > 0 and the page is visible;
// elements with data-enrichment="state" show the count of clients in that state. When nothing
// waits any more, or no job works on what waits, [data-enrichment-running] hides and [data-enrichment-done] (a link to reload
// the list with its new data) shows. After a bulk request the URL names its batch (?batch=): the JSON then has
// the batch's own figures, shown in [data-batch="state"] and [data-batch="total"]; polling follows the batch, and when
// it is over [data-batch-done] shows, with its [data-batch-failed] link when any failed. Without JavaScript the
// figures of page load stay.
(function () {
  var section = document.querySelector("[data-enrichment-progress]");
  if (!section || !window.fetch || Number(section.getAttribute("data-pending")) <= 0) {
    return;
  }
  var url = section.getAttribute("data-enrichment-progress");
  var figures = section.querySelectorAll("[data-enrichment]");
  var batchFigures = section.querySelectorAll("[data-batch]");
  var timer = null;

  function showBatch(batch) {
    for (var i = 0; i < batchFigures.length; i++) {
      var name = batchFigures[i].getAttribute("data-batch");
      var value = name === "total" ? batch.total : (batch.counts || {})[name];
      if (value !== undefined && String(value) !== batchFigures[i].textContent) {
        batchFigures[i].textContent = String(value);
      }
    }
  }

  function finish(batch) {
    window.clearInterval(timer);
    var running = section.querySelector("[data-enrichment-running]");
    var done = section.querySelector(batch ? "[data-batch-done]" : "[data-enrichment-done]");
    if (running) {
      running.hidden = true;
    }
    if (done) {
      done.hidden = false;
    }
    var failed = section.querySelector("[data-batch-failed]");
    if (batch && failed) {
      failed.hidden = !((batch.counts || {}).failed > 0);
    }
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    getJSON(url)
      .then(function (data) {
        var counts = data.counts || {};
        for (var i = 0; i < figures.length; i++) {
          var value = counts[figures[i].getAttribute("data-enrichment")];
          if (value !== undefined && String(value) !== figures[i].textContent) {
            figures[i].textContent = String(value);
          }
        }
        if (data.batch) {
          showBatch(data.batch);
          if (!data.batch.pending || data.running === false) {
            finish(data.batch);
          }
        } else if (!data.pending || data.running === false) {
          finish(null);
        }
      })
      .catch(function () {
        // Signed out, or the server is gone: keep the last figures and stop asking.
        window.clearInterval(timer);
      });
  }

  timer = window.setInterval(poll, 3000);
})();

// A client card waiting for its enrichment: an element with data-client-enrichment="url" and
// data-state="pending" polls that JSON every 3 seconds while the page is visible, and reloads
// the card once the client's enrichment state is another (the new contacts are then on it).
(function () {
  var marker = document.querySelector("[data-client-enrichment]");
  if (!marker || !window.fetch) {
    return;
  }
  var url = marker.getAttribute("data-client-enrichment");
  var shown = marker.getAttribute("data-state");
  var timer = null;

  function poll() {
    if (document.hidden) {
      return;
    }
    getJSON(url)
      .then(function (data) {
        if (data.enrichment && data.enrichment !== shown) {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () {
        // Signed out, or the server is gone: stop asking.
        window.clearInterval(timer);
      });
  }

  timer = window.setInterval(poll, 3000);
})();

// Live progress of a discovery run. A section with data-prospect-run="url" and data-active="1"
// polls that JSON every 2 seconds while the run is queued or running and the page is visible:
// [data-run-figure="found"] (and queriesDone, queriesTotal, imported, lookupsDone, lookupsWanted) show its figures in the
// page's digit grouping, [data-run-status] its status. When the run ends, [data-run-running]
// hides and [data-run-done] (a link reloading the page with every result) shows, or for a
// failure [data-run-error] with the reason. Without JavaScript the figures of page load stay.
(function () {
  var section = document.querySelector("[data-prospect-run]");
  if (!section || !window.fetch || section.getAttribute("data-active") !== "1") {
    return;
  }
  var url = section.getAttribute("data-prospect-run");
  var figures = section.querySelectorAll("[data-run-figure]");
  var badge = section.querySelector("[data-run-status]");
  var separator = document.documentElement.lang === "ru" ? "\u00a0" : ",";
  var timer = null;

  function grouped(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  }

  function finish(data) {
    window.clearInterval(timer);
    var running = section.querySelector("[data-run-running]");
    if (running) {
      running.hidden = true;
    }
    if (data.status === "failed") {
      var error = section.querySelector("[data-run-error]");
      var reason = section.querySelector("[data-run-error-text]");
      if (reason) {
        reason.textContent = data.error || "";
      }
      if (error) {
        error.hidden = false;
      }
    } else {
      var done = section.querySelector("[data-run-done]");
      if (done) {
        done.hidden = false;
      }
    }
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    getJSON(url)
      .then(function (data) {
        for (var i = 0; i < figures.length; i++) {
          var value = data[figures[i].getAttribute("data-run-figure")];
          if (value !== undefined && value !== null && grouped(value) !== figures[i].textContent) {
            figures[i].textContent = grouped(value);
          }
        }
        if (badge && data.statusLabel) {
          badge.textContent = data.statusLabel;
          badge.className = "badge prospect-run-" + data.status;
        }
        if (data.isOver) {
          finish(data);
        }
      })
      .catch(function () {
        // Signed out, or the server is gone: keep the last figures and stop asking.
        window.clearInterval(timer);
      });
  }

  timer = window.setInterval(poll, 2000);
})();

// The OKVED picker. The codes field (data-okved-picker="url") stays a plain text field of codes
// separated by commas, which is all the form needs without JavaScript. With it, what is typed
// after the last comma (a code such as 62.0, or words such as "разработка программ") asks
// url?q=… and the matching codes show in the list the field's aria-controls names; picking one
// (a click, or the arrow keys and Enter) puts its code in place of what was typed, followed by
// ", " for the next one. Escape, or leaving the field, closes the list.
(function () {
  var input = document.querySelector("[data-okved-picker]");
  if (!input || !window.fetch) {
    return;
  }
  var list = document.getElementById(input.getAttribute("aria-controls") || "");
  if (!list) {
    return;
  }
  var url = input.getAttribute("data-okved-picker");
  var subtreeLabel = input.getAttribute("data-okved-subtree-label") || "";
  var entries = [];
  var active = -1;
  var asked = "";
  var timer = null;

  function lastSeparator(value) {
    return Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
  }

  function term() {
    return input.value.slice(lastSeparator(input.value) + 1).trim();
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    entries = [];
    active = -1;
    asked = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function pick(index) {
    var entry = entries[index];
    if (!entry) {
      return;
    }
    var cut = lastSeparator(input.value);
    var head = cut >= 0 ? input.value.slice(0, cut + 1) + " " : "";
    input.value = head + entry.code + ", ";
    // The chosen codes' list below the field follows.
    input.dispatchEvent(new Event("change"));
    close();
    input.focus();
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  }

  function show(found) {
    list.textContent = "";
    entries = found;
    active = -1;
    found.forEach(function (entry, index) {
      var option = document.createElement("li");
      option.id = "okved-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var code = document.createElement("code");
      code.textContent = entry.code;
      option.appendChild(code);
      option.appendChild(document.createTextNode(entry.name));
      if (entry.hasChildren && subtreeLabel) {
        var note = document.createElement("span");
        note.className = "muted small";
        note.textContent = " (" + subtreeLabel + ")";
        option.appendChild(note);
      }
      // mousedown, not click: the field must not lose focus (and close the list) first.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        pick(index);
      });
      list.appendChild(option);
    });
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  }

  function ask() {
    var typed = term();
    if (typed.length < 2) {
      close();
      return;
    }
    if (typed === asked) {
      return;
    }
    asked = typed;
    getJSON(url + "?q=" + encodeURIComponent(typed))
      .then(function (found) {
        // An answer to something typed before is dropped: a later request is on its way.
        if (typed === term()) {
          show(found);
        }
      })
      .catch(close);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(Math.min(active + 1, entries.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () {
    window.setTimeout(close, 150);
  });
})();

// "Select all" for a table of checkboxes: input[data-select-all="name"] in the table's heading
// (hidden until now: without JavaScript it could do nothing) ticks or clears every checkbox of
// that name in the table, and reads as mixed when only some are ticked.
(function () {
  var toggles = document.querySelectorAll("input[data-select-all]");
  Array.prototype.forEach.call(toggles, function (all) {
    var table = all.closest("table");
    if (!table) {
      return;
    }
    var name = all.getAttribute("data-select-all");
    function boxes() {
      return table.querySelectorAll("input[type=checkbox][name=\"" + name + "\"]");
    }
    if (!boxes().length) {
      return;
    }
    function sync() {
      var list = boxes();
      var ticked = Array.prototype.filter.call(list, function (box) { return box.checked; }).length;
      all.checked = ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(boxes(), function (box) {
        box.checked = all.checked;
      });
      all.indeterminate = false;
    });
    table.addEventListener("change", function (event) {
      if (event.target !== all) {
        sync();
      }
    });
    sync();
  });
})();

// The chosen OKVED codes under the codes field (ul[data-okved-picked]): one row per code in the
// field, each with its own "with subcodes" checkbox (and a hidden subtree_listed naming the code)
// when the code has children. Rows the server rendered keep their state; a new code's box starts
// as the form's "include subcodes" box is. Names come from the picker's answer for the code.
(function () {
  var input = document.querySelector("[data-okved-picker]");
  var list = document.querySelector("[data-okved-picked]");
  if (!input || !list || !window.fetch) {
    return;
  }
  var url = input.getAttribute("data-okved-picker");
  var label = list.getAttribute("data-okved-subtree-text") || "";
  var fallback = document.getElementById("subtree");
  var timer = null;

  function typedCodes() {
    return input.value.split(/[,;\s]+/).filter(function (code) {
      return /^[0-9][0-9.]*[0-9]$|^[A-Za-z]$/.test(code);
    });
  }

  function row(code) {
    var item = document.createElement("li");
    item.setAttribute("data-code", code);
    var mark = document.createElement("code");
    mark.textContent = code;
    item.appendChild(mark);
    getJSON(url + "?q=" + encodeURIComponent(code)).then(function (found) {
      var entry = found.filter(function (candidate) { return candidate.code === code; })[0];
      if (!entry) {
        return;
      }
      item.appendChild(document.createTextNode(" — " + entry.name));
      if (entry.hasChildren) {
        var box = document.createElement("label");
        var listed = document.createElement("input");
        listed.type = "hidden";
        listed.name = "subtree_listed";
        listed.value = code;
        var check = document.createElement("input");
        check.type = "checkbox";
        check.name = "subtree_code";
        check.value = code;
        check.checked = fallback ? fallback.checked : true;
        box.appendChild(listed);
        box.appendChild(check);
        box.appendChild(document.createTextNode(" " + label));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(box);
      }
    }).catch(function () {});
    return item;
  }

  function refresh() {
    var codes = typedCodes();
    var rows = {};
    Array.prototype.forEach.call(list.querySelectorAll("li[data-code]"), function (item) {
      if (codes.indexOf(item.getAttribute("data-code")) === -1) {
        item.remove();
      } else {
        rows[item.getAttribute("data-code")] = item;
      }
    });
    codes.forEach(function (code) {
      list.appendChild(rows[code] || row(code));
    });
    list.hidden = codes.length === 0;
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
  input.addEventListener("change", refresh);
})();

// The regions filter. The list of regions (a <select multiple>) works alone without JavaScript;
// with it, the text box above it (data-region-filter="<select id>", hidden until now) shows
// only the regions whose code or name contains what is typed. Chosen regions always stay in
// sight, so filtering never hides a choice that will be sent.
(function () {
  var boxes = document.querySelectorAll("[data-region-filter]");
  Array.prototype.forEach.call(boxes, function (box) {
    var select = document.getElementById(box.getAttribute("data-region-filter"));
    if (!select) {
      return;
    }
    box.hidden = false;
    box.addEventListener("input", function () {
      var typed = box.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLocaleLowerCase();
        option.hidden = typed !== "" && !option.selected && text.indexOf(typed) === -1;
      });
    });
    box.addEventListener("keydown", function (event) {
      // Enter in the filter must not send the whole form.
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });
})();
