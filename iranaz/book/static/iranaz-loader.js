/*
 * The iranaz chart loader: draws every chart of a page with Vega, offline.
 *
 * Each chart on a page is a <div class="iranaz-chart" data-iranaz-state="pending"> followed
 * by its compiled Vega spec as plain JSON in <script type="application/json" id="<div id>-spec">
 * (see iranaz/book/offline.py). The Vega modules and vega-tooltip, bundled before this file,
 * are on window.iranazVega as {View, parse, Handler}.
 *
 * The loader draws once the page is parsed and styled (each chart measures its final column
 * width), and again whenever a chart's own one-line script calls window.iranazDraw() (in
 * JupyterLab the outputs arrive one by one).
 */
(function () {
  "use strict";

  var CHART_CLASS = "iranaz-chart";
  var LIBRARY = "iranazVega";
  // vega-tooltip's options: styled by iranaz.css; vega-tooltip escapes text as HTML.
  var TOOLTIP = {theme: "custom"};
  var tooltips = null; // one vega-tooltip handler for every chart of the page

  // Vega does not wrap titles: break a long one into lines that fit the chart's width.
  function wrapTitle(spec, width) {
    var t = spec.title;
    var text = typeof t === "string" ? t : (t && typeof t.text === "string" ? t.text : null);
    var max = Math.max(16, Math.floor((width - 40) / 8.8)); // 40 px: the actions button
    if (!text || !width || text.length <= max) {
      return;
    }
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    spec.title = typeof t === "string" ? lines : Object.assign({}, t, {text: lines});
  }

  // A chart as wide as its box ("width": "container") follows the box, not the window.
  function followWidth(view, box, spec, width) {
    var sized = (spec.signals || []).some(function (x) {
      return x.name === "width" && String(x.init || "").indexOf("containerSize") >= 0;
    });
    if (!sized || typeof ResizeObserver === "undefined") {
      return;
    }
    var last = width;
    new ResizeObserver(function () {
      var w = box.clientWidth;
      if (w > 0 && w !== last) {
        last = w;
        view.signal("width", w).runAsync();
      }
    }).observe(box);
  }

  function fail(div, err) {
    div.setAttribute("data-iranaz-state", "error");
    div.textContent = "This chart could not be drawn: " + err;
    console.error(err);
  }

  function drawOne(div, spec, width) {
    wrapTitle(spec, width);
    var lib = window[LIBRARY];
    tooltips = tooltips || new lib.Handler(TOOLTIP);
    var box = document.createElement("div"); // the view's own element (role graphics-document)
    box.className = "iranaz-chart-view";
    div.appendChild(box);
    var view = new lib.View(lib.parse(spec), {renderer: "svg", container: box, hover: true, tooltip: tooltips.call});
    if (spec.description) {
      view.description(spec.description); // the chart's aria-label
    }
    followWidth(view, box, spec, width);
    return view.runAsync();
  }

  // Everything up to Vega's first run happens in this task, and the run itself continues in
  // microtasks (the data is inline), so every chart is drawn before anything else runs. Every
  // chart's width is read first, before anything on the page changes: read after a change,
  // each would lay the page out again.
  function draw() {
    var selector = "div." + CHART_CLASS + "[data-iranaz-state='pending']";
    var jobs = [];
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (div) {
      var src = document.getElementById(div.id + "-spec");
      if (src) {
        jobs.push({div: div, src: src, width: div.clientWidth});
      }
    });
    jobs.forEach(function (job) {
      var div = job.div;
      var run;
      div.setAttribute("data-iranaz-state", "drawing");
      try {
        run = drawOne(div, JSON.parse(job.src.textContent), job.width);
      } catch (err) {
        fail(div, err);
        return;
      }
      run.then(function () {
        // When it was drawn, in ms since navigation began (read by the benchmark).
        div.setAttribute("data-iranaz-drawn-ms", String(Math.round(performance.now())));
        div.setAttribute("data-iranaz-state", "drawn");
      }, function (err) {
        fail(div, err);
      });
    });
  }

  // Run once the page's stylesheets apply, so each chart measures its final column width.
  function whenStyled(fn) {
    var links = document.querySelectorAll("link[rel='stylesheet']");
    var pending = Array.prototype.filter.call(links, function (l) {
      return !l.sheet;
    });
    var left = pending.length;
    if (!left) {
      fn();
      return;
    }
    pending.forEach(function (l) {
      var done = function () {
        left -= 1;
        if (!left) {
          fn();
        }
      };
      l.addEventListener("load", done);
      l.addEventListener("error", done);
    });
  }

  // A chart takes the width of its column when drawn, so draw only once the page is parsed
  // (a column measured earlier can still be wider than it will be, before the sidebar that
  // follows it in the page exists) and styled: that is before the theme's deferred scripts
  // run. In a notebook the page is long loaded: each chart draws as its output arrives.
  window.iranazDraw = function () {
    if (document.readyState !== "loading") {
      draw();
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("readystatechange", function parsed() {
      document.removeEventListener("readystatechange", parsed);
      whenStyled(draw);
    });
  } else {
    whenStyled(draw);
  }
}());
