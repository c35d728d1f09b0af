// The lecturer's screen: the shared world, the join code and QR code, the controls, the debrief.
"use strict";

(async () => {
  const { t, el, phaseName } = Classroom;
  const params = new URLSearchParams(location.search);
  await Classroom.loadStrings(params.get("lang") || "");
  Classroom.translate();
  document.title = t("lecturer_title");
  const $ = (id) => document.querySelector(`[data-testid=${id}]`);
  const token = location.hash.replace(/^#/, "");
  const COLOURS = { forming: "#E69F00", founding: "#0072B2", evolving: "#009E73",
    transforming: "#CC3311" };
  const PHASES = ["forming", "founding", "evolving", "transforming"];
  const UNALLIED = "#BBBBBB";
  let positions = [];
  let world = null;
  let lastDebrief = null;
  const feed = [];

  function say(text) {
    $("message").textContent = text;
  }
  if (!token) {
    say(t("lecturer_key_missing"));
    return;
  }

  const timer = Classroom.countdown($("state"), (node, left) => {
    if (!world) return;
    node.textContent = left === null ? t(`state_${world.state}`) : t("seconds_left", { n: left });
  });

  Classroom.languageSwitch($("language"), Classroom.lang, async (code) => {
    await Classroom.loadStrings(code);
    Classroom.translate();
    document.title = t("lecturer_title");
    if (world) renderWorld(world);
    if (lastDebrief) renderDebrief(lastDebrief);
  });

  const connection = Classroom.connect({
    status(up) {
      $("connection").hidden = up;
    },
    open(send) {
      send({ type: "hello", role: "lecturer", token });
    },
    message(message) {
      if (message.type === "setup") {
        lastDebrief = null;
        $("debrief-body").replaceChildren();
        positions = message.positions;
        $("code").textContent = message.code;
        $("join-url").textContent = message.join_url;
        if (message.qr) $("qr").src = message.qr;
      } else if (message.type === "world") {
        world = message;
        feed.length = 0;
        feed.push(...message.feed);
        renderWorld(message);
      } else if (message.type === "activity") {
        if (!world) return;
        world.students = message.students;
        feed.push(...message.feed);
        while (feed.length > 40) feed.shift();
        renderStudents(world.students);
        renderFeed();
      } else if (message.type === "debrief") {
        lastDebrief = message;
        renderDebrief(message);
      } else if (message.type === "export") {
        download(message);
      } else if (message.type === "error") {
        say(t(`error_${message.error}`));
      }
    },
  });

  for (const command of ["start", "pause", "advance", "shock", "end", "new"]) {
    $(`control-${command}`).addEventListener("click", () =>
      connection.send({ type: "control", command }));
  }
  $("pace").addEventListener("input", () => {
    $("pace-label").textContent = t("pace", { n: $("pace").value });
  });
  $("pace").addEventListener("change", () =>
    connection.send({ type: "control", command: "pace", value: Number($("pace").value) }));
  $("debrief").addEventListener("click", () => connection.send({ type: "debrief" }));
  $("export-csv").addEventListener("click", () => connection.send({ type: "export", format: "csv" }));
  $("export-json").addEventListener("click", () => connection.send({ type: "export", format: "json" }));

  function download(message) {
    const blob = new Blob([message.text], { type: message.media });
    const link = el("a", { href: URL.createObjectURL(blob), download: message.name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  function renderWorld(w) {
    $("month").textContent = t("month", { n: w.month });
    timer(w.seconds_left, w.state === "running");
    $("pressure").textContent = t("pressure", { value: w.pressure.toFixed(2) });
    $("pace").value = w.pace;
    $("control-new").hidden = w.state !== "ended";
    $("pace-label").textContent = t("pace", { n: Math.round(w.pace) });
    $("counts").replaceChildren(
      ...PHASES.map((p) => el("li", { class: `chip phase-${p}`, testid: `count-${p}` },
        `${phaseName(p)}: ${w.counts[p]}`)));
    renderStudents(w.students);
    renderFeed();
    draw(w);
  }

  function renderStudents(students) {
    $("students-heading").textContent = t("students_heading", { n: students.length });
    $("students").replaceChildren(...students.map((s) =>
      el("li", { class: s.acted ? "acted" : null, testid: `student-${s.org}` },
        el("strong", { text: s.name }), " ",
        el("span", { class: "mark", text: s.acted ? "✓" : "·" }), " ",
        ...(s.phases.length
          ? s.phases.map((p, k) => el("span", { class: `chip phase-${p}`,
            text: `${s.alliances[k]} ${phaseName(p)}` }))
          : [el("span", { class: "quiet", text: t("unallied") })]))));
  }

  function renderFeed() {
    $("feed").replaceChildren(...feed.slice(-12).reverse().map((entry) =>
      el("li", { text: t(`feed_${entry.kind}`, { who: entry.student || "" }) })));
  }

  function draw(w) {
    const canvas = $("world");
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(box.width * ratio));
    canvas.height = Math.max(1, Math.round(box.height * ratio));
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, box.width, box.height);
    const n = positions.length / 2;
    if (!n) return;
    const half = Math.min(box.width, box.height) / 2 - 18;
    const cx = box.width / 2;
    const cy = box.height / 2;
    const x = (i) => cx + positions[2 * i] * half;
    const y = (i) => cy - positions[2 * i + 1] * half;
    ctx.strokeStyle = "rgba(0,0,0,0.18)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 0; k + 1 < w.edges.length; k += 2) {
      ctx.moveTo(x(w.edges[k]), y(w.edges[k]));
      ctx.lineTo(x(w.edges[k + 1]), y(w.edges[k + 1]));
    }
    ctx.stroke();
    const students = new Map(w.students.map((s) => [s.org, s.name]));
    const radius = Math.max(2.5, Math.min(7, half / Math.sqrt(n) / 1.6));
    for (let i = 0; i < n; i += 1) {
      const phase = w.phase[i];
      ctx.fillStyle = phase >= 0 && phase < 4 ? COLOURS[PHASES[phase]] : UNALLIED;
      ctx.beginPath();
      ctx.arc(x(i), y(i), students.has(i) ? radius * 1.8 : radius, 0, 2 * Math.PI);
      ctx.fill();
      if (students.has(i)) {
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = "#000";
        ctx.stroke();
      }
    }
    ctx.font = "600 15px system-ui, sans-serif";
    ctx.fillStyle = "#000";
    for (const [org, name] of students) {
      ctx.fillText(name, x(org) + radius * 2.2, y(org) + 5);
    }
  }

  function percent(share) {
    return share === null || share === undefined ? "–" : `${Math.round(100 * share)}%`;
  }

  function renderDebrief(d) {
    const body = $("debrief-body");
    const paths = el("ol", { class: "paths", testid: "debrief-alliances" },
      ...d.alliances.map((a) => el("li", {},
        el("strong", { text: `${t("alliance", { id: a.alliance })} (${a.students.join(", ")})` }),
        " ",
        ...a.path.filter((step) => step.phase !== "dissolved").map((step) =>
          el("span", { class: `chip phase-${step.phase}`,
            text: `${t("month", { n: step.month })}: ${phaseName(step.phase)}` })),
        a.end_cause ? el("span", { class: "quiet",
          text: ` ${t("ended_cause", { cause: a.end_cause })}` }) : null)));
    const kinds = ["stay_or_leave", "invitation", "vote", "backing"];
    const choices = el("ul", { class: "choices-list", testid: "debrief-choices" },
      ...kinds.map((kind) => {
        const c = d.choices[kind];
        return el("li", { testid: `differ-${kind}` }, el("strong", { text: `${t(`kind_${kind}`)}: ` }),
          c.decisions ? t("share_differ", { share: Math.round(100 * c.share_differ), n: c.decisions })
            : t("no_decisions"));
      }));
    const columns = [["alliances", "col_alliances", (v) => String(v)],
      ["share_founded", "col_founded", percent], ["share_reached_evolving", "col_evolving", percent],
      ["share_transformed", "col_transformed", percent], ["share_alive", "col_alive", percent],
      ["mean_months", "col_months", (v) => (v === undefined ? "–" : v.toFixed(1))]];
    const table = el("table", { testid: "debrief-survival" },
      el("thead", {}, el("tr", {}, el("th", {}),
        ...columns.map(([, key]) => el("th", { text: t(key) })))),
      el("tbody", {}, ...[["students", "row_students"], ["model", "row_model"]].map(([group, key]) =>
        el("tr", { testid: `survival-${group}` }, el("th", { text: t(key) }),
          ...columns.map(([field, , format]) => el("td", { text: format(d.survival[group][field]) }))))));
    body.replaceChildren(
      el("h3", { text: t("debrief_alliances") }), paths,
      el("h3", { text: t("debrief_choices") }), choices,
      el("h3", { text: t("debrief_survival") }), table);
    $("debrief-section").scrollIntoView({ behavior: "smooth", block: "start" });
  }
})();
