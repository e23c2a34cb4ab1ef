// sendoc serve: small enhancements; every page works without this file.
(function () {
  'use strict';
  // after an add, a move or a removal the page comes back at the entry:
  // move keyboard focus there too, not only the scroll position
  function focusHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el) return;
    var target = el.querySelector('input, select, textarea, button') || el;
    if (target === el && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    target.focus();
  }
  // a removal cannot be undone from the form: ask first
  function confirmRemovals() {
    document.addEventListener('click', function (ev) {
      var b = ev.target.closest && ev.target.closest('button.danger');
      if (b && !window.confirm(b.textContent + '?')) ev.preventDefault();
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    focusHash();
    confirmRemovals();
  });
})();
