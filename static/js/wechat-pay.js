// Paying inside WeChat (JSAPI): the button's `data-wechat-pay` holds the signed parameters the
// server made; WeixinJSBridge opens WeChat's payment sheet with them. Whatever the bridge
// answers, the payment is recorded only from WeChat Pay's notification or the server's query:
// after "ok" the page says it is waiting, and its polling turns it paid.
// The button comes disabled and is enabled once WeChat's bridge is there (WeChat may announce
// it with "WeixinJSBridgeReady" after the page loaded), so an early tap is never lost.
const enablePayButtons = () => {
  if (!window.WeixinJSBridge) return;
  for (const button of document.querySelectorAll("button[data-wechat-pay]:not([data-paying])")) {
    button.disabled = false;
  }
};
document.addEventListener("DOMContentLoaded", enablePayButtons);
document.addEventListener("WeixinJSBridgeReady", enablePayButtons);
document.addEventListener("htmx:load", enablePayButtons);

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-wechat-pay]");
  if (!button || !window.WeixinJSBridge) return;
  const status = button.closest("section").querySelector("[data-wechat-pay-status]");
  const params = JSON.parse(button.dataset.wechatPay);
  button.disabled = true;
  button.dataset.paying = "";
  window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, (answer) => {
    const ok = answer && answer.err_msg === "get_brand_wcpay_request:ok";
    button.disabled = ok;
    if (!ok) delete button.dataset.paying;
    if (status) status.textContent = ok ? button.dataset.waiting : button.dataset.failed;
  });
});
