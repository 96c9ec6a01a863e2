// The public portal: move the focus to the error summary, so that a screen reader reads it
// and a keyboard user starts from the links to the fields to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
