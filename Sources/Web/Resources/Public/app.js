// SmartySales: the little behaviour the server-rendered pages need. No dependencies.
"use strict";

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
// per minute worked out from two successive answers. data-progress-status="mailbox.<id>" keeps
// a status badge's colour in step. Without JavaScript the figures of page load stay.
(function () {
  var figures = document.querySelectorAll("[data-progress]");
  if (!figures.length || !window.fetch) {
    return;
  }
  var previous = null;
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
    });
    return values;
  }

  function perMinute(now, before, elapsedMinutes, count) {
    if (!before || elapsedMinutes <= 0) {
      return null;
    }
    var delta = count(now) - count(before);
    return delta < 0 ? null : Math.round(delta / elapsedMinutes);
  }

  function show(values) {
    for (var i = 0; i < figures.length; i++) {
      var value = values[figures[i].getAttribute("data-progress")];
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
    fetch("/inbox/progress", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          throw new Error("no progress");
        }
        return response.json();
      })
      .then(function (data) {
        var values = flatten(data);
        var now = Date.now();
        if (previous) {
          var minutes = (now - previous.time) / 60000;
          values["rate.stored"] = perMinute(values, previous.values, minutes, stored);
          values["rate.classified"] = perMinute(values, previous.values, minutes, classified);
        }
        previous = { time: now, values: values };
        show(values);
      })
      .catch(function () {
        // Signed out, or the server is gone: keep the last figures and stop asking.
        window.clearInterval(timer);
      });
  }

  poll();
  timer = window.setInterval(poll, 3000);
})();

// Live progress of client enrichment. A section with data-enrichment-progress="url" and
// data-pending="n" polls that JSON every 3 seconds while n > 0 and the page is visible;
// elements with data-enrichment="state" show the count of clients in that state. When nothing
// waits any more, [data-enrichment-running] hides and [data-enrichment-done] (a link to reload
// the list with its new data) shows. Without JavaScript the figures of page load stay.
(function () {
  var section = document.querySelector("[data-enrichment-progress]");
  if (!section || !window.fetch || Number(section.getAttribute("data-pending")) <= 0) {
    return;
  }
  var url = section.getAttribute("data-enrichment-progress");
  var figures = section.querySelectorAll("[data-enrichment]");
  var timer = null;

  function finish() {
    window.clearInterval(timer);
    var running = section.querySelector("[data-enrichment-running]");
    var done = section.querySelector("[data-enrichment-done]");
    if (running) {
      running.hidden = true;
    }
    if (done) {
      done.hidden = false;
    }
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          throw new Error("no progress");
        }
        return response.json();
      })
      .then(function (data) {
        var counts = data.counts || {};
        for (var i = 0; i < figures.length; i++) {
          var value = counts[figures[i].getAttribute("data-enrichment")];
          if (value !== undefined && String(value) !== figures[i].textContent) {
            figures[i].textContent = String(value);
          }
        }
        if (!data.pending) {
          finish();
        }
      })
      .catch(function () {
        // Signed out, or the server is gone: keep the last figures and stop asking.
        window.clearInterval(timer);
      });
  }

  timer = window.setInterval(poll, 3000);
})();
