/* zhengce web UI: copy references, toggle highlight layers.  Plain JS, no library, no network. */
(function () {
  "use strict";
  var toastTimer = null;
  function toast(msg) {
    var t = document.getElementById("toast");
    if (!t) return;
    t.textContent = msg;
    t.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.classList.remove("show"); }, 2600);
  }

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.left = "-9999px";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }

  function copy(text, done) {
    window.__lastCopied = text;              // read by the end-to-end tests
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); },
        function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  }

  // "引用" buttons: data-cite holds GB/T 7714, data-bibtex the BibTeX (shift-click or alt-click)
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button.cite") : null;
    if (!b) return;
    ev.preventDefault();
    var bib = ev.shiftKey || ev.altKey;
    var text = bib ? b.getAttribute("data-bibtex") : b.getAttribute("data-cite");
    if (!text) return;
    copy(text, function (ok) {
      toast((ok ? "已复制" + (bib ? " BibTeX" : "参考文献") + "：" : "请手动复制：") + text);
    });
  });

  // legend check boxes: unchecked adds a "hide-…" class to the page body
  function bindToggles() {
    var boxes = document.querySelectorAll("input[data-toggle]");
    Array.prototype.forEach.call(boxes, function (box) {
      var cls = box.getAttribute("data-toggle");
      var key = "zhengce:" + cls;
      try {
        if (localStorage.getItem(key) === "off") { box.checked = false; }
      } catch (e) { /* storage may be disabled */ }
      document.body.classList.toggle(cls, !box.checked);
      box.addEventListener("change", function () {
        document.body.classList.toggle(cls, !box.checked);
        try { localStorage.setItem(key, box.checked ? "on" : "off"); } catch (e) { /* ignore */ }
      });
    });
  }

  // keep the clause named in the URL fragment in view under the sticky legend
  function focusTarget() {
    if (!location.hash) return;
    var el = document.getElementById(location.hash.slice(1));
    if (el && el.classList.contains("cl")) { el.setAttribute("tabindex", "-1"); el.focus({ preventScroll: false }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindToggles();
    focusTarget();
  });
})();
