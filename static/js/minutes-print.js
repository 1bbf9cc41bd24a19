/* The print page's "Print" button (hidden without JavaScript: the browser's own print works). */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
