/* autograd-lite's backprop player.
 *
 * Every element with class "agl-player" holds one SVG of the graph (laid out
 * once, in Python) and a <script type="application/json" class="agl-data">
 * with the looks of every step as changes (see player_data.py). This script
 * dresses that one picture for any step exactly as svg_template.py does in
 * Python (texts, fills, pens, classes), and builds the narration, the grads
 * table, the controls and the node inspector. Several players on one page
 * keep their own state; nothing is global and nothing is loaded.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var SHAPES = "polygon, polyline, ellipse, path, rect, circle, line";
  var DASHED = 1, BOLD = 2, HIGHLIGHT = 4, TARGET = 8, ASKED_DATA = 16, ASKED_GRAD = 32;
  var SPEEDS = [[2000, "0.5\u00d7"], [1000, "1\u00d7"], [500, "2\u00d7"], [250, "4\u00d7"]];
  var ICONS = {
    first: "M3 2h2v12H3zM14 2v12L6 8z",
    back: "M12 2v12L4 8z",
    next: "M4 2v12l8-6z",
    last: "M11 2h2v12h-2zM2 2v12l8-6z",
    play: "M4 2v12l10-6z",
    pause: "M3 2h4v12H3zM9 2h4v12H9z",
    zoom: "M6.5 1a5.5 5.5 0 1 0 3.16 10l3.92 3.92 1.42-1.42-3.92-3.92A5.5 5.5 0 0 0 6.5 1zm0 2a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7z"
  };
  var CLOSE_SCALE = 1;  // up close (Z): one unit of the drawing per pixel, its own size
  var READABLE = 18;  // px on screen: a deck's smallest graph text (the detail's, the overview's)
  var NOTEBOOK_READABLE = 12;  // px on screen: the same in a notebook, read from a desk
  var OVERVIEW_FONT = 20;  // px: the overview's largest text
  var MOVE_MS = 300;  // the detail's move to the next step (none under reduced motion)
  var CLOSE_MARGIN = 24;  // units kept around the step's nodes when they fit
  var NOTEBOOK_CLOSE_HEIGHT = 480;  // px: a notebook player's picture up close, at most

  // --- small DOM helpers -----------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill-rule", "evenodd");
    svg.appendChild(path);
    return svg;
  }

  function setAttrs(node, attrs) {
    for (var key in attrs) {
      if (attrs[key] === null) { node.removeAttribute(key); } else { node.setAttribute(key, attrs[key]); }
    }
  }

  function words(into, segments) {
    into.textContent = "";
    segments.forEach(function (s) { into.appendChild(barred(s[1] ? el("code") : document.createDocumentFragment(), s[0])); });
  }

  // Text with a bar over a whole name, marked \u0098name\u009c (notation.WholeBars): the
  // name goes in a span whose overline spans all of it; x̄ is a character of its own.
  var BAR_MARK = /\u0098([^\u009c]*)\u009c/;

  function barred(into, text) {
    var parts = String(text).split(BAR_MARK);
    parts.forEach(function (part, i) {
      if (i % 2) { into.appendChild(el("span", "agl-over", part)); } else if (part) { into.appendChild(document.createTextNode(part)); }
    });
    return into;
  }

  // An element with text that may hold such bars.
  function elBarred(tag, cls, text) {
    return barred(el(tag, cls), text);
  }

  // Python's format(x, "g") for pen widths: six significant digits, no trailing zeros.
  function g(x) { return String(Number(x.toPrecision(6))); }

  // --- the picture: one SVG dressed per step, as svg_template.py does it ------------

  function indexDrawing(svg) {
    var items = {};
    svg.querySelectorAll("g.node[data-id], g.edge[data-id]").forEach(function (group) {
      var edge = group.classList.contains("edge");
      items[group.getAttribute("data-id")] = {
        group: group,
        edge: edge,
        kind: edge ? "edge" : group.classList[1],
        shapes: Array.prototype.slice.call(group.querySelectorAll(SHAPES)),
        texts: Array.prototype.slice.call(group.querySelectorAll("text"))
      };
    });
    return items;
  }

  function lines(fields) {
    var out = [];
    fields.forEach(function (f) { out = out.concat(f.split("\n")); });
    return out;
  }

  function paintNode(item, look, style) {
    var flags = look[2], marked = flags & HIGHLIGHT;
    var cls = "node " + item.kind + (marked ? " hl" : "") + (flags & TARGET ? " target" : "");
    item.group.setAttribute("class", cls + (flags & (ASKED_DATA | ASKED_GRAD) ? " asked" : ""));
    var width = (marked ? style.highlightPen : (flags & BOLD ? style.outputPen : style.pen)) * style.scale;
    item.shapes.forEach(function (shape, i) {
      setAttrs(shape, {
        fill: i === 0 ? (look[1] || "none") : "none",
        stroke: marked ? style.highlight : style.ink,
        "stroke-width": width !== 1 ? g(width) : null,
        "stroke-dasharray": flags & DASHED ? style.dashes : null
      });
    });
    var text = lines(look[0]);
    // a record's last two lines are its data and its grad: mark the one asked for
    var asked = flags & ASKED_DATA ? text.length - 2 : (flags & ASKED_GRAD ? text.length - 1 : -1);
    item.texts.forEach(function (t, i) {
      t.textContent = i < text.length ? text[i] : "";
      if (i === asked) { t.classList.add("agl-asked"); } else { t.classList.remove("agl-asked"); }
    });
  }

  function paintEdge(item, look, style) {
    var marked = look[1] === 1;
    var color = marked ? style.highlight : style.ink;
    var width = (marked ? style.highlightEdgePen : style.pen) * style.scale;
    item.group.setAttribute("class", marked ? "edge hl" : "edge");
    item.shapes.forEach(function (shape) {
      setAttrs(shape, {
        fill: shape.tagName === "polygon" ? color : "none",
        stroke: color,
        "stroke-width": width !== 1 ? g(width) : null
      });
    });
    item.texts.forEach(function (t) {
      setAttrs(t, {
        fill: marked ? style.highlight : style.edgeLabel,
        "font-weight": marked ? "bold" : null
      });
      t.textContent = look[0];
    });
  }

  // A notebook's player carries its picture as markup in its data and shows a still
  // image until here: untrusted notebooks strip inline SVG but keep images.
  function mountDrawing(root, markup) {
    var box = root.querySelector(".agl-graph");
    var holder = document.createElement("div");
    holder.innerHTML = markup;
    var svg = holder.querySelector("svg");
    var still = box.querySelector("img.agl-still");
    if (still) { box.replaceChild(svg, still); } else { box.appendChild(svg); }
    return svg;
  }

  // --- frames: a base look, then the changes of each step -----------------------------

  function apply(now, change, touched) {
    ["n", "e"].forEach(function (part) {
      for (var id in change[part]) {
        now[part][id] = change[part][id];
        if (touched) { touched[id] = true; }
      }
    });
  }

  function replaced(now, change) {
    var out = { n: {}, e: {} };
    ["n", "e"].forEach(function (part) {
      for (var id in change[part]) { out[part][id] = now[part][id]; }
    });
    return out;
  }

  // The looks at any position: walk the changes forward, or undo them backward.
  function makeFrames(data) {
    var now = { n: Object.assign({}, data.base.n), e: Object.assign({}, data.base.e) };
    var undo = [null];
    for (var k = 1; k <= data.steps; k++) {
      undo.push(replaced(now, data.changes[k]));
      apply(now, data.changes[k]);
    }
    for (k = data.steps; k >= 1; k--) { apply(now, undo[k]); }
    var frames = { now: now, at: 0, overlay: null };
    frames.seek = function (to, touched) {
      while (frames.at < to) { frames.at += 1; apply(now, data.changes[frames.at], touched); }
      while (frames.at > to) { apply(now, undo[frames.at], touched); frames.at -= 1; }
    };
    frames.look = function (part, id) {
      var over = frames.overlay && frames.overlay[part][id];
      return over || now[part][id];
    };
    return frames;
  }

  // --- the state of one player --------------------------------------------------------

  function Player(root, data) {
    this.root = root;
    this.data = data;
    this.deck = root.classList.contains("agl-deck");
    this.svg = root.querySelector(".agl-graph svg.agl-drawing") || mountDrawing(root, data.svg);
    this.wholeAttr = this.svg.getAttribute("viewBox");
    this.wholeView = viewOf(this.svg);
    this.close = Boolean(data.close);
    this.items = indexDrawing(this.svg);
    this.frames = makeFrames(data);
    this.pos = 0;
    this.asked = false;
    this.inspected = -1;
    this.timer = null;
    this.speed = 1;
    this.coarse = data.coarse || [];
    this.stopOf = {};  // a coarse step's last position -> its index
    for (var c = 0; c < this.coarse.length; c++) { this.stopOf[this.coarse[c].stop] = c; }
    this.opened = false;  // at a coarse step's last position: showing its last edge step
    this.closeScale = CLOSE_SCALE;
    this.readable = this.deck ? READABLE : NOTEBOOK_READABLE;
    this.build();
    this.chooseLevels();
    this.paintAll();
    this.go(data.start, data.predict && this.deck && this.asks(data.start));
  }

  Player.prototype.asks = function (k) {
    return this.data.predict && k > 0 && this.data.story[k].question !== null;
  };

  // The coarse step (by neuron or layer) shown whole at position k, or null.
  Player.prototype.coarseAt = function (k, opened) {
    var c = this.stopOf[k];
    return c === undefined || opened ? null : this.coarse[c];
  };

  // Whether an open coarse step is being walked edge by edge.
  Player.prototype.inside = function () {
    return this.coarse.length > 0 && (this.opened || (this.pos > 0 && this.stopOf[this.pos] === undefined));
  };

  // Go to position k; with `ask`, show its question first (predict mode). By neuron
  // or layer, a coarse step's last position shows the whole step unless `opened`.
  Player.prototype.go = function (k, ask, opened) {
    k = Math.max(0, Math.min(this.data.steps, k));
    var whole = this.coarseAt(k, opened);
    ask = Boolean(ask) && !whole && this.asks(k);
    var touched = {};
    this.frames.seek(ask ? k - 1 : k, touched);
    this.markOverlay(touched);
    this.frames.overlay = ask ? this.data.questions[k] : (whole ? whole.look : null);
    this.markOverlay(touched);
    this.pos = k;
    this.opened = Boolean(opened) && this.stopOf[k] !== undefined;
    this.asked = ask;
    this.paint(touched);
    this.update();
    if (this.close) { this.follow(true); }
    if (this.overview) { this.updateOverview(); }
  };

  Player.prototype.markOverlay = function (touched) {
    var over = this.frames.overlay;
    if (!over) { return; }
    ["n", "e"].forEach(function (part) { for (var id in over[part]) { touched[id] = true; } });
  };

  Player.prototype.next = function () {
    if (this.asked) { this.reveal(); return; }
    if (this.pos >= this.data.steps) { return; }
    if (!this.coarse.length) { this.go(this.pos + 1, true); return; }
    if (this.inside() && !this.opened) { this.go(this.pos + 1, true, true); return; }
    var k = this.pos + 1;  // the next coarse step, whole
    while (this.stopOf[k] === undefined && k < this.data.steps) { k++; }
    this.go(k, false, false);
  };

  // Back from a question or an answer alike: the step before, answered. By neuron or
  // layer, the coarse step before (or the edge step before, inside an open one).
  Player.prototype.back = function () {
    if (!this.coarse.length) { this.go(this.pos - 1, false); return; }
    if (this.inside()) {
      var k = this.pos - 1;
      this.go(k, false, k > 0 && this.stopOf[k] === undefined);
      return;
    }
    var c = this.coarseAt(this.pos, false);
    this.go(c ? c.start : this.pos - 1, false, false);
  };

  // Open the coarse step shown into its edge steps (O, or its button).
  Player.prototype.open = function () {
    var c = this.coarseAt(this.pos, this.opened);
    if (!c || this.pos === 0) { return; }
    this.stop();
    this.go(c.start + 1, true, true);
  };

  Player.prototype.reveal = function () {
    if (this.asked) { this.go(this.pos, false); }
  };

  Player.prototype.paint = function (touched) {
    for (var id in touched) { this.paintOne(id); }
  };

  Player.prototype.paintAll = function () {
    for (var id in this.items) { this.paintOne(id); }
  };

  Player.prototype.paintOne = function (id) {
    var item = this.items[id];
    if (!item) { return; }
    var look = this.frames.look(item.edge ? "e" : "n", id);
    if (!look) { return; }
    if (item.edge) { paintEdge(item, look, this.data.style); } else { paintNode(item, look, this.data.style); }
  };

  // --- building the player around its picture -----------------------------------------

  Player.prototype.build = function () {
    var root = this.root, self = this;
    var note = root.querySelector(".agl-static");
    if (note) { note.parentNode.removeChild(note); }
    this.bar = root.querySelector(".agl-bar") || root.insertBefore(el("div", "agl-bar"), root.firstChild);
    this.buildBar();
    this.story = root.querySelector(".agl-story");
    this.grads = el("div", "agl-grads");
    this.story.parentNode.insertBefore(this.grads, this.story.nextSibling);
    this.inspector = el("aside", "agl-inspect");
    this.inspector.hidden = true;
    (this.deck ? root.querySelector(".agl-graph") : this.grads.parentNode).appendChild(this.inspector);
    this.buildScrubber();
    this.settle();
    this.table = buildTable(this.grads, this.data, this.deck ? 1 : 3);
    this.svg.addEventListener("click", function (e) { self.clickGraph(e); });
    root.addEventListener("keydown", function (e) { self.key(e); });
    root.addEventListener("mousedown", function (e) { self.pressPlayer(e); });
    root.addEventListener("click", function (e) { self.clickPlayer(e); });
    if (!this.deck) { window.addEventListener("resize", function () { self.relayout(); }); }
  };

  // A notebook's width changes with its window: the story's height and the table follow.
  Player.prototype.relayout = function () {
    var self = this;
    clearTimeout(this.resizing);
    this.resizing = setTimeout(function () {
      self.settle();
      self.table = buildTable(self.grads, self.data, 3);
      updateTable(self.table, self.data, self.pos, self.asked);
      self.follow();
      if (self.overview) { self.overview.sample = -1; self.updateOverview(); }
    }, 150);
  };

  Player.prototype.buildBar = function () {
    var self = this, bar = this.bar;
    var title = bar.querySelector(".agl-title");
    bar.textContent = "";
    if (title) { bar.appendChild(title); }
    this.phase = bar.appendChild(el("span", "agl-phase"));
    var nav = bar.appendChild(el("span", "agl-nav"));
    this.buttons = {};
    var add = function (name, label, act) {
      var b = nav.appendChild(el("button", "agl-" + name));
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", label);
      b.appendChild(icon(name));
      b.addEventListener("mousedown", function (e) { e.preventDefault(); });
      b.addEventListener("click", function () { act(); self.root.focus(); });
      self.buttons[name] = b;
      return b;
    };
    add("first", "first step (Home)", function () { self.stop(); self.go(0); });
    add("back", "back (\u2190)", function () { self.back(); });
    this.counter = nav.appendChild(el("span", "agl-count"));
    add("next", "next (\u2192 or Space)", function () { self.next(); });
    add("last", "last step (End)", function () { self.stop(); self.go(self.data.steps); });
    add("play", "play / pause (P)", function () { self.toggle(); });
    add("zoom", "up close: follow the step at full size (Z)", function () { self.toggleClose(); });
    this.buttons.zoom.setAttribute("aria-pressed", String(this.close));
    this.buttons.zoom.classList.toggle("on", this.close);
    this.root.classList.toggle("agl-up-close", this.close);
    this.speedMenu = nav.appendChild(speedMenu(function (i) { self.speed = i; }));
    if (this.data.predict) {
      this.revealButton = nav.appendChild(el("button", "agl-reveal", "reveal"));
      this.revealButton.type = "button";
      this.revealButton.title = "show the answer (Enter)";
      this.revealButton.addEventListener("click", function () { self.reveal(); self.root.focus(); });
    }
    if (!this.deck) { bar.appendChild(el("span", "agl-hint", "click, then \u2190 \u2192 Space Home End")); }
  };

  function speedMenu(chosen) {
    var menu = el("select", "agl-speed");
    menu.title = "playing speed (+ and \u2212)";
    menu.setAttribute("aria-label", "playing speed");
    SPEEDS.forEach(function (s, i) {
      var o = menu.appendChild(el("option", "", s[1]));
      o.value = String(i);
    });
    menu.value = "1";
    menu.addEventListener("change", function () { chosen(Number(menu.value)); });
    return menu;
  }

  Player.prototype.buildScrubber = function () {
    var self = this;
    var scrub = el("input", "agl-scrub");
    scrub.type = "range";
    scrub.min = "0";
    scrub.max = String(this.data.steps);
    scrub.step = "1";
    scrub.setAttribute("aria-label", "step");
    scrub.addEventListener("input", function () { self.go(Number(scrub.value), false); });
    this.scrub = this.root.appendChild(scrub);
  };

  // --- showing the position: bar, narration, table, inspector --------------------------

  Player.prototype.update = function () {
    var k = this.pos, n = this.data.steps, story = this.data.story[k];
    var whole = this.coarseAt(k, this.opened);
    var phase = story.kind === "start" ? "start" : (story.kind === "forward" ? "forward" : "backward");
    if (whole) { phase = whole.kind; }
    this.phase.className = "agl-phase " + phase;
    this.phase.textContent = phase === "start" ? "overview" : phase + " pass";
    this.counter.textContent = this.count(k, whole);
    this.root.setAttribute("data-coarse", whole ? String(this.stopOf[k] + 1) : "");
    this.scrub.value = String(k);
    this.buttons.back.disabled = k === 0 && !this.asked;
    this.buttons.first.disabled = k === 0;
    this.buttons.next.disabled = k === n && !this.asked;
    this.buttons.last.disabled = k === n;
    if (this.revealButton) { this.revealButton.disabled = !this.asked; }
    this.root.setAttribute("data-step", String(k));
    this.root.classList.toggle("agl-asking", this.asked);
    if (whole) { this.renderCoarse(this.story, whole); fitWidth(this.story, ".agl-matrix", 14); } else { this.showStory(story); }
    updateTable(this.table, this.data, k, this.asked);
    this.showInspector();
    if (this.deck) { this.remember(); }
  };

  // The counter: "k / n" by edge; by neuron or layer "3 / 11", and "3 / 11 · 2/9"
  // inside an open coarse step.
  Player.prototype.count = function (k, whole) {
    if (!this.coarse.length) { return k + " / " + this.data.steps; }
    var total = this.coarse.length;
    if (k === 0) { return "0 / " + total; }
    if (whole) { return (this.stopOf[k] + 1) + " / " + total; }
    var c = this.around(k), within = this.coarse[c];
    return (c + 1) + " / " + total + " · " + (k - within.start) + "/" + (within.stop - within.start);
  };

  // The index of the coarse step whose edge steps include position k (-1 at the start).
  Player.prototype.around = function (k) {
    if (k <= 0) { return -1; }
    var c = 0;
    while (this.coarse[c].stop < k) { c++; }
    return c;
  };

  // A coarse step: its title, its lines with the numbers, its matrices, a button that
  // opens it into its edge steps.
  Player.prototype.renderCoarse = function (box, c, printed) {
    var self = this;
    box.textContent = "";
    var head = box.appendChild(el("p", "agl-line agl-coarse-title"));
    head.appendChild(el("span", "agl-eq", c.title));
    head.appendChild(el("span", "agl-note", "   (" + c.kind + ", by " + this.data.by + ")"));
    c.lines.forEach(function (line) { box.appendChild(elBarred("p", "agl-coarse-line", line)); });
    if (c.matrices.length) { box.appendChild(matrixRows(c.matrices)); }
    if (c.why) { box.appendChild(el("p", "agl-words agl-why", c.why)); }
    if (printed) { return; }
    var n = c.stop - c.start;
    var open = box.appendChild(el("button", "agl-open", "\u25b8 open: its " + n + " edge step" + (n === 1 ? "" : "s") + " (O)"));
    open.type = "button";
    open.addEventListener("mousedown", function (e) { e.preventDefault(); });
    open.addEventListener("click", function () { self.open(); self.root.focus(); });
  };

  // A layer's matrices: each group of lines (blank-line separated) is a row of named
  // blocks, side by side as the terminal writes them; each block is its own <pre>, so a
  // row too wide for the story wraps between blocks instead of running off the slide.
  function matrixRows(lines) {
    var wrap = el("div", "agl-matrices"), group = [];
    var flush = function () {
      if (!group.length) { return; }
      var row = wrap.appendChild(el("div", "agl-matrix-row")), cuts = blockStarts(group[0]);
      cuts.forEach(function (start, i) {
        var stop = i + 1 < cuts.length ? cuts[i + 1] : undefined;
        var text = group.map(function (line) { return line.slice(start, stop).replace(/\s+$/, ""); });
        row.appendChild(el("pre", "agl-matrix", text.join("\n")));
      });
      group = [];
    };
    lines.concat([""]).forEach(function (line) { if (line === "") { flush(); } else { group.push(line); } });
    return wrap;
  }

  // Where each block of a side-by-side row starts: after "]" and three spaces, at a name.
  function blockStarts(first) {
    var starts = [0], re = /\] {3}(?=\S)/g, m;
    while ((m = re.exec(first)) !== null) { starts.push(m.index + 4); }
    return starts;
  }

  // Text that would run past its box's right edge (a layer's matrices side by side) is set
  // smaller, a pixel at a time, down to `least` px; past that the box scrolls.
  function fitWidth(box, selector, least) {
    box.querySelectorAll(selector).forEach(function (e) {
      e.style.fontSize = "";
      var size = parseFloat(window.getComputedStyle(e).fontSize);
      while (e.scrollWidth > e.clientWidth + 1 && size > least) {
        size -= 1;
        e.style.fontSize = size + "px";
      }
    });
  }

  Player.prototype.showStory = function (story) {
    this.renderStory(this.story, story, this.asked);
  };

  Player.prototype.renderStory = function (box, story, asked) {
    box.textContent = "";
    if (story.kind !== "start") {
      var said = asked ? story.question : story.line;
      var line = box.appendChild(el("p", "agl-line"));
      line.classList.toggle("agl-long", said[0].length > 52);
      line.appendChild(elBarred("span", "agl-eq", said[0]));
      if (said[1]) { line.appendChild(el("span", "agl-note", "   (" + said[1] + ")")); }
    }
    var text = box.appendChild(el("p", "agl-words"));
    if (asked) {
      text.classList.add("agl-prompt");
      barred(text, this.prompt(story));
    } else {
      words(text, story.words);
    }
  };

  Player.prototype.prompt = function (story) {
    var row = this.data.rows[story.asks[0]];
    var what = story.asks[1] === "data" ? row.name : row.bar + " (" + row.name + ".grad)";
    return "What is " + what + " now? Call it out, then press Enter (or \u2192) to reveal it.";
  };

  // Every step's story, laid out once where the story goes: the tallest sets the
  // story's height, so the graph's box (and its zoom) stays the same on every step.
  Player.prototype.settle = function () {
    var probe = el("div", "agl-story-probe"), self = this;
    this.story.parentNode.insertBefore(probe, this.story);
    this.data.story.forEach(function (story, k) {
      self.renderStory(probe.appendChild(el("div", "agl-story")), story, false);
      if (self.asks(k)) { self.renderStory(probe.appendChild(el("div", "agl-story")), story, true); }
    });
    this.coarse.forEach(function (c) { self.renderCoarse(probe.appendChild(el("div", "agl-story")), c); });
    var tallest = 0;
    for (var c = probe.firstChild; c; c = c.nextSibling) { tallest = Math.max(tallest, c.offsetHeight); }
    probe.parentNode.removeChild(probe);
    // a deck keeps room for its graph and table: a longer story scrolls
    if (this.deck) { tallest = Math.min(tallest, Math.round(this.root.clientHeight * 0.42)); }
    if (tallest > 0) { this.root.style.setProperty("--agl-story-height", tallest + "px"); }
  };

  // --- the grads table -----------------------------------------------------------------

  function widestText(data) {
    var widest = 1;
    data.rows.forEach(function (r) {
      widest = Math.max(widest, r.name.length, r.data.length);
      r.terms.forEach(function (t) { widest = Math.max(widest, t[4].length); });
    });
    return widest;
  }

  function charWidth(box) {
    var probe = box.appendChild(el("span", "agl-probe", "0000000000"));
    var width = probe.offsetWidth / 10;
    box.removeChild(probe);
    return width || 10;
  }

  // As many columns per table as the box has room for; the nodes shared out evenly.
  function columnsPerTable(box, data) {
    var n = data.rows.length, room = box.clientWidth - 90;
    if (room <= 0) { return n; }
    var per = Math.max(1, Math.floor(room / (widestText(data) * charWidth(box) + 24)));
    if (per >= n) { return n; }
    var tables = Math.ceil(n / per);
    return Math.ceil(n / tables);
  }

  // The table in blocks of `per` columns (measured from the box unless given), of which
  // `visibleBlocks` show at a time.
  function buildTable(box, data, visibleBlocks, per) {
    box.textContent = "";
    box.classList.remove("agl-dense");
    if (!per) {
      per = columnsPerTable(box, data);
      if (per < data.rows.length) {
        box.classList.add("agl-dense");
        per = columnsPerTable(box, data);
      }
    } else if (per < data.rows.length) {
      box.classList.add("agl-dense");
    }
    var table = { box: box, cells: [], blocks: [], per: per };
    for (var lo = 0; lo < data.rows.length; lo += per) {
      table.blocks.push(box.appendChild(tableBlock(data, lo, per, table.cells)));
    }
    var scrolled = table.blocks.length > (visibleBlocks || 1);
    box.classList.toggle("agl-scrolled", scrolled);
    box.style.maxHeight = "";
    if (scrolled) {  // show whole blocks; the one with this step's cell is scrolled to
      var first = table.blocks[0], next = table.blocks[1];
      var pitch = next.offsetTop - first.offsetTop;
      if (pitch > 0) { box.style.maxHeight = (pitch * (visibleBlocks || 1)) + "px"; }
    }
    return table;
  }

  function tableBlock(data, lo, per, cells) {
    var t = el("table", "agl-table");
    var head = t.appendChild(el("thead")).appendChild(el("tr"));
    var body = t.appendChild(el("tbody"));
    var dataRow = body.appendChild(el("tr")), gradRow = body.appendChild(el("tr"));
    head.appendChild(el("th", "", "node")).scope = "row";
    dataRow.appendChild(el("th", "", "data")).scope = "row";
    gradRow.appendChild(el("th", "", "grad")).scope = "row";
    for (var i = lo; i < lo + per; i++) {
      var row = data.rows[i];
      var th = head.appendChild(el("th", "agl-col", row ? row.name : ""));
      th.scope = "col";
      var d = dataRow.appendChild(el("td", "agl-data")), gr = gradRow.appendChild(el("td", "agl-grad"));
      if (row) {
        th.setAttribute("data-row", String(i));
        d.setAttribute("data-row", String(i));
        gr.setAttribute("data-row", String(i));
        cells.push({ head: th, data: d, grad: gr, block: t });
      }
    }
    return t;
  }

  // The grad a node holds at position k: the running sum of its last term so far.
  function gradAt(row, k) {
    var shown = null;
    row.terms.forEach(function (t) { if (t[0] <= k) { shown = t[4]; } });
    return shown;
  }

  function updateTable(table, data, k, asked) {
    var story = data.story[k], hit = null;
    table.cells.forEach(function (cell, i) {
      var row = data.rows[i];
      var current = i === story.node || i === story.target;
      var askedHere = asked && story.asks[0] === i;
      var computed = row.computedAt <= k && !(askedHere && story.asks[1] === "data");
      var grad = gradAt(row, asked && story.asks[0] === i ? k - 1 : k);
      cell.data.textContent = askedHere && story.asks[1] === "data" ? "?" : (computed ? row.data : "");
      cell.grad.textContent = askedHere && story.asks[1] === "grad" ? "?" : (grad === null ? "\u2013" : grad);
      var writesData = story.kind === "forward" && i === story.node;
      var writesGrad = story.kind !== "forward" && i === story.target;
      cell.head.className = "agl-col" + (current ? " cur" : "");
      cell.data.className = "agl-data" + (writesData ? " hit" : (current ? " cur" : "")) + (computed ? "" : " none");
      cell.grad.className = "agl-grad" + (writesGrad ? " hit" : (current ? " cur" : "")) + (grad === null ? " none" : "");
      if (askedHere) { (story.asks[1] === "data" ? cell.data : cell.grad).classList.add("asked"); }
      if (writesData || writesGrad) { hit = cell; }
    });
    scrollToBlock(table, hit);
    return hit;
  }

  function scrollToBlock(table, cell) {
    if (!cell || table.blocks.length < 2) { return; }
    var box = table.box, top = cell.block.offsetTop, bottom = top + cell.block.offsetHeight;
    if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) { box.scrollTop = top; }
  }

  // --- clicking a node: its data, its grad so far and every contribution to it ---------

  Player.prototype.clickGraph = function (e) {
    var group = e.target.closest ? e.target.closest("g.node[data-id]") : null;
    if (!group) { return; }
    var row = this.data.ids[group.getAttribute("data-id")];
    if (row === undefined) { return; }
    e.stopPropagation();
    this.inspect(row);
  };

  Player.prototype.inspect = function (row) {
    this.inspected = row;
    this.showInspector();
  };

  Player.prototype.showInspector = function () {
    var box = this.inspector, i = this.inspected, self = this;
    box.hidden = i < 0;
    if (i < 0) { return; }
    var row = this.data.rows[i], k = this.pos, story = this.data.story[k];
    var asked = this.asked && story.asks[0] === i ? story.asks[1] : null;
    box.textContent = "";
    var head = box.appendChild(el("div", "agl-inspect-head"));
    head.appendChild(el("code", "agl-inspect-name", row.name));
    head.appendChild(el("span", "agl-inspect-kind", row.kind === "computed" ? "" : row.kind));
    var close = head.appendChild(el("button", "agl-close", "\u00d7"));
    close.type = "button";
    close.title = "close (Esc)";
    close.addEventListener("click", function (e) { e.stopPropagation(); self.inspect(-1); self.root.focus(); });
    box.appendChild(dataLine(row, k, asked === "data"));
    box.appendChild(gradLine(row, this.pos, asked === "grad"));
    if (row.terms.length) { box.appendChild(termsTable(row, k, asked === "grad")); }
  };

  function dataLine(row, k, asked) {
    var p = el("p", "agl-inspect-data");
    p.appendChild(el("span", "agl-label", "data "));
    if (asked) {
      p.appendChild(el("b", "asked", "?"));
      p.appendChild(document.createTextNode("  (step " + row.computedAt + " asks for it)"));
    } else if (row.computedAt > k) {
      p.appendChild(document.createTextNode("not computed yet (step " + row.computedAt + ")"));
    } else {
      p.appendChild(el("code", "", row.equation || row.name + " = " + row.data));
    }
    return p;
  }

  function gradLine(row, k, asked) {
    var p = el("p", "agl-inspect-grad");
    var grad = asked ? "?" : gradAt(row, k);
    p.appendChild(el("span", "agl-label", "grad so far "));
    p.appendChild(elBarred("code", asked ? "asked" : "", row.bar + " = " + (grad === null ? "not computed yet" : grad)));
    return p;
  }

  // One line per term into the node's grad: step, child's bar · local derivative, the
  // numbers, the term and the running sum. Later terms show only their formula.
  function termsTable(row, k, asked) {
    var t = el("table", "agl-terms");
    var head = t.appendChild(el("thead")).appendChild(el("tr"));
    ["step", "term", "", "", row.bar].forEach(function (h) { head.appendChild(elBarred("th", "", h)); });
    var body = t.appendChild(el("tbody"));
    row.terms.forEach(function (term) {
      var now = term[0] === k, later = term[0] > k, hide = later || (now && asked);
      var tr = body.appendChild(el("tr", "agl-term" + (now ? " now" : (later ? " later" : " done"))));
      tr.setAttribute("data-step", String(term[0]));
      tr.appendChild(el("td", "agl-term-step", String(term[0])));
      tr.appendChild(elBarred("td", "agl-term-formula", term[1]));
      tr.appendChild(el("td", "agl-term-numbers", later || !term[2] ? "" : "= " + term[2]));
      tr.appendChild(el("td", "agl-term-value", later ? "" : "= " + (hide ? "?" : term[3])));
      tr.appendChild(el("td", "agl-term-sum", later ? "later" : (hide ? "?" : term[4])));
    });
    return t;
  }

  // --- playing -------------------------------------------------------------------------

  Player.prototype.toggle = function () {
    if (this.timer !== null) { this.stop(); return; }
    if (this.pos === this.data.steps && !this.asked) { this.go(0); }
    this.playing(true);
    this.tick();
  };

  Player.prototype.tick = function () {
    var self = this;
    this.timer = setTimeout(function () {
      self.next();
      if (self.pos === self.data.steps && !self.asked) { self.stop(); return; }
      self.tick();
    }, SPEEDS[this.speed][0]);
  };

  Player.prototype.stop = function () {
    if (this.timer !== null) { clearTimeout(this.timer); }
    this.timer = null;
    this.playing(false);
  };

  Player.prototype.playing = function (on) {
    var b = this.buttons.play;
    b.textContent = "";
    b.appendChild(icon(on ? "pause" : "play"));
    b.classList.toggle("on", on);
    this.root.classList.toggle("agl-playing", on);
  };

  Player.prototype.faster = function (by) {
    this.speed = Math.max(0, Math.min(SPEEDS.length - 1, this.speed + by));
    this.speedMenu.value = String(this.speed);
  };

  // --- up close (Z): the drawing at its own size, following the step ---------------------

  function viewOf(svg) {
    var v = (svg.getAttribute("viewBox") || "").trim().split(/[\s,]+/).map(Number);
    return v.length === 4 && v.every(isFinite) ? v : null;
  }

  function setView(svg, view) {
    if (view) { svg.setAttribute("viewBox", view.join(" ")); }
  }

  Player.prototype.toggleClose = function () {
    this.close = !this.close;
    this.buttons.zoom.setAttribute("aria-pressed", String(this.close));
    this.buttons.zoom.classList.toggle("on", this.close);
    this.root.classList.toggle("agl-up-close", this.close);
    this.follow();
  };

  // Up close, a window of the drawing the shape of its box, at CLOSE_SCALE, around
  // this step's highlighted nodes (or its target, if they don't all fit); else all of it.
  // A drawing that already shows at least that size is left whole.
  Player.prototype.follow = function (moving) {
    var whole = this.wholeView, before = moving && this.started ? viewOf(this.svg) : null;
    var CLOSE_SCALE = this.closeScale;
    if (this.moving) { cancelAnimationFrame(this.moving); this.moving = null; }
    if (this.wholeAttr) { this.svg.setAttribute("viewBox", this.wholeAttr); }
    if (!this.deck) { this.svg.style.height = ""; }
    var box = this.svg.getBoundingClientRect();
    if (!this.close || !whole || box.width <= 0 || box.height <= 0) { return; }
    if (!this.deck && box.width / whole[2] < CLOSE_SCALE) {
      // a notebook's picture is as tall as the whole graph's shape makes it: up close,
      // as tall as the drawing at full size, within the usual bound
      this.svg.style.height = Math.min(whole[3] * CLOSE_SCALE, NOTEBOOK_CLOSE_HEIGHT) + "px";
      box = this.svg.getBoundingClientRect();
    }
    var shown = Math.min(box.width / whole[2], box.height / whole[3]);
    if (shown >= CLOSE_SCALE) { this.split(false); return; }
    var w = box.width / CLOSE_SCALE, h = box.height / CLOSE_SCALE;
    var spots = this.spotlight(w, h);
    if (!spots) { this.split(false); return; }
    this.split(spots.length > 1);
    if (spots.length > 1) { h = this.svg.getBoundingClientRect().height / CLOSE_SCALE; }
    var views = spots.map(function (spot) {
      var x = within(spot[0] - w / 2, whole[0], whole[2], w);
      var y = within(spot[1] - h / 2, whole[1], whole[3], h);
      return [x, y, w, h].map(function (v) { return Number(v.toFixed(2)); });
    });
    if (views[1]) { setView(this.pane, views[1]); }
    if (before && this.overview && !views[1] && Math.abs(before[3] - h) < 0.5) { this.move(before, views[0]); } else { this.move(views[0], views[0]); }
  };

  // A step whose node and target are too far apart to show together at the readable
  // size shows each in half the box: the drawing around the target above, around the
  // node below (a second picture of the same drawing, kept in step by <use>).
  Player.prototype.split = function (two) {
    var pane = this.pane;
    if (!two) {
      if (pane) { pane.style.display = "none"; this.svg.classList.remove("agl-half"); }
      return;
    }
    if (!pane) {
      var top = this.svg.querySelector("g.graph");
      if (!top) { return; }
      if (!top.id) { top.id = "agl-graph-" + Math.random().toString(36).slice(2); }
      pane = this.pane = document.createElementNS(SVG_NS, "svg");
      setAttrs(pane, { "class": "agl-drawing agl-pane", role: "img", "aria-label": "the step's other node" });
      pane.appendChild(document.createElementNS(SVG_NS, "use")).setAttribute("href", "#" + top.id);
      this.svg.parentNode.insertBefore(pane, this.svg.nextSibling);
    }
    pane.style.display = "";
    this.svg.classList.add("agl-half");
    if (!this.deck) {  // a notebook's picture keeps its height, shared by the two halves
      var half = (parseFloat(this.svg.style.height) || this.svg.getBoundingClientRect().height) / 2;
      this.svg.style.height = pane.style.height = half.toFixed(1) + "px";
    }
  };

  // The detail's window slides from one step's spot to the next (instantly when the
  // reader asks for reduced motion, or when it does not move).
  Player.prototype.move = function (from, to) {
    var svg = this.svg, self = this;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (this.moving) { cancelAnimationFrame(this.moving); this.moving = null; }
    if (still || !window.requestAnimationFrame || from.join() === to.join()) { setView(svg, to); return; }
    setView(svg, from);
    var t0 = null;
    var frame = function (now) {
      if (t0 === null) { t0 = now; }
      var t = Math.min(1, (now - t0) / MOVE_MS), e = t * t * (3 - 2 * t);
      setView(svg, from.map(function (v, i) { return Number((v + (to[i] - v) * e).toFixed(2)); }));
      self.moving = t < 1 ? requestAnimationFrame(frame) : null;
    };
    this.moving = requestAnimationFrame(frame);
  };

  // The smallest font size in the drawing, in its own units.
  function smallestFont(svg) {
    var least = Infinity;
    svg.querySelectorAll("text").forEach(function (t) {
      var size = parseFloat(t.getAttribute("font-size") || "");
      if (size > 0) { least = Math.min(least, size); }
    });
    return isFinite(least) ? least : READABLE;
  }

  // --- the overview (by neuron or layer): the network as the lectures draw it ---------

  // Two levels (an overview beside the graph up close) when the graph, fitted to its box,
  // would show text under the readable size; a network's always, by neuron or layer.
  // The overview is the network, else the graph's assigned names.
  Player.prototype.chooseLevels = function () {
    var data = this.data, font = smallestFont(this.svg);
    if (!data.network && !data.names) { return; }
    if (!(data.network && this.coarse.length) && this.fittedScale() * font >= this.readable) { return; }
    var graph = this.root.querySelector(".agl-graph");
    this.root.classList.add("agl-levels", "agl-by-" + data.by, data.network ? "agl-network" : "agl-names");
    this.overview = { box: graph.parentNode.insertBefore(el("div", "agl-overview"), graph), sample: -1 };
    this.sampleOf = {};
    if (data.network) {
      var self = this;
      data.network.samples.forEach(function (s, i) {
        s.layers.forEach(function (l) { l.neurons.forEach(function (n) { self.sampleOf[n.row] = i; }); });
      });
    }
    this.close = true;
    this.closeScale = Math.max(CLOSE_SCALE, this.readable / font * 1.001);  // rounding
    this.buttons.zoom.setAttribute("aria-pressed", "true");
    this.buttons.zoom.classList.add("on");
    this.root.classList.add("agl-up-close");
    this.settle();  // the story's width has changed
  };

  // Screen px per drawing unit with the whole graph fitted to its box.
  Player.prototype.fittedScale = function () {
    var box = this.svg.getBoundingClientRect(), whole = this.wholeView;
    if (!whole || box.width <= 0) { return Infinity; }
    return Math.min(box.width / whole[2], box.height > 0 ? box.height / whole[3] : Infinity);
  };

  // What the overview's nodes belong to: the network's, else the names'.
  Player.prototype.owners = function () {
    return (this.data.network || this.data.names).owner;
  };

  // The sample the position is about: its coarse step's (or its node's neuron's), else
  // the one shown last.
  Player.prototype.sampleAt = function (k) {
    var last = Math.max(this.overview.sample, 0);
    if (!this.data.network) { return 0; }
    if (!this.coarse.length) {
      var at = this.unitsAt(k).map(function (r) { return this.sampleOf[r]; }, this);
      return at.length ? at[0] : last;
    }
    var c = this.around(k), s = c < 0 ? 0 : this.coarse[c].sample;
    return s > 0 ? s - 1 : last;
  };

  // The rows of the overview's nodes the position is about: its coarse step's units, or
  // by edge the units of the step's node and target.
  Player.prototype.unitsAt = function (k) {
    if (this.coarse.length) {
      var c = this.around(k);
      return c < 0 ? [] : this.coarse[c].units;
    }
    var story = this.data.story[k], owner = this.owners(), out = [];
    [story.node, story.target].forEach(function (r) {
      var o = r >= 0 ? owner[r] : -1;
      if (o >= 0 && out.indexOf(o) < 0) { out.push(o); }
    });
    return out;
  };

  // The overview's columns: a network's inputs, layers and loss (circles; the loss a
  // box), or the assigned names by column (boxes with their names).
  Player.prototype.overviewColumns = function (sample) {
    var net = this.data.network;
    if (!net) {
      var cols = [];
      this.data.names.boxes.forEach(function (b) {
        while (cols.length <= b.column) { cols.push({ title: "", rows: [], shape: "name" }); }
        cols[b.column].rows.push({ row: b.row, name: b.name });
      });
      return cols;
    }
    var s = net.samples[sample];
    var columns = [{ title: "inputs", rows: s.inputs.map(function (r) { return { row: r }; }), shape: "circle" }];
    s.layers.forEach(function (layer) {
      columns.push({ title: layer.title + "\n" + layer.activation, rows: layer.neurons, shape: "circle" });
    });
    if (net.loss >= 0) { columns.push({ title: "loss", rows: [{ row: net.loss }], shape: "loss" }); }
    return columns;
  };

  // Arrows: a network's from every node of a column to every node of the next; the
  // names' as the graph has them.
  Player.prototype.overviewArrows = function (spots) {
    var out = [], at = {};
    if (this.data.names) {
      spots.forEach(function (col) { col.forEach(function (s) { at[s.row] = s; }); });
      this.data.names.arrows.forEach(function (a) { if (at[a[0]] && at[a[1]]) { out.push([at[a[0]], at[a[1]]]); } });
      return out;
    }
    for (var i = 1; i < spots.length; i++) {
      spots[i].forEach(function (to) { spots[i - 1].forEach(function (from) { out.push([from, to]); }); });
    }
    return out;
  };

  Player.prototype.drawOverview = function (sample) {
    var ov = this.overview;
    var W = ov.box.clientWidth, H = ov.box.clientHeight;
    ov.box.textContent = "";
    ov.sample = sample;
    ov.nodes = {};
    ov.edges = {};
    if (W <= 0 || H <= 0) { return; }
    var svg = ov.box.appendChild(document.createElementNS(SVG_NS, "svg"));
    setAttrs(svg, { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": this.data.network ? "the network" : "the graph by its names" });
    var columns = this.overviewColumns(sample), least = this.readable;
    var titles = Math.max.apply(null, columns.map(function (c) { return c.title ? c.title.split("\n").length : 0; }));
    var head = titles ? titles * (least + 2) + 8 : 4;
    // many columns of names wrap into bands, as lines of text do, so each stays wide
    var per = this.data.network ? columns.length : Math.max(1, Math.min(columns.length, Math.floor(W / 110)));
    var bands = Math.ceil(columns.length / per), colW = W / per, bandH = (H - head) / bands;
    var lines = svg.appendChild(document.createElementNS(SVG_NS, "g"));
    var spots = columns.map(function (col, i) {
      var cell = bandH / col.rows.length, top = head + bandH * Math.floor(i / per);
      var r = Math.max(3, Math.min(cell / 2 - 3, colW / 2 - 10, col.shape === "name" ? 60 : 46));
      return col.rows.map(function (n, j) {
        return { row: n.row, name: n.name, x: colW * (i % per + 0.5), y: top + cell * (j + 0.5), r: r, w: colW, shape: col.shape };
      });
    });
    this.overviewArrows(spots).forEach(function (a) {
      var line = lines.appendChild(document.createElementNS(SVG_NS, "line"));
      var out = a[0].shape === "name" ? a[0].w * 0.42 : a[0].r, inn = a[1].shape === "name" ? a[1].w * 0.42 : a[1].r;
      setAttrs(line, { x1: a[0].x + out, y1: a[0].y, x2: a[1].x - inn, y2: a[1].y, "class": "agl-ov-edge" });
      (ov.edges[a[1].row] = ov.edges[a[1].row] || []).push(line);
    });
    var self = this;
    columns.forEach(function (col, i) {
      col.title.split("\n").forEach(function (part, j) {
        var title = svg.appendChild(document.createElementNS(SVG_NS, "text"));
        setAttrs(title, { x: colW * (i + 0.5), y: (least + 2) * (j + 1), "text-anchor": "middle", "class": "agl-ov-title", "font-size": least + 1 });
        title.textContent = part;
      });
      spots[i].forEach(function (spot) { ov.nodes[spot.row] = self.overviewNode(svg, spot); });
    });
  };

  // One circle (the loss, a name: a box) with its value and grad (a name: its name too),
  // as many lines as fit at a readable size; else the name alone, or a dot.
  Player.prototype.overviewNode = function (svg, spot) {
    var g = svg.appendChild(document.createElementNS(SVG_NS, "g"));
    g.setAttribute("class", "agl-ov-node");
    var shape = g.appendChild(document.createElementNS(SVG_NS, spot.shape === "circle" ? "circle" : "rect"));
    var half = spot.shape === "name" ? spot.w * 0.42 : Math.min(spot.r * 1.4, spot.w / 2 - 4);
    if (spot.shape === "circle") {
      setAttrs(shape, { cx: spot.x, cy: spot.y, r: spot.r });
    } else {
      setAttrs(shape, { x: spot.x - half, y: spot.y - spot.r, width: 2 * half, height: spot.r * 2, rx: 6 });
    }
    // lines of up to 10 characters of 0.6 em ("ā −2.53621"; a name's "grad −2.53621": 13)
    // across the box, or a circle's column (on a halo, they may spill over the circle)
    var across = spot.shape === "circle" ? spot.w - 10 : 2 * half - 8;
    var kinds = spot.shape === "name" ? ["agl-ov-name", "agl-ov-value", "agl-ov-grad"] : ["agl-ov-value", "agl-ov-grad"];
    var widest = widestOf(this.data.rows[spot.row], spot.shape === "name" ? "grad " : "\u0101 ");
    var tall = 2 * spot.r, size = 0, n = kinds.length;
    for (; n > 0; n--) {
      var chars = kinds[n - 1] === "agl-ov-name" ? String(spot.name).length : widest;
      if (kinds[0] === "agl-ov-name") { chars = Math.max(chars, String(spot.name).length); }
      size = Math.min(OVERVIEW_FONT, tall / (n * 1.25 + 0.3), across / (0.6 * chars));
      if (size >= this.readable) { break; }
    }
    var texts = [];
    for (var i = 0; i < n; i++) {
      var t = g.appendChild(document.createElementNS(SVG_NS, "text"));
      setAttrs(t, { x: spot.x, y: spot.y + (i - (n - 1) / 2) * 1.25 * size + 0.35 * size, "text-anchor": "middle", "font-size": size.toFixed(1), "class": kinds[i] });
      if (kinds[i] === "agl-ov-name") { t.textContent = spot.name; }
      texts.push(t);
    }
    var numbers = texts.filter(function (t) { return t.getAttribute("class") !== "agl-ov-name"; });
    return { group: g, texts: numbers, gradWord: spot.shape === "name" ? "grad " : "\u0101 " };
  };

  // The most characters a row's overview lines show: its value, or its grad at any step.
  function widestOf(row, gradWord) {
    if (!row) { return 4; }
    var most = Math.max(String(row.data).length, 1);
    row.terms.forEach(function (t) { most = Math.max(most, gradWord.length + String(t[4]).length); });
    return Math.max(most, 4);
  }

  Player.prototype.updateOverview = function () {
    var ov = this.overview, k = this.pos, data = this.data;
    var sample = this.sampleAt(k);
    if (sample !== ov.sample || !ov.nodes) { this.drawOverview(sample); }
    var lit = {};
    this.unitsAt(k).forEach(function (r) { lit[r] = true; });
    for (var row in ov.nodes) {
      var node = ov.nodes[row], info = data.rows[row];
      var computed = info && info.computedAt <= k, grad = info ? gradAt(info, k) : null;
      node.group.classList.toggle("hl", Boolean(lit[row]));
      if (node.texts[0]) { node.texts[0].textContent = computed ? info.data : "?"; }
      if (node.texts[1]) { node.texts[1].textContent = grad === null ? "" : node.gradWord + grad; }
    }
    for (var to in ov.edges) {
      ov.edges[to].forEach(function (line) { line.classList.toggle("hl", Boolean(lit[to])); });
    }
  };

  // The left edge of a window `size` wide centred near `start`, kept on the drawing.
  function within(start, lo, length, size) {
    if (size >= length) { return lo + (length - size) / 2; }
    return Math.max(lo, Math.min(lo + length - size, start));
  }

  // The centre, in drawing units, of what this step highlights, if it fits a w by h
  // window; else of its target node; null when nothing is highlighted.
  Player.prototype.spotlight = function (w, h) {
    var marked = [], target = [];
    for (var id in this.items) {
      var item = this.items[id];
      if (item.edge) { continue; }
      var cls = " " + item.group.getAttribute("class") + " ";
      if (cls.indexOf(" hl ") >= 0) { marked.push(item.group); }
      if (cls.indexOf(" target ") >= 0) { target.push(item.group); }
    }
    var fits = function (e) {
      return e && e[2] - e[0] + 2 * CLOSE_MARGIN <= w && e[3] - e[1] + 2 * CLOSE_MARGIN <= h;
    };
    var self = this, story = this.data.story[this.pos], whole = this.coarseAt(this.pos, this.opened);
    var group = function (row) { var id = row >= 0 ? self.drawnId(row) : null; return id ? self.items[id].group : null; };
    var centre = function (e) { return [(e[0] + e[2]) / 2, (e[1] + e[3]) / 2]; };
    if (!marked.length) {  // nothing lit (the start): where the first step will be
      var first = this.data.story[1] ? group(this.data.story[1].node) : null;
      return first ? [centre(this.extent([first]))] : null;
    }
    var all = this.extent(marked);
    if (fits(all)) { return [centre(all)]; }
    var node = whole ? null : group(story.node);
    if (node && target.length && node !== target[0]) {  // an edge step: its two ends, apart
      return [centre(this.extent(target)), centre(this.extent([node]))];
    }
    // too big to show whole: a coarse step's neuron, else the step's target or its node
    var unit = whole && whole.units.length ? group(whole.units[0]) : null;
    var focus = unit ? [unit] : (target.length ? target : [node || marked[0]]);
    var aim = this.extent(focus);
    return [centre(fits(aim) ? aim : this.extent([focus[0]]))];
  };

  // The drawn node (its id) that shows row `row` (the first, for a leaf drawn as copies),
  // or null; the map is made once, on first use.
  Player.prototype.drawnId = function (row) {
    if (!this.idOfRow) {
      this.idOfRow = {};
      for (var id in this.data.ids) {
        var r = this.data.ids[id];
        if (this.items[id] && !(r in this.idOfRow)) { this.idOfRow[r] = id; }
      }
    }
    return row in this.idOfRow ? this.idOfRow[row] : null;
  };

  // [x0, y0, x1, y1] around the groups, in the drawing's units (its viewBox's).
  Player.prototype.extent = function (groups) {
    if (!groups.length) { return null; }
    var toUnits = this.svg.getScreenCTM().inverse(), p = this.svg.createSVGPoint();
    var out = [Infinity, Infinity, -Infinity, -Infinity];
    groups.forEach(function (g) {
      var r = g.getBoundingClientRect();
      [[r.left, r.top], [r.right, r.bottom]].forEach(function (c) {
        p.x = c[0]; p.y = c[1];
        var q = p.matrixTransform(toUnits);
        out = [Math.min(out[0], q.x), Math.min(out[1], q.y), Math.max(out[2], q.x), Math.max(out[3], q.y)];
      });
    });
    return out;
  };

  // --- keys: only on a player that has focus --------------------------------------------

  var KEYS = {
    ArrowRight: "next", Right: "next", PageDown: "next", n: "next",
    ArrowLeft: "back", Left: "back", PageUp: "back", Backspace: "back",
    Home: "first", End: "last", Enter: "reveal", p: "play", P: "play",
    "+": "faster", "=": "faster", "-": "slower", Escape: "close", z: "zoom", Z: "zoom",
    o: "open", O: "open"
  };
  var DECK_KEYS = { ArrowDown: "next", Down: "next", ArrowUp: "back", Up: "back", f: "full", F: "full" };

  Player.prototype.key = function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || (tag === "BUTTON" && (e.key === " " || e.key === "Enter"))) { return; }
    var act = e.key === " " || e.key === "Spacebar" ? (e.shiftKey ? "back" : "next") : KEYS[e.key];
    if (!act && this.deck) { act = DECK_KEYS[e.key]; }
    if (!act || (act === "reveal" && !this.asked && !this.deck)) { return; }
    e.preventDefault();
    e.stopPropagation();
    this.act(act);
  };

  Player.prototype.act = function (act) {
    switch (act) {
      case "next": this.next(); break;
      case "back": this.back(); break;
      case "first": this.go(0); break;
      case "last": this.go(this.data.steps); break;
      case "reveal": if (this.asked) { this.reveal(); } else { this.next(); } break;
      case "play": this.toggle(); break;
      case "faster": this.faster(1); break;
      case "slower": this.faster(-1); break;
      case "close": this.inspect(-1); break;
      case "full": fullScreen(); break;
      case "zoom": this.toggleClose(); break;
      case "open": this.open(); break;
    }
  };

  // --- the deck: full screen, deep links, clicks, printing -----------------------------

  // A click on a slide, each with one meaning: a node opens its contributions
  // (clickGraph); anywhere else (the graph's background, the narration, the table)
  // moves forward, or back on the slide's left third. A drag (one that selects text,
  // or moves the mouse at all) moves nothing, and nor does a click on a control or
  // in the open contributions.
  var DRAG = 4;  // px the mouse may move between press and release and still click

  Player.prototype.pressPlayer = function (e) {
    this.pressed = e.button === 0 ? [e.clientX, e.clientY] : null;
  };

  Player.prototype.clickPlayer = function (e) {
    if (!this.deck || e.button !== 0 || e.defaultPrevented) { return; }
    if (e.target.closest("button, input, select, a, label, .agl-inspect")) { return; }
    if (window.getSelection && String(window.getSelection()) !== "") { return; }
    var from = this.pressed;
    this.pressed = null;
    if (from && Math.abs(e.clientX - from[0]) + Math.abs(e.clientY - from[1]) > DRAG) { return; }
    var box = this.root.getBoundingClientRect();
    if (e.clientX < box.left + box.width / 3) { this.back(); } else { this.next(); }
  };

  Player.prototype.remember = function () {
    if (!window.history || !history.replaceState) { return; }
    try { history.replaceState(null, "", "#s" + this.pos); } catch (err) { /* file: URLs in some browsers */ }
  };

  function fullScreen() {
    var doc = document.documentElement;
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen(); }
    } else if (doc.requestFullscreen) {
      doc.requestFullscreen();
    }
  }

  function hashStep(steps) {
    var m = /^#s(\d+)$/.exec(location.hash);
    return m && Number(m[1]) <= steps ? Number(m[1]) : null;
  }

  // The slide fills the window: a 1280 x 720 canvas scaled to it, taking the window's
  // shape (a 4:3 projector's whole height). A window of a projector's size (1024 x 640
  // or more) never scales the type below its own size.
  function fit() {
    var w = window.innerWidth, h = window.innerHeight;
    var s = Math.min(w / 1280, h / 720);
    if (s < 1) { s = Math.min(1, Math.max(s, Math.min(w / 1024, h / 640))); }
    if (!(s > 0)) { s = 1; }
    var style = document.documentElement.style;
    style.setProperty("--agl-scale", String(s));
    style.setProperty("--agl-width", (w > 0 ? w / s : 1280).toFixed(1) + "px");
    style.setProperty("--agl-height", (h > 0 ? h / s : 720).toFixed(1) + "px");
  }

  // Printing (and a handout: slides --handout) makes a page per step on an A4 landscape
  // sheet: the picture dressed for it, its narration and the block of the table it writes
  // in. A network prints a page per coarse step (by neuron or layer) or, by edge, a page per
  // neuron per pass with its edge steps' lines; its picture is the part of the drawing
  // around the page's nodes, at a size that reads on paper.
  var PAGE_WIDTH = 277 / 25.4 * 96;  // CSS px: an A4 landscape sheet inside 10 mm margins (deck.css)
  var PAGE_GRAPH_HEIGHT = 300;  // CSS px: the least a page leaves its picture (MLP 2,4,1: 369)
  var PAGE_GRAPH_LIKELY = 480;  // CSS px: about what it gets: kept on the drawing, not past it
  var PRINT_READABLE = 12.5;  // CSS px: a page's smallest graph text, at least (9 pt is 12 px)
  var PRINT_LARGEST = 18;  // CSS px: ... and at most, when the page's nodes are few
  var PRINT_TABLE_FONT = 12.5;  // CSS px: the table's type on a page (deck.css)
  var PRINT_CELL = 11;  // CSS px: a column's padding and rule (deck.css)
  var PRINT_ROW_HEAD = 55;  // CSS px: the column of "node", "data" and "grad" (deck.css)
  var MONO_WIDTH = 0.62;  // em: a monospace character's advance, with a little room
  var MANY_LINES = 6;  // a page with more lines than this sets them in two columns

  Player.prototype.printPages = function () {
    var pages = el("div", "agl-player agl-deck agl-print");
    var frames = makeFrames(this.data), sheets = this.printSheets(), self = this;
    sheets.forEach(function (sheet, i) {
      frames.seek(sheet.k);
      frames.overlay = sheet.look || (sheet.lit ? lighted(frames, sheet.lit) : null);
      pages.appendChild(self.printPage(frames, sheet, i + " / " + (sheets.length - 1)));
    });
    return pages;
  };

  // What each page is about: its position k, its coarse step (or one made of a neuron's
  // edge steps), its highlights, and the drawn nodes its picture is cropped around: those
  // it highlights (about), its neurons' own (members) and their outputs (focus).
  Player.prototype.printSheets = function () {
    var data = this.data, sheets = [];
    if (!data.network) {
      for (var k = 0; k <= data.steps; k++) { sheets.push({ k: k }); }
      return sheets;
    }
    var first = data.network.samples[0].layers[0].neurons[0].row;  // where the forward pass starts
    sheets.push({ k: 0, about: this.idsOf(ownedBy(data, first)), focus: this.idsOf([first]) });
    var rest = this.coarse.length ? this.coarse.map(this.coarseSheet, this) : this.printGroups();
    return sheets.concat(rest);
  };

  Player.prototype.coarseSheet = function (c) {
    var about = [];
    for (var id in c.look.n) {
      if (c.look.n[id][2] & HIGHLIGHT && this.items[id]) { about.push(id); }
    }
    var data = this.data, members = [];
    c.units.forEach(function (unit) { members = members.concat(ownedBy(data, unit)); });
    return {
      k: c.stop, kind: c.kind, coarse: c, look: c.look, about: about,
      members: members.length ? this.idsOf(members) : about, focus: this.idsOf(c.units)
    };
  };

  // By edge, a network's steps by neuron: each goes with its node's neuron (network.owner),
  // else with the inputs or the loss; a pass's pages come in the order its neurons finish
  // (forward) or start (backward).
  Player.prototype.printGroups = function () {
    var data = this.data, owner = data.network.owner, inputs = {}, byKey = {}, groups = [];
    data.network.samples.forEach(function (s) { s.inputs.forEach(function (r) { inputs[r] = true; }); });
    for (var k = 1; k <= data.steps; k++) {
      var story = data.story[k], forward = story.kind === "forward";
      var unit = story.node >= 0 ? owner[story.node] : -1;
      var part = unit >= 0 ? String(unit) : (forward && inputs[story.node] ? "inputs" : "loss");
      var key = (forward ? "forward " : "backward ") + part;
      if (!byKey[key]) { groups.push(byKey[key] = { kind: forward ? "forward" : "backward", unit: unit, part: part, steps: [] }); }
      byKey[key].steps.push(k);
    }
    var when = function (g) { return g.kind === "forward" ? g.steps[g.steps.length - 1] : g.steps[0]; };
    groups.sort(function (a, b) { return when(a) - when(b); });
    return groups.map(this.groupSheet, this);
  };

  // A page of a neuron's (or the inputs', or the loss's) edge steps in one pass: every
  // step's line, the picture after the last, the nodes it computes highlighted.
  Player.prototype.groupSheet = function (group) {
    var data = this.data, owner = data.network.owner, rows = [];
    group.steps.forEach(function (k) {
      [data.story[k].node, data.story[k].target].forEach(function (r) {
        if (r >= 0 && owner[r] === group.unit && rows.indexOf(r) < 0) { rows.push(r); }
      });
    });
    var about = this.idsOf(rows), named = group.unit >= 0;
    var lines = group.steps.map(function (k) { return data.story[k].line[0]; });
    var title = named ? "neuron " + data.rows[group.unit].name : group.part;
    return {
      k: group.steps[group.steps.length - 1], kind: group.kind, lit: about, about: about,
      focus: named ? this.idsOf([group.unit]) : about,
      coarse: { title: title, kind: group.kind, lines: lines, matrices: [], why: "" }
    };
  };

  // The drawn nodes (their ids) of the rows, in the rows' order, a row's copies too.
  Player.prototype.idsOf = function (rows) {
    var out = [], ids = this.data.ids, items = this.items;
    rows.forEach(function (row) {
      for (var id in ids) {
        if (ids[id] === row && items[id]) { out.push(id); }
      }
    });
    return out;
  };

  // The rows of a neuron's nodes: those network.owner gives to its output's row.
  function ownedBy(data, unit) {
    var out = [];
    data.network.owner.forEach(function (o, r) { if (o === unit) { out.push(r); } });
    return out;
  }

  // The looks at the frames' position with the nodes `ids` highlighted too.
  function lighted(frames, ids) {
    var over = { n: {}, e: {} };
    ids.forEach(function (id) {
      var look = frames.now.n[id];
      if (look) { over.n[id] = [look[0], look[1], look[2] | HIGHLIGHT]; }
    });
    return over;
  }

  Player.prototype.printPage = function (frames, sheet, count) {
    var page = el("section", "agl-page"), data = this.data, k = sheet.k;
    var story = data.story[k], kind = sheet.kind || story.kind;
    var phase = kind === "start" ? "start" : (kind === "forward" ? "forward" : "backward");
    var head = page.appendChild(el("header", "agl-bar"));
    head.appendChild(el("span", "agl-title", data.title));
    head.appendChild(el("span", "agl-phase " + phase, phase === "start" ? "overview" : phase + " pass"));
    head.appendChild(el("span", "agl-count", count));
    var picture = page.appendChild(el("div", "agl-graph")).appendChild(this.svg.cloneNode(true));
    picture.classList.remove("agl-half");
    var view = sheet.about ? this.printView(sheet) : null;
    if (view) { setView(picture, view); } else if (this.wholeAttr) { picture.setAttribute("viewBox", this.wholeAttr); }
    var items = indexDrawing(picture);
    for (var id in items) {
      var look = frames.look(items[id].edge ? "e" : "n", id);
      if (items[id].edge) { paintEdge(items[id], look, data.style); } else { paintNode(items[id], look, data.style); }
    }
    var box = page.appendChild(el("div", "agl-story"));
    if (sheet.coarse) {
      this.renderCoarse(box, sheet.coarse, true);
      box.classList.toggle("agl-many", sheet.coarse.lines.length > MANY_LINES && !sheet.coarse.matrices.length);
    } else {
      this.renderStory(box, story, false);
    }
    var grads = page.appendChild(el("div", "agl-grads"));
    var table = buildTable(grads, data, 1, printColumns(data));
    var hit = updateTable(table, data, k, false);
    table.blocks.forEach(function (block, i) {  // a page shows the block its last step writes in
      if (hit ? block !== hit.block : i > 0) { grads.removeChild(block); }
    });
    return page;
  };

  // The window of the drawing a page shows, [x, y, w, h] in its units: around the nodes
  // the page highlights, at a scale where its smallest text is PRINT_READABLE px (more, up
  // to PRINT_LARGEST, when they are few) in a PAGE_WIDTH x PAGE_GRAPH_HEIGHT box; when they
  // don't fit, as much of its neurons as fits with their output (the first's) in it. Null
  // (the whole drawing) when none of them is drawn.
  Player.prototype.printView = function (sheet) {
    var whole = this.wholeView, box = this.extentOf(sheet.about), m = CLOSE_MARGIN;
    if (!whole || !box) { return null; }
    var font = smallestFont(this.svg), focus = sheet.focus || [];
    var fit = Math.min(PAGE_WIDTH / (box[2] - box[0] + 2 * m), PAGE_GRAPH_HEIGHT / (box[3] - box[1] + 2 * m));
    var scale = Math.max(PRINT_READABLE / font, Math.min(PRINT_LARGEST / font, fit));
    var w = PAGE_WIDTH / scale, h = PAGE_GRAPH_HEIGHT / scale;
    if (fit < scale) { box = this.extentOf(sheet.members || []) || box; }
    var keep = this.extentOf(focus) || box;
    if (keep[2] - keep[0] + 2 * m > w || keep[3] - keep[1] + 2 * m > h) { keep = this.extentOf(focus.slice(0, 1)) || box; }
    var x = within(holding((box[0] + box[2] - w) / 2, keep[0] - m, keep[2] + m, w), whole[0], whole[2], w);
    var y = holding((box[1] + box[3] - h) / 2, keep[1] - m, keep[3] + m, h);
    // the picture is mostly taller than the window (it shows more of the drawing above and
    // below): that height is kept on the drawing, the window still holding `keep`
    var tall = Math.max(h, PAGE_GRAPH_LIKELY / scale), spare = (tall - h) / 2;
    y = holding(within(y - spare, whole[1], whole[3], tall) + spare, keep[1] - m, keep[3] + m, h);
    return [x, y, w, h].map(function (v) { return Number(v.toFixed(2)); });
  };

  // The start of a window `size` long, as near `start` as keeps lo..hi inside it.
  function holding(start, lo, hi, size) {
    return Math.min(Math.max(start, hi - size), lo);
  }

  // [x0, y0, x1, y1] around the drawn nodes `ids` in the drawing's units, or null.
  Player.prototype.extentOf = function (ids) {
    var self = this;
    if (!ids.length || !this.svg.getScreenCTM()) { return null; }
    try {
      return this.extent(ids.map(function (id) { return self.items[id].group; }));
    } catch (err) {  // a drawing not laid out: no size to measure
      return null;
    }
  };

  // Columns per block of a page's table: as many as the page's width holds with every
  // number whole, shared out evenly.
  function printColumns(data) {
    var n = data.rows.length;
    var column = widestText(data) * MONO_WIDTH * PRINT_TABLE_FONT + PRINT_CELL;
    var per = Math.max(1, Math.floor((PAGE_WIDTH - PRINT_ROW_HEAD) / column));
    return per >= n ? n : Math.ceil(n / Math.ceil(n / per));
  }

  // A handout (slides --handout marks the page agl-handout) opens on the pages printing
  // gives and keeps them after printing: it prints itself once its deck has started.
  function handout() {
    if (!document.documentElement.classList.contains("agl-handout")) { return; }
    var show = function () { window.dispatchEvent(new Event("beforeprint")); };
    show();
    window.addEventListener("afterprint", show);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", handout); } else { setTimeout(handout, 0); }

  Player.prototype.deckSetup = function () {
    var self = this, printed = null;
    fit();
    this.follow();  // the slide's size is known now
    var redraw = function () { if (self.overview) { self.overview.sample = -1; self.updateOverview(); } };
    window.addEventListener("resize", function () { fit(); self.follow(); redraw(); });
    redraw();  // its box is sized now
    window.addEventListener("hashchange", function () {
      var k = hashStep(self.data.steps);
      if (k !== null && k !== self.pos) { self.go(k, self.data.predict); }
    });
    window.addEventListener("beforeprint", function () {
      if (printed) { return; }
      printed = document.body.appendChild(self.printPages());
      document.documentElement.classList.add("agl-printing");
    });
    window.addEventListener("afterprint", function () {
      document.documentElement.classList.remove("agl-printing");
      if (printed) { printed.parentNode.removeChild(printed); printed = null; }
    });
    document.addEventListener("keydown", function (e) {
      if (document.activeElement === document.body) { self.key(e); }
    });
    this.root.focus();
  };

  // --- start every player on the page that has not started ------------------------------

  function boot(root) {
    var source = root.querySelector("script.agl-data");
    if (!source || root.hasAttribute("data-agl-ready")) { return; }
    var data = JSON.parse(source.textContent);
    var deck = root.classList.contains("agl-deck");
    if (deck) {
      var k = hashStep(data.steps);
      if (k !== null) { data.start = k; }
    }
    if (deck) { fit(); }  // the slide's size, before the player measures its graph
    var player = new Player(root, data);
    if (deck) { player.deckSetup(); }
    player.started = true;  // from now on the detail slides to each step
    root.setAttribute("data-agl-ready", "");
  }

  document.querySelectorAll(".agl-player").forEach(function (root) {
    try { boot(root); } catch (err) {
      root.setAttribute("data-agl-error", String(err));
      if (window.console) { console.error("autograd-lite player:", err); }
    }
  });
})();
