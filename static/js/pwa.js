/* The installable app, page side: registers the service worker (/sw.js), forgets the pages it
 * kept once nobody is signed in, and says so when a page is the copy kept on this phone.
 * Also shows the inbox's unread count on the phone's menu button (the menu hides it), and
 * turns web push on or off in this browser (the settings page's #push section). */
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

  var pushSection = document.getElementById("push");
  if (pushSection) { setUpPush(pushSection); }

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

  // --- Web push: the browser subscribes with the site's VAPID key and the server keeps the
  // subscription (notifications.views.push_subscribe); the worker shows what is pushed.
  function setUpPush(section) {
    var token = section.querySelector("[name=csrfmiddlewaretoken]").value;
    var key = base64UrlBytes(section.dataset.pushKey);

    function show(state) {
      section.querySelectorAll("[data-push-state]").forEach(function (line) {
        line.hidden = line.dataset.pushState !== state;
      });
      section.querySelector("[data-push-action=on]").hidden = !(state === "off" || state === "failed");
      section.querySelector("[data-push-action=off]").hidden = state !== "on";
      section.dataset.state = state;
    }

    function post(url, body) {
      // redirect "error": a session that ended answers with the sign-in page, which is no success.
      return fetch(url, {
        method: "POST", credentials: "same-origin", redirect: "error", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      }).then(function (response) {
        if (!response.ok && response.status !== 404) { throw new Error("push: HTTP " + response.status); }
        return response;
      });
    }

    function sameKey(subscription) {
      var old = subscription.options && subscription.options.applicationServerKey;
      if (!old) { return false; }
      old = new Uint8Array(old);
      return old.length === key.length && old.every(function (byte, index) { return byte === key[index]; });
    }

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      show("unsupported");
      return;
    }
    var ready = navigator.serviceWorker.ready;
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      // On only if the server pushes to this browser for this account: the page lists the
      // account's browsers (one turned off from that list, or moved to another account on a
      // shared phone, reads as off here).
      var known = Array.prototype.map.call(section.querySelectorAll("input[name=endpoint]"), function (input) {
        return input.value;
      });
      if (subscription && sameKey(subscription) && known.indexOf(subscription.endpoint) !== -1) {
        show("on");
      } else {
        show(Notification.permission === "denied" ? "denied" : "off");
      }
    }).catch(function () { show("failed"); });

    section.querySelector("[data-push-action=on]").addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          show(permission === "denied" ? "denied" : "off");
          return null;
        }
        return ready.then(function (registration) {
          return registration.pushManager.getSubscription().then(function (old) {
            if (old && sameKey(old)) { return old; }
            // A subscription made with an earlier key cannot be reused: replace it.
            return (old ? old.unsubscribe() : Promise.resolve()).then(function () {
              return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
            });
          });
        }).then(function (subscription) {
          return post(section.dataset.subscribe, subscription.toJSON());
        }).then(function () { show("on"); });
      }).catch(function () { show("failed"); });
    });

    section.querySelector("[data-push-action=off]").addEventListener("click", function () {
      ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) { return null; }
        return post(section.dataset.unsubscribe, { endpoint: subscription.endpoint }).then(function () {
          return subscription.unsubscribe();
        });
      }).then(function () { show("off"); }).catch(function () { show("failed"); });
    });
  }

  function base64UrlBytes(text) {
    var raw = window.atob((text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, function (letter) { return letter.charCodeAt(0); });
  }
}());
