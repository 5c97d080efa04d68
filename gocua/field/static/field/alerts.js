/* GõCửa field app: scam alerts, offline. The banner on the work list and the "đã cảnh báo"
 * checklist of the visit form, from the `alerts` of the last sync download (kept in IndexedDB
 * by app.js under kv "alerts"). A tick goes to the server with the visit (`warned_alerts`).
 * Kept apart from app.js and visit.js so that each changes on its own.
 */
(function () {
  "use strict";
  const A = JSON.parse(document.getElementById("field-strings").textContent).alerts || {};

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  // Alerts still in force on this phone's calendar (the download may be days old).
  function inForce(state) {
    const now = today();
    return (state.alerts || []).filter((a) => a.expires_on >= now);
  }

  function showDay(iso) {
    const [y, m, d] = iso.split("-");
    return `${d}/${m}/${y}`;
  }

  function banner(state, h) {
    const alerts = inForce(state);
    if (!alerts.length) return null;
    return h("section", { class: "alert-banner", "aria-label": A.title },
      alerts.map((a) => h("details", { class: `alert-item sev-${a.severity}`, "data-alert": a.id },
        h("summary", {}, h("b", {}, `⚠ ${a.title}`), h("small", {}, ` · ${a.area} · ${A.until} ${showDay(a.expires_on)}`)),
        h("p", {}, a.looks_like),
        a.what_to_do ? h("p", {}, h("b", {}, `${A.what_to_do}: `), a.what_to_do) : null)),
      h("p", { class: "muted" }, A.remind));
  }

  // The checklist of the visit form: one box per alert in force; returns null when there is none.
  function checklist(x, ctx) {
    const alerts = inForce(ctx.state);
    if (!alerts.length) return null;
    const boxes = alerts.map((a) => {
      const done = (a.warned || []).includes(x.uuid);
      const box = ctx.h("input", { type: "checkbox", class: "qv-warned", value: String(a.id) });
      if (done) { box.checked = true; box.disabled = true; }
      return ctx.h("label", { class: `qv-warn sev-${a.severity}` }, box, ` ${a.title}`,
        done ? ctx.h("small", { class: "muted" }, ` (${A.already})`) : null);
    });
    const element = ctx.h("fieldset", { class: "card qv-warnings" }, ctx.h("legend", {}, A.warned), boxes);
    return {
      element,
      ticked: () => [...element.querySelectorAll("input.qv-warned:checked:not(:disabled)")].map((b) => Number(b.value)),
      // Until the next download, the phone remembers what it sent.
      remember: (ids) => {
        for (const a of ctx.state.alerts || []) if (ids.includes(a.id)) (a.warned = a.warned || []).push(x.uuid);
      },
    };
  }

  window.GoCuaAlerts = { banner, checklist, inForce };
})();
