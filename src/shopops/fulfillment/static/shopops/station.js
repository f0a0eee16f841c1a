/* Scan stations (verification FUL-4, courier handover FUL-5).
 *
 * The scanner is a keyboard: it types the code and Enter. The input must therefore always
 * have the focus (after every scan, after any click, after a blur) unless a dialog is open
 * or the person is typing in another field. Scans are sent one after another (a queue), so
 * a fast scanner loses none. The server answers JSON:
 *   {ok, kind: "ok"|"error"|"intercept", message, html, session_id?, today?}
 * The feedback panel turns green / red / amber with a sound, and `html` replaces the panel.
 */
(function () {
  "use strict";

  var LABELS = {
    ok: { zh: "成功", en: "OK" },
    error: { zh: "错误", en: "Error" },
    intercept: { zh: "拦截", en: "Stopped" },
  };
  var audio = null;

  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      // ok: one short high tone; error: one long low tone; intercept: two tones.
      var tones = kind === "ok" ? [[1320, 0.09]]
        : kind === "intercept" ? [[880, 0.2], [440, 0.35]] : [[170, 0.6]];
      var at = audio.currentTime;
      tones.forEach(function (tone) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = kind === "error" ? "square" : "sine";
        osc.frequency.value = tone[0];
        gain.gain.value = 0.15;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(at);
        osc.stop(at + tone[1]);
        at += tone[1] + 0.04;
      });
    } catch (e) {
      /* No sound device: the colour still tells. */
    }
  }

  function dialogOpen() {
    return !!document.querySelector("dialog[open]");
  }

  function typingElsewhere(el, input) {
    return !!el && el !== input && (el.isContentEditable ||
      (el.matches && el.matches("input:not([type=hidden]), textarea, select")));
  }

  function setup(root) {
    var form = root.querySelector("[data-station-form]");
    if (!form) return;
    var input = form.querySelector("[data-testid=station-input]");
    var feedback = root.querySelector("[data-station-feedback]");
    var panel = root.querySelector("[data-station-panel]");
    var sessionField = form.querySelector("[data-station-session]");
    var recent = root.querySelector("[data-station-recent]");
    var count = root.querySelector("[data-station-count]");
    var english = document.documentElement.lang === "en";
    var queue = Promise.resolve();

    function focus() {
      if (!dialogOpen()) input.focus();
    }

    function show(data, code) {
      var kind = data.kind || (data.ok ? "ok" : "error");
      var label = (LABELS[kind] || LABELS.error)[english ? "en" : "zh"];
      feedback.className = "station-feedback " + kind;
      feedback.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = label;
      feedback.appendChild(strong);
      feedback.appendChild(document.createTextNode(" " + (data.message || "")));
      root.dataset.stationState = kind;
      if (typeof data.html === "string" && panel) panel.innerHTML = data.html;
      if (sessionField && "session_id" in data) sessionField.value = data.session_id || "";
      if (count && data.today !== undefined && data.today !== null) count.textContent = data.today;
      if (recent) {
        var item = document.createElement("li");
        item.className = kind;
        var when = new Date().toLocaleTimeString(english ? "en-GB" : "zh-CN", { hour12: false });
        item.textContent = when + "  " + code + "  " + (data.message || "");
        recent.insertBefore(item, recent.firstChild);
        while (recent.children.length > 15) recent.removeChild(recent.lastChild);
      }
      beep(kind);
    }

    function send(code) {
      var body = new FormData(form);
      body.set("code", code);
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      }).then(function (response) {
        return response.json().catch(function () {
          return { ok: false, kind: "error", message: english
            ? "The server did not answer (" + response.status + "). Sign in again or reload."
            : "服务器没有正确应答（" + response.status + "），请重新登录或刷新页面。" };
        });
      }).catch(function () {
        return { ok: false, kind: "error", message: english
          ? "Network error: the scan was not recorded, scan again."
          : "网络错误：这次扫描没有记录，请重新扫描。" };
      }).then(function (data) {
        show(data, code);
        focus();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = input.value.trim();
      input.value = "";
      focus();
      if (!code) return;
      queue = queue.then(function () { return send(code); });
    });

    input.addEventListener("blur", function () {
      setTimeout(function () {
        if (!dialogOpen() && !typingElsewhere(document.activeElement, input)) focus();
      }, 120);
    });
    document.addEventListener("click", function (event) {
      var opener = event.target.closest("[data-open-dialog]");
      if (opener) {
        var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
        if (dialog && dialog.showModal) {
          dialog.showModal();
          var first = dialog.querySelector("input:not([type=hidden]), textarea");
          if (first) first.focus();
        }
        return;
      }
      var closer = event.target.closest("[data-close-dialog]");
      if (closer) {
        closer.closest("dialog").close();
        return;
      }
      if (!dialogOpen() && !typingElsewhere(event.target, input)) focus();
    });
    // A dialog closing (Esc, cancel, submit) gives the focus back to the scanner.
    document.addEventListener("close", function () { setTimeout(focus, 0); }, true);
    focus();
  }

  function start() {
    document.querySelectorAll("[data-station]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
