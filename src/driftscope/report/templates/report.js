(() => {
  "use strict";
  // Filter and toggle over thousands of columns: names are read once from data-* attributes
  // (escaped by the renderer, unescaped by the browser) and only changed "hidden" flags are set.
  const box = document.getElementById("ds-filter");
  const driftedOnly = document.getElementById("ds-drifted-only");
  const count = document.getElementById("ds-count");
  const empty = document.getElementById("ds-empty");
  const items = Array.from(document.querySelectorAll("[data-name]"));
  const keys = items.map((el) => el.dataset.name.toLowerCase());
  const drifted = items.map((el) => el.dataset.drifted === "1");
  const sections = items.filter((el) => el.tagName === "DETAILS");
  let timer = 0;

  function apply() {
    const needle = box.value.trim().toLowerCase();
    const onlyDrifted = driftedOnly.checked;
    let shown = 0;
    for (let i = 0; i < items.length; i++) {
      const hide = (needle !== "" && !keys[i].includes(needle)) || (onlyDrifted && !drifted[i]);
      if (items[i].hidden !== hide) items[i].hidden = hide;
      if (!hide && items[i].tagName === "DETAILS") shown++;
    }
    count.textContent = shown === sections.length
      ? `${sections.length} columns`
      : `${shown} of ${sections.length} columns`;
    empty.hidden = shown > 0;
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 80);
  });
  driftedOnly.addEventListener("change", apply);

  function openAll(open) {
    for (const el of sections) if (!el.hidden) el.open = open;
  }
  document.getElementById("ds-expand").addEventListener("click", () => openAll(true));
  document.getElementById("ds-collapse").addEventListener("click", () => openAll(false));

  // A link to a column (summary bar, drifted chip) also unfolds that column's section.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#c']");
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
    // In a notebook's frame (srcdoc) links resolve against the notebook's address: following
    // one would load the notebook in the frame, so scroll to the section here instead.
    if (target && link.href.split("#")[0] !== location.href.split("#")[0]) {
      event.preventDefault();
      target.scrollIntoView();
    }
  });

  // The summary chart's menu: bars of one method's raw statistic instead of the threshold ratio,
  // for the columns that have one, longest for the largest magnitude and sorted by it. Each
  // row's statistics are in its data-stats attribute (JSON, method -> value).
  const pick = document.getElementById("ds-stat");
  if (pick) {
    const card = pick.closest("section");
    const list = card.querySelector(".sev-list");
    const rows = Array.from(list.querySelectorAll("a.sev-row"));
    const stats = rows.map((row) => JSON.parse(row.dataset.stats || "{}"));
    const bars = rows.map((row) => row.querySelector("svg.sev rect"));
    const ratios = bars.map((bar) => bar.getAttribute("width"));
    const tips = rows.map((row) => row.title);
    const heading = card.querySelector("h2");
    const headingText = heading.textContent;
    const axis = card.querySelector("svg.stat-axis");
    const hint = card.querySelector(".stat-hint");
    const has = (i, method) => Object.prototype.hasOwnProperty.call(stats[i], method);
    const size = (i, method) => (has(i, method) ? Math.abs(stats[i][method]) : -1);
    const fmt = (v) => (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)
      ? v.toExponential(2) : String(Number(v.toPrecision(4))));

    function ticks(top) {
      // Round steps (1, 2, 2.5 or 5 times a power of ten), about four up to the largest value.
      if (!(top > 0)) return [0];
      const raw = top / 4;
      const power = 10 ** Math.floor(Math.log10(raw));
      const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
      const out = [];
      for (let k = 0; k * step <= top * (1 + 1e-9); k++) out.push(Number((k * step).toPrecision(12)));
      return out;
    }

    function drawAxis(top) {
      axis.replaceChildren();
      const marks = ticks(top);
      marks.forEach((tick, k) => {
        const text = document.createElementNS(axis.namespaceURI, "text");
        const x = top > 0 ? (tick / top) * 100 : 0;
        text.setAttribute("x", `${x.toFixed(2)}%`);
        text.setAttribute("y", "13");
        text.setAttribute("text-anchor", k === 0 ? "start" : x > 97 ? "end" : "middle");
        text.textContent = fmt(tick);
        axis.appendChild(text);
      });
    }

    function show(method) {
      const on = method !== "";
      card.classList.toggle("by-stat", on);
      let top = 0;
      if (on) for (let i = 0; i < rows.length; i++) top = Math.max(top, size(i, method));
      const order = rows.map((_, i) => i);
      if (on) order.sort((i, j) => size(j, method) - size(i, method));
      for (const i of order) list.appendChild(rows[i]); // back in severity order when off
      for (let i = 0; i < rows.length; i++) {
        const shown = on && has(i, method);
        rows[i].classList.toggle("nostat", on && !shown);
        if (!on) {
          bars[i].setAttribute("width", ratios[i]);
          rows[i].title = tips[i];
        } else if (shown) {
          const width = top > 0 ? (size(i, method) / top) * 100 : 0;
          bars[i].setAttribute("width", `${width.toFixed(2)}%`);
          rows[i].title = `${rows[i].dataset.name}: ${method} = ${fmt(stats[i][method])}`;
        }
      }
      if (on) drawAxis(top);
      heading.textContent = on ? `${method} statistic by column` : headingText;
      hint.textContent = on
        ? `The ${method} statistic of each column tested with it, largest first; the longest `
          + "bar is the largest value (the magnitude, for a signed statistic). Orange bars are "
          + "columns that drifted."
        : "";
    }

    pick.addEventListener("change", () => show(pick.value));
    if (pick.value !== "") show(pick.value); // the browser may restore the choice on reload
  }

  apply(); // the browser may restore the filter's text when the page is reloaded
})();
