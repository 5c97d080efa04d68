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
    if (!/\/(visit|resident|new)$/.test(location.hash)) render();
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
      h("div", { class: "actions" }, h("a", { href: "#/new", class: "button primary" }, `+ ${W.new_household}`)),
      search,
      state.households.length ? list : h("p", { class: "muted" }, W.no_households),
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
      try {
        const answer = await api("POST", "/auth/token", {
          username: data.get("username"), password: data.get("password"), device_name: data.get("device_name"),
          new_password: data.get("new_password") || "",
        });
        await kvSet("token", answer.token);
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

  // --- routing ---------------------------------------------------------------------------------------

  async function render() {
    const token = await read("kv", "token");
    const route = location.hash.replace(/^#/, "") || "/";
    document.getElementById("status").hidden = !token;
    let content;
    if (!token) content = loginView();
    else if (route === "/new") content = newHouseholdView();
    else {
      const match = route.match(/^\/h\/([0-9a-f-]{36})(\/visit|\/resident)?$/);
      const x = match && state.households.find((y) => y.uuid === match[1]);
      if (x && match[2] === "/visit") content = visitView(x);
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
    await render();
    document.body.dataset.ready = "1";
    if (navigator.onLine) sync();
  }

  start();
})();
