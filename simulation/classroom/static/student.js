// The student page: join with the round's code, then decide for one organisation each month.
"use strict";

(async () => {
  const { t, el, phaseName } = Classroom;
  const params = new URLSearchParams(location.search);
  const stored = sessionStorage.getItem("alliances-lang");
  await Classroom.loadStrings(params.get("lang") || stored || "");
  Classroom.translate();
  document.title = t("title");

  const $ = (id) => document.querySelector(`[data-testid=${id}]`);
  const joinForm = document.getElementById("join");
  const play = document.getElementById("play");
  if (params.get("code")) joinForm.elements.code.value = params.get("code");
  let view = null;
  let ref = 0;
  const chosen = { start: new Set(), alliances: new Map() };

  Classroom.languageSwitch($("language"), Classroom.lang, async (code) => {
    sessionStorage.setItem("alliances-lang", code);
    await Classroom.loadStrings(code);
    Classroom.translate();
    document.title = t("title");
    if (view) render(view);
  });

  function say(text) {
    $("message").textContent = text;
  }

  const timer = Classroom.countdown($("state"), (node, left) => {
    if (!view) return;
    node.textContent = left === null ? t(`state_${view.state}`) : t("seconds_left", { n: left });
  });

  function who(label) {
    return label.name ? label.name : t("organisation", { org: label.org });
  }

  const connection = Classroom.connect({
    status(up) {
      $("connection").hidden = up;
    },
    open(send) {
      const token = sessionStorage.getItem("alliances-token");
      if (token) send({ type: "resume", token });
      else joinForm.hidden = false;
    },
    message(message) {
      if (message.type === "welcome") {
        sessionStorage.setItem("alliances-token", message.token);
        joinForm.hidden = true;
        play.hidden = false;
        say("");
      } else if (message.type === "you") {
        view = message;
        render(message);
      } else if (message.type === "done") {
        say(t(`done_${message.ok}`));
        if (message.answers) showAnswers(message.answers);
      } else if (message.type === "reset") {
        sessionStorage.removeItem("alliances-token");
        view = null;
        play.hidden = true;
        joinForm.elements.code.value = "";
        joinForm.hidden = false;
        say(t("new_round_started"));
      } else if (message.type === "error") {
        say(t(`error_${message.error}`));
        if (message.error === "unknown_student") {
          sessionStorage.removeItem("alliances-token");
          play.hidden = true;
          joinForm.hidden = false;
        }
      }
    },
  });

  function send(message) {
    ref += 1;
    connection.send({ ...message, ref });
  }

  joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    connection.send({
      type: "join",
      code: joinForm.elements.code.value.trim(),
      name: joinForm.elements.name.value.trim(),
    });
  });

  $("start").addEventListener("click", () => {
    if (chosen.start.size === 0) return;
    send({ type: "invite", orgs: [...chosen.start], open: $("start-open").checked });
    chosen.start.clear();
  });

  function showAnswers(answers) {
    const labels = new Map((view ? view.candidates : []).map((c) => [String(c.org), c]));
    $("answers").replaceChildren(
      ...Object.entries(answers).map(([org, answer]) =>
        el("li", { text: t(`answer_${answer}`, { who: who(labels.get(org) || { org }) }) }))
    );
  }

  function candidateBoxes(candidates, selected, prefix) {
    return candidates.map((c) =>
      el("label", { class: "check" },
        el("input", {
          type: "checkbox",
          testid: `${prefix}-${c.org}`,
          checked: selected.has(c.org),
          onchange: (event) => {
            if (event.target.checked) selected.add(c.org);
            else selected.delete(c.org);
          },
        }),
        " ",
        who(c),
        c.name ? el("span", { class: "tag", text: t("student_tag") }) : null,
        el("span", { class: "quiet info", text: t("candidate_info", {
          alike: Math.round(100 * c.alike), trust: Math.round(100 * c.trust) }) }))
    );
  }

  function choiceButtons(alliance, type, options, current) {
    return el("div", { class: "choices" },
      ...options.map(([value, key]) =>
        el("button", {
          type: "button",
          class: current === value ? "chosen" : null,
          "aria-pressed": current === value ? "true" : "false",
          testid: `${type}-${alliance.id}-${value}`,
          text: t(key),
          onclick: () => send({ type, alliance: alliance.id, choice: value }),
        })));
  }

  function allianceCard(a) {
    const card = el("article", { class: `card phase-${a.phase}`, testid: `alliance-${a.id}` },
      el("h3", {},
        t("alliance", { id: a.id }), " ",
        el("span", { class: `chip phase-${a.phase}`, testid: `phase-${a.id}`,
          text: phaseName(a.phase) }), " ",
        el("span", { class: "quiet", text: t(a.open ? "open_tag" : "closed_tag") })),
      el("p", { class: "members" }, `${t("members")}: `,
        a.members.map((m) => who(m)).join(", ")),
      el("p", { testid: `commitment-${a.id}` },
        t("commitment", { value: a.commitment.toFixed(2), threshold: a.exit_commitment })),
      el("div", { class: "choices" },
        el("button", {
          type: "button", testid: `stay-${a.id}`, class: a.staying ? "chosen" : null,
          text: t("stay"), onclick: () => send({ type: "stay", alliance: a.id }),
        }),
        el("button", {
          type: "button", testid: `leave-${a.id}`, class: "danger",
          text: t("leave"), onclick: () => send({ type: "leave", alliance: a.id }),
        })),
      a.staying ? el("p", { class: "quiet", text: t("staying") }) : null);
    if (a.transforming) {
      card.append(
        el("h4", { text: t("vote_heading") }),
        choiceButtons(a, "vote", [
          ["evolutionary", "vote_evolutionary"],
          ["revolutionary", "vote_revolutionary"],
          ["end", "vote_end"],
        ], a.vote));
      if (a.can_back) {
        card.append(
          el("h4", { text: t("backing_heading") }),
          choiceButtons(a, "back", [["leader", "back_leader"], ["collective", "back_collective"]],
            a.backing));
      }
    }
    if (a.can_invite && view.invites_left > 0) {
      if (!chosen.alliances.has(a.id)) chosen.alliances.set(a.id, new Set());
      const selected = chosen.alliances.get(a.id);
      const members = new Set(a.members.map((m) => m.org));
      const candidates = view.candidates.filter((c) => !members.has(c.org));
      if (candidates.length) {
        card.append(
          el("h4", { text: t("invite_more") }),
          el("div", { class: "candidates" }, ...candidateBoxes(candidates, selected, `invite-${a.id}`)),
          el("button", {
            type: "button", testid: `invite-${a.id}`, text: t("invite_button"),
            onclick: () => {
              if (selected.size === 0) return;
              send({ type: "invite", alliance: a.id, orgs: [...selected] });
              selected.clear();
            },
          }));
      }
    }
    return card;
  }

  function invitationRow(i) {
    let text;
    if (i.provisional) text = t("invite_provisional", { who: who(i.from), id: i.alliance });
    else if (i.new) text = t("invite_new", { who: who(i.from) });
    else text = t("invite_existing", { who: who(i.from), id: i.alliance });
    return el("div", { class: "card invitation", testid: `invitation-${i.id}` },
      el("p", { text }),
      el("div", { class: "choices" },
        el("button", {
          type: "button", testid: `accept-${i.id}`, text: t("accept"),
          onclick: () => send({ type: "answer", invitation: i.id, accept: true }),
        }),
        el("button", {
          type: "button", testid: `decline-${i.id}`, text: t("decline"),
          onclick: () => send({ type: "answer", invitation: i.id, accept: false }),
        })));
  }

  function render(v) {
    $("month").textContent = t("month", { n: v.month });
    timer(v.seconds_left, v.state === "running");
    $("who").textContent = t("you_are", { name: v.name, org: v.org });
    $("capacity").textContent = t("capacity", { load: v.load, capacity: v.capacity });
    $("acted").textContent = v.state === "running" || v.state === "paused"
      ? t(v.acted ? "acted" : "not_acted") : "";
    $("invitations").replaceChildren(
      ...(v.invitations.length ? v.invitations.map(invitationRow)
        : [el("p", { class: "quiet", text: t("no_invitations") })]));
    $("alliances").replaceChildren(
      ...(v.alliances.length ? v.alliances.map(allianceCard)
        : [el("p", { class: "quiet", text: t("no_alliances") })]));
    const deciding = v.state === "running" || v.state === "paused";
    const canStart = deciding && v.load < v.capacity && v.invites_left > 0;
    $("start-section").hidden = !canStart;
    const offered = new Set(v.candidates.map((c) => c.org));
    for (const org of [...chosen.start]) if (!offered.has(org)) chosen.start.delete(org);
    $("start-hint").textContent = t("start_hint", { n: v.invites_left });
    $("start-candidates").replaceChildren(...candidateBoxes(v.candidates, chosen.start, "candidate"));
    $("notes").replaceChildren(...v.notes.slice().reverse().map((note) => el("li", {
      text: t(`note_${note.key}`, { who: note.who ? who(note.who) : "", id: note.alliance }),
    })));
    if (v.state === "ended") say(t("ended_look"));
  }
})();
