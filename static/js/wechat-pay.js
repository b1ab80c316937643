// Paying inside WeChat (JSAPI): the button's `data-wechat-pay` holds the signed parameters the
// server made; WeixinJSBridge opens WeChat's payment sheet with them. Whatever the bridge
// answers, the payment is recorded only from WeChat Pay's notification or the server's query:
// after "ok" the page says it is waiting, and its polling turns it paid.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-wechat-pay]");
  if (!button || !window.WeixinJSBridge) return;
  const status = button.closest("section").querySelector("[data-wechat-pay-status]");
  const params = JSON.parse(button.dataset.wechatPay);
  button.disabled = true;
  window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, (answer) => {
    const ok = answer && answer.err_msg === "get_brand_wcpay_request:ok";
    button.disabled = ok;
    if (status) status.textContent = ok ? button.dataset.waiting : button.dataset.failed;
  });
});
