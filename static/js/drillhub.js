// Small, progressive additions on top of htmx. Every page works without this file.
(function () {
  "use strict";

  function announce(message) {
    var alerts = document.getElementById("alerts");
    if (!alerts) return;
    var p = document.createElement("p");
    p.className = "alert alert--error";
    p.textContent = message;
    alerts.replaceChildren(p);
  }

  // An htmx request that failed swaps nothing; say so instead of silently doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = (xhr.getResponseHeader("content-type") || "").startsWith("text/plain") ? xhr.responseText : "";
    announce(text || "The request failed (" + xhr.status + "). Your input is still here; please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("The server could not be reached. Your input is still here; try again when the connection is back.");
  });

  // After a form comes back with errors, move focus to its summary so keyboard and screen-reader users hear it.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }
  document.addEventListener("htmx:afterSettle", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
})();
