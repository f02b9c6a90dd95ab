/* Case browser: DataTables (bundled, offline) with one filter per column and a global search. */
(function () {
  "use strict";
  function escapeRegex(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  function init() {
    var el = document.getElementById("gba-cases");
    var lib = window.gbaDataTables;
    if (!el || !lib || !lib.DataTable) {
      return;
    }
    var table = new lib.DataTable(el, {
      paging: false,
      scrollX: true,
      // The table scrolls inside its own frame, both ways, so that its horizontal scrollbar is on
      // screen and every column can be reached in a 1280-pixel window.
      scrollY: "65vh",
      scrollCollapse: true,
      order: [],
      autoWidth: false,
      language: {
        search: "Search · 搜索:",
        info: "_TOTAL_ cases · 个案例",
        infoFiltered: "(of _MAX_ · 共 _MAX_)",
        infoEmpty: "0 cases · 0 个案例",
        zeroRecords: "No matching case · 无匹配案例"
      }
    });
    var selects = document.querySelectorAll("#gba-filters select");
    selects.forEach(function (sel) {
      sel.addEventListener("change", function () {
        var col = table.column(parseInt(sel.getAttribute("data-col"), 10));
        var v = sel.value;
        var kind = sel.getAttribute("data-kind");
        if (!v) {
          col.search("", false, false);
        } else if (kind === "year") {
          col.search("^" + escapeRegex(v), true, false);
        } else if (kind === "contains") {
          col.search("(^|; )" + escapeRegex(v) + "($|; )", true, false);
        } else {
          col.search("^" + escapeRegex(v) + "$", true, false);
        }
        table.draw();
      });
    });
    var reset = document.getElementById("gba-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        selects.forEach(function (sel) { sel.value = ""; });
        table.search("").columns().search("").draw();
      });
    }
    document.documentElement.classList.add("gba-cases-ready");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
