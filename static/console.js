// Console helpers: a live countdown to token expiry and a copy button. Loaded from 'self'
// (the CSP allows no inline script).
"use strict";
(function () {
  function tick() {
    document.querySelectorAll("[data-expires-epoch]").forEach(function (el) {
      var left = Math.max(0, Math.floor(Number(el.dataset.expiresEpoch) - Date.now() / 1000));
      var minutes = Math.floor(left / 60);
      el.textContent = left > 0 ? minutes + " min " + (left % 60) + " s" : "expired";
    });
  }
  tick();
  setInterval(tick, 1000);
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copyTarget).textContent;
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
    });
  });
})();
