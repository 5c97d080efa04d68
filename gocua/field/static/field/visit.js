/* GõCửa field app: the quick visit form, the due list and a household's visit history.
 *
 * Kept apart from app.js so that the two change independently. app.js hands over its helpers
 * (`ctx`: h, state, W, T, C, today, uuid4, enqueue, showDate, counted, adult, itemName).
 * Everything here works offline, from what the last sync downloaded.
 */
(function () {
  "use strict";
  const DUE_SOON_DAYS = 7; // outreach.selectors.DUE_SOON_DAYS
  const PICKS = [3, 7, 14]; // come back in 3 days, 1 week, 2 weeks
  // One tap per outcome: the field app's four answers and the outcome each records.
  const ANSWERS = [["done", "done"], ["partly", "needs_help"], ["refused", "refused"]];

  function addDays(iso, days) {
    const [y, m, d] = iso.split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d + days));
    return date.toISOString().slice(0, 10);
  }

  // The work-list group, as the server's selectors.with_need: overdue, due this week, then by need.
  function need(x, ctx, todayIso) {
    const { W } = ctx;
    const lacks = (r) => ctx.counted(r) && ctx.adult(r) && ["smartphone", "vneid_level2", "payment_account"]
      .some((n) => r.indicators[n] === "no");
    const due = x.follow_up_on;
    if (due && due < todayIso) return [0, `${W.follow_up_overdue}: ${ctx.showDate(due)}`];
    if (due && due < addDays(todayIso, DUE_SOON_DAYS)) return [1, `${W.follow_up_due}: ${ctx.showDate(due)}`];
    if (!x.last_visit_on) return [2, W.never_visited];
    if (x.residents.some(lacks)) return [3, W.lacking];
    return [4, `${W.last_visit}: ${ctx.showDate(x.last_visit_on)}`];
  }

  // What this person still lacks: catalogue items whose indicators are not all "yes".
  function itemsFor(r, ctx) {
    return ctx.state.catalogue.filter((item) => !item.indicators.length
      || item.indicators.some((n) => r.indicators[n] !== "yes"));
  }

  function eligible(x, ctx) {
    return x.residents.filter((r) => ctx.counted(r) && ctx.adult(r)
      && itemsFor(r, ctx).some((item) => item.indicators.length));
  }

  function history(x, ctx) {
    const { h, W, T } = ctx;
    const visits = x.visits || [];
    const names = Object.fromEntries(x.residents.map((r) => [r.uuid, r.full_name]));
    const items = Object.fromEntries(ctx.state.catalogue.map((i) => [i.id, ctx.itemName(i)]));
    return [
      h("h2", {}, W.visits),
      visits.length ? h("ol", { class: "history" }, visits.map((v) => h("li", {},
        h("b", {}, ctx.showDate(v.visited_on)), " · ", v.members.join(", "),
        v.follow_up_on ? h("span", { class: "due" }, ` ${W.follow_up_due}: ${ctx.showDate(v.follow_up_on)}`) : null,
        h("ul", {}, v.residents.map((vr) => h("li", {}, `${names[vr.resident] || "?"}: `,
          vr.present ? (vr.outcomes.length ? vr.outcomes.map((o) => `${items[o.item] || "?"} — ${T.outcomes[o.outcome] || o.outcome}`).join("; ")
            : W.not_guided) : W.not_home)))))) : h("p", { class: "muted" }, W.no_visits),
    ];
  }

  function view(x, ctx) {
    const { h, state, W } = ctx;
    const people = eligible(x, ctx);
    const answers = new Map(); // resident uuid → {outcomes: Map(item id → outcome), away, days}
    const error = h("p", { class: "error", role: "alert" });
    const members = state.team ? state.team.members.filter((m) => !state.me || m.id !== state.me.member_id) : [];

    function answerOf(r) {
      if (!answers.has(r.uuid)) answers.set(r.uuid, { outcomes: new Map(), away: false, days: 7 });
      return answers.get(r.uuid);
    }

    function personBlock(r, open) {
      const a = answerOf(r);
      const body = h("div", { class: "qv-body", hidden: !open });
      const comeBack = h("div", { class: "qv-back", hidden: true },
        h("span", {}, W.come_back), PICKS.map((d) => {
          const chip = h("button", { type: "button", class: "chip", "data-days": d, "aria-pressed": String(d === a.days) },
            d === 3 ? W.in_3_days : d === 7 ? W.in_1_week : W.in_2_weeks);
          chip.addEventListener("click", () => {
            a.days = d;
            comeBack.querySelectorAll(".chip").forEach((c) => c.setAttribute("aria-pressed", String(c === chip)));
          });
          return chip;
        }));
      const refresh = () => {
        comeBack.hidden = ![...a.outcomes.values()].includes("partly");
        head.classList.toggle("answered", a.outcomes.size > 0 || a.away);
      };
      const rows = itemsFor(r, ctx).map((item) => h("div", { class: "qv-item" },
        h("span", { class: "qv-name" }, ctx.itemName(item)),
        h("span", { class: "qv-answers" }, ANSWERS.map(([outcome, word]) => {
          const button = h("button", { type: "button", class: `qv-a qv-${outcome}`, "aria-pressed": "false",
            "data-item": item.id, "data-outcome": outcome }, W[word]);
          button.addEventListener("click", () => {
            const same = a.outcomes.get(item.id) === outcome;
            if (same) a.outcomes.delete(item.id); else a.outcomes.set(item.id, outcome);
            a.away = false;
            button.parentNode.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(!same && b === button)));
            away.setAttribute("aria-pressed", "false");
            refresh();
          });
          return button;
        }))));
      const away = h("button", { type: "button", class: "qv-away", "aria-pressed": "false" }, W.not_home);
      away.addEventListener("click", () => {
        a.away = !a.away;
        a.outcomes.clear();
        body.querySelectorAll(".qv-a").forEach((b) => b.setAttribute("aria-pressed", "false"));
        away.setAttribute("aria-pressed", String(a.away));
        refresh();
      });
      body.append(...rows, away, comeBack);
      const head = h("button", { type: "button", class: "qv-person", "aria-expanded": String(open) },
        h("b", {}, r.full_name), ` ${r.birth_year}`);
      head.addEventListener("click", () => {
        body.hidden = !body.hidden;
        head.setAttribute("aria-expanded", String(!body.hidden));
      });
      return h("section", { class: "qv card" }, head, body);
    }

    const date = h("input", { type: "date", name: "visited_on", value: ctx.today(), max: ctx.today(), required: true });
    const withMember = members.length ? h("select", { name: "with" }, h("option", { value: "" }, W.nobody),
      members.map((m) => h("option", { value: String(m.id) }, m.full_name))) : null;
    const save = h("button", { type: "button", class: "primary big", id: "qv-save" }, W.save);
    const warnings = window.GoCuaAlerts ? window.GoCuaAlerts.checklist(x, ctx) : null;  // alerts.js
    save.addEventListener("click", async () => {
      if (!state.me || !state.me.member_id) { error.textContent = W.sync_failed; return; }
      const visitedOn = date.value || ctx.today();
      const entries = [];
      let followUp = null;
      for (const r of people) {
        const a = answers.get(r.uuid);
        if (!a || (!a.away && !a.outcomes.size)) continue;
        const due = addDays(visitedOn, a.days);
        const outcomes = [...a.outcomes].map(([item, outcome]) => ({ item, outcome,
          ...(outcome === "partly" ? { follow_up_on: due } : {}) }));
        if (outcomes.some((o) => o.follow_up_on) && (!followUp || due < followUp)) followUp = due;
        entries.push({ resident: r.uuid, present: !a.away, outcomes });
      }
      if (!entries.length) { error.textContent = W.choose_resident; return; }
      const memberIds = [state.me.member_id, ...(withMember && withMember.value ? [Number(withMember.value)] : [])];
      const record = { uuid: ctx.uuid4(), type: "visit", data: { household: x.uuid, visited_on: visitedOn,
        members: memberIds, residents: entries, note: "" } };
      const warned = warnings ? warnings.ticked() : [];
      if (warned.length) { record.data.warned_alerts = warned; warnings.remember(warned); }
      // Update the phone's copy as the server will: indicators of "done", the visit, the open follow-up.
      for (const e of entries) {
        const r = x.residents.find((y) => y.uuid === e.resident);
        for (const o of e.outcomes) if (o.outcome === "done") {
          for (const n of state.catalogue.find((i) => i.id === o.item).indicators) r.indicators[n] = "yes";
        }
      }
      if (!x.last_visit_on || visitedOn >= x.last_visit_on) {
        x.last_visit_on = visitedOn;
        x.follow_up_on = followUp;
      }
      const mine = state.team && state.team.members.filter((m) => memberIds.includes(m.id)).map((m) => m.full_name);
      x.visits = [{ uuid: record.uuid, visited_on: visitedOn, members: mine || [], follow_up_on: followUp,
        residents: entries.map((e) => ({ ...e, outcomes: e.outcomes.map((o) => ({ follow_up_on: null, ...o })) })) },
      ...(x.visits || [])].slice(0, 5);
      await ctx.enqueue([record], x);
      ctx.flash(W.saved_offline);
      location.hash = `#/h/${x.uuid}`;
    });

    return [
      h("p", {}, h("a", { href: `#/h/${x.uuid}` }, `← ${W.back}`)),
      h("h1", {}, `${W.record_visit} · ${ctx.keyOf(x)}`),
      people.length ? people.map((r) => personBlock(r, people.length === 1))
        : h("p", { class: "muted" }, W.nobody_lacking),
      h("details", { class: "qv-more" }, h("summary", {}, W.more),
        h("label", { class: "field" }, h("span", {}, W.date), date),
        withMember ? h("label", { class: "field" }, h("span", {}, W.with_member), withMember) : null),
      warnings ? warnings.element : null,
      error,
      h("div", { class: "qv-save" }, save),
    ];
  }

  window.GoCuaVisit = { need, view, history, eligible, itemsFor };
})();
