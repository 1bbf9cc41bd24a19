/* The installable app, page side: registers the service worker (/sw.js), forgets the pages it
 * kept once nobody is signed in, and says so when a page is the copy kept on this phone.
 * Also shows the inbox's unread count on the phone's menu button (the menu hides it). */
(function () {
  "use strict";
  var PAGES_CACHE = "handbook-pages";  // templates/sw.js
  var account = document.body.dataset.account;

  function showConnection() {
    var note = document.querySelector(".offline-note");
    if (note) { note.hidden = navigator.onLine !== false; }
  }
  showConnection();
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);

  var unread = document.querySelector(".menu .header-nav .badge-count");
  var menuButton = document.querySelector(".menu > summary");
  if (unread && menuButton) {
    menuButton.appendChild(unread.cloneNode(true));
    if (unread.nextElementSibling) { menuButton.appendChild(unread.nextElementSibling.cloneNode(true)); }
  }

  if (!("serviceWorker" in navigator)) { return; }
  if (account === "out" && window.caches) {
    // Signed out (or timed out): the next person on this phone must not read the last one's pages.
    window.caches.delete(PAGES_CACHE);
  }
  var firstVisit = !navigator.serviceWorker.controller;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (account !== "in" || !registration.active) { return; }
    if (firstVisit) {
      // This page came before the worker: let it keep a copy too (it keeps only pages meant for that).
      registration.active.postMessage({ keep: window.location.pathname });
    }
    if (!(navigator.connection && navigator.connection.saveData)) {
      // The next meeting's documents, for reading without signal; each fetched once.
      document.querySelectorAll(".next-meeting a[href*='/documents/']").forEach(function (link) {
        registration.active.postMessage({ keep: link.pathname, unlessKept: true });
      });
    }
  }).catch(function () { /* no worker (private window, old browser): the site works as before */ });
}());
