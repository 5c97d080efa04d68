/* GõCửa field app service worker, version {{ version }}.
   The app shell and its static files come from the cache (so the app opens with no network)
   and are refreshed in the background; the API is never cached: data live in IndexedDB. */
const CACHE = "gocua-field-{{ version }}";
const SHELL = {{ urls|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("gocua-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function refresh(request, cache) {
  return fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  const isShell = event.request.mode === "navigate" && url.pathname === SHELL[0];
  if (!isShell && !SHELL.includes(url.pathname)) return;  // the API and other pages: straight to the network
  const key = isShell ? SHELL[0] : url.pathname;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(key).then((cached) => {
        const fresh = refresh(key, cache).catch(() => cached);
        if (cached) {
          event.waitUntil(fresh.catch(() => null));
          return cached;
        }
        return fresh;
      })
    )
  );
});

// Web Push: the daily digest (gocua/field/push.py); a tap opens (or focuses) the app.
self.addEventListener("push", (event) => {
  let message = { title: "GõCửa", body: "", url: SHELL[0], tag: "gocua-digest" };
  try { message = Object.assign(message, event.data ? event.data.json() : {}); } catch (e) { /* not JSON: defaults */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body, tag: message.tag, icon: SHELL.find((u) => u.endsWith("icon-192.png")), data: { url: message.url },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || SHELL[0];
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).pathname.startsWith(SHELL[0]));
    return open ? open.focus() : self.clients.openWindow(url);
  }));
});
