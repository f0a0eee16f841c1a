// Fast count entry (INV-3): a scanner types a code and Enter into #scan.
// A location code sets the current location; a barcode or SKU code jumps to its row
// (in the current location when there is one) and selects the count field. Enter in a
// count field returns to the scan field instead of submitting the form.
(function () {
  "use strict";
  function init() {
    var scan = document.getElementById("scan");
    if (!scan) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-barcode]"));
    var locations = {};
    rows.forEach(function (r) { if (r.dataset.location) locations[r.dataset.location] = true; });
    var current = "";
    var shown = document.getElementById("current-location");
    var message = document.getElementById("scan-message");
    var addSku = document.getElementById("add-sku");
    var addLocation = document.getElementById("add-location");

    function say(text) { message.textContent = text; }
    function focusRow(row) {
      rows.forEach(function (r) { r.classList.remove("current"); });
      row.classList.add("current");
      row.scrollIntoView({ block: "center" });
      var input = row.querySelector("input[type=number]");
      input.focus();
      input.select();
    }
    scan.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var code = scan.value.trim();
      scan.value = "";
      if (!code) return;
      if (locations[code.toUpperCase()]) {
        current = code.toUpperCase();
        shown.textContent = current;
        say("");
        return;
      }
      var matches = rows.filter(function (r) {
        return r.dataset.barcode === code || r.dataset.code === code;
      });
      var here = matches.filter(function (r) { return !current || r.dataset.location === current; });
      var row = here[0] || (current ? null : matches[0]);
      if (row) { say(""); focusRow(row); return; }
      say((current ? "库位 " + current + " " : "") + "盘点单上没有 " + code + "，可在下方添加。");
      if (addSku) { addSku.value = code; addLocation.value = current; }
    });
    rows.forEach(function (row) {
      var input = row.querySelector("input[type=number]");
      if (!input) return;
      input.addEventListener("input", function () {
        var cell = row.querySelector(".diff");
        if (input.value === "") { cell.textContent = ""; return; }
        var diff = parseInt(input.value, 10) - parseInt(row.dataset.expected, 10);
        cell.textContent = diff > 0 ? "+" + diff : String(diff);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        row.classList.toggle("done", input.value !== "");
        scan.focus();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
