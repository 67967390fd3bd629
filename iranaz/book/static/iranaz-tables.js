/* Tables wider than the text column (on a phone): each table sits in its own sideways-
   scrolling box, which the keyboard can reach, and a line above it says that it scrolls
   whenever it does (re-checked when the window changes size). Styled by iranaz.css. */
(function () {
  "use strict";
  var BOX = "iranaz-table-scroll";
  var CUE = "iranaz-scroll-cue";
  var boxes = [];

  function wrap(table) {
    var box = table.parentElement;
    if (!box.classList.contains(BOX)) {
      box = document.createElement("div");
      box.className = BOX;
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    var cue = box.previousElementSibling;
    if (!cue || !cue.classList.contains(CUE)) {
      cue = document.createElement("p");
      cue.className = CUE;
      cue.textContent = "This table is wider than the screen: scroll it sideways to see every column.";
      box.parentNode.insertBefore(cue, box);
    }
    boxes.push([box, cue]);
  }

  function update() {
    boxes.forEach(function (pair) {
      var box = pair[0];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.setAttribute("data-iranaz-scroll", scrolls ? "yes" : "no");
      pair[1].hidden = !scrolls;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table (scrolls sideways)");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  function start() {
    document.querySelectorAll(".bd-article table").forEach(wrap);
    update();
    window.addEventListener("resize", update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
