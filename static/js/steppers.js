// The − / + buttons beside quantity boxes (forms/ordering/steppers.py). Without JavaScript each one
// sends the form to be shown again with the number changed; here it changes the number in
// place and tells the form (the live total listens for input and change).

function stepQuantity(button) {
  const at = button.value.lastIndexOf(":");
  const input = button.form && button.form.elements.namedItem(button.value.slice(0, at));
  if (!input || at < 0) return false;
  const typed = input.value.trim();
  const current = /^\d+$/.test(typed) ? Number(typed) : 0;
  const most = input.max === "" ? Infinity : Number(input.max);
  const next = Math.min(Math.max(current + Number(button.value.slice(at + 1)), 0), most);
  input.value = next ? String(next) : "";
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
  return true;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button[name=step]");
  if (button && stepQuantity(button)) event.preventDefault();
});
