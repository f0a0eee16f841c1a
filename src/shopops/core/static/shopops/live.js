/* Live regions: <div data-live-topics="orders" data-live-url="/orders/table/">…</div>
   One EventSource per page (/live/?topics=…). When a message arrives on one of a region's
   topics, the region is re-fetched from its URL (with the page's own query string) and
   swapped in; bursts are coalesced. After a lost connection the regions are refreshed once
   when it comes back, so nothing missed while offline stays missing. */
(function () {
  "use strict";
  function regions() { return Array.prototype.slice.call(document.querySelectorAll("[data-live-topics]")); }
  function topicsOf(el) { return el.getAttribute("data-live-topics").split(",").filter(Boolean); }

  var timers = new WeakMap();
  function refresh(el) {
    if (timers.get(el)) return;
    timers.set(el, setTimeout(function () {
      timers.delete(el);
      var url = el.getAttribute("data-live-url");
      var query = window.location.search;
      if (query && url.indexOf("?") === -1) url += query;
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#" + el.id) || holder.firstElementChild;
          if (!fresh) return;
          el.replaceWith(fresh);
          if (window.htmx) window.htmx.process(fresh);
          fresh.classList.add("live-updated");
          setTimeout(function () { fresh.classList.remove("live-updated"); }, 1500);
          document.dispatchEvent(new CustomEvent("live:updated", { detail: { id: fresh.id } }));
        });
    }, 250));
  }

  function start() {
    var els = regions();
    if (!els.length || !window.EventSource) return;
    var topics = {};
    els.forEach(function (el) { topicsOf(el).forEach(function (t) { topics[t] = true; }); });
    var names = Object.keys(topics);
    var source = new EventSource("/live/?topics=" + encodeURIComponent(names.join(",")));
    var indicator = document.querySelector("[data-live-indicator]");
    var opened = false;
    source.onopen = function () {
      if (indicator) indicator.classList.add("on");
      document.body.setAttribute("data-live", "on");
      if (opened) regions().forEach(refresh);  // reconnected: catch up
      opened = true;
    };
    source.onerror = function () {
      if (indicator) indicator.classList.remove("on");
      document.body.setAttribute("data-live", "off");
    };
    names.forEach(function (topic) {
      source.addEventListener(topic, function () {
        regions().forEach(function (el) { if (topicsOf(el).indexOf(topic) !== -1) refresh(el); });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
