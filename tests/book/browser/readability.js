/*
 * What a reader sees on a page of the book, measured in the browser for the readability
 * tests (tests/book/browser/test_readability.py): for every chart, its visible text, the
 * texts cut with an ellipsis, the texts drawn over one another, the tick labels of its count
 * axes, and the colours its legends promise against the colours its marks use; for every
 * table, whether it is wider than the box that shows it and whether that box says so.
 *
 * Evaluated by Playwright as the body of a function: `iranazReadability()` returns plain JSON.
 */
/* exported iranazReadability */
function iranazReadability() {
  "use strict";

  // An axis whose title names a number of things counts them: its ticks must be whole.
  var COUNT_TITLE = /^(number|count|events|sources|visits|agreements|searches|candidates|reports|articles)\b|\b(count|number) of\b/i;
  var ELLIPSIS = /(\u2026|\.\.\.)$/;

  function visible(el) {
    for (var e = el; e && e.tagName !== "svg"; e = e.parentNode) {
      var s = getComputedStyle(e);
      if (e.getAttribute("opacity") === "0" || s.opacity === "0" || s.display === "none" || s.visibility === "hidden") {
        return false;
      }
    }
    return true;
  }

  function rgb(colour) {
    var m = String(colour || "").match(/[\d.]+/g);
    if (!m || m.length < 3 || (m.length === 4 && Number(m[3]) === 0)) {
      return null;
    }
    return [Number(m[0]), Number(m[1]), Number(m[2])];
  }

  // Greys (axis lines, gridlines, "not reported" cells) carry no category.
  function grey(c) {
    return Math.max(c[0], c[1], c[2]) - Math.min(c[0], c[1], c[2]) < 16;
  }

  function distance(a, b) {
    return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
  }

  // The distance from a colour to the nearest colour of a gradient (straight pieces between stops).
  function toGradient(c, stops) {
    var best = Infinity;
    for (var i = 0; i + 1 < stops.length; i++) {
      for (var k = 0; k <= 20; k++) {
        var t = k / 20;
        var p = [0, 1, 2].map(function (j) { return stops[i][j] + t * (stops[i + 1][j] - stops[i][j]); });
        best = Math.min(best, distance(c, p));
      }
    }
    return stops.length === 1 ? distance(c, stops[0]) : best;
  }

  function key(c) {
    return c.map(Math.round).join(",");
  }

  function paintOf(el) {
    var s = getComputedStyle(el);
    var fill = s.fill && s.fill.indexOf("url(") < 0 ? rgb(s.fill) : null;
    var fillOpacity = Number(s.fillOpacity || 1);
    return fill && fillOpacity > 0 ? fill : rgb(s.stroke);
  }

  function overlaps(a, b) {
    return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  }

  function chart(box) {
    var svg = box.querySelector("svg.marks");
    var figure = box.closest("figure");
    var caption = figure && figure.querySelector("figcaption") ? figure.querySelector("figcaption").textContent : "";
    var out = {id: box.id, caption: caption.trim().slice(0, 120), texts: 0, ellipsis: [], overlapping: [], countAxes: [], legendColours: [], markColours: [], gradients: [], unexplained: []};
    if (!svg) {
      return out;
    }
    var texts = Array.prototype.filter.call(svg.querySelectorAll("text"), function (t) {
      return t.textContent.trim() && visible(t);
    });
    out.texts = texts.length;
    var boxes = texts.map(function (t) { return [t.textContent, t.getBoundingClientRect()]; });
    boxes.forEach(function (b) {
      if (ELLIPSIS.test(b[0].trim())) {
        out.ellipsis.push(b[0]);
      }
    });
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        if (overlaps(boxes[i][1], boxes[j][1])) {
          out.overlapping.push(boxes[i][0] + " / " + boxes[j][0]);
        }
      }
    }
    Array.prototype.forEach.call(svg.querySelectorAll(".role-axis"), function (axis) {
      var title = axis.querySelector(".role-axis-title text");
      var labels = Array.prototype.filter.call(axis.querySelectorAll(".role-axis-label text"), visible).map(function (t) {
        return t.textContent.trim();
      }).filter(Boolean); // a label left empty on purpose (every other year on a phone) is none
      var numbers = labels.map(function (l) { return Number(l.replace(/[,\u2009\u202f]/g, "").replace("\u2212", "-")); });
      if (labels.length && numbers.every(function (n) { return !isNaN(n); })) {
        out.countAxes.push({title: title ? title.textContent : "", labels: labels, counts: Boolean(title && COUNT_TITLE.test(title.textContent.trim()))});
      }
    });
    var markColours = {};
    Array.prototype.forEach.call(svg.querySelectorAll(".role-mark"), function (group) {
      if (group.classList.contains("mark-text")) {
        return;
      }
      Array.prototype.forEach.call(group.querySelectorAll("path, rect, circle, line"), function (el) {
        var c = visible(el) ? paintOf(el) : null;
        if (c) {
          markColours[key(c)] = c;
        }
      });
    });
    out.markColours = Object.keys(markColours);
    Array.prototype.forEach.call(svg.querySelectorAll(".role-legend-symbol path"), function (el) {
      var c = visible(el) ? paintOf(el) : null;
      if (c && !grey(c) && !markColours[key(c)]) {
        out.legendColours.push(key(c));
      }
    });
    Array.prototype.forEach.call(svg.querySelectorAll(".role-legend-gradient path"), function (el) {
      // fill="url(#gradient_0)", or with the page's address before the "#".
      var ref = (el.getAttribute("fill") || "").match(/#([^)"']+)["']?\)/);
      var gradient = ref ? svg.querySelector("[id='" + ref[1] + "']") || document.getElementById(ref[1]) : null;
      if (!gradient) {
        return;
      }
      var stops = Array.prototype.map.call(gradient.querySelectorAll("stop"), function (s) { return rgb(s.getAttribute("stop-color")); })
        .filter(Boolean);
      out.gradients.push(stops.map(key));
      Object.keys(markColours).forEach(function (k) {
        var c = markColours[k];
        if (!grey(c) && toGradient(c, stops) > 40) {
          out.unexplained.push(k);
        }
      });
    });
    return out;
  }

  var article = document.querySelector("article.bd-article") || document.body;

  function table(t) {
    var holder = t;
    for (var e = t; e && e !== document.body; e = e.parentElement) {
      var ox = getComputedStyle(e).overflowX;
      if (ox === "auto" || ox === "scroll") {
        holder = e;
        break;
      }
    }
    var cue = holder.previousElementSibling;
    var heading = t.closest("section") ? t.closest("section").querySelector("h1, h2, h3") : null;
    return {
      where: (heading ? heading.textContent.replace("#", "").trim() : "") + " / " + (t.querySelector("th") ? t.querySelector("th").textContent.trim() : ""),
      // Hidden behind the box's scrolling, or sticking out of the box or the text column.
      hidden: Math.max(0, holder.scrollWidth - holder.clientWidth, t.getBoundingClientRect().right - holder.getBoundingClientRect().right,
        t.getBoundingClientRect().right - article.getBoundingClientRect().right),
      // The box says it scrolls, and a visible line above it tells the reader.
      cue: holder.getAttribute("data-iranaz-scroll") === "yes" && Boolean(cue && cue.classList.contains("iranaz-scroll-cue") && !cue.hidden && cue.getClientRects().length > 0),
    };
  }

  return {
    charts: Array.prototype.map.call(document.querySelectorAll("div.iranaz-chart"), chart),
    tables: Array.prototype.map.call(article.querySelectorAll("table"), table),
  };
}
