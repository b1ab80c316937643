// Keyboard use of the board: j/k move between orders, x selects, c confirms, o opens, / searches.
// Every key has a button, checkbox or link next to it; the board works without this file.
(() => {
  let number = null; // the focused order, by number: rows are swapped in and out by the poll

  const orders = () => [...document.querySelectorAll("#board .order")];
  const focused = () => number && document.querySelector(`#board .order[data-number="${number}"]`);

  function focus(order) {
    if (!order) return;
    focused()?.classList.remove("focused");
    number = order.dataset.number;
    order.classList.add("focused");
    order.scrollIntoView({ block: "nearest" });
  }

  function step(delta) {
    const list = orders();
    const at = list.indexOf(focused());
    focus(at < 0 ? list[0] : list[Math.min(Math.max(at + delta, 0), list.length - 1)]);
  }

  function countSelected() {
    const output = document.getElementById("bulk-count");
    const count = document.querySelectorAll("#board input[name=ids]:checked").length;
    if (output) output.value = count ? `(${count})` : "";
  }

  const typing = (target) =>
    target.closest("textarea, select, [contenteditable]") ||
    (target.matches("input") && !["checkbox", "radio"].includes(target.type));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const order = focused();
    const keys = {
      j: () => step(1),
      k: () => step(-1),
      x: () => order?.querySelector("input[name=ids]")?.click(),
      c: () => order?.querySelector("button.move-confirmed")?.click(),
      o: () => order?.querySelector("a[href^='/board/orders/']")?.click(),
      "/": () => document.getElementById("filter-q")?.focus(),
    };
    if (!keys[event.key]) return;
    event.preventDefault();
    keys[event.key]();
  });

  document.addEventListener("change", (event) => {
    if (event.target.name === "ids") countSelected();
    // The filter form asks for the board on a change of any control but the search box,
    // whose typing already did (hx-trigger="filters-changed" in board/_filters.html).
    const filters = event.target.closest("#board-filters");
    if (filters && event.target.name !== "q") htmx.trigger(filters, "filters-changed");
  });
  document.addEventListener("htmx:afterSettle", () => {
    focused()?.classList.add("focused");
    countSelected();
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector(".board-keys")?.removeAttribute("hidden");
  });
})();
