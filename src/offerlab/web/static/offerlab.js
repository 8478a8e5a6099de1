// Progressive enhancement only: copy buttons for the negotiation scripts, focus after htmx swaps.
document.querySelectorAll("button.copy").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });
});

// After htmx swaps a form back in with errors, move focus to the first field marked invalid.
document.addEventListener("htmx:afterSettle", function () {
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
});
