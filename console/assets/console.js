// isagw console: progressive enhancement only. Every page works without
// this file; with it, a form that changes something (a replay) asks first.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
