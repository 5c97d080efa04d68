/* GõCửa field app: the team's help-request queue (issue 17), workable offline.
 *
 * Kept apart from app.js (like visit.js). app.js hands over its helpers (`ctx`: h, state, T,
 * uuid4, enqueue, keyOf, write). The queue comes with each sync download (`help_requests`);
 * claiming, calling back, linking a household and closing are queued as records
 * (help_claim, help_call, help_link, help_close) and uploaded with the next sync.
 */
(function () {
  "use strict";

  const open = (r) => r.status !== "closed";

  async function save(ctx, entry, record) {
    const list = ctx.state.help.map((r) => (r.id === entry.id ? entry : r));
    await ctx.write(["kv"], (s) => s("kv").put(list, "help_requests"));
    await ctx.enqueue([{ uuid: ctx.uuid4(), type: record.type, data: record.data }]);
    if (location.hash === `#/help/${entry.id}`) await ctx.render();
    else location.hash = `#/help/${entry.id}`;
  }

  function link(ctx) {
    const W = ctx.T.help;
    const waiting = (ctx.state.help || []).filter(open).length;
    return ctx.h("a", { href: "#/help", class: "button help-link" }, `${W.queue} (${waiting})`);
  }

  function householdName(ctx, uuid) {
    const x = ctx.state.households.find((y) => y.uuid === uuid);
    return x ? ctx.keyOf(x) : ctx.T.help.household;
  }

  function card(ctx, r) {
    const { h } = ctx;
    const W = ctx.T.help;
    return h("li", { class: "card help-entry", "data-id": String(r.id) },
      h("a", { href: `#/help/${r.id}`, class: "row" },
        h("b", {}, r.service_name || W.other), " ", r.name,
        r.count > 1 ? h("span", { class: "count" }, ` ×${r.count}`) : null,
        h("small", {}, [W.statuses[r.status] || r.status, r.overdue ? W.overdue : "", r.village_name]
          .filter(Boolean).join(" · "))));
  }

  function listView(ctx) {
    const { h } = ctx;
    const W = ctx.T.help;
    const items = (ctx.state.help || []).filter(open);
    return [
      h("p", {}, h("a", { href: "#/" }, `← ${ctx.T.words.back}`)),
      h("h1", {}, W.queue),
      items.length ? h("ul", { class: "list help-list" }, items.map((r) => card(ctx, r)))
        : h("p", { class: "muted" }, W.empty),
    ];
  }

  function entryView(ctx, r) {
    const { h } = ctx;
    const W = ctx.T.help;
    const act = (type, change, extra) => async () => {
      await save(ctx, { ...r, ...change }, { type, data: { request: r.id, ...(extra || {}) } });
    };
    const reasons = h("select", { name: "reason", class: "help-reason" },
      Object.entries(W.reasons).map(([v, label]) => h("option", { value: v }, label)));
    const actions = open(r) ? [
      r.status === "new" ? h("button", { type: "button", class: "primary help-claim",
        onclick: act("help_claim", { status: "claimed", mine: true, claimed_by: ctx.state.me && ctx.state.me.full_name }) },
        W.claim) : null,
      h("a", { href: `tel:${r.phone}`, class: "button help-call", onclick: act("help_call", {}) }, `📞 ${W.call}`),
      r.household ? h("a", { href: `#/h/${r.household}/visit`, class: "button primary help-visit" }, W.visit) : null,
      ...r.candidates.filter((u) => u !== r.household).map((u) => h("button", { type: "button", class: "help-link-household",
        "data-household": u, onclick: act("help_link", { household: u }, { household: u }) },
        `${W.link}: ${householdName(ctx, u)}`)),
      h("div", { class: "card" }, reasons, h("button", { type: "button", class: "help-close",
        onclick: async () => { await act("help_close", { status: "closed", close_reason: reasons.value }, { reason: reasons.value })(); } },
        W.close)),
    ] : [h("p", { class: "ok" }, W.statuses.closed)];
    return [
      h("p", {}, h("a", { href: "#/help" }, `← ${W.queue}`)),
      h("h1", {}, r.service_name || W.other),
      h("p", { class: "help-status", "data-status": r.status }, W.statuses[r.status] || r.status,
        r.claimed_by ? ` · ${r.claimed_by}` : ""),
      h("p", {}, `${r.name} · ${r.phone}`, r.count > 1 ? ` · ×${r.count}` : ""),
      r.other_text ? h("p", {}, r.other_text) : null,
      h("p", { class: "muted" }, `${W.times[r.preferred_time] || ""} · ${r.village_name}`),
      r.household ? h("p", {}, `${W.household}: ${householdName(ctx, r.household)}`) : null,
      h("div", { class: "actions" }, actions),
    ];
  }

  function view(ctx, id) {
    const r = id ? (ctx.state.help || []).find((x) => String(x.id) === id) : null;
    return r ? entryView(ctx, r) : listView(ctx);
  }

  window.GoCuaHelp = { view, link };
})();
