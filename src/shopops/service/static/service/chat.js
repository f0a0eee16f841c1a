/* Live chat (CS-1) for both sides: the shop's chat widget and the agent console.

   One EventSource per page. The server says only that something changed on a conversation
   ("chat.<id>") or in the queue ("chat"); the page then fetches what is new:
   - a message: the messages after the last one shown (…/messages/?after=<id>), appended;
   - anything else (taken, transferred, closed): the conversation's pane is fetched again.
   Sending posts the form with X-Chat: 1; the answer is the new messages (or the error as
   JSON, shown under the box). Nothing typed is lost on an error. */
(function () {
  "use strict";

  function $(root, sel) { return root.querySelector(sel); }
  function $all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function token(form) {
    var input = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function request(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ "X-Chat": "1" }, options.headers || {});
    return fetch(url, options);
  }
  function errorText(response) {
    return response.json().then(function (j) { return j.text || j.message || "发送失败"; },
                                function () { return "发送失败（" + response.status + "）"; });
  }

  /* A conversation's messages and its reply box. */
  function Pane(root, onNew) {
    this.root = root;
    this.list = $(root, "[data-chat-messages]");
    this.url = root.getAttribute("data-messages-url");
    this.onNew = onNew || function () {};
    this.busy = false;
    this.again = false;
    this.bind();
    this.scroll();
  }
  Pane.prototype.lastId = function () {
    var ids = $all(this.list, "[data-id]").map(function (li) { return +li.getAttribute("data-id"); });
    return ids.length ? Math.max.apply(null, ids) : 0;
  };
  Pane.prototype.scroll = function () { this.list.scrollTop = this.list.scrollHeight; };
  Pane.prototype.append = function (html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var added = [];
    var list = this.list;
    $all(holder, "[data-id]").forEach(function (li) {
      if (!list.querySelector('[data-id="' + li.getAttribute("data-id") + '"]')) {
        list.appendChild(li);
        added.push(li);
      }
    });
    if (added.length) { this.scroll(); this.onNew(added); }
    return added;
  };
  Pane.prototype.pull = function () {
    var pane = this;
    if (pane.busy) { pane.again = true; return; }
    pane.busy = true;
    request(pane.url + "?after=" + pane.lastId())
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) pane.append(html); })
      .catch(function () {})
      .then(function () {
        pane.busy = false;
        if (pane.again) { pane.again = false; pane.pull(); }
      });
  };
  Pane.prototype.bind = function () {
    var pane = this;
    var form = $(pane.root, "form[data-chat-send]");
    if (!form) return;
    var box = $(form, "textarea[name=body]");
    var error = $(form, "[data-chat-error]");
    var button = $(form, "button[type=submit]");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!box.value.trim() || button.disabled) return;
      var data = new FormData(form);
      data.set("after", pane.lastId());
      button.disabled = true;
      request(form.action, { method: "POST", body: data, headers: { "X-CSRFToken": token(form) } })
        .then(function (r) {
          if (r.ok) return r.text().then(function (html) {
            box.value = "";
            error.textContent = "";
            pane.append(html);
          });
          return errorText(r).then(function (text) { error.textContent = text; });
        })
        .catch(function () { error.textContent = "网络异常，消息未发送，请重试。"; })
        .then(function () { button.disabled = false; box.focus(); });
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit"));
      }
    });
    $all(pane.root, "[data-insert]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        var text = chip.getAttribute("data-insert");
        var start = box.selectionStart || 0, end = box.selectionEnd || 0;
        box.value = box.value.slice(0, start) + text + box.value.slice(end);
        box.focus();
        box.selectionStart = box.selectionEnd = start + text.length;
      });
    });
  };

  function connect(url, handlers, indicator) {
    var source = new EventSource(url);
    var opened = false;
    source.onopen = function () {
      if (indicator) indicator.classList.add("on");
      document.body.setAttribute("data-chat-live", "on");
      if (opened && handlers.reconnected) handlers.reconnected();
      opened = true;
    };
    source.onerror = function () {
      if (indicator) indicator.classList.remove("on");
      document.body.setAttribute("data-chat-live", "off");
    };
    Object.keys(handlers.topics).forEach(function (topic) {
      source.addEventListener(topic, function (e) {
        var data = {};
        try { data = JSON.parse(e.data); } catch (err) { /* a message without data */ }
        handlers.topics[topic](data);
      });
    });
    return source;
  }

  function swap(url, ids) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        ids.forEach(function (id) {
          var fresh = holder.querySelector("#" + id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(fresh);
        });
      });
  }

  /* --- the agent console ------------------------------------------------------------- */
  function startConsole(root) {
    var pane = null, timer = null;
    function bindPane() {
      var el = document.getElementById("chat-pane");
      pane = el && el.hasAttribute("data-messages-url") ? new Pane(el) : null;
      var stage = el && $(el, "select[data-autosubmit]");
      if (stage) stage.addEventListener("change", function () { stage.form.submit(); });
    }
    function refreshQueue() {
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        var queue = document.getElementById("chat-queue");
        if (queue) swap(queue.getAttribute("data-url"), ["chat-queue"]);
      }, 150);
    }
    function refreshPane() {
      swap(window.location.href, ["chat-pane", "chat-side"]).then(bindPane);
    }
    bindPane();
    var topics = { chat: refreshQueue };
    var current = root.getAttribute("data-conversation");
    if (current) {
      topics["chat." + current] = function (data) {
        if (data.verb === "chat.message" && pane) pane.pull(); else refreshPane();
      };
    }
    connect(root.getAttribute("data-chat-stream"), {
      topics: topics,
      reconnected: function () { refreshQueue(); if (pane) pane.pull(); }
    }, $(document, "[data-live-indicator]"));
  }

  /* --- the shop's widget --------------------------------------------------------------- */
  function startWidget(widget) {
    var panel = $(widget, "[data-chat-panel]");
    var launcher = $(widget, "[data-chat-toggle]");
    var base = widget.getAttribute("data-panel-url");
    var source = null, streamUrl = null, pane = null;
    var KEY = "shopops-chat-open";

    function isOpen() { return !panel.hidden; }
    function setOpen(open) {
      panel.hidden = !open;
      widget.classList.toggle("open", open);
      try { sessionStorage.setItem(KEY, open ? "1" : ""); } catch (e) { /* private mode */ }
      if (open) { launcher.classList.remove("has-new"); if (pane) pane.scroll(); }
    }
    function show(html) {
      var DRAFT = "form[data-chat-send] textarea[name=body]";  // not the start form's
      var box = $(panel, DRAFT), draft = box ? box.value : "";
      panel.innerHTML = html;
      box = $(panel, DRAFT);
      if (box && draft) box.value = draft;  // a refresh keeps what is being typed
      bind();
    }
    function load(extra) {
      var url = base + "?page=" + encodeURIComponent(window.location.pathname) + (extra || "");
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.text(); }).then(show);
    }
    function follow(url, id) {
      if (url === streamUrl) return;
      if (source) source.close();
      streamUrl = url;
      source = null;
      if (!url) return;
      var topics = {};
      topics["chat." + id] = function (data) {
        if (data.verb === "chat.message" && pane) pane.pull(); else load();
      };
      source = connect(url, { topics: topics, reconnected: function () { if (pane) pane.pull(); } });
    }
    function postForm(form) {
      var error = $(form, "[data-chat-error]");
      var button = $(form, "button[type=submit]");
      if (button) button.disabled = true;
      request(form.action, { method: "POST", body: new FormData(form),
                             headers: { "X-CSRFToken": token(form) } })
        .then(function (r) {
          if (r.ok) return r.text().then(show);
          return errorText(r).then(function (text) { if (error) error.textContent = text; });
        })
        .catch(function () { if (error) error.textContent = "网络异常，请重试。"; })
        .then(function () { if (button) button.disabled = false; });
    }
    function bind() {
      var el = $(panel, "[data-chat-pane]");
      pane = el && el.hasAttribute("data-messages-url") ? new Pane(el, function () {
        if (!isOpen()) launcher.classList.add("has-new");
      }) : null;
      follow(el ? el.getAttribute("data-stream-url") : "", el ? el.getAttribute("data-conversation") : "");
      $all(panel, "form[data-chat-form]").forEach(function (form) {
        form.addEventListener("submit", function (e) { e.preventDefault(); postForm(form); });
      });
      $all(panel, "[data-chat-new]").forEach(function (link) {
        link.addEventListener("click", function (e) { e.preventDefault(); load("&new=1"); });
      });
      $all(panel, "[data-chat-close-panel]").forEach(function (button) {
        button.addEventListener("click", function () { setOpen(false); });
      });
    }
    launcher.addEventListener("click", function () {
      if (isOpen()) { setOpen(false); return; }
      setOpen(true);
      if (!panel.innerHTML.trim()) {
        panel.innerHTML = '<p class="chat-loading">正在连接在线客服…</p>';
        load();
      }
    });
    var remembered = "";
    try { remembered = sessionStorage.getItem(KEY); } catch (e) { /* private mode */ }
    if (remembered || widget.hasAttribute("data-has-conversation")) {
      load().then(function () { if (remembered) setOpen(true); });
    }
  }

  function start() {
    var consoleRoot = document.querySelector("[data-chat-console]");
    if (consoleRoot && window.EventSource) startConsole(consoleRoot);
    $all(document, "[data-chat-widget]").forEach(startWidget);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
