// Progressive enhancement only, with no inline script anywhere (the pages' Content-Security-
// Policy allows none): charts, copy buttons for the negotiation scripts, focus after htmx swaps.

// Draw each chart the server described in a data-figure attribute (a Plotly figure as JSON).
function drawCharts(root) {
  if (!window.Plotly) return;
  root.querySelectorAll(".plot[data-figure]:not([data-drawn])").forEach(function (element) {
    element.dataset.drawn = "yes";
    var figure = JSON.parse(element.dataset.figure);
    Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  });
}
drawCharts(document);

// htmx swapped new content in: draw its charts.
document.addEventListener("htmx:load", function (event) {
  drawCharts(event.detail.elt.parentNode || document);
});

// A form that redraws in place once enough boxes are ticked (the compare page): tell htmx
// with a "pick" event, instead of a filter expression htmx would have to eval.
document.querySelectorAll("form[data-pick-least]").forEach(function (form) {
  form.addEventListener("change", function () {
    var ticked = form.querySelectorAll("input[type=checkbox]:checked").length;
    if (ticked >= Number(form.dataset.pickLeast) && window.htmx) htmx.trigger(form, "pick");
  });
});

// A table wider than its box: say so beside it, and let the keyboard scroll it.
function markOverflow() {
  document.querySelectorAll(".scroll").forEach(function (box) {
    var hint = box.nextElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.textContent = "Scroll the table sideways for more columns.";
      box.after(hint);
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("data-overflows", "");
      box.tabIndex = 0;
    } else {
      box.removeAttribute("data-overflows");
      box.removeAttribute("tabindex");
    }
  });
}
markOverflow();
window.addEventListener("resize", markOverflow);
document.addEventListener("htmx:afterSettle", markOverflow);

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
