/* GõCửa field app: works offline. Plain JavaScript, no build step, no library.
 *
 * Data live in IndexedDB ("gocua-field"): kv (token, me, team, catalogue, since, last sync),
 * households (as downloaded, residents nested), queue (records not yet accepted by the
 * server, in order) and rejected (records the server refused, shown to the member).
 * Every change is queued with a UUID made here, so sending it twice is harmless: the server
 * answers "duplicate". Sync = upload the queue, then download what changed.
 */
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("field-strings").textContent);
  const C = JSON.parse(document.getElementById("field-config").textContent);
  const W = T.words;
  const DB_NAME = "gocua-field";
  const BATCH = 200;
  const ESSENTIALS = ["smartphone", "vneid_level2", "payment_account"];
  const AUTH_CODES = ["token_invalid", "token_revoked", "token_expired", "account_inactive",
    "password_change_required", "unauthenticated"];
  const view = document.getElementById("view");
  const state = { households: [], me: null, team: null, catalogue: [], pending: 0, lastSync: null, syncing: false };

  // --- small helpers -------------------------------------------------------------------------

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "value" || k === "checked" || k === "selected") el[k] = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat(9)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const x = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function showDate(iso) {
    if (!iso) return "—";
    const [y, m, d] = iso.slice(0, 10).split("-");
    return `${d}/${m}/${y}`;
  }

  function flash(text) {
    const el = document.getElementById("flash");
    el.textContent = text || "";
    el.hidden = !text;
    if (text) setTimeout(() => { if (el.textContent === text) el.hidden = true; }, 6000);
  }

  // --- IndexedDB -----------------------------------------------------------------------------

  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = () => {
          const d = open.result;
          d.createObjectStore("kv");
          d.createObjectStore("households", { keyPath: "uuid" });
          d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          d.createObjectStore("rejected", { keyPath: "uuid" });
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const finished = (t) => new Promise((resolve, reject) => { t.oncomplete = () => resolve(); t.onerror = t.onabort = () => reject(t.error); });
  async function read(store, key) {
    const t = (await db()).transaction(store);
    return request(key === undefined ? t.objectStore(store).getAll() : t.objectStore(store).get(key));
  }
  async function write(stores, fn) {
    const t = (await db()).transaction(stores, "readwrite");
    fn((name) => t.objectStore(name));
    return finished(t);
  }
  const kvSet = (key, value) => write(["kv"], (s) => s("kv").put(value, key));

  async function wipe(message) {
    if (dbPromise) (await dbPromise).close();
    dbPromise = null;
    await new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(DB_NAME);
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
    Object.assign(state, { households: [], me: null, team: null, catalogue: [], pending: 0, lastSync: null });
    lock.pin = null; // the PIN went with the database
    unlockNow();
    if (message) flash(message);
    location.hash = "#/login";
    render();
  }

  // --- the API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body, params) {
    const token = await read("kv", "token");
    const headers = { Accept: "application/json", "Accept-Language": C.lang };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const url = C.api + path + (params ? `?${new URLSearchParams(params)}` : "");
    // No cookies: a session of the web pages on this site must not stand in for the token.
    const response = await fetch(url, {
      method, headers, credentials: "omit", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function isAuthFailure(error) {
    return error instanceof ApiError && error.status === 401 && AUTH_CODES.includes(error.body.code);
  }

  // --- sync -------------------------------------------------------------------------------------

  async function upload() {
    for (;;) {
      const queued = (await read("queue")).sort((a, b) => a.seq - b.seq).slice(0, BATCH);
      if (!queued.length) return;
      const answer = await api("POST", "/sync", { records: queued.map((q) => q.record) });
      const bySeq = new Map(queued.map((q) => [q.record.uuid, q]));
      const households = new Map((await read("households")).map((x) => [x.uuid, x]));
      await write(["queue", "rejected", "households"], (s) => {
        for (const result of answer.results) {
          const q = bySeq.get(result.uuid);
          if (!q) continue;
          if (result.status === "rejected") {
            s("rejected").put({ uuid: result.uuid, record: q.record, code: result.code, message: result.message });
          }
          s("queue").delete(q.seq);
          const local = q.record.type === "household" && households.get(q.record.uuid);
          if (local && result.status !== "rejected") {
            local.pending = false;
            if (result.household_key) local.household_key = result.household_key;
            s("households").put(local);
          }
        }
      });
      if (queued.length < BATCH) return;
    }
  }

  async function download() {
    const since = await read("kv", "since");
    let page = await api("GET", "/sync", undefined, since ? { since } : undefined);
    const pages = [page];
    while (page.next) {
      page = await api("GET", "/sync", undefined, { cursor: page.next });
      pages.push(page);
    }
    const first = pages[0];
    const local = new Map((await read("households")).map((x) => [x.uuid, x]));
    const queued = new Set((await read("queue")).map((q) => q.record.data && q.record.data.household).filter(Boolean));
    const keep = (x) => x.pending || queued.has(x.uuid);
    await write(["households", "kv"], (s) => {
      const store = s("households");
      if (first.full) for (const x of local.values()) if (!keep(x)) store.delete(x.uuid);
      for (const p of pages) {
        for (const gone of p.removed) if (!queued.has(gone)) store.delete(gone);
        for (const server of p.households) {
          const mine = local.get(server.uuid);
          if (mine) {
            const known = new Set(server.residents.map((r) => r.uuid));
            server.residents.push(...mine.residents.filter((r) => r.pending && !known.has(r.uuid)));
            if (queued.has(server.uuid) && (mine.last_visit_on || "") > (server.last_visit_on || "")) {
              server.last_visit_on = mine.last_visit_on;
            }
          }
          store.put(server);
        }
      }
      if (first.me) s("kv").put(first.me, "me");
      if (first.team) s("kv").put(first.team, "team");
      if (first.catalogue) s("kv").put(first.catalogue, "catalogue");
      if (first.help_requests) s("kv").put(first.help_requests, "help_requests");
      if (first.alerts) s("kv").put(first.alerts, "alerts");  // scam alerts: alerts.js
      if (first.skills_framework !== undefined) s("kv").put(first.skills_framework, "skills_framework");
      s("kv").put(pages[pages.length - 1].since, "since");
      s("kv").put(new Date().toISOString(), "last_sync");
    });
  }

  async function sync() {
    if (state.syncing || !(await read("kv", "token"))) return;
    state.syncing = true;
    showStatus();
    try {
      await upload();
      await download();
    } catch (error) {
      if (isAuthFailure(error)) {
        state.syncing = false;
        await wipe(W.wiped);
        return;
      }
      flash(error instanceof ApiError ? error.message : W.sync_failed);
    } finally {
      state.syncing = false;
    }
    await load();
    // A form being filled in is not redrawn under the member's fingers.
    if (!/\/(visit|resident|new)$/.test(location.hash) && !/\/skills\//.test(location.hash)) render();
  }

  let timer = null;
  function syncSoon(delay) {
    clearTimeout(timer);
    timer = setTimeout(() => { if (navigator.onLine) sync(); }, delay);
  }

  async function enqueue(records, household) {
    await write(["queue", "households"], (s) => {
      for (const record of records) s("queue").add({ record, at: new Date().toISOString() });
      if (household) s("households").put(household);
    });
    await load();
    syncSoon(800);
  }

  async function load() {
    state.households = await read("households");
    state.me = await read("kv", "me");
    state.team = await read("kv", "team");
    state.catalogue = (await read("kv", "catalogue")) || [];
    state.help = (await read("kv", "help_requests")) || [];
    state.alerts = (await read("kv", "alerts")) || [];
    state.skillsFramework = (await read("kv", "skills_framework")) || null;
    state.pending = (await read("queue")).length;
    state.rejected = (await read("rejected")).length;
    state.lastSync = await read("kv", "last_sync");
    showStatus();
  }

  // --- status bar ------------------------------------------------------------------------------

  function showStatus() {
    const net = document.getElementById("net");
    net.textContent = state.syncing ? W.syncing : navigator.onLine ? W.online : W.offline;
    net.className = `net ${navigator.onLine ? "on" : "off"}`;
    document.body.dataset.syncing = state.syncing ? "1" : "0";
    document.getElementById("pending").textContent = String(state.pending);
    const last = state.lastSync ? new Date(state.lastSync) : null;
    let text = W.never;
    if (last) {
      text = last.toLocaleTimeString(C.lang, { hour: "2-digit", minute: "2-digit" });
      if (last.toDateString() !== new Date().toDateString()) text += ` ${last.getDate()}/${last.getMonth() + 1}`;
    }
    document.getElementById("last-sync").textContent = text;
  }

  // --- the work list -----------------------------------------------------------------------------

  const counted = (r) => r.status === "living" || r.status === "away";
  const adult = (r) => new Date().getFullYear() - r.birth_year >= 15;

  // The quick visit form, the due list and the history live in visit.js (window.GoCuaVisit).
  const visitCtx = () => ({ h, state, W, T, C, today, uuid4, enqueue, showDate, counted, adult, itemName, keyOf, flash });

  // The help-request queue lives in help.js (window.GoCuaHelp).
  const helpCtx = () => ({ h, state, T, uuid4, enqueue, keyOf, write, render });

  function need(x) {
    return window.GoCuaVisit.need(x, visitCtx(), today());
  }

  function headName(x) {
    const head = x.residents.find((r) => r.uuid === x.head_uuid) || x.residents[0];
    return head ? head.full_name : "";
  }

  function keyOf(x) {
    return x.household_key || `${x.temp_key} (${W.pending})`;
  }

  function listView() {
    const search = h("input", { type: "search", placeholder: W.search, "aria-label": W.search, class: "search" });
    const list = h("ul", { class: "list" });
    const rows = state.households.map((x) => ({ x, need: need(x), text: fold(`${keyOf(x)} ${x.address_line} ${x.residents.map((r) => r.full_name).join(" ")}`) }));
    rows.sort((a, b) => a.need[0] - b.need[0] || (a.x.last_visit_on || "").localeCompare(b.x.last_visit_on || "")
      || keyOf(a.x).localeCompare(keyOf(b.x), undefined, { numeric: true }));
    const fill = () => {
      const q = fold(search.value.trim());
      list.replaceChildren(...rows.filter((r) => !q || r.text.includes(q)).map((r) => h("li", {},
        h("a", { href: `#/h/${r.x.uuid}`, class: `row need-${r.need[0]}` },
          h("b", {}, keyOf(r.x)), " ", headName(r.x),
          h("small", {}, [r.x.address_line, r.need[1]].filter(Boolean).join(" · "))))));
    };
    search.addEventListener("input", fill);
    fill();
    return [
      h("h1", {}, W.app_title),
      state.rejected ? h("p", { class: "warn" }, `${W.rejected}: ${state.rejected}`) : null,
      window.GoCuaAlerts ? window.GoCuaAlerts.banner(state, h) : null,
      h("div", { class: "actions" }, h("a", { href: "#/new", class: "button primary" }, `+ ${W.new_household}`),
        window.GoCuaHelp ? window.GoCuaHelp.link(helpCtx()) : null),
      search,
      state.households.length ? list : h("p", { class: "muted" }, W.no_households),
      lockButtons(),
      h("p", {}, h("button", { type: "button", class: "link", onclick: logout }, W.log_out)),
    ];
  }

  // --- a household ---------------------------------------------------------------------------------

  function tri(value) {
    return h("span", { class: `tri tri-${value}` }, value === "yes" ? W.yes : value === "no" ? W.no : "?");
  }

  function householdView(x) {
    return [
      h("p", {}, h("a", { href: "#/" }, `← ${W.back}`)),
      h("h1", {}, keyOf(x)),
      h("p", { class: "muted" }, [x.village_name, x.address_line].filter(Boolean).join(" · ")),
      h("div", { class: "actions" },
        h("a", { href: `#/h/${x.uuid}/visit`, class: "button primary" }, W.record_visit),
        h("a", { href: `#/h/${x.uuid}/resident`, class: "button" }, `+ ${W.add_resident}`)),
      h("h2", {}, W.residents),
      h("ul", { class: "people" }, x.residents.map((r) => h("li", {},
        h("b", {}, r.full_name), ` ${r.birth_year} · ${T.relations[r.relation] || r.relation}`,
        r.pending ? h("small", {}, ` (${W.pending})`) : null,
        window.GoCuaSkills ? window.GoCuaSkills.link(x, r, visitCtx()) : null,
        h("div", { class: "tris" }, ESSENTIALS.map((n) => h("span", {}, tri(r.indicators[n]), " ", T.indicators[n])))))),
      window.GoCuaVisit.history(x, visitCtx()),
    ];
  }

  // --- forms ----------------------------------------------------------------------------------------

  function field(label, input) {
    return h("label", { class: "field" }, h("span", {}, label), input);
  }

  function select(name, options, value, attrs) {
    return h("select", { name, ...attrs }, Object.entries(options).map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
  }

  function formView(title, fields, onSave, back) {
    const error = h("p", { class: "error", role: "alert" });
    const form = h("form", { class: "card", novalidate: true }, fields,
      error,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, W.save),
        h("a", { href: back, class: "button" }, W.cancel)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const problem = await onSave(new FormData(form), form);
      if (problem) { error.textContent = problem; return; }
      flash(W.saved_offline);
      location.hash = back;
    });
    return [h("p", {}, h("a", { href: back }, `← ${W.back}`)), h("h1", {}, title), form];
  }

  function itemName(item) {
    return C.lang === "en" ? item.name_en : item.name_vi;
  }

  function visitView(x) {
    return window.GoCuaVisit.view(x, visitCtx());
  }

  function personFields(prefix) {
    return [
      field(prefix ? W.head_name : W.full_name, h("input", { name: "full_name", required: true, maxlength: 120, autocomplete: "off" })),
      field(W.birth_year, h("input", { name: "birth_year", type: "number", inputmode: "numeric", min: 1900, max: new Date().getFullYear(), required: true })),
      field(W.gender, select("gender", T.genders, "")),
      prefix ? null : field(W.relation, select("relation", T.relations, "child")),
      prefix ? null : field(W.phone, h("input", { name: "phone", type: "tel", maxlength: 16, autocomplete: "off" })),
      h("h2", {}, W.essentials),
      ESSENTIALS.map((n) => field(T.indicators[n], select(n, { unknown: W.unknown, yes: W.yes, no: W.no }, "unknown"))),
    ];
  }

  function personFrom(data, relation) {
    const name = (data.get("full_name") || "").trim();
    const year = Number(data.get("birth_year"));
    if (!name || !year) return null;
    const indicators = {};
    for (const n of ESSENTIALS) if (data.get(n) !== "unknown") indicators[n] = data.get(n);
    return { full_name: name, birth_year: year, gender: data.get("gender"), relation, phone: (data.get("phone") || "").trim(), indicators };
  }

  function localResident(id, person) {
    const indicators = Object.fromEntries(Object.keys(T.indicators).map((n) => [n, "unknown"]));
    return { uuid: id, full_name: person.full_name, birth_year: person.birth_year, gender: person.gender, relation: person.relation,
      status: "living", phone: person.phone, indicators: { ...indicators, ...person.indicators }, version: 0, pending: true };
  }

  function residentView(x) {
    return formView(W.add_resident, personFields(false), async (data) => {
      const person = personFrom(data, data.get("relation"));
      if (!person) return W.required;
      const id = uuid4();
      x.residents.push(localResident(id, person));
      if (person.relation === "head" && !x.head_uuid) x.head_uuid = id;
      await enqueue([{ uuid: id, type: "resident", data: { household: x.uuid, ...person } }], x);
      return null;
    }, `#/h/${x.uuid}`);
  }

  function newHouseholdView() {
    const villages = (state.team && state.team.villages) || [];
    const fields = [
      field(W.village, select("village", Object.fromEntries(villages.map((v) => [v.code, v.name])), villages.length ? villages[0].code : "")),
      field(W.address, h("input", { name: "address_line", maxlength: 200, autocomplete: "off" })),
      personFields(true),
    ];
    return formView(W.new_household, fields, async (data) => {
      const person = personFrom(data, "head");
      const village = villages.find((v) => v.code === data.get("village"));
      if (!person || !village) return W.required;
      const id = uuid4();
      const headId = uuid4();
      const tempKey = `TẠM-${id.slice(0, 4).toUpperCase()}`;
      const address = (data.get("address_line") || "").trim();
      const household = { uuid: id, id: null, household_key: null, temp_key: tempKey, address_line: address,
        village_code: village.code, village_name: village.name, head_uuid: headId, last_visit_on: null,
        follow_up_on: null, assigned: false, version: 0, pending: true, residents: [localResident(headId, person)] };
      await enqueue([
        { uuid: id, type: "household", data: { village: village.code, temp_key: tempKey, address_line: address } },
        { uuid: headId, type: "resident", data: { household: id, ...person } },
      ], household);
      return null;
    }, "#/");
  }

  // --- log-in and log-out -------------------------------------------------------------------------

  function loginView() {
    const error = h("p", { class: "error", role: "alert" });
    const newPassword = field(W.new_password, h("input", { name: "new_password", type: "password", autocomplete: "new-password" }));
    newPassword.hidden = true;
    const form = h("form", { class: "card" },
      h("h1", {}, W.log_in),
      field(W.username, h("input", { name: "username", required: true, autocomplete: "username", autocapitalize: "none" })),
      field(W.password, h("input", { name: "password", type: "password", required: true, autocomplete: "current-password" })),
      newPassword,
      field(W.device_name, h("input", { name: "device_name", required: true, maxlength: 80, value: W.default_device })),
      error,
      h("button", { type: "submit", class: "primary wide" }, W.log_in));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      error.textContent = "";
      const owner = await read("kv", "queue_owner");
      const username = String(data.get("username") || "").trim();
      if (owner && owner.toLowerCase() !== username.toLowerCase()) {
        // A member who forgot the PIN left records on this phone: only they may send them.
        if ((await read("queue")).length) { error.textContent = W.queue_owner.replace("%(name)s", owner); return; }
        await wipe();
      }
      try {
        const answer = await api("POST", "/auth/token", {
          username: data.get("username"), password: data.get("password"), device_name: data.get("device_name"),
          new_password: data.get("new_password") || "",
        });
        await write(["kv"], (s) => { s("kv").put(answer.token, "token"); s("kv").delete("queue_owner"); });
        location.hash = "#/";
        await sync();
      } catch (e) {
        if (!(e instanceof ApiError)) { error.textContent = W.need_network_login; return; }
        if (e.body.code === "password_change_required") { newPassword.hidden = false; error.textContent = W.choose_new_password; return; }
        error.textContent = e.message;
      }
    });
    return [form];
  }

  async function logout() {
    if (state.pending && !confirm(W.confirm_logout)) return;
    try { await api("DELETE", "/auth/token"); } catch (e) { /* offline: the token expires by itself */ }
    await wipe();
  }

  // --- the PIN lock ----------------------------------------------------------------------------------
  // Phones are shared in a family: after some idle minutes the app hides behind a lock screen
  // until the member's PIN is typed. The PIN never leaves the phone and is kept only as a salted
  // PBKDF2 hash (WebCrypto) in IndexedDB, so it goes with the rest when the phone logs out. The
  // screen under the lock stays as it was (a half-filled form too); the queue is never touched.
  // It is a lock on the screen, not encryption: data stay in IndexedDB as before.
  const PIN_ITERATIONS = 200000;
  const PIN_TRIES = 5;
  const LOCKED_KEY = "gocua-field-locked"; // localStorage, so a reload of a locked app stays locked
  const ACTIVE_KEY = "gocua-field-active";
  const FAILS_KEY = "gocua-field-pin-fails";
  const LOCK_MINUTES = [1, 2, 5, 10, 15, 30];
  const lock = { pin: null, locked: false, lastActive: Date.now(), saved: 0 };
  const canLock = Boolean(window.crypto && crypto.subtle && window.isSecureContext);

  const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

  async function pinHash(pin, salt, iterations) {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
    return toBase64(bits);
  }

  async function pinMatches(pin) {
    if (!lock.pin) return false;
    const hash = await pinHash(pin, fromBase64(lock.pin.salt), lock.pin.iterations);
    return hash === lock.pin.hash;
  }

  async function pinSave(pin, minutes) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const stored = { salt: toBase64(salt), hash: await pinHash(pin, salt, PIN_ITERATIONS), iterations: PIN_ITERATIONS, minutes };
    await kvSet("pin", stored);
    lock.pin = stored;
  }

  function touch() {
    lock.lastActive = Date.now();
    if (lock.lastActive - lock.saved > 5000) { // a write per tap would be wasted work
      lock.saved = lock.lastActive;
      localStorage.setItem(ACTIVE_KEY, String(lock.lastActive));
    }
  }

  function idleTooLong() {
    if (!lock.pin || lock.locked) return false;
    const stored = Number(localStorage.getItem(ACTIVE_KEY)) || 0;
    return Date.now() - Math.max(lock.lastActive, stored) >= lock.pin.minutes * 60000;
  }

  function lockNow() {
    if (!lock.pin) return;
    lock.locked = true;
    localStorage.setItem(LOCKED_KEY, "1");
    showLock();
  }

  function unlockNow() {
    lock.locked = false;
    localStorage.removeItem(LOCKED_KEY);
    localStorage.removeItem(FAILS_KEY);
    touch();
    const screen = document.getElementById("lock");
    if (screen) screen.remove();
    view.hidden = false;
  }

  function showLock() {
    if (document.getElementById("lock")) return;
    view.hidden = true; // kept, not redrawn: unlocking shows the very same screen
    const error = h("p", { class: "error", role: "alert" });
    const input = h("input", { name: "pin", type: "password", inputmode: "numeric", autocomplete: "off",
      pattern: "[0-9]{4,6}", maxlength: 6, required: true, "aria-label": W.pin });
    const form = h("form", { class: "card" },
      h("h1", {}, W.locked),
      h("p", {}, W.locked_help),
      field(W.pin, input),
      error,
      h("button", { type: "submit", class: "primary wide" }, W.unlock));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await pinMatches(input.value)) { unlockNow(); return; }
      const fails = (Number(localStorage.getItem(FAILS_KEY)) || 0) + 1;
      localStorage.setItem(FAILS_KEY, String(fails));
      input.value = "";
      if (fails >= PIN_TRIES) { await forgotPin(); flash(W.pin_too_many); return; }
      error.textContent = W.pin_wrong;
    });
    const screen = h("section", { id: "lock", class: "lock" }, form,
      h("p", {}, h("button", { type: "button", class: "link", onclick: forgotPin }, W.pin_forgot)));
    view.after(screen);
    input.focus();
  }

  async function forgotPin() {
    // Log out, but keep the households and the queue: after the same member logs in again the
    // queue is sent. Nobody else may log in on top of it (see loginView).
    const me = state.me || (await read("kv", "me"));
    try { await api("DELETE", "/auth/token"); } catch (e) { /* offline: the token expires by itself */ }
    await write(["kv"], (s) => {
      s("kv").delete("token");
      s("kv").delete("pin");
      if (me && me.username) s("kv").put(me.username, "queue_owner");
    });
    lock.pin = null;
    unlockNow();
    location.hash = "#/login";
    await render();
  }

  function pinView() {
    const digits = (name, label) => field(label, h("input", { name, type: "password", inputmode: "numeric",
      autocomplete: "off", pattern: "[0-9]{4,6}", maxlength: 6 }));
    const minutes = lock.pin ? lock.pin.minutes : 5;
    const choices = Object.fromEntries(LOCK_MINUTES.map((m) => [String(m), W.after_minutes.replace("%(minutes)s", m)]));
    const fields = [
      h("p", {}, W.pin_help),
      lock.pin ? h("p", { class: "muted" }, W.pin_remove_help) : null,
      lock.pin ? digits("current", W.pin_current) : null,
      digits("pin", W.pin_new),
      digits("again", W.pin_again),
      field(W.lock_after, select("minutes", choices, String(minutes))),
    ];
    return formView(W.pin_title, fields, async (data) => {
      const pin = data.get("pin") || "";
      if (lock.pin && !(await pinMatches(data.get("current") || ""))) return W.pin_wrong;
      if (lock.pin && !pin && !data.get("again")) {
        await write(["kv"], (st) => st("kv").delete("pin"));
        lock.pin = null;
        return null;
      }
      if (!/^[0-9]{4,6}$/.test(pin)) return W.pin_format;
      if (pin !== data.get("again")) return W.pin_mismatch;
      await pinSave(pin, Number(data.get("minutes")) || 5);
      return null;
    }, "#/");
  }

  function lockButtons() {
    if (!canLock) return null;
    return h("p", { class: "actions" },
      h("a", { href: "#/pin", class: "button" }, lock.pin ? W.pin_change : W.pin_set),
      lock.pin ? h("button", { type: "button", class: "lock-now", onclick: lockNow }, W.lock_now) : null);
  }

  async function startLock() {
    lock.pin = canLock ? (await read("kv", "pin")) || null : null;
    for (const name of ["pointerdown", "keydown", "touchstart", "input", "wheel"]) {
      document.addEventListener(name, touch, { passive: true, capture: true });
    }
    const check = () => { if (idleTooLong()) lockNow(); };
    setInterval(check, 10000);
    document.addEventListener("visibilitychange", check);
    if (lock.pin && (localStorage.getItem(LOCKED_KEY) === "1" || idleTooLong())) lockNow();
    else touch();
  }

  // --- routing ---------------------------------------------------------------------------------------

  async function render() {
    const token = await read("kv", "token");
    const route = location.hash.replace(/^#/, "") || "/";
    document.getElementById("status").hidden = !token;
    let content;
    if (!token) content = loginView();
    else if (route === "/new") content = newHouseholdView();
    else if (route === "/pin" && canLock) content = pinView();
    else if (/^\/help(\/\d+)?$/.test(route) && window.GoCuaHelp) content = window.GoCuaHelp.view(helpCtx(), route.split("/")[2]);
    else {
      const match = route.match(/^\/h\/([0-9a-f-]{36})(\/visit|\/resident|\/skills\/[0-9a-f-]{36})?$/);
      const x = match && state.households.find((y) => y.uuid === match[1]);
      if (x && match[2] && match[2].startsWith("/skills/")) content = window.GoCuaSkills.view(x, match[2].slice(8), visitCtx());
      else if (x && match[2] === "/visit") content = visitView(x);
      else if (x && match[2] === "/resident") content = residentView(x);
      else if (x) content = householdView(x);
      else content = listView();
    }
    view.replaceChildren(...content.flat(9).filter(Boolean));
    showStatus();
    window.scrollTo(0, 0);
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(C.sw, { scope: C.scope }).catch(() => null);
    }
    document.getElementById("sync-now").addEventListener("click", () => sync());
    window.addEventListener("hashchange", render);
    window.addEventListener("online", () => { showStatus(); sync(); });
    window.addEventListener("offline", showStatus);
    setInterval(() => { if (navigator.onLine) sync(); }, 60000);
    await load();
    await startLock();
    await render();
    document.body.dataset.ready = "1";
    if (navigator.onLine) sync();
  }

  start();
})();
