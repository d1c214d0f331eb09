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
  });

  apply(); // the browser may restore the filter's text when the page is reloaded
})();
