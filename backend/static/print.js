// The POP page's print button: shown only when scripts run; without them Ctrl+P still works.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
