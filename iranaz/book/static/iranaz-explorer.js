/* The event explorer (reference/explorer). The page holds every event in one complete
   <table> (iranaz.book.explorer): that is what a reader without JavaScript, and the PDF, get.
   Here DataTables (npm, locked in package-lock.json, served from _static) makes it sortable
   and searchable; the form above it (hidden without JavaScript) filters it by year span,
   actor, domain, quad class, status, place and outlet country, read from each row's data-*
   attributes. The view (filters, search, sort) is written into the address's query string as
   it changes, and read from it on load, so a filtered view can be linked and cited. "Download
   these rows" saves the rows shown, in the order shown, as CSV. When all that is in place the
   explorer gets data-ready="yes" (the tests and the bench wait for it) and data-ready-ms, the
   time since navigation (the bench's "time to interactive"). */
(function () {
  "use strict";
  // The filters, in the order the query string lists them; "q" is the free-text search.
  var SELECTS = ["year_from", "year_to", "actor", "domain", "quad", "status", "place", "country"];
  // Row attributes that hold several space-separated ids.
  var LISTS = {actor: true, domain: true, country: true};

  function csvField(text) {
    return "\"" + String(text).replace(/"/g, "\"\"") + "\"";
  }

  function setup(root) {
    var form = root.querySelector("form");
    var table = root.querySelector("table");
    var keys = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.getAttribute("data-key"); });
    var status = form.querySelector("[role=status]");
    var search = form.elements.q;
    var total = table.tBodies[0].rows.length;

    // Unsorted means by date (ties in the table's order, which is the data's): the order
    // the table was written in, left out of the address.
    var byDate = [keys.indexOf("date"), "asc"];
    var dt = new window.DataTable(table, {
      paging: false,
      order: [byDate],
      autoWidth: false,
      // Only the table: the search box, count and download are the form above it.
      layout: {topStart: null, topEnd: null, bottomStart: null, bottomEnd: null},
    });

    var rowData = [];
    dt.rows().every(function () {
      rowData[this.index()] = this.node().dataset;
    });

    function chosen(name) {
      return form.elements[name].value;
    }

    function keeps(d) {
      var year = Number(d.year);
      if (chosen("year_from") && year < Number(chosen("year_from"))) return false;
      if (chosen("year_to") && year > Number(chosen("year_to"))) return false;
      for (var i = 2; i < SELECTS.length; i++) {
        var name = SELECTS[i];
        var want = chosen(name);
        if (!want) continue;
        var have = d[name] || "";
        if (LISTS[name] ? have.split(" ").indexOf(want) < 0 : have !== want) return false;
      }
      return true;
    }

    // A named search of this table alone (DataTables' search.fixed), applied with its text search.
    dt.search.fixed("iranaz-filters", function (text, data, index) {
      return keeps(rowData[index]);
    });

    function writeUrl() {
      var params = new URLSearchParams();
      if (search.value.trim()) params.set("q", search.value.trim());
      SELECTS.forEach(function (name) {
        if (chosen(name)) params.set(name, chosen(name));
      });
      var order = dt.order();
      if (order.length && (order[0][0] !== byDate[0] || order[0][1] !== byDate[1])) params.set("sort", keys[order[0][0]] + "." + order[0][1]);
      var query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    function readUrl() {
      var params = new URLSearchParams(location.search);
      search.value = params.get("q") || "";
      SELECTS.forEach(function (name) {
        var select = form.elements[name];
        select.value = params.get(name) || "";
        if (select.selectedIndex < 0) select.value = "";  // a value the data no longer has
      });
      var sort = (params.get("sort") || "").split(".");
      var column = keys.indexOf(sort[0]);
      dt.order(column >= 0 && (sort[1] === "asc" || sort[1] === "desc") ? [[column, sort[1]]] : [byDate]);
      dt.search(search.value);
    }

    function shown() {
      var n = dt.rows({search: "applied"}).count();
      status.textContent = n === total ? "Showing all " + total + " events." : "Showing " + n + " of " + total + " events.";
    }

    // The CSV's columns: the event's id, each column's header (a header's data-csv names the
    // several fields of a cell whose parts are marked data-part), the entry's address.
    function csv() {
      var head = ["event_id"];
      Array.prototype.slice.call(table.querySelectorAll("thead th"), 1).forEach(function (th) {
        head = head.concat(th.hasAttribute("data-csv") ? th.getAttribute("data-csv").split("|") : [th.textContent.trim()]);
      });
      head.push("entry_url");
      var lines = [head.map(csvField).join(",")];
      dt.rows({search: "applied", order: "applied"}).nodes().each(function (tr) {
        var fields = [];
        Array.prototype.forEach.call(tr.cells, function (td) {
          var parts = td.querySelectorAll("[data-part]");
          if (parts.length) {
            Array.prototype.forEach.call(parts, function (part) { fields.push(part.textContent.trim()); });
          } else {
            fields.push(td.textContent.trim());
          }
        });
        lines.push(fields.concat([tr.querySelector("a").href]).map(csvField).join(","));
      });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"}));
      link.download = "iranaz-events.csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    }

    // DataTables marks a header click with a read-only event.delegateTarget (the header cell);
    // sphinx-copybutton's clipboard.js, listening on <body>, then takes that cell for a copy
    // button and throws. The click has done its work (sorting) when it leaves the header.
    table.tHead.addEventListener("click", function (event) { event.stopPropagation(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    search.addEventListener("input", function () { dt.search(search.value).draw(); });
    SELECTS.forEach(function (name) {
      form.elements[name].addEventListener("change", function () { dt.draw(); });
    });
    form.querySelector("[data-action=csv]").addEventListener("click", csv);
    form.querySelector("[data-action=reset]").addEventListener("click", function () {
      search.value = "";
      SELECTS.forEach(function (name) { form.elements[name].value = ""; });
      dt.search("").order([byDate]).draw();
    });
    dt.on("draw", function () {
      shown();
      writeUrl();
    });

    form.hidden = false;
    readUrl();
    dt.draw();
    // The table's width changed (sort buttons in its header): iranaz-tables.js re-checks
    // whether its box scrolls.
    window.dispatchEvent(new Event("resize"));
    root.setAttribute("data-ready-ms", String(Math.round(performance.now())));  // for make bench
    root.setAttribute("data-ready", "yes");
  }

  function start() {
    if (typeof window.DataTable !== "function") return;  // the plain table stays as it is
    document.querySelectorAll(".iranaz-explorer").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
