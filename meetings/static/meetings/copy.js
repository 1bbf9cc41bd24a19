// "Copy the address" buttons: <button data-copy="input-id" data-copied="Copied" hidden>.
// The button stays hidden where the clipboard cannot be used; the field stays selectable.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied;
        setTimeout(function () { button.textContent = label; }, 2500);
      }, function () {
        field.select();
      });
    });
  });
});
