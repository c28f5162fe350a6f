"""The style sheet and script inlined into every slide deck (``slides.py``).

The deck is designed on a 1280 x 720 canvas. With JavaScript the script
scales that canvas to fit the window (a projector, a laptop, full screen)
and shows one slide at a time; without it every slide is shown, one under
the other, and the previous/next links jump between them. Nothing here
loads anything from anywhere: the fonts are the system's.
"""

from __future__ import annotations

WIDTH, HEIGHT = 1280, 720
"""The design size of a slide in CSS pixels (16:9)."""

# Runs in <head>, before the slides are parsed, so a browser with
# JavaScript never shows the stacked no-script layout first.
EARLY_SCRIPT = 'document.documentElement.classList.add("js");'

STYLE = """
:root {
  --accent: #e8590c;
  --accent-soft: #fff0e6;
  --ink: #1d2733;
  --muted: #55606d;
  --faint: #9aa4af;
  --rule: #dde2e8;
  --forward: #1c5aa6;
  --forward-soft: #e6effa;
  --sans: "Liberation Sans", Arial, Helvetica, "Nimbus Sans", "DejaVu Sans", sans-serif;
  --mono: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { background: #d9dde2; color: var(--ink); font-family: var(--sans); }
.slide {
  position: relative;
  width: 1280px;
  height: 720px;
  margin: 24px auto;
  padding: 20px 44px 28px;
  background: #ffffff;
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  grid-template-rows: auto minmax(0, 1fr) auto auto;
  row-gap: 14px;
  overflow: hidden;
}
.slide.opening { grid-template-rows: auto auto minmax(0, 1fr) auto; }
.js body { background: #1b1f24; overflow: hidden; }
.js .deck {
  position: fixed;
  left: 50%;
  top: 50%;
  width: 1280px;
  height: 720px;
  transform: translate(-50%, -50%) scale(var(--scale, 1));
}
.js .slide { display: none; margin: 0; }
.js .slide.current { display: grid; }
/* every slide's graph gets the same box, so it never re-zooms from one slide to
   the next: the step text's row is as tall as the tallest (measured by the script) */
.js .slide:not(.opening) { grid-template-rows: auto minmax(0, 1fr) var(--step-height, auto) auto; }
.js .opening .graph { height: var(--graph-height, auto); align-self: center; }
.slide.probe {
  position: absolute;
  left: -100000px;
  top: 0;
  display: block;
  height: auto;
  visibility: hidden;
}

/* the bar at the top: deck title, phase, previous / counter / next */
.bar {
  min-width: 0;
  display: flex;
  align-items: center;
  gap: 18px;
  padding-bottom: 10px;
  border-bottom: 2px solid var(--rule);
  font-size: 22px;
}
.bar .title {
  flex: 1;
  min-width: 0;
  font-weight: bold;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.phase {
  flex: none;
  padding: 4px 14px;
  border-radius: 999px;
  font-size: 18px;
  font-weight: bold;
  letter-spacing: 0.04em;
  text-transform: uppercase;
  background: #eef0f3;
  color: var(--muted);
}
.phase.forward { background: var(--forward-soft); color: var(--forward); }
.phase.backward { background: var(--accent-soft); color: #b4460a; }
.nav { flex: none; display: flex; align-items: center; gap: 6px; }
.nav a, .nav .off {
  display: inline-block;
  width: 40px;
  text-align: center;
  font-size: 30px;
  line-height: 34px;
  border-radius: 8px;
  text-decoration: none;
  color: var(--ink);
}
.nav a:hover { background: #eef0f3; }
.nav .off { color: #d0d5db; }
.counter {
  min-width: 96px;
  text-align: center;
  font-size: 26px;
  font-variant-numeric: tabular-nums;
  color: var(--muted);
}
.counter b { color: var(--ink); }

/* the graph, scaled to fill its box (up to twice its natural size); its text sizes
   come from the one layout every slide shares, so no rule here may change them */
.graph { position: relative; min-height: 0; }
.graph svg {
  position: absolute;
  inset: 0;
  margin: auto;
  width: 100%;
  height: 100%;
}
.graph svg text { font-family: Helvetica, Arial, "Liberation Sans", "Nimbus Sans", sans-serif; }
.graph g.node.target { filter: drop-shadow(0 0 5px rgba(232, 89, 12, 0.75)); }

/* the step: its chain-rule line and what it means */
.step { min-width: 0; }
.eq {
  margin: 0;
  font-family: var(--mono);
  font-size: 34px;
  line-height: 1.25;
  overflow-wrap: anywhere;
}
.eq.long { font-size: 27px; }
.eq .note {
  display: block;
  margin-top: 2px;
  font-size: 25px;
  color: var(--accent);
  font-weight: bold;
}
.forward-slide .eq .note { color: var(--forward); }
.caption { margin: 8px 0 0; font-size: 21px; line-height: 1.35; color: var(--muted); }
code { font-family: var(--mono); font-size: 0.95em; color: var(--ink); }

/* the running table of data and grads */
.tables {
  position: relative;
  display: flex;
  flex-direction: column;
  gap: 8px;
  max-height: 240px;
  overflow: auto;
}
/* a long table shows one block at a time (scrolled to the current node), so the
   graph keeps the room; the script sets the height of one block */
.tables.scrolled { max-height: var(--table-height, 96px); }
table.grads {
  width: 100%;
  table-layout: fixed;
  border-collapse: collapse;
  font-size: 21px;
  font-variant-numeric: tabular-nums;
}
.dense table.grads { font-size: 17px; }
.grads th, .grads td {
  padding: 4px 13px;
  text-align: right;
  border-bottom: 1px solid var(--rule);
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.dense .grads th, .dense .grads td { padding: 3px 11px; }
.grads th[scope="row"] { width: 84px; text-align: left; font-weight: normal; color: var(--muted); }
.grads thead th { border-bottom: 2px solid var(--rule); }
.grads thead th[scope="col"] { font-family: var(--mono); font-weight: bold; }
.grads td { font-family: var(--mono); }
.grads .cur { background: #f6f7f9; }
.grads .none { color: var(--faint); }
.grads td.hit { background: var(--accent); color: #ffffff; font-weight: bold; }
.forward-slide .grads td.hit { background: var(--forward); }

/* the opening slide */
.opening .bar .title { visibility: hidden; }
.opening .lead { margin: 0; font-size: 44px; font-weight: bold; line-height: 1.15; }
.opening .facts { margin: 0; font-size: 22px; line-height: 1.5; color: var(--muted); }
.opening .facts code { font-family: var(--mono); color: var(--ink); }
.keys { display: none; }
.js .keys { display: inline; }
kbd {
  display: inline-block;
  padding: 0 7px;
  border: 1px solid #c3cad2;
  border-bottom-width: 2px;
  border-radius: 5px;
  font-family: var(--mono);
  font-size: 18px;
  color: var(--ink);
  background: #f7f8fa;
}

.progress { position: absolute; left: 0; bottom: 0; height: 6px; background: var(--accent); }

@media print {
  body { background: #ffffff; }
  .js .deck { position: static; transform: none; width: auto; height: auto; }
  .js .slide, .slide { display: grid; margin: 0; break-after: page; }
  .nav, .keys { display: none; }
  @page { size: 1280px 720px; margin: 0; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var slides = document.querySelectorAll("section.slide");
  if (!slides.length) { return; }
  var root = document.documentElement;
  var at = -1;

  function indexOf(hash) {
    for (var i = 0; i < slides.length; i++) {
      if ("#" + slides[i].id === hash) { return i; }
    }
    return -1;
  }

  function show(i, remember) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (i === at) { return; }
    if (at >= 0) {
      slides[at].classList.remove("current");
      slides[at].setAttribute("aria-hidden", "true");
    }
    slides[i].classList.add("current");
    slides[i].removeAttribute("aria-hidden");
    at = i;
    reveal(slides[i].querySelector(".tables td.hit"));
    if (remember && window.history && history.replaceState) {
      try { history.replaceState(null, "", "#" + slides[i].id); } catch (e) { /* file: URLs */ }
    }
  }

  // A long grads table scrolls: bring the table holding the cell this step wrote into view.
  function reveal(cell) {
    if (!cell || !cell.closest) { return; }
    var box = cell.closest(".tables");
    var table = cell.closest("table");
    if (!box || !table) { return; }
    var top = table.offsetTop;
    var bottom = top + table.offsetHeight;
    if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) { box.scrollTop = top; }
  }

  // The tallest step text of the deck sets the step row of every slide, and the
  // opening slide's graph box is made as tall as the others'.
  function settle() {
    var deck = slides[0].parentNode;
    var probe = document.createElement("section");
    probe.className = "slide probe";
    var steps = deck.querySelectorAll("section.slide .step");
    for (var i = 0; i < steps.length; i++) { probe.appendChild(steps[i].cloneNode(true)); }
    var block = deck.querySelector(".tables.scrolled");
    var one = null;
    if (block) {
      one = block.cloneNode(false);
      one.appendChild(block.querySelector("table").cloneNode(true));
      one.className = one.className.replace("scrolled", "");
      probe.appendChild(one);
    }
    deck.appendChild(probe);
    var tallest = 0;
    for (var c = probe.firstChild; c; c = c.nextSibling) {
      if (c !== one) { tallest = Math.max(tallest, c.offsetHeight); }
    }
    var table = one ? one.offsetHeight : 0;
    deck.removeChild(probe);
    if (tallest > 0) { root.style.setProperty("--step-height", tallest + "px"); }
    if (table > 0) { root.style.setProperty("--table-height", table + "px"); }
    if (slides.length > 1) {
      var other = slides[1];
      var shown = other.classList.contains("current");
      other.classList.add("current");
      var box = other.querySelector(".graph");
      var height = box ? box.offsetHeight : 0;
      if (!shown) { other.classList.remove("current"); }
      if (height > 0) { root.style.setProperty("--graph-height", height + "px"); }
    }
  }

  function fit() {
    var s = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT);
    root.style.setProperty("--scale", String(s > 0 ? s : 1));
  }

  function fullScreen() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen(); }
    } else if (root.requestFullscreen) {
      root.requestFullscreen();
    }
  }

  for (var k = 0; k < slides.length; k++) { slides[k].setAttribute("aria-hidden", "true"); }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    switch (e.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case "Right": case "Down":
        show(at + 1, true); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace": case "Left": case "Up":
        show(at - 1, true); break;
      case " ": case "Spacebar":
        show(e.shiftKey ? at - 1 : at + 1, true); break;
      case "Home": show(0, true); break;
      case "End": show(slides.length - 1, true); break;
      case "f": case "F": fullScreen(); break;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    if (e.button !== 0) { return; }
    var link = e.target.closest ? e.target.closest("a") : null;
    if (link) {
      var j = indexOf(link.getAttribute("href"));
      if (j >= 0) { e.preventDefault(); show(j, true); }
      return;
    }
    if (window.getSelection && String(window.getSelection()) !== "") { return; }
    show(e.clientX < window.innerWidth / 2 ? at - 1 : at + 1, true);
  });

  window.addEventListener("hashchange", function () {
    var j = indexOf(location.hash);
    if (j >= 0) { show(j, false); }
  });
  window.addEventListener("resize", fit);
  settle();
  fit();
  var start = indexOf(location.hash);
  show(start >= 0 ? start : 0, false);
})();
""".replace("WIDTH", str(WIDTH)).replace("HEIGHT", str(HEIGHT))

__all__ = ["EARLY_SCRIPT", "HEIGHT", "SCRIPT", "STYLE", "WIDTH"]
