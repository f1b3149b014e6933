// The client page's "Link kopiëren" button: shown only when scripts run; without them the link
// can still be selected and copied by hand.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("copy-link");
  var field = document.getElementById("invite-url");
  var done = document.getElementById("copy-done");
  if (!button || !field || !done) return;
  button.hidden = false;
  function copied() { done.textContent = "De link is gekopieerd."; }
  button.addEventListener("click", function () {
    field.focus();
    field.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(copied, function () {
        done.textContent = "Kopiëren lukte niet. Druk op Ctrl+C.";
      });
    } else {
      done.textContent = document.execCommand("copy") ? "De link is gekopieerd." : "Druk op Ctrl+C om te kopiëren.";
    }
  });
});
