/* Sổ tay Đảng viên: the service worker (served at /sw.js by handbook.views.service_worker).
 *
 * - The member's pages worth reading without signal (home with the next meeting, a meeting with
 *   its documents, the cell's meetings, the roll call) go to the network first; each good answer
 *   is kept, and without signal the last kept copy is shown (the page says when it was made).
 * - Other pages go to the network; without signal the offline page answers.
 * - Static files: the kept copy at once, refreshed in the background.
 * - Nothing but GET is ever kept or answered here: forms and the roll call's queue
 *   (static/js/roll-call.js, kept in localStorage) reach the network as before.
 * - Kept pages are forgotten on sign-out (here and in static/js/pwa.js, on any signed-out page).
 * - Web push (notifications.transports.push): the payload is JSON {title, body, url, tag}, the
 *   server's words for this member; it is shown as it is, and a click opens (or focuses) url.
 */
"use strict";

const STATIC_CACHE = "handbook-static-" + VERSION;
const PAGES_CACHE = "handbook-pages";
const PRECACHE = {{ precache|safe }};
const OFFLINE_URL = PRECACHE[0];
const KEPT_PAGES = {{ kept_pages|safe }}.map((pattern) => new RegExp(pattern));
const STATIC_PREFIX = {{ static_prefix|safe }};
const SIGN_OUT_PATH = {{ sign_out_path|safe }};
const MOST_KEPT = 40;
const PUSH_ICON = {{ push_icon|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("handbook-static-") && name !== STATIC_CACHE).map((name) => caches.delete(name)),
  )).then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.keep && isKept(new URL(data.keep, self.location.origin))) {
    // Asked by static/js/pwa.js: the first page seen before this worker controlled it, and the
    // next meeting's documents.
    event.waitUntil(keepFromNetwork(data.keep, Boolean(data.unlessKept)));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (url.pathname === SIGN_OUT_PATH) event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(keptThenRefreshed(event));
  } else if (isKept(url)) {
    event.respondWith(networkThenKept(event));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

self.addEventListener("push", (event) => {
  event.waitUntil(showPushed(event.data));
});

async function showPushed(data) {
  let message = {};
  try {
    message = data ? data.json() : {};
  } catch (error) {
    message = { body: data.text() };
  }
  // The same tag replaces the notification: a message pushed twice is shown once.
  await self.registration.showNotification(message.title || "Sổ tay Đảng viên", {
    body: message.body || "", tag: message.tag || undefined, icon: PUSH_ICON, badge: PUSH_ICON,
    data: { url: message.url || "/" },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openPushed(event.notification.data && event.notification.data.url));
});

async function openPushed(url) {
  // Only a page of this site: the payload's link is absolute (SITE_URL), the app may run under another name.
  let target = new URL(url || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL(target.pathname + target.search + target.hash, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => client.url === target.href);
  return open ? open.focus() : self.clients.openWindow(target.href);
}

async function keepFromNetwork(path, unlessKept) {
  if (unlessKept && await caches.match(path, { cacheName: PAGES_CACHE, ignoreVary: true })) return;
  try {
    await keep(new Request(path), await fetch(path, { credentials: "same-origin" }));
  } catch (error) {
    // No signal: nothing to keep this time.
  }
}

function isKept(url) {
  return KEPT_PAGES.some((pattern) => pattern.test(url.pathname));
}

async function keep(request, response) {
  // Only a page of the signed-in member: a redirect to the sign-in page, an error or a 404 is not kept.
  if (!response.ok || response.redirected || response.type !== "basic") return;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(request, response);
  const requests = await cache.keys();
  await Promise.all(requests.slice(0, Math.max(0, requests.length - MOST_KEPT)).map((old) => cache.delete(old)));
}

async function networkThenKept(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(event.request, response.clone()));
    return response;
  } catch (error) {
    const kept = await caches.match(event.request, { cacheName: PAGES_CACHE, ignoreVary: true });
    if (kept) return kept;
    if (event.request.mode === "navigate") return offlinePage();
    throw error;
  }
}

async function keptThenRefreshed(event) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok) event.waitUntil(cache.put(event.request, response.clone()));
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

async function offlinePage() {
  const page = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
  return page || new Response("Không có kết nối.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
