/* Asking before a step that cannot be undone (ES5, no library; the pages allow no inline script).
   A form with data-confirm="question" asks when it is submitted; a button or link with
   data-confirm asks when it is clicked. "Cancel" stops the submit or the click. */
(function () {
  function ask(event, element) {
    if (!window.confirm(element.getAttribute("data-confirm"))) {
      if (event.preventDefault) { event.preventDefault(); }
      event.returnValue = false;
      return false;
    }
    return true;
  }
  var forms = document.querySelectorAll("form[data-confirm]");
  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener("submit", function (event) { ask(event, this); });
  }
  var buttons = document.querySelectorAll("button[data-confirm], input[data-confirm], a[data-confirm]");
  for (var b = 0; b < buttons.length; b++) {
    buttons[b].addEventListener("click", function (event) { ask(event, this); });
  }
})();
