// Small, progressive additions on top of htmx. Every page works without this file.
(function () {
  "use strict";

  function announce(message, className) {
    var alerts = document.getElementById("alerts");
    if (!alerts) return;
    var p = document.createElement("p");
    p.className = "alert alert--error" + (className ? " " + className : "");
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
    announce("The server cannot be reached. Nothing you typed is lost: it stays on this page, and the page " +
      "carries on by itself when the connection is back.", "connection-lost");
  });
  // The connection is back (a request went through, or a live page's stream opened again): the notice goes.
  function connectionBack() {
    document.querySelectorAll(".connection-lost").forEach(function (notice) { notice.remove(); });
  }
  document.addEventListener("htmx:afterRequest", function (event) { if (event.detail.successful) connectionBack(); });

  // What a player types as the reason for a decision is also kept in this browser tab (data-keep names
  // the run, step and role), so a reload, or a send that failed while offline, never loses it.
  function keep(event) {
    var field = event.target;
    if (!field.dataset || !field.dataset.keep) return;
    try { sessionStorage.setItem(field.dataset.keep, field.value); } catch (e) { /* storage full or off */ }
  }
  function restoreKept() {
    document.querySelectorAll("[data-keep]").forEach(function (field) {
      var kept = null;
      try { kept = sessionStorage.getItem(field.dataset.keep); } catch (e) { return; }
      if (kept && kept.length > field.value.length) field.value = kept;
    });
  }
  document.addEventListener("input", keep);
  document.addEventListener("DOMContentLoaded", restoreKept);

  // A live page holds a server-sent events stream (sse-connect) that brings its status area ('status') and,
  // on a player's page, the page's content when the scene moves on ('scene'); 'reload' draws the page
  // again. While no stream is open (a proxy that refuses it, a connection being re-made) the status area
  // asks every two seconds.
  document.addEventListener("htmx:sseOpen", function (event) { event.target.dataset.streaming = "yes"; connectionBack(); });
  document.addEventListener("htmx:sseError", function (event) { delete event.target.dataset.streaming; });
  // A page on its way to another (a decision sent, the next page asked for) takes no more orders from
  // its status meanwhile: a reload it said to do would cut that navigation short.
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (leaving && event.target.matches("[hx-trigger=poll]")) event.preventDefault();
  });
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (event.detail.type !== "reload") return;
    event.preventDefault();
    if (!leaving) window.location.reload();
  });

  document.addEventListener("htmx:sseMessage", function (event) {
    if (event.detail.type === "scene") restoreKept();  // a scene pushed anew: what this tab kept is put back
  });
  // The focus was in the content a new scene replaced: put it on the new scene's heading, as a page
  // load would start from the top (a first choice marked autofocus takes it instead).
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id !== "play" || (document.activeElement && document.activeElement !== document.body)) return;
    var heading = event.target.querySelector("h1");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  });

  function poll(all) {
    if (!window.htmx) return;
    document.querySelectorAll("[sse-connect]").forEach(function (area) {
      if (!all && area.dataset.streaming === "yes") return;
      var asking = area.matches("[hx-trigger=poll]") ? [area] : area.querySelectorAll("[hx-trigger=poll]");
      asking.forEach(function (status) { window.htmx.trigger(status, "poll"); });
    });
  }
  window.setInterval(poll, 2000);
  window.addEventListener("online", function () { poll(true); });  // the network is back: ask now

  // Countdowns run in the browser (data-ends: the server's time, in ms, when the time is up), allowing
  // for the difference between this browser's clock and the server's.
  var serverAhead = 0;
  document.addEventListener("DOMContentLoaded", function () {
    var serverNow = Number(document.body.dataset.serverNow);
    if (serverNow) serverAhead = serverNow - Date.now();
  });
  function showClocks() {
    var serverTime = Date.now() + serverAhead;
    document.querySelectorAll("[data-ends]").forEach(function (clock) {
      var left = Math.max(0, Math.round((Number(clock.dataset.ends) - serverTime) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    });
    document.querySelectorAll("[data-since]").forEach(function (clock) {  // whole minutes since
      clock.textContent = Math.max(0, Math.floor((serverTime - Number(clock.dataset.since)) / 60000));
    });
  }
  window.setInterval(showClocks, 1000);
  document.addEventListener("htmx:afterSettle", showClocks);  // a status fetched now shows the time now

  // After a form comes back with errors, move focus to its summary so keyboard and screen-reader users hear it.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }
  document.addEventListener("htmx:afterSettle", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
})();
