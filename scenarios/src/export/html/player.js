// The replay of one clustersim run, written by `clustersim export --format html`. It reads the
// run from the JSON element `run-data` and needs nothing else: no network, no library.
//
// The cursor counts steps done (0: nothing has happened yet). A step is one event of the run
// (a delivery, a timer, a fault) with the records it made; the records of the steps done are
// what the event log, the views and the diagram show. While playing, time also moves between
// steps, so that messages slide along their links.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("run-data").textContent);
  const R = D.records; // [tells, time, a, b, kind, due, message, sentence, payload, mark]
  const S = D.steps; // [time, first record]
  const $ = (id) => document.getElementById(id);
  const TELLS = 0, TIME = 1, A = 2, B = 3, KIND = 4, DUE = 5, MSG = 6, TEXT = 7, PAYLOAD = 8, MARK = 9;
  const NOT_STARTED = -2, DOWN = -1;

  // ---- Derived indexes, built once ----
  // Records done after k steps.
  const recordsDone = (k) => (k >= S.length ? R.length : S[k][1]);
  const stepTime = (k) => (k === 0 ? 0 : S[k - 1][0]);
  // Each send's arrival (its delivery or drop record), and the sends in time order.
  const sends = [];
  const arrival = new Map();
  {
    const sendOf = new Map();
    for (let i = 0; i < R.length; i++) {
      const r = R[i];
      if (r[TELLS] === "send") {
        sendOf.set(r[MSG], i);
        sends.push(i);
      } else if ((r[TELLS] === "deliver" || r[TELLS] === "drop") && sendOf.has(r[MSG])) {
        const s = sendOf.get(r[MSG]);
        if (!arrival.has(s)) arrival.set(s, i);
      }
    }
  }
  let maxFlight = 0;
  for (const i of sends) {
    const end = arrival.has(i) ? R[arrival.get(i)][TIME] : R[i][DUE];
    if (end != null) maxFlight = Math.max(maxFlight, end - R[i][TIME]);
  }
  // Per node, the steps at which its view changed and the view it changed to.
  const changeSteps = [], changeViews = [];
  for (let n = 0; n < D.nodes; n++) { changeSteps.push([]); changeViews.push([]); }
  for (const [k, n, v] of D.changes) { changeSteps[n].push(k); changeViews[n].push(v); }
  // The last position p in sorted `xs` with xs[p] <= x, or -1.
  function lastAtMost(xs, x, key) {
    let lo = 0, hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((key ? key(xs[mid]) : xs[mid]) <= x) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }
  function viewAt(n, k) {
    const p = lastAtMost(changeSteps[n], k);
    return p < 0 ? NOT_STARTED : changeViews[n][p];
  }
  // Steps done by time t: every step at or before t.
  const stepsBy = (t) => lastAtMost(S, t, (s) => s[0]) + 1;
  // The step a record belongs to.
  const stepOf = (j) => lastAtMost(S, j, (s) => s[1]);
  const nodeName = (n) => "n" + n;

  // ---- Times ----
  // A time as scenario files write durations: in seconds when that is exact to the
  // millisecond (`1.5s`), else in milliseconds to the nanosecond (`10.01116ms`), and below a
  // millisecond in microseconds (`250µs`).
  function fmtTime(ns) {
    ns = Math.round(ns);
    if (ns === 0) return "0s";
    if (ns >= 1e9 && ns % 1e6 === 0) return +(ns / 1e9).toFixed(3) + "s";
    if (ns >= 1e6) return +(ns / 1e6).toFixed(6) + "ms";
    if (ns >= 1e3) return +(ns / 1e3).toFixed(3) + "µs";
    return ns + "ns";
  }
  function parseTime(text) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)?\s*$/.exec(text);
    if (!m) return null;
    const scale = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9 }[m[2] || "s"];
    return Math.round(parseFloat(m[1]) * scale);
  }

  // ---- State ----
  let cursor = 0; // steps done
  let now = 0; // virtual time shown (between steps while playing)
  let playing = false;
  let selected = D.servers > 0 ? 0 : -1;
  let lastFrame = null;

  // ---- Header, legend, node list ----
  $("title").textContent = D.title || D.file;
  $("facts").textContent = `${D.protocol} · ${D.file} · seed ${D.seed} · ${D.servers} servers, ` +
    `${D.nodes - D.servers} clients · ${fmtTime(D.end)} of virtual time · ${R.length} trace records` +
    ` · fingerprint ${D.fingerprint}`;
  $("description").textContent = D.description;
  {
    const legend = $("legend");
    const add = (colour, text, diamond) => {
      const item = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "swatch" + (diamond ? " diamond" : "");
      sw.style.background = colour;
      item.append(sw, text);
      legend.append(item);
    };
    for (const [name, colour] of D.class_colours) add(colour, name);
    add("#383840", "down");
    D.kinds.forEach((k, i) => add(D.kind_colours[i], k, true));
    const pick = $("node");
    for (let n = 0; n < D.nodes; n++) {
      const o = document.createElement("option");
      o.value = n;
      o.textContent = nodeName(n) + (n >= D.servers ? " (client)" : "");
      pick.append(o);
    }
    pick.value = selected;
  }
  $("slider").max = S.length;

  // ---- Layout ----
  function fitCanvas(c) {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(50, c.clientWidth), h = Math.max(20, c.clientHeight);
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio);
      c.height = Math.round(h * ratio);
    }
    const g = c.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    return [g, w, h];
  }
  let positions = [];
  let radius = 10;
  function layout(w, h) {
    const clients = D.nodes - D.servers;
    const top = clients > 0 ? h - 64 : h;
    const cx = w / 2, cy = top / 2;
    const ring = Math.max(20, Math.min(w, top) / 2 - 36);
    radius = Math.max(2, Math.min(18, (Math.PI * ring) / Math.max(1, D.servers) * 0.8));
    positions = [];
    for (let n = 0; n < D.servers; n++) {
      const a = -Math.PI / 2 + (2 * Math.PI * n) / Math.max(1, D.servers);
      positions.push([cx + ring * Math.cos(a), cy + ring * Math.sin(a)]);
    }
    for (let c = 0; c < clients; c++) {
      positions.push([(w * (c + 1)) / (clients + 1), h - 34]);
    }
  }
  const labelled = (n) => D.servers <= 40 || n === selected;

  // ---- The guided tour ----
  const T = D.tour;
  // The stop the cursor is at or past (-1: before the first).
  const tourStop = () => lastAtMost(T, now, (s) => s.at);
  let highlighted = new Set();
  function showTour() {
    const box = $("tour-box");
    box.hidden = T.length === 0;
    if (T.length === 0) return;
    const i = tourStop();
    highlighted = new Set(i >= 0 ? T[i].nodes : []);
    $("tour-count").textContent = i >= 0 ? `(stop ${i + 1} of ${T.length})` : `(${T.length} stops)`;
    $("tour-text").textContent = i >= 0 ? T[i].text : "Press “next stop” to begin.";
    if (D.tour_missed > 0 && i === T.length - 1) {
      $("tour-text").textContent += ` (${D.tour_missed} more stops did not happen in this run.)`;
    }
    $("tour-prev").disabled = i <= 0;
    $("tour-next").disabled = i >= T.length - 1;
    document.body.dataset.tourStop = i + 1;
  }
  function goToTime(t) {
    cursor = stepsBy(t);
    now = Math.min(Math.max(t, stepTime(cursor)), D.end);
    show();
  }
  $("tour-next").addEventListener("click", () => {
    pause();
    const i = tourStop();
    if (i + 1 < T.length) goToTime(T[i + 1].at);
  });
  $("tour-prev").addEventListener("click", () => {
    pause();
    const i = tourStop();
    if (i > 0) goToTime(T[i - 1].at);
  });

  // ---- Drawing the cluster ----
  function drawScene() {
    const [g, w, h] = fitCanvas($("scene"));
    layout(w, h);
    g.fillStyle = "#14161c";
    g.fillRect(0, 0, w, h);
    g.strokeStyle = "#3a3d48";
    g.lineWidth = 1;
    g.beginPath();
    for (const [a, b] of D.edges) {
      g.moveTo(positions[a][0], positions[a][1]);
      g.lineTo(positions[b][0], positions[b][1]);
    }
    g.stroke();
    // Messages in flight: sent by now, and not yet arrived.
    const done = recordsDone(cursor);
    let from = lastAtMost(sends, now - maxFlight - 1, (i) => R[i][TIME]) + 1;
    const size = Math.max(3, Math.min(6, radius / 2));
    let inFlight = 0;
    for (let p = from; p < sends.length && sends[p] < done; p++) {
      const i = sends[p], r = R[i];
      const arrived = arrival.get(i);
      const end = arrived !== undefined ? R[arrived][TIME] : r[DUE];
      if (arrived !== undefined && arrived < done) continue;
      if (end == null || (arrived === undefined && end <= now)) continue;
      const span = Math.max(1, end - r[TIME]);
      const f = Math.min(1, Math.max(0, (now - r[TIME]) / span));
      const [x0, y0] = positions[r[A]], [x1, y1] = positions[r[B]];
      const x = x0 + (x1 - x0) * f, y = y0 + (y1 - y0) * f;
      g.fillStyle = D.kind_colours[r[KIND]];
      g.beginPath();
      g.moveTo(x, y - size); g.lineTo(x + size, y); g.lineTo(x, y + size); g.lineTo(x - size, y);
      g.closePath();
      g.fill();
      inFlight++;
    }
    g.font = "12px system-ui, sans-serif";
    g.textAlign = "center";
    for (let n = 0; n < D.nodes; n++) {
      const [x, y] = positions[n];
      const v = viewAt(n, cursor);
      g.beginPath();
      g.arc(x, y, radius, 0, 2 * Math.PI);
      if (v >= 0) {
        g.fillStyle = D.views[v].colour;
        g.fill();
        g.strokeStyle = "#ebebeb";
        g.lineWidth = 1.5;
        g.setLineDash([]);
      } else {
        g.fillStyle = "#383840";
        g.fill();
        g.strokeStyle = v === DOWN ? "#d92626" : "#8a8f9c";
        g.lineWidth = 2;
        g.setLineDash(v === DOWN ? [] : [3, 3]);
      }
      g.stroke();
      g.setLineDash([]);
      if (highlighted.has(n)) {
        g.beginPath();
        g.arc(x, y, radius + 8, 0, 2 * Math.PI);
        g.strokeStyle = "#5fd3ff";
        g.lineWidth = 4;
        g.stroke();
      }
      if (n === selected) {
        g.beginPath();
        g.arc(x, y, radius + 4, 0, 2 * Math.PI);
        g.strokeStyle = "#ffffff";
        g.lineWidth = 2.5;
        g.stroke();
      }
      if (labelled(n)) {
        const state = v >= 0 ? D.views[v].label : v === DOWN ? "down" : "starting";
        g.fillStyle = "#e4e6eb";
        g.fillText(nodeName(n), x, y - radius - 6);
        g.fillStyle = "#8a8f9c";
        g.fillText(state, x, y + radius + 14);
      }
    }
    document.body.dataset.inFlight = inFlight;
  }

  // ---- The timeline strip: elections and faults, and the cursor ----
  // The markers are found once: a long run has many records and the strip is drawn often.
  const markers = [];
  for (const r of R) {
    if (r[TELLS] === "fault") markers.push([r[TIME], "#ff6b6b"]);
    else if (r[MARK] === "elected") markers.push([r[TIME], "#f2bf1a"]);
  }
  function drawTimeline() {
    const [g, w, h] = fitCanvas($("timeline"));
    g.fillStyle = "#1d2029";
    g.fillRect(0, 0, w, h);
    const x = (t) => (D.end > 0 ? (t / D.end) * (w - 1) : 0);
    for (const [t, colour] of markers) {
      g.fillStyle = colour;
      g.fillRect(Math.floor(x(t)), 2, 2, h - 4);
    }
    g.fillStyle = "#ffffff";
    g.fillRect(Math.floor(x(now)), 0, 1, h);
  }

  // ---- The space-time diagram ----
  function drawDiagram() {
    const [g, w, h] = fitCanvas($("diagram"));
    g.fillStyle = "#1d2029";
    g.fillRect(0, 0, w, h);
    const done = recordsDone(cursor);
    // The window: the last 120 records up to the cursor, at least a millisecond.
    const first = Math.max(0, done - 120);
    const t1 = Math.max(now, 1);
    const t0 = Math.min(done > 0 ? R[first][TIME] : 0, t1 - 1e6);
    const span = (t1 - t0) * 1.08;
    // Lanes: every node up to 24, else the selected node and the busiest in the window.
    let lanes;
    if (D.nodes <= 24) {
      lanes = [...Array(D.nodes).keys()];
      $("lanes-note").textContent = "";
    } else {
      const busy = new Map();
      for (let j = first; j < done; j++) {
        for (const n of [R[j][A], R[j][B]]) if (n >= 0) busy.set(n, (busy.get(n) || 0) + 1);
      }
      const order = [...busy.keys()].filter((n) => n !== selected).sort((p, q) => busy.get(q) - busy.get(p) || p - q);
      lanes = (selected >= 0 ? [selected] : []).concat(order).slice(0, 24).sort((p, q) => p - q);
      $("lanes-note").textContent = `(${lanes.length} of ${D.nodes} nodes: the selected one and the busiest)`;
    }
    const left = 40, right = w - 8, top = 8, bottom = h - 22;
    const lane = new Map(lanes.map((n, i) => [n, top + ((i + 0.5) * (bottom - top)) / lanes.length]));
    const x = (t) => left + ((t - t0) / span) * (right - left);
    g.font = "11px system-ui, sans-serif";
    g.textAlign = "right";
    g.strokeStyle = "#2c303b";
    g.lineWidth = 1;
    for (const n of lanes) {
      const y = lane.get(n);
      g.fillStyle = n === selected ? "#ffffff" : "#8a8f9c";
      g.fillText(nodeName(n), left - 6, y + 4);
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
    }
    // Time axis.
    g.textAlign = "center";
    g.fillStyle = "#8a8f9c";
    const step = niceStep(span / 6);
    for (let t = Math.ceil(t0 / step) * step; t <= t0 + span; t += step) {
      g.fillRect(x(t), bottom, 1, 4);
      g.fillText(fmtTime(t), x(t), h - 6);
    }
    // Messages sent in the window.
    for (let j = first; j < done; j++) {
      const r = R[j];
      if (r[TELLS] !== "send" || !lane.has(r[A]) || !lane.has(r[B])) continue;
      const a = arrival.get(j);
      const y0 = lane.get(r[A]), y1 = lane.get(r[B]);
      let tEnd, yEnd, dropped = false;
      if (a !== undefined && a < done) {
        tEnd = R[a][TIME]; yEnd = y1; dropped = R[a][TELLS] === "drop";
      } else {
        const due = a !== undefined ? R[a][TIME] : r[DUE];
        if (due == null) continue;
        const f = Math.min(1, Math.max(0, (now - r[TIME]) / Math.max(1, due - r[TIME])));
        tEnd = now; yEnd = y0 + (y1 - y0) * f;
      }
      g.strokeStyle = D.kind_colours[r[KIND]];
      g.beginPath(); g.moveTo(x(r[TIME]), y0); g.lineTo(x(tEnd), yEnd); g.stroke();
      if (dropped) {
        g.fillStyle = "#ff6b6b";
        g.fillText("×", x(tEnd), yEnd + 4);
      }
    }
    // Milestones and faults.
    for (let j = first; j < done; j++) {
      const r = R[j];
      if (r[TELLS] !== "mark" && r[TELLS] !== "fault") continue;
      const n = r[A];
      const y = lane.has(n) ? lane.get(n) : top + 4;
      g.fillStyle = r[TELLS] === "fault" ? "#ff6b6b" : "#f2bf1a";
      g.beginPath(); g.arc(x(r[TIME]), y, 3.5, 0, 2 * Math.PI); g.fill();
    }
    g.fillStyle = "#ffffff";
    g.fillRect(x(now), top, 1, bottom - top);
  }
  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  // ---- Panels ----
  function showInspector() {
    const box = $("inspector");
    box.replaceChildren();
    if (selected < 0) return;
    const v = viewAt(selected, cursor);
    if (v < 0) {
      box.textContent = v === DOWN ? `${nodeName(selected)} is down.` : `${nodeName(selected)} has not started yet.`;
      return;
    }
    const view = D.views[v];
    const named = (name) => view.fields.some((f) => f[0] === name);
    const rows = named("role") ? [] : [["role", view.role]];
    if (view.epoch != null && !named("epoch")) rows.push(["epoch", String(view.epoch)]);
    for (const f of view.fields) rows.push(f);
    box.append(table(null, rows));
    for (const t of view.tables) {
      const h = document.createElement("h2");
      h.textContent = t.name;
      box.append(h);
      if (t.omitted > 0) {
        const p = document.createElement("div");
        p.className = "omitted";
        p.textContent = `… ${t.omitted} earlier rows`;
        box.append(p);
      }
      box.append(table(t.columns, t.rows, t.marked));
    }
  }
  function table(head, rows, marked) {
    const t = document.createElement("table");
    if (head) {
      const tr = t.insertRow();
      for (const c of head) { const th = document.createElement("th"); th.textContent = c; tr.append(th); }
    }
    rows.forEach((row, i) => {
      const tr = t.insertRow();
      if (marked && marked[i]) tr.className = "marked";
      for (const c of row) tr.insertCell().textContent = c;
    });
    return t;
  }
  function showChecks() {
    const box = $("checks");
    box.replaceChildren();
    const atEnd = cursor >= S.length;
    if (D.violation && atEnd) {
      const p = document.createElement("p");
      p.className = "fail";
      p.textContent = "Stopped: " + D.violation;
      box.append(p);
    }
    for (const c of D.checks) {
      const p = document.createElement("div");
      const verdict = atEnd ? (c.passed ? "PASS" : "FAIL") : "pending";
      p.className = atEnd ? (c.passed ? "pass" : "fail") : "pending";
      p.textContent = `${verdict} ${c.name}` + (atEnd && c.detail ? `: ${c.detail}` : "");
      box.append(p);
    }
    if (!atEnd && D.checks.length > 0) {
      const p = document.createElement("div");
      p.className = "pending";
      p.textContent = `judged at the end of the run (${fmtTime(D.end)})`;
      box.append(p);
    }
  }
  function showLog() {
    const log = $("log");
    log.replaceChildren();
    const done = recordsDone(cursor);
    const from = Math.max(0, done - 30), to = Math.min(R.length, done + 12);
    let current = null;
    for (let j = from; j < to; j++) {
      const r = R[j];
      const li = document.createElement("li");
      li.className = r[TELLS] + (j >= done ? " ahead" : j === done - 1 ? " now" : "");
      li.dataset.record = j;
      const at = document.createElement("span");
      at.className = "at";
      at.textContent = fmtTime(r[TIME]);
      li.append(at, r[TEXT]);
      if (r[PAYLOAD]) li.title = r[PAYLOAD];
      log.append(li);
      if (j === done - 1) current = li;
    }
    if (current) current.scrollIntoView({ block: "nearest" });
  }
  $("log").addEventListener("click", (e) => {
    const li = e.target.closest("li");
    if (li) goTo(stepOf(Number(li.dataset.record)) + 1);
  });

  // ---- Moving the cursor ----
  function show() {
    $("slider").value = cursor;
    const done = recordsDone(cursor);
    $("status").textContent = `step ${cursor} of ${S.length} · ${fmtTime(now)}` +
      (cursor > 0 ? ` · ${R[done - 1][TEXT]}` : "");
    document.body.dataset.step = cursor;
    document.body.dataset.time = now;
    document.body.dataset.selected = selected;
    $("node").value = selected;
    showTour();
    drawScene();
    drawTimeline();
    drawDiagram();
    showInspector();
    showChecks();
    showLog();
  }
  function goTo(k) {
    cursor = Math.max(0, Math.min(S.length, k));
    now = stepTime(cursor);
    show();
  }
  function pause() {
    playing = false;
    $("play").textContent = "▶ play";
  }
  function frame(ts) {
    if (!playing) return;
    const dt = lastFrame === null ? 0 : Math.min(100, ts - lastFrame);
    lastFrame = ts;
    const before = now;
    now = Math.min(D.end, now + (dt / 1000) * Number($("speed").value));
    // A stop that asks for it pauses the play where it is.
    const stop = T.find((s) => s.pause && s.at > before && s.at <= now);
    if (stop) {
      now = stop.at;
      cursor = stepsBy(now);
      pause();
      show();
      return;
    }
    cursor = stepsBy(now);
    show();
    if (cursor >= S.length && now >= D.end) pause();
    else nextFrame();
  }
  // Animation frames where the page is drawn; a timer where it is not (a hidden tab, a
  // headless browser), so that playing goes on the same way.
  function nextFrame() {
    let fired = false;
    const go = () => {
      if (!fired) { fired = true; frame(performance.now()); }
    };
    requestAnimationFrame(go);
    setTimeout(go, 40);
  }
  $("play").addEventListener("click", () => {
    if (playing) { pause(); return; }
    if (cursor >= S.length) goTo(0);
    playing = true;
    lastFrame = null;
    $("play").textContent = "⏸ pause";
    nextFrame();
  });
  $("step-fwd").addEventListener("click", () => { pause(); goTo(cursor + 1); });
  $("step-back").addEventListener("click", () => { pause(); goTo(cursor - 1); });
  $("jump-start").addEventListener("click", () => { pause(); goTo(0); });
  $("jump-end").addEventListener("click", () => { pause(); goTo(S.length); });
  $("slider").addEventListener("input", () => { pause(); goTo(Number($("slider").value)); });
  $("seek").addEventListener("change", () => {
    const t = parseTime($("seek").value);
    if (t === null) { $("seek").setCustomValidity("a time such as 1.5s or 250ms"); $("seek").reportValidity(); return; }
    $("seek").setCustomValidity("");
    pause();
    goToTime(t);
  });
  $("node").addEventListener("change", () => { selected = Number($("node").value); show(); });
  $("timeline").addEventListener("click", (e) => {
    const rect = e.target.getBoundingClientRect();
    const t = ((e.clientX - rect.left) / rect.width) * D.end;
    pause();
    cursor = stepsBy(t);
    now = stepTime(cursor);
    show();
  });
  $("scene").addEventListener("click", (e) => {
    const rect = e.target.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    let best = -1, bestD = Infinity;
    positions.forEach(([x, y], n) => {
      const d = Math.hypot(x - px, y - py);
      if (d < bestD) { best = n; bestD = d; }
    });
    if (best >= 0 && bestD <= radius + 6) { selected = best; show(); }
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
    const keys = { ArrowRight: "step-fwd", ArrowLeft: "step-back", Home: "jump-start", End: "jump-end", " ": "play", n: "tour-next", p: "tour-prev" };
    if (keys[e.key]) { e.preventDefault(); $(keys[e.key]).click(); }
    if (e.key === "Escape") { selected = -1; show(); }
  });
  window.addEventListener("resize", show);

  // ---- Scripted actions, for links and tests: #do=step,seek:1.5s,select:2,back,end,tour:next,speed:1e8,play ----
  function act(word) {
    const [name, arg] = word.split(":");
    const click = { step: "step-fwd", back: "step-back", start: "jump-start", end: "jump-end", play: "play" }[name];
    if (click) { $(click).click(); return; }
    if (name === "seek") { $("seek").value = arg; $("seek").dispatchEvent(new Event("change")); return; }
    if (name === "speed") { $("speed").value = arg; return; }
    if (name === "tour") { $(arg === "prev" ? "tour-prev" : "tour-next").click(); return; }
    if (name === "select") { $("node").value = arg; $("node").dispatchEvent(new Event("change")); return; }
    if (name === "record") {
      const li = $("log").querySelector(`li[data-record="${Number(arg)}"]`);
      if (li) li.click(); else goTo(stepOf(Number(arg)) + 1);
    }
  }
  show();
  const script = /(?:^#|&)do=([^&]*)/.exec(location.hash);
  if (script) {
    for (const word of decodeURIComponent(script[1]).split(",")) if (word) act(word);
  }
  document.body.dataset.ready = "1";
})();
