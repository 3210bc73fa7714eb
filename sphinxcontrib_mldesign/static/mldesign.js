/* sphinxcontrib-mldesign: sortable, filterable roll-up tables. No dependencies.
   The tables are plain HTML tables written by Sphinx; this script only adds behaviour:
   a filter box above each table, and sorting when a column header is clicked.
   Cells carrying an "ml-rank-NN" class sort by that rank (must before should). */
(function () {
  "use strict";

  function cellKey(cell) {
    var ranked = cell.querySelector("[class*='ml-rank-']");
    if (ranked) {
      var match = ranked.className.match(/ml-rank-(\d+)/);
      if (match) return { rank: parseInt(match[1], 10), text: "" };
    }
    var text = (cell.textContent || "").trim();
    return { rank: text === "—" || text === "" ? 1e9 : -1, text: text };
  }

  function compare(a, b) {
    if (a.rank !== b.rank) return a.rank - b.rank;
    var na = parseFloat(a.text), nb = parseFloat(b.text);
    if (!isNaN(na) && !isNaN(nb) && String(na) === a.text && String(nb) === b.text) {
      return na - nb;
    }
    return a.text.localeCompare(b.text, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body) return;
    headers.forEach(function (header, column) {
      header.classList.add("ml-sortable");
      header.setAttribute("tabindex", "0");
      header.setAttribute("role", "button");
      header.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellKey(r1.cells[column]), cellKey(r2.cells[column]));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function addFilter(table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "ml-filter";
    input.placeholder = "Filter rows…";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("span");
    count.className = "ml-filter-count";
    var bar = document.createElement("div");
    bar.className = "ml-filter-bar";
    bar.appendChild(input);
    bar.appendChild(count);
    var anchor = table.closest(".pst-scrollable-table-container, .wy-table-responsive") || table;
    anchor.parentNode.insertBefore(bar, anchor);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = words.length ? shown + " of " + body.rows.length + " rows" : "";
    });
  }

  // A table wider than its roll-up's column stacks into cards (see mldesign.css); it is
  // measured again whenever the column's width changes (sidebars, window size).
  // In a card, a value wider than its grid cell (a long qualified ID cannot break) takes
  // the card's whole width.
  function fit(table) {
    var column = table.closest("div.ml-rollup") || table.parentNode;
    var wide = table.querySelectorAll("td.ml-wide-cell");
    Array.prototype.forEach.call(wide, function (cell) { cell.classList.remove("ml-wide-cell"); });
    table.classList.remove("ml-stacked");
    if (table.scrollWidth <= column.clientWidth + 1) return;
    table.classList.add("ml-stacked");
    Array.prototype.forEach.call(table.tBodies[0] ? table.tBodies[0].rows : [], function (row) {
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.scrollWidth > cell.clientWidth + 1) cell.classList.add("ml-wide-cell");
      });
    });
  }

  function fitAll() {
    document.querySelectorAll("table.ml-rollup-table").forEach(function (table) {
      if (!table.classList.contains("ml-risk-matrix")) fit(table);
    });
    document.documentElement.setAttribute("data-ml-fitted", "true");
  }

  function init() {
    document.querySelectorAll("table.ml-rollup-table").forEach(function (table) {
      if (table.classList.contains("ml-risk-matrix")) return; // a picture, not a list
      makeSortable(table);
      addFilter(table);
    });
    fitAll();
    var pending = false;
    function refit() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fitAll(); });
    }
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(refit);
      document.querySelectorAll("div.ml-rollup").forEach(function (div) { observer.observe(div); });
    } else {
      window.addEventListener("resize", refit);
    }
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(refit);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
