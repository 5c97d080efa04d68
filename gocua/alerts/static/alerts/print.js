/* The print button of the public alert page (a file: the Content-Security-Policy allows no inline script). */
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
