// Shows or hides the order form's conditional fields as the customer answers. The server
// decides again on submit; without JavaScript it re-renders the form with the fields that apply.

function answerOf(form, name) {
  const values = [];
  form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((input) => {
    if (input.type === "checkbox" && input.value === "y") values.push(input.checked ? "True" : "False");
    else if (input.type === "radio" || input.type === "checkbox") { if (input.checked) values.push(input.value); }
    else values.push(input.value);
  });
  return values;
}

function updateConditions(form) {
  // Repeat so a field that depends on a hidden field is hidden too.
  for (let pass = 0; pass < 3; pass++) {
    form.querySelectorAll("[data-show-field]").forEach((wrapper) => {
      const controller = form.querySelector(`#field-${CSS.escape(wrapper.dataset.showField)}`);
      const shown = !(controller && controller.classList.contains("when-hidden")) &&
        answerOf(form, wrapper.dataset.showField).includes(wrapper.dataset.showValue);
      wrapper.classList.toggle("when-hidden", !shown);
      wrapper.hidden = !shown;
    });
  }
}

document.addEventListener("change", (event) => {
  const form = event.target.closest("form");
  if (form) updateConditions(form);
});
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("form").forEach(updateConditions));
document.addEventListener("htmx:load", (event) => {
  const form = event.target.closest ? event.target.closest("form") || event.target.querySelector("form") : null;
  if (form) updateConditions(form);
});
