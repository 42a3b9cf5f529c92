// The backprop player: steps through the forward pass (values appear node by node), then the
// backward pass (at each step one node sends local derivative x upstream gradient to each parent).
// Every number it shows was formatted by Python (autograd/player.py) and sits in the page's JSON;
// this script only decides which of them to show at step k. It finds each player on the page
// (a div.agp with a JSON block inside), so several players can share one page or notebook.
(function () {
  "use strict";

  function init(root) {
    if (root.getAttribute("data-ready") === "1") { return; }
    root.setAttribute("data-ready", "1");
    var D = JSON.parse(root.querySelector("script.agp-data").textContent);
    var standalone = root.getAttribute("data-standalone") === "1";
    var view = root.querySelector(".agp-view");
    var nodes = D.nodes, steps = D.steps;
    var N = nodes.length, F = N, B = steps.length, M = F + B;
    var DASH = "\u2013";

    // --- the drawing -------------------------------------------------------------------------
    // The page carries it as one SVG: what shows where scripts do not run. Here it is split into
    // SVG layers on one canvas, each as long as what it draws (player.py, _drawing, says why and
    // which groups go in which layer), and a last layer on top for the highlights.
    var SVGNS = "http://www.w3.org/2000/svg";
    var whole = view.querySelector("svg.agp-drawing");
    var graph = whole.firstElementChild;          // the graph's group: its place, inherited styles
    var kinds = [graph.querySelector(".agp-edges"), graph.querySelector(".agp-nodes")];
    var canvas = whole.viewBox.baseVal, axis = D.drawing.axis;
    var stack = document.createElement("div");
    stack.className = "agp-stack";
    stack.style.width = whole.getAttribute("width");
    stack.style.height = whole.getAttribute("height");

    function layer(start, length, cls) {
      var at = [canvas.x, canvas.y, canvas.width, canvas.height];
      if (length !== null) { at[axis] = start; at[2 + axis] = length; }
      var svgLayer = document.createElementNS(SVGNS, "svg");
      svgLayer.setAttribute("class", cls);
      svgLayer.setAttribute("width", at[2] + "pt");
      svgLayer.setAttribute("height", at[3] + "pt");
      svgLayer.setAttribute("viewBox", at.join(" "));
      svgLayer.style.left = at[0] + "pt";
      svgLayer.style.top = at[1] + "pt";
      var g = graph.cloneNode(false);
      svgLayer.appendChild(g);
      stack.appendChild(svgLayer);
      return g;
    }

    var layers = D.drawing.layers;
    for (var li = 0; li < layers.length; li++) {
      var from = kinds[layers[li][0]];
      var into = from.cloneNode(false);           // the kind's font size
      layer(layers[li][1], layers[li][2], "agp-layer").appendChild(into);
      for (var c = 0; c < layers[li][3]; c++) { into.appendChild(from.firstElementChild); }
    }
    // The highlights' layer: boxes first, edges (and their long labels) over them.
    var topLayer = layer(0, null, "agp-layer agp-overlay");
    var overlay = [topLayer.appendChild(kinds[0].cloneNode(false)),
                   topLayer.appendChild(kinds[1].cloneNode(false))];
    topLayer.insertBefore(overlay[1], overlay[0]);
    view.replaceChild(stack, whole);

    // The drawing's groups, found by id once.
    var byId = {};
    var groups = view.querySelectorAll("g[id]");
    for (var gi = 0; gi < groups.length; gi++) { byId[groups[gi].id] = groups[gi]; }
    function el(id) { return byId[id] || null; }

    // --- the drawing's elements, found once ---------------------------------------------------
    var box = [], dataText = [], gradText = [], opNode = [], inEdge = [], outEdge = [];
    // The forward pass shows the nodes from the last to the first: parents before their users.
    var forward = new Array(F), fwdPos = new Array(N);
    for (var i = 0; i < N; i++) {
      var g = el("v" + i);
      var texts = g.querySelectorAll("text");
      box.push(g);
      dataText.push(texts[1]);
      gradText.push(texts[2]);
      texts[1].setAttribute("class", "agp-data");
      texts[2].setAttribute("class", "agp-grad");
      var ins = [];
      for (var j = 0; j < nodes[i].p.length; j++) { ins.push(el("e" + i + "_" + j)); }
      inEdge.push(ins);
      opNode.push(nodes[i].p.length ? el("o" + i) : null);
      outEdge.push(nodes[i].p.length ? el("f" + i) : null);
    }
    for (var f = 0; f < F; f++) { forward[f] = N - 1 - f; fwdPos[N - 1 - f] = f; }

    // --- the panel ----------------------------------------------------------------------------
    var status = root.querySelector(".agp-status");
    var what = root.querySelector(".agp-what");
    var table = root.querySelector(".agp-sends");
    var hint = root.querySelector(".agp-sendhint");
    var tbody = table.querySelector("tbody");
    var slider = root.querySelector(".agp-slider");
    var playButton = root.querySelector('[data-act="play"]');
    slider.max = String(M);

    // --- state: what is shown now, so that a step touches only what changes ------------------
    var k = 0;                      // the step shown, 1..M
    var applied = 0;                // backward steps whose contributions are in grad[]
    var grad = new Array(N);        // running .grad of every node, as shown (strings)
    var shownData = new Array(N), shownGrad = new Array(N), shownPending = new Array(N);
    var timer = null;

    function resetGrads() {
      for (var i = 0; i < N; i++) { grad[i] = "0"; }
      grad[D.root] = D.seed;
      applied = 0;
    }

    // Each send carries the parent's .grad after it; what it was before is the previous after
    // (or 0, or the seed), found once by replaying the steps, so a step back is as cheap.
    var prior = [];
    resetGrads();
    for (var ps = 0; ps < B; ps++) {
      var was = [];
      for (var pj = 0; pj < steps[ps].s.length; pj++) {
        var sp = steps[ps].s[pj];
        was.push(grad[sp[0]]);
        grad[sp[0]] = sp[3];
      }
      prior.push(was);
    }

    // Moves the running gradients to "after `s` backward steps", one step at a time either way.
    function applyTo(s) {
      while (applied < s) {
        var sends = steps[applied].s;
        for (var j = 0; j < sends.length; j++) { grad[sends[j][0]] = sends[j][3]; }
        applied++;
      }
      while (applied > s) {
        applied--;
        var back = steps[applied].s, before = prior[applied];
        for (var b = back.length - 1; b >= 0; b--) { grad[back[b][0]] = before[b]; }
      }
    }

    // A step's highlights are copies of the lit shapes, drawn in a layer of their own on top of
    // the drawing (player.py): the drawing's own layers keep their colours and labels, so
    // lighting and unlighting a node with many long edges repaints one small layer, not every
    // layer those edges run through. (The plain version would set a class on the shapes
    // themselves.) The copies' labels are above the boxes, where a long one stays readable.
    function lift(g, cls) {
      if (!g) { return null; }
      var copy = g.cloneNode(true);
      var kind = g.getAttribute("class");
      copy.removeAttribute("id");
      copy.setAttribute("data-of", g.id);
      copy.setAttribute("class", kind + " " + cls);
      overlay[kind === "edge" ? 0 : 1].appendChild(copy);
      return copy;
    }

    function row(cells) {
      var tr = document.createElement("tr");
      for (var c = 0; c < cells.length; c++) {
        var td = document.createElement("td");
        td.textContent = cells[c];
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }

    function show(target) {
      target = Math.max(1, Math.min(M, target | 0));
      k = target;
      var inBackward = k > F;
      var s = inBackward ? k - F : 0;          // backward steps applied, 1..B
      applyTo(s);
      // values and gradients in the boxes
      for (var i = 0; i < N; i++) {
        var known = inBackward || fwdPos[i] < k;
        if (known !== shownPending[i]) {
          shownPending[i] = known;
          if (known) { box[i].classList.remove("agp-pending"); }
          else { box[i].classList.add("agp-pending"); }
          if (opNode[i]) {
            if (known) { opNode[i].classList.remove("agp-pending"); }
            else { opNode[i].classList.add("agp-pending"); }
          }
        }
        var d = "data " + (known ? nodes[i].d : DASH);
        if (d !== shownData[i]) { shownData[i] = d; dataText[i].textContent = d; }
        var gr = "grad " + (inBackward ? grad[i] : DASH);
        if (gr !== shownGrad[i]) { shownGrad[i] = gr; gradText[i].textContent = gr; }
      }
      // the previous step's highlights off, this step's on (boxes first, edges over them)
      for (var o = 0; o < 2; o++) {
        while (overlay[o].firstChild) { overlay[o].removeChild(overlay[o].firstChild); }
      }
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      var node, e;
      if (!inBackward) {
        node = forward[k - 1];
        lift(box[node], "agp-lit");
        lift(opNode[node], "agp-lit");
        lift(outEdge[node], "agp-lit");
        for (e = 0; e < inEdge[node].length; e++) { lift(inEdge[node][e], "agp-lit"); }
        what.textContent = "forward " + k + " of " + F + ": " + nodes[node].x;
        table.hidden = true;
        hint.hidden = false;
      } else {
        var step = steps[s - 1], receivers = {};
        node = step.n;
        for (e = 0; e < step.s.length; e++) {
          var p = step.s[e][0];
          if (!receivers[p]) { receivers[p] = true; lift(box[p], "agp-recv"); }
        }
        lift(box[node], "agp-lit");
        lift(opNode[node], "agp-lit");
        lift(outEdge[node], "agp-lit");
        for (e = 0; e < step.s.length; e++) {
          var send = step.s[e];
          var copy = lift(inEdge[node][e], "agp-lit");
          var label = copy && copy.querySelector("text");
          if (label) { label.textContent = send[1] + " \u00d7 " + step.u + " = " + send[2]; }
          row([nodes[send[0]].name, send[1], step.u, send[2], send[3]]);
        }
        what.textContent = "backward " + s + " of " + B + ": " + nodes[node].name +
          " (" + nodes[node].op + ") has upstream gradient dL/d" + nodes[node].name + " = " +
          step.u + " and sends local derivative \u00d7 upstream to each parent" +
          (s === B ? "; this was the last step, every .grad is final" : "");
        table.hidden = false;
        hint.hidden = true;
      }
      status.textContent = "step " + k + " of " + M;
      if (slider.value !== String(k)) { slider.value = String(k); }
      if (standalone) { addressFollows(); }
      follow(node);
    }

    // The address shows the step (#step=N), written once the stepping pauses for a moment:
    // replaceState costs milliseconds, too many to pay at every step of a held arrow key.
    var hashTimer = null;
    function writeHash() {
      hashTimer = null;
      try { history.replaceState(null, "", "#step=" + k); } catch (err) { /* file: URLs */ }
    }
    function addressFollows() {
      if (hashTimer !== null) { clearTimeout(hashTimer); }
      hashTimer = setTimeout(writeHash, 150);
    }

    // Scrolls the drawing (not the page) so that the lit node is in view. Where each box sits
    // and the view's size and scroll are measured once and then tracked, so a step never makes
    // the browser lay the page out just to answer a question (that cost 40 ms a step at 500).
    var place = null, viewW = 0, viewH = 0, scrollX = 0, scrollY = 0;
    function measure() {
      var v = view.getBoundingClientRect();
      viewW = view.clientWidth; viewH = view.clientHeight;
      scrollX = view.scrollLeft; scrollY = view.scrollTop;
      place = box.map(function (g) {
        var r = g.getBoundingClientRect();
        return [r.left - v.left + scrollX, r.top - v.top + scrollY, r.width, r.height];
      });
    }
    view.addEventListener("scroll", function () {
      scrollX = view.scrollLeft; scrollY = view.scrollTop;
    }, { passive: true });
    window.addEventListener("resize", function () { place = null; });

    // The scroll waits for the next frame: setting scrollTop makes the browser lay out the page
    // at once, and at the next frame it does so anyway, once, however many steps were taken.
    var followPending = -1;
    function follow(i) {
      if (i === undefined) { return; }
      if (followPending < 0) { requestAnimationFrame(scrollToPending); }
      followPending = i;
    }

    function scrollToPending() {
      var i = followPending;
      followPending = -1;
      if (place === null) { measure(); }
      var p = place[i];
      if (p[0] < scrollX || p[0] + p[2] > scrollX + viewW) {
        scrollX = Math.max(0, p[0] + p[2] / 2 - viewW / 2);
        view.scrollLeft = scrollX;
      }
      if (p[1] < scrollY || p[1] + p[3] > scrollY + viewH) {
        scrollY = Math.max(0, p[1] + p[3] / 2 - viewH / 2);
        view.scrollTop = scrollY;
      }
    }

    function pause() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      playButton.textContent = "\u25b6 play";
      root.classList.remove("agp-playing");
    }

    function play() {
      if (timer !== null) { return; }
      if (k >= M) { show(1); }
      playButton.textContent = "\u275a\u275a pause";
      root.classList.add("agp-playing");
      timer = setInterval(function () {
        if (k >= M) { pause(); } else { show(k + 1); }
      }, D.interval);
    }

    function act(name) {
      if (name === "play") { if (timer === null) { play(); } else { pause(); } return; }
      pause();
      if (name === "first") { show(1); }
      else if (name === "prev") { show(k - 1); }
      else if (name === "next") { show(k + 1); }
      else if (name === "last") { show(M); }
    }

    root.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("[data-act]") : null;
      if (t && root.contains(t)) { act(t.getAttribute("data-act")); }
    });
    slider.addEventListener("input", function () { pause(); show(parseInt(slider.value, 10)); });

    var keys = { ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last", " ": "play" };
    // A page of its own listens everywhere; inside a notebook only when the player has focus.
    (standalone ? document : root).addEventListener("keydown", function (ev) {
      if (ev.target === slider || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
      var name = keys[ev.key];
      if (name) { ev.preventDefault(); act(name); }
    });

    function fromHash() {
      var m = /^#step=(\d+)$/.exec(window.location.hash);
      return m ? parseInt(m[1], 10) : null;
    }
    if (standalone) {
      window.addEventListener("hashchange", function () {
        var n = fromHash();
        if (n !== null && n !== k) { pause(); show(n); }
      });
    }

    resetGrads();
    var start = standalone ? fromHash() : null;
    show(start === null ? 1 : start);
    // For scripts and tests: the player's state and a way to move it.
    root.agp = { go: function (n) { pause(); show(n); return k; },
                 step: function () { return k; }, total: M };
  }

  // This script sits inside its player: start that one even before it is attached to the page
  // (JupyterLab runs an output's scripts first), then any other on the page not yet started.
  var me = document.currentScript;
  if (me && me.parentNode && me.parentNode.classList &&
      me.parentNode.classList.contains("agp")) { init(me.parentNode); }
  var players = document.querySelectorAll("div.agp");
  for (var p = 0; p < players.length; p++) { init(players[p]); }
})();
