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
