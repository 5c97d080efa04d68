/* GõCửa field app: daily reminders by Web Push, where the phone allows it.
 *
 * Shows the "Daily reminders" button in the header once the app is logged in, the browser
 * supports Web Push and the service worker is installed. A tap asks for permission, subscribes
 * with this server's VAPID key and sends the subscription to /api/v1/field/push/subscriptions
 * with the app's own token. A second tap turns reminders off. Nothing here works offline, and
 * nothing needs to: the notifications come through the phone's push service.
 */
(function () {
  "use strict";
  const C = JSON.parse(document.getElementById("field-config").textContent);
  const button = document.getElementById("push-toggle");
  const ID_KEY = "gocua-field-push-id"; // localStorage: the server's id of this phone's subscription
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;

  function token() {
    return new Promise((resolve) => {
      const open = indexedDB.open("gocua-field", 1);
      open.onerror = () => resolve(null);
      open.onsuccess = () => {
        try {
          const get = open.result.transaction("kv").objectStore("kv").get("token");
          get.onsuccess = () => resolve(get.result || null);
          get.onerror = () => resolve(null);
        } catch (e) { resolve(null); }
      };
    });
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json", "Accept-Language": C.lang, Authorization: `Bearer ${await token()}` };
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(C.api + path, {
      method, headers, credentials: "omit", cache: "no-store", body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
    return data;
  }

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  function show(on) {
    button.hidden = false;
    button.textContent = on ? button.dataset.on : button.dataset.off;
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  async function current() {
    const registration = await navigator.serviceWorker.ready;
    return registration.pushManager.getSubscription();
  }

  async function turnOn() {
    if ((await Notification.requestPermission()) !== "granted") {
      button.textContent = button.dataset.denied;
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    const { public_key: key } = await api("GET", "/field/push/key");
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
    const json = subscription.toJSON();
    const saved = await api("POST", "/field/push/subscriptions", { endpoint: json.endpoint, keys: json.keys });
    localStorage.setItem(ID_KEY, String(saved.id));
    show(true);
  }

  async function turnOff() {
    const subscription = await current();
    const id = localStorage.getItem(ID_KEY);
    if (id) await api("DELETE", `/field/push/subscriptions/${id}`).catch(() => null);
    if (subscription) await subscription.unsubscribe();
    localStorage.removeItem(ID_KEY);
    show(false);
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    current()
      .then((subscription) => (subscription && localStorage.getItem(ID_KEY) ? turnOff() : turnOn()))
      .catch((error) => { button.textContent = `${button.dataset.failed} ${error.message}`; })
      .finally(() => { button.disabled = false; });
  });

  async function start() {
    if (Notification.permission === "denied" || !(await token())) return;
    show(Boolean((await current()) && localStorage.getItem(ID_KEY)));
  }
  window.addEventListener("load", () => { start().catch(() => null); });
  window.addEventListener("hashchange", () => { if (button.hidden) start().catch(() => null); });
})();
