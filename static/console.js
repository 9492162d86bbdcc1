// Console helpers, loaded from 'self' (the CSP allows no inline script): countdowns to token
// expiry, copy buttons, the playground's operation picker, and focus on the step just run.
"use strict";
(function () {
  function tick() {
    document.querySelectorAll("[data-expires-epoch]").forEach(function (el) {
      var left = Math.max(0, Math.floor(Number(el.dataset.expiresEpoch) - Date.now() / 1000));
      var minutes = Math.floor(left / 60);
      el.textContent = left > 0 ? minutes + " min " + (left % 60) + " s" : "expired";
      el.classList.toggle("expired", left === 0);
    });
  }
  tick();
  setInterval(tick, 1000);

  function copy(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var scratch = document.createElement("textarea");
    scratch.value = text;
    document.body.appendChild(scratch);
    scratch.select();
    document.execCommand("copy");
    scratch.remove();
    done();
  }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copyTarget);
      copy(source.value !== undefined && source.tagName !== "PRE" ? source.value : source.textContent, button);
    });
  });

  var picker = document.getElementById("operation");
  if (picker) {
    var presets = {};
    JSON.parse(picker.dataset.presets).forEach(function (p) { presets[p.id] = p; });
    picker.addEventListener("change", function () {
      var preset = presets[picker.value];
      if (!preset) { return; }
      var partner = picker.dataset.sellingPartner;
      document.getElementById("method").value = preset.method;
      document.getElementById("path").value = partner ? preset.path.replace("{sellerId}", partner) : preset.path;
      document.getElementById("query").value = preset.query;
      document.getElementById("body").value = preset.body;
    });
  }

  var target = document.getElementById("focus-target");
  if (target) {
    var step = document.getElementById(target.dataset.target);
    if (step) {
      step.scrollIntoView({ block: "start" });
      var result = step.querySelector(".result, .field-error");
      if (result) { result.setAttribute("tabindex", "-1"); result.focus({ preventScroll: true }); }
    }
  }
})();
