// Renders the report from the JSON in #report-data (layout: report/data.py).
// Only what is on screen becomes DOM: tables show a page of rows and grow on request.
(function () {
  "use strict";
  const R = JSON.parse(document.getElementById("report-data").textContent);
  const S = R.s, W = R.words, STATUS = R.status, KIND = R.overdue_kinds;
  const ORDER = ["completed", "in_progress", "not_started", ""];
  const str = (i) => (i == null ? "" : S[i]);
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  const collective = new Set(R.collective);
  const zh = new Intl.Collator("zh").compare;  // one collator: localeCompare builds one per call

  // a task: its fields by name; its latest report is the last of its reports
  // a report on a task: [list, status, words, share, progress, page, ref, targets]; its list
  // (one list of one report): [as_of, period, kind, label, file, url, all files]
  const LISTS = R.lists;
  const asOf = (rep) => (LISTS[rep[0]][0] == null ? "" : S[LISTS[rep[0]][0]]);
  const TASKS = R.tasks.map((t) => {
    const reps = t[9], last = reps[reps.length - 1] || [0];
    return {region: t[0], year: t[1], seq: t[2], content: str(t[3]), units: str(t[4]), deadline: str(t[5]),
            kind: str(t[6]), late: t[7], bodies: t[8] || [], reps: reps,
            lists: [...new Set(reps.map((r) => LISTS[r[0]][3]))].filter((l) => l != null),
            status: str(last[1]), asOf: reps.length ? asOf(last) : "", progress: str(last[4]), share: last[3],
            targets: last[7] || [], text: null};
  });

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c != null && c !== "") node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const $ = (id) => document.getElementById(id);
  const num = (v) => (v == null ? "" : String(v));
  const pct = (r) => (r == null ? "" : Math.round(r * 100) + "%");

  // --- figures --------------------------------------------------------------------------
  function statusBadge(code) {
    return el("span", {class: "st st-" + (code || "unknown")}, STATUS[code] || STATUS[""]);
  }
  function lateBadge(task) {
    if (!task.kind) return null;
    return el("span", {class: "late", title: KIND[task.kind]}, W.overdue + " " + fill(W.days, {n: task.late}));
  }
  function targetText(g) {  // [value, unit, noun, achieved, achieved unit if another, ratio]
    const target = num(g[0]) + str(g[1]);
    return g[3] == null ? target : num(g[3]) + str(g[4]) + " / " + target;
  }
  function lowestRatio(task) {
    const ratios = task.targets.filter((g) => g[5] != null).map((g) => g[5]);
    if (ratios.length) return Math.min(...ratios);
    return task.share == null ? null : task.share;
  }
  function sourceNode(rep) {
    const list = LISTS[rep[0]];
    const where = [str(list[4]), rep[5] != null ? fill(W.page, {n: rep[5]}) : "", str(rep[6])].filter(Boolean).join(" ");
    return list[5] != null ? el("a", {href: str(list[5]), target: "_blank", rel: "noopener"}, where) : where;
  }
  function bar(counts, total) {  // a stacked bar by status, each part's share of total
    const b = el("div", {class: "bar"});
    for (const code of ORDER) {
      const n = counts[code] || 0;
      if (n) b.append(el("span", {class: "seg st-" + (code || "unknown"), style: `width:${(100 * n / total).toFixed(2)}%`,
                                   title: `${STATUS[code] || STATUS[""]}: ${n}`}));
    }
    return b;
  }

  // --- filters --------------------------------------------------------------------------
  const state = {region: "", year: "", list: "", body: "", status: "", q: ""};
  const inScope = (t, skip) => (skip === "region" || state.region === "" || String(t.region) === state.region) &&
                              (skip === "year" || state.year === "" || String(t.year) === state.year);

  function matches(t) {
    if (!inScope(t)) return false;
    if (state.list !== "" && !t.lists.includes(+state.list)) return false;
    if (state.body !== "" && !t.bodies.some((b) => S[b] === state.body)) return false;
    if (state.status !== "") {
      if (state.status === "overdue") { if (!t.kind) return false; }
      else if (state.status in KIND) { if (t.kind !== state.status) return false; }
      else if (t.status !== state.status) return false;
    }
    if (state.q !== "") {
      if (t.text === null) {
        t.text = [t.content, t.units, t.progress, ...t.bodies.map((b) => S[b])].join("\n").toLowerCase();
      }
      for (const word of state.q.split(/\s+/)) if (word && !t.text.includes(word)) return false;
    }
    return true;
  }

  function options(select, values, label, current) {
    select.replaceChildren(el("option", {value: ""}, W.all), ...values.map(([v, text]) =>
      el("option", {value: v, selected: String(v) === current ? "selected" : null}, text)));
    select.value = values.some(([v]) => String(v) === current) ? current : "";
    return select.value;
  }

  function refreshChoices() {
    const regions = [...new Set(TASKS.map((t) => t.region))].sort((a, b) => (a == null) - (b == null) || zh(str(a), str(b)));
    state.region = options($("f-region"), regions.map((r) => [r == null ? "null" : r, r == null ? W.unknown_region : S[r]]), W.region, state.region);
    const scoped = TASKS.filter((t) => inScope(t, "year"));
    const years = [...new Set(scoped.map((t) => t.year))].sort((a, b) => (b || 0) - (a || 0));
    state.year = options($("f-year"), years.map((y) => [y == null ? "null" : y, y == null ? W.unknown_year : y]), W.year, state.year);
    const here = TASKS.filter((t) => inScope(t));
    const lists = [...new Set(here.flatMap((t) => t.lists))].sort((a, b) => zh(S[a], S[b]));
    state.list = options($("f-list"), lists.map((l) => [l, S[l]]), W.list, state.list);
    const bodies = [...new Set(here.flatMap((t) => t.bodies))].map((b) => S[b]).sort((a, b) => zh(a, b));
    $("body-names").replaceChildren(...bodies.map((b) => el("option", {value: b})));
  }

  // --- tables ---------------------------------------------------------------------------
  // columns: [{label, value(row) for sorting, cell(row) → node or text, cls}]
  function table(host, columns, rows, opts) {
    const page = opts.page || 100;
    let sort = opts.sort || null, shown = page;
    const thead = el("thead"), tbody = el("tbody"), foot = el("div", {class: "more"});
    host.replaceChildren(el("table", {class: "data " + (opts.cls || "")}, thead, tbody), foot);
    if (!rows.length) { host.replaceChildren(el("p", {class: "note"}, W.no_tasks)); return; }
    function sorted() {
      if (!sort) return rows;
      const col = columns[sort.col], dir = sort.desc ? -1 : 1;
      return rows.slice().sort((a, b) => {
        const x = col.value(a), y = col.value(b);
        if (x == null || x === "") return (y == null || y === "") ? 0 : 1;
        if (y == null || y === "") return -1;
        return (typeof x === "number" && typeof y === "number" ? x - y : zh(String(x), String(y))) * dir;
      });
    }
    function head() {
      thead.replaceChildren(el("tr", {}, columns.map((c, i) => el("th", {
        class: (c.cls || "") + (c.value ? " sortable" : "") + (sort && sort.col === i ? (sort.desc ? " desc" : " asc") : ""),
        onclick: c.value ? () => { sort = {col: i, desc: sort && sort.col === i ? !sort.desc : !!c.desc}; shown = page; draw(); } : null,
      }, c.label))));
    }
    function draw() {
      head();
      const all = sorted();
      tbody.replaceChildren();
      for (const row of all.slice(0, shown)) {
        const tr = el("tr", {class: opts.rowClass ? opts.rowClass(row) : null},
                      columns.map((c) => el("td", {class: c.cls}, c.cell(row))));
        if (opts.expand) {
          tr.classList.add("expandable");
          tr.addEventListener("click", (ev) => {
            if (ev.target.closest("a")) return;
            const next = tr.nextElementSibling;
            if (next && next.classList.contains("detail")) { next.remove(); tr.classList.remove("open"); return; }
            tr.classList.add("open");
            tr.after(el("tr", {class: "detail"}, el("td", {colspan: columns.length}, opts.expand(row))));
          });
        }
        tbody.append(tr);
      }
      foot.replaceChildren(all.length > shown ? el("button", {type: "button", onclick: () => { shown += page; draw(); }},
                                                    fill(W.more, {n: all.length - shown})) : "");
    }
    draw();
  }

  // --- sections -------------------------------------------------------------------------
  function countBy(rows) {
    const c = {};
    for (const t of rows) c[t.status] = (c[t.status] || 0) + 1;
    return c;
  }

  function summary(rows) {
    const c = countBy(rows), late = rows.filter((t) => t.kind).length;
    const card = (n, label, cls) => el("div", {class: "card " + (cls || "")}, el("b", {}, n), label);
    $("summary").replaceChildren(
      el("div", {class: "cards"}, card(rows.length, W.tasks),
         ORDER.filter((s) => c[s]).map((s) => card(c[s], STATUS[s] || STATUS[""], "st-" + (s || "unknown"))),
         card(late, W.overdue, late ? "late" : "")),
      rows.length ? bar(c, rows.length) : "");
  }

  // each region and year whose tasks have several reports: how they stood at each as-of date
  function trend(rows) {
    const groups = new Map();
    for (const t of rows) {
      const key = t.region + "/" + t.year;
      if (!groups.has(key)) groups.set(key, {region: t.region, year: t.year, tasks: []});
      groups.get(key).tasks.push(t);
    }
    const lines = [];
    for (const g of groups.values()) {
      const dates = [...new Set(g.tasks.flatMap((t) => t.reps.map(asOf)).filter(Boolean))].sort();
      if (dates.length < 2) continue;
      for (const d of dates) {
        const c = {}; let n = 0, late = 0;
        for (const t of g.tasks) {
          let rep = null;
          for (const r of t.reps) { const a = asOf(r); if (a && a <= d) rep = r; }
          if (!rep) continue;
          const code = str(rep[1]);
          c[code] = (c[code] || 0) + 1; n++;
          if (t.deadline && t.deadline < d && code !== "completed") late++;
        }
        lines.push({place: [str(g.region), g.year].filter(Boolean).join(" "), d, c, n, late});
      }
    }
    if (!lines.length) { $("trend").replaceChildren(el("p", {class: "note"}, W.one_report)); return; }
    const many = groups.size > 1;
    table($("trend"), [
      ...(many ? [{label: W.region, cell: (x) => x.place, cls: "place"}] : []),
      {label: W.as_of, cell: (x) => x.d, cls: "date"},
      {label: W.tasks, cell: (x) => x.n, cls: "n"},
      {label: "", cell: (x) => bar(x.c, x.n), cls: "barcell"},
      ...ORDER.slice(0, 3).map((s) => ({label: STATUS[s], cell: (x) => num(x.c[s] || 0), cls: "n"})),
      {label: W.overdue, cell: (x) => num(x.late), cls: "n"},
    ], lines, {page: 24});
  }

  const taskColumns = (withPlace) => [
    ...(withPlace ? [{label: W.region, value: (t) => str(t.region) + " " + (t.year || ""),
                      cell: (t) => [str(t.region), t.year].filter(Boolean).join(" "), cls: "place"}] : []),
    {label: W.seq, value: (t) => t.seq, cell: (t) => num(t.seq), cls: "n"},
    {label: W.content, value: (t) => t.content, cell: (t) => t.content, cls: "content"},
    {label: W.body, value: (t) => t.units, cell: (t) => t.units, cls: "units"},
    {label: W.deadline, value: (t) => t.deadline, cell: (t) => t.deadline, cls: "date"},
  ];

  function overdue(rows, withPlace) {
    const late = rows.filter((t) => t.kind);
    $("overdue-count").textContent = late.length;
    table($("overdue"), [
      ...taskColumns(withPlace),
      {label: W.days_late, value: (t) => t.late, cell: (t) => el("span", {class: "late"}, num(t.late)), cls: "n", desc: true},
      {label: W.kind, value: (t) => t.kind, cell: (t) => KIND[t.kind], cls: "date"},
      {label: W.as_of, value: (t) => t.asOf, cell: (t) => t.asOf, cls: "date"},
    ], late, {page: 25, sort: {col: withPlace ? 5 : 4, desc: true}, expand: detail});
  }

  function bodies(rows) {
    const by = new Map();
    for (const t of rows) for (const b of t.bodies) {
      if (collective.has(b)) continue;
      let x = by.get(b);
      if (!x) by.set(b, x = {name: S[b], n: 0, completed: 0, in_progress: 0, not_started: 0, late: 0});
      x.n++; if (t.status in x) x[t.status]++; if (t.kind) x.late++;
    }
    const list = [...by.values()];
    $("bodies-count").textContent = list.length;
    table($("bodies"), [
      {label: W.body, value: (x) => x.name, cell: (x) => el("a", {href: "#tasks", class: "pick",
        onclick: (ev) => { ev.preventDefault(); state.body = x.name; $("f-body").value = x.name; update(); $("tasks-h").scrollIntoView(); }}, x.name)},
      {label: W.tasks, value: (x) => x.n, cell: (x) => num(x.n), cls: "n", desc: true},
      {label: "", cell: (x) => bar({completed: x.completed, in_progress: x.in_progress, not_started: x.not_started,
                                     "": x.n - x.completed - x.in_progress - x.not_started}, x.n), cls: "barcell"},
      ...ORDER.slice(0, 3).map((s) => ({label: STATUS[s], value: (x) => x[s], cell: (x) => num(x[s]), cls: "n", desc: true})),
      {label: W.overdue, value: (x) => x.late, cell: (x) => x.late ? el("span", {class: "late"}, x.late) : "0", cls: "n", desc: true},
      {label: W.rate, value: (x) => x.completed / x.n, cell: (x) => pct(x.completed / x.n), cls: "n", desc: true},
    ], list, {page: 15, sort: {col: 1, desc: true}});
  }

  function tasks(rows, withPlace) {
    table($("tasks"), [
      ...taskColumns(withPlace),
      {label: W.status, value: (t) => ORDER.indexOf(t.status), cell: (t) => [statusBadge(t.status), lateBadge(t)]},
      {label: W.figures, cell: (t) => t.targets.filter((g) => g[4] != null).map(targetText).join("；"), cls: "fig"},
      {label: W.rate, value: lowestRatio, cell: (t) => pct(lowestRatio(t)), cls: "n", desc: true},
      {label: W.as_of, value: (t) => t.asOf, cell: (t) => t.asOf, cls: "date"},
      {label: W.reports, value: (t) => t.reps.length, cell: (t) => num(t.reps.length), cls: "n", desc: true},
    ], rows, {page: 100, expand: detail, rowClass: (t) => (t.kind ? "is-late" : null)});
  }

  function detail(t) {
    const box = el("div", {class: "detail-box"});
    if (t.progress) box.append(el("p", {}, el("b", {}, W.progress + "："), t.progress));
    for (const g of t.targets) {
      const ratio = g[5];
      box.append(el("div", {class: "tgt"}, el("span", {class: "tlabel"}, (str(g[2]) || "") + " " + targetText(g)),
        el("span", {class: "meter"}, el("span", {class: ratio >= 1 ? "full" : "part",
                                                 style: `width:${Math.min(ratio || 0, 1) * 100}%`})),
        el("span", {class: "tval"}, g[3] == null ? W.no_figure : pct(ratio))));
    }
    const reps = el("table", {class: "data history"},
      el("thead", {}, el("tr", {}, [W.as_of, W.report, W.status, W.figures, W.source].map((h) => el("th", {}, h)))),
      el("tbody", {}, t.reps.map((r) => { const list = LISTS[r[0]]; return el("tr", {},
        el("td", {class: "date"}, asOf(r)),
        el("td", {}, [str(list[3]), str(list[1])].filter(Boolean).join(" · ") + (list[2] != null ? "（" + (R.list_kinds[str(list[2])] || str(list[2])) + "）" : "")),
        el("td", {}, statusBadge(str(r[1])), r[2] != null && str(r[2]) !== STATUS[str(r[1])] ? " " + str(r[2]) : "",
           r[3] != null ? " " + W.stated_share + " " + pct(r[3]) : ""),
        el("td", {}, (r[7] || []).map(targetText).join("；")),
        el("td", {class: "src"}, sourceNode(r), list[6] != null ? el("div", {class: "note"}, W.files + "：" + str(list[6])) : "")); })));
    box.append(el("h4", {}, W.history + "（" + t.reps.length + "）"), reps);
    return box;
  }

  // --- wiring ---------------------------------------------------------------------------
  function update() {
    refreshChoices();
    const rows = TASKS.filter(matches);
    const places = new Set(rows.map((t) => t.region + "/" + t.year));
    $("shown").textContent = fill(W.shown, {n: rows.length, total: TASKS.length});
    summary(rows); trend(rows); overdue(rows, places.size > 1); bodies(rows); tasks(rows, places.size > 1);
  }

  let timer = null;
  for (const [id, key] of [["f-region", "region"], ["f-year", "year"], ["f-list", "list"], ["f-status", "status"]]) {
    $(id).addEventListener("change", (ev) => { state[key] = ev.target.value; update(); });
  }
  $("f-body").addEventListener("change", (ev) => { state.body = ev.target.value.trim(); update(); });
  $("q").addEventListener("input", (ev) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = ev.target.value.trim().toLowerCase(); update(); }, 120);
  });
  $("reset").addEventListener("click", () => {
    Object.keys(state).forEach((k) => (state[k] = ""));
    $("q").value = ""; $("f-body").value = ""; $("f-status").value = "";
    update();
  });
  $("f-status").replaceChildren(el("option", {value: ""}, W.all),
    ...ORDER.slice(0, 3).map((s) => el("option", {value: s}, STATUS[s])),
    el("option", {value: "overdue"}, W.overdue), ...Object.entries(KIND).map(([k, v]) => el("option", {value: k}, v)));
  update();
  document.body.classList.add("ready");
})();
