() => {
  // What a reader sees of the player at this step: the smallest on-screen size of each kind
  // of text ([px, text] or null), the lowest contrast, and the step's nodes out of view.
  const root = document.querySelector("[data-agl-ready]");
  const data = window.__aglData || (window.__aglData = JSON.parse(root.querySelector("script.agl-data").textContent));
  const k = Number(root.dataset.step), story = data.story[k];
  const onScreen = (r) => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
    && r.left < innerWidth && r.top < innerHeight;
  const shown = (t) => {
    const r = t.getBoundingClientRect(), cs = getComputedStyle(t);
    if (!onScreen(r) || !t.textContent.trim() || cs.visibility === "hidden" || Number(cs.opacity) === 0) return false;
    const svg = t.closest("svg");
    if (svg) {
      const b = svg.getBoundingClientRect();
      if (!(r.right > b.left && r.left < b.right && r.bottom > b.top && r.top < b.bottom)) return false;
    }
    const x = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);  // covered by something else?
    return Boolean(hit) && (hit === t || t.contains(hit) || hit.contains(t) || (svg && svg.contains(hit)));
  };
  const px = (t) => t instanceof SVGElement
    ? parseFloat(t.getAttribute("font-size") || getComputedStyle(t).fontSize) * t.getScreenCTM().a
    : parseFloat(getComputedStyle(t).fontSize);
  const rgb = (c) => { const m = String(c).match(/[\d.]+/g); return m && m.length >= 3 && !(m.length === 4 && Number(m[3]) === 0) ? m.slice(0, 3).map(Number) : null; };
  const lum = (c) => { const v = c.map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [l1, l2] = [lum(a), lum(b)].sort((p, q) => q - p); return (l1 + 0.05) / (l2 + 0.05); };
  const behind = (t) => {  // the fill the text is drawn on
    const cs = getComputedStyle(t);
    if (t instanceof SVGElement && cs.paintOrder.startsWith("stroke") && rgb(cs.stroke) && parseFloat(cs.strokeWidth) >= 2) return rgb(cs.stroke);
    const r = t.getBoundingClientRect();
    const x = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1), y = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
    for (const e of document.elementsFromPoint(x, y)) {
      if (e.tagName === "text" || e.tagName === "tspan" || e.tagName === "g" || e.tagName === "svg" || e.tagName === "use") continue;
      if (e instanceof SVGElement) { const f = rgb(getComputedStyle(e).fill); if (f && getComputedStyle(e).fill !== "none") return f; continue; }
      const b = rgb(getComputedStyle(e).backgroundColor);
      if (b) return b;
    }
    return [255, 255, 255];
  };
  const ink = (t) => rgb(t instanceof SVGElement ? getComputedStyle(t).fill : getComputedStyle(t).color);
  const leaves = (sel) => [...root.querySelectorAll(sel)].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).filter(shown);
  const least = (els) => els.reduce((m, e) => { const v = px(e); return !m || v < m[0] ? [v, e.textContent.trim().slice(0, 40)] : m; }, null);
  const graph = leaves(".agl-graph svg text"), overview = leaves(".agl-overview svg text");
  const lines = leaves(".agl-story .agl-line, .agl-story .agl-line *, .agl-story .agl-coarse-line, .agl-story .agl-coarse-line *");
  const table = leaves(".agl-grads th, .agl-grads td, .agl-grads td *");
  let contrast = null;
  for (const t of [...graph, ...overview, ...leaves(".agl-story *, .agl-bar *"), ...table]) {
    const c = ink(t);
    if (!c) continue;
    const v = ratio(c, behind(t));
    if (!contrast || v < contrast[0]) contrast = [v, t.textContent.trim().slice(0, 40)];
  }
  // an edge step's node and target: each in view, in the detail or its second pane
  const main = root.querySelector(".agl-graph svg.agl-drawing"), pane = root.querySelector(".agl-graph svg.agl-pane");
  const box = main.getBoundingClientRect();
  const inPane = (g) => {
    if (!pane || pane.style.display === "none") return false;
    const v = pane.getAttribute("viewBox").split(/[\s,]+/).map(Number), m = main.getScreenCTM().inverse();
    const r = g.getBoundingClientRect(), p = main.createSVGPoint();
    p.x = r.left; p.y = r.top; const a = p.matrixTransform(m);
    p.x = r.right; p.y = r.bottom; const b = p.matrixTransform(m);
    return a.x >= v[0] - 1 && a.y >= v[1] - 1 && b.x <= v[0] + v[2] + 1 && b.y <= v[1] + v[3] + 1;
  };
  const inView = (g) => { const r = g.getBoundingClientRect(); return (r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1) || inPane(g); };
  const away = [];
  if (k > 0 && !root.dataset.coarse) {
    for (const row of [story.node, story.target]) {
      const groups = Object.keys(data.ids).filter(id => data.ids[id] === row)
        .map(id => main.querySelector(`g.node[data-id="${id}"]`)).filter(Boolean);
      if (groups.length && !groups.some(inView)) away.push(data.rows[row].name);
    }
  }
  const next = root.querySelector(".agl-next");
  return {
    step: k, end: Boolean(next && next.disabled), graph: least(graph), overview: least(overview),
    line: least(lines), table: least(table), contrast, away: away.join(", "),
    owned: !root.dataset.coarse && k > 0 && Boolean(data.network) &&
      [story.node, story.target].some(r => r >= 0 && data.network.owner[r] >= 0),
    unit: Boolean(root.dataset.coarse) && data.coarse[Number(root.dataset.coarse) - 1].units.length > 0, lit: root.querySelectorAll(".agl-overview .agl-ov-node.hl").length
  };
}
