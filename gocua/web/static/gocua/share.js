/* Share buttons of public pages: the phone's share sheet (Zalo, Facebook, …) where there is one,
   else the link is copied; if even that is refused, the link is shown to copy by hand.
   Loaded as a file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function note(button, text) {
    const out = button.parentNode.querySelector(".share-note");
    if (out) out.textContent = text;
  }

  async function share(button) {
    const url = button.dataset.shareUrl || location.href;
    const title = button.dataset.shareTitle || document.title;
    if (navigator.share) {
      try {
        await navigator.share({ title, url });
        return;
      } catch (error) {
        if (error && error.name === "AbortError") return;  // the person closed the sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      note(button, button.dataset.copied);
    } catch (error) {
      note(button, `${button.dataset.failed} ${url}`);
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-share-url]");
    if (button) share(button);
  });
})();
