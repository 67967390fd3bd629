/* The reader's date of access in a "Cite this chapter" block (iranaz.book.cite), on pages of a
   book published without an address (html.baseurl unset in _config.yml): the block is marked
   data-accessed, and its APA and Chicago lines end with "Accessed [the date you read it]."
   This script puts today's date there (as "February 3, 2027"), into the CSL-JSON download
   ("accessed") and into the BibTeX shown and downloaded ("urldate", biblatex's field).
   Without JavaScript the bracketed words stay, and a <noscript> note asks for the date. */
(function () {
  "use strict";
  var PREFIX = /^(data:[^,]*;base64,)(.*)$/;

  function decode(uri) {
    var m = PREFIX.exec(uri);
    var bytes = Uint8Array.from(atob(m[2]), function (c) { return c.charCodeAt(0); });
    return {prefix: m[1], text: new TextDecoder().decode(bytes)};
  }

  function encode(prefix, text) {
    var binary = "";
    new TextEncoder().encode(text).forEach(function (b) { binary += String.fromCharCode(b); });
    return prefix + btoa(binary);
  }

  function withUrldate(bibtex, iso) {
    // Fields are aligned on "=": pad the new one to the width of the first.
    var first = /\n {2}(\S+ *)= /.exec(bibtex);
    var width = first ? first[1].length : 8;
    var name = "urldate";
    while (name.length < width) { name += " "; }
    return bibtex.replace(/,\n\}\s*$/, ",\n  " + name + "= {" + iso + "},\n}\n");
  }

  function fill() {
    var blocks = document.querySelectorAll(".iranaz-cite[data-accessed]");
    if (!blocks.length) { return; }
    var now = new Date();
    var parts = [now.getFullYear(), now.getMonth() + 1, now.getDate()];
    var iso = parts.map(function (n, i) { return i ? String(n).padStart(2, "0") : String(n); }).join("-");
    var text = new Intl.DateTimeFormat("en-US", {year: "numeric", month: "long", day: "numeric"}).format(now);
    blocks.forEach(function (block) {
      if (block.getAttribute("data-accessed")) { return; } // filled in already
      block.querySelectorAll(".iranaz-accessed-date").forEach(function (el) { el.textContent = text; });
      var csl = block.querySelector("a.iranaz-cite-csl");
      if (csl) {
        var c = decode(csl.getAttribute("href"));
        var items = JSON.parse(c.text);
        items.forEach(function (item) { item.accessed = {"date-parts": [parts]}; });
        csl.setAttribute("href", encode(c.prefix, JSON.stringify(items, null, 2)));
      }
      var bib = block.querySelector("a.iranaz-cite-bib");
      if (bib) {
        var b = decode(bib.getAttribute("href"));
        bib.setAttribute("href", encode(b.prefix, withUrldate(b.text, iso)));
      }
      var pre = block.querySelector("pre.iranaz-cite-bibtex");
      if (pre) { pre.textContent = withUrldate(pre.textContent, iso); }
      block.setAttribute("data-accessed", iso);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
