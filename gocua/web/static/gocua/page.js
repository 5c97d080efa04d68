/* Small behaviours of the server pages, kept out of the templates (the Content-Security-Policy
   allows scripts from this site only, never inline ones). */
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
