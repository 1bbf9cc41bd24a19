/* The fee sheet: "Everyone else paid" ticks the rows left without a choice before the form
 * goes, and the totals follow every tap. Without JavaScript the server does the same (the
 * `all_paid` button fills the rows not yet saved). */
(function () {
  "use strict";

  var picker = document.querySelector("select[data-autosubmit]");
  if (picker) { picker.addEventListener("change", function () { picker.form.submit(); }); }

  var form = document.querySelector("form[data-fee-sheet]");
  if (!form) { return; }
  var lang = document.documentElement.lang || "vi";

  function digits(text) {
    var cleaned = (text || "").replace(/[\s.,_đĐ]/g, "");
    return /^\d+$/.test(cleaned) ? parseInt(cleaned, 10) : 0;
  }

  function amountOf(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    if (!checked) { return row.hasAttribute("data-saved") ? parseInt(row.dataset.received || "0", 10) : 0; }
    if (checked.value === "full") { return parseInt(row.dataset.suggested || "0", 10); }
    if (checked.value === "part") { return digits(row.querySelector(".fee-amount input").value); }
    return 0;
  }

  function update() {
    var paid = 0, members = 0;
    form.querySelectorAll(".fee-row").forEach(function (row) {
      var due = parseInt(row.dataset.due || "0", 10);
      var amount = Math.min(amountOf(row), due);
      if (row.querySelector(".fee-advance")) { amount = due; }
      paid += amount;
      if (due && amount >= due) { members += 1; }
    });
    var paidCell = document.querySelector('[data-fee-total="paid"]');
    if (paidCell) { paidCell.textContent = paid.toLocaleString(lang) + " đ"; }
    var membersCell = document.querySelector('[data-fee-total="members"]');
    if (membersCell) { membersCell.textContent = members; }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    if (!(event.submitter && event.submitter.hasAttribute("data-all-paid"))) { return; }
    form.querySelectorAll(".fee-row").forEach(function (row) {
      var full = row.querySelector('input[type=radio][value="full"]');
      if (full && !row.querySelector("input[type=radio]:checked")) { full.checked = true; }
    });
  });
}());
