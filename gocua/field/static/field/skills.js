/* GõCửa field app: the digital-skills assessment (issue 18), the second of two screens.
 * Screen 1 is the household (app.js), where each resident has an "assess" link; screen 2 is this
 * form: the date and one tick per question of the framework the phone downloaded. The record is
 * queued offline like a visit ("assessment" records of POST /api/v1/sync) and names the framework
 * version it was made against, so a revision loaded meanwhile does not change its meaning.
 */
(function () {
  "use strict";

  function link(x, r, ctx) {
    if (!ctx.state.skillsFramework || r.status !== "living" || r.pending) return null;
    return ctx.h("a", { href: `#/h/${x.uuid}/skills/${r.uuid}`, class: "skills-link" }, ` ${ctx.T.skills.assess}`);
  }

  function view(x, residentUuid, ctx) {
    const { h, T } = ctx;
    const S = T.skills;
    const W = ctx.W;
    const fw = ctx.state.skillsFramework;
    const r = x.residents.find((y) => y.uuid === residentUuid);
    const back = `#/h/${x.uuid}`;
    const top = h("p", {}, h("a", { href: back }, `← ${W.back}`));
    if (!fw || !r) return [top, h("p", { class: "notice" }, S.none)];
    const error = h("p", { class: "error", role: "alert" });
    const date = h("input", { type: "date", name: "assessed_on", value: ctx.today(), max: ctx.today(), required: true });
    const boxes = [];
    const groups = fw.groups.map((g) => h("fieldset", { class: "card skills-group" },
      h("legend", {}, `${g.code}. ${g.title}`),
      g.questions.map((q) => {
        const box = h("input", { type: "checkbox", name: `q_${q.code}`, "data-code": q.code });
        boxes.push(box);
        return h("label", { class: "check" }, box, " ", q.text);
      })));
    const save = h("button", { type: "button", class: "primary big", id: "skills-save" }, W.save);
    save.addEventListener("click", async () => {
      const on = date.value || ctx.today();
      if (on > ctx.today()) { error.textContent = S.future; return; }
      const answers = {};
      for (const box of boxes) answers[box.dataset.code] = box.checked;
      const record = { uuid: ctx.uuid4(), type: "assessment",
        data: { resident: r.uuid, assessed_on: on, framework: fw.version, answers } };
      await ctx.enqueue([record], x);
      ctx.flash(W.saved_offline);
      location.hash = back;
    });
    return [
      top,
      h("h1", {}, `${S.assess} · ${r.full_name}`),
      h("p", { class: "muted" }, `${fw.title} · ${S.version.replace("%(version)s", fw.version)}. ${S.tick}`),
      h("label", { class: "field" }, h("span", {}, S.date), date),
      groups,
      error,
      h("div", { class: "qv-save" }, save),
    ];
  }

  window.GoCuaSkills = { link, view };
})();
