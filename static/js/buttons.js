// Buttons that need one line of script, kept here because the Content-Security-Policy runs no
// inline handler: `data-print` prints the page, `data-copy="<id>"` copies that field's text and
// then says `data-done`. Listening on the document, they work in parts htmx swaps in too.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-print], button[data-copy]");
  if (!button) return;
  if (button.hasAttribute("data-print")) {
    window.print();
    return;
  }
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  navigator.clipboard.writeText(source.value).then(() => {
    button.textContent = button.dataset.done;
  });
});
