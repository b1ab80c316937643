"""Providers' bill files as the providers write them, made here (never downloaded): WeChat Pay's
trade bill (every field behind a backtick, a summary at the end) and Alipay's business detail
file (comment lines with #, cells padded with tabs, GBK)."""

from dataclasses import dataclass, field

from models.reports.bills import ALIPAY_COLUMNS, WECHAT_COLUMNS


@dataclass
class Trade:
    when: str  # Beijing time, "YYYY-MM-DD HH:MM:SS"
    transaction_id: str
    out_trade_no: str
    amount: str  # yuan, "12.50"
    fee: str = "0.00"
    refund: bool = False
    refund_no: str = ""
    status: str = ""  # WeChat's 交易状态 when not SUCCESS/REFUND
    extra: dict = field(default_factory=dict)


def wechat_bill(trades: list[Trade]) -> bytes:
    lines = [",".join(WECHAT_COLUMNS)]
    for t in trades:
        row = dict.fromkeys(WECHAT_COLUMNS, "")
        row.update(
            {
                "交易时间": t.when,
                "公众账号ID": "wx8888888888888888",
                "商户号": "1900000109",
                "特约商户号": "0",
                "微信订单号": t.transaction_id,
                "商户订单号": t.out_trade_no,
                "用户标识": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                "交易类型": "NATIVE",
                "交易状态": t.status or ("REFUND" if t.refund else "SUCCESS"),
                "付款银行": "CMB_CREDIT",
                "货币种类": "CNY",
                "应结订单金额": "0.00" if t.refund else t.amount,
                "代金券金额": "0.00",
                "微信退款单号": "50000000382019052709732678859" if t.refund else "0",
                "商户退款单号": t.refund_no or "0",
                "退款金额": t.amount if t.refund else "0.00",
                "充值券退款金额": "0.00",
                "退款类型": "ORIGINAL" if t.refund else "",
                "退款状态": "SUCCESS" if t.refund else "",
                "商品名称": "接龙订单",
                "手续费": ("-" + t.fee) if t.refund else t.fee,
                "费率": "0.60%",
                "订单金额": t.amount,
                "申请退款金额": t.amount if t.refund else "0.00",
            }
        )
        row.update(t.extra)
        lines.append(",".join("`" + row[column] for column in WECHAT_COLUMNS))
    paid = [t for t in trades if not t.refund]
    lines.append(
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    )
    lines.append(f"`{len(trades)},`0.00,`0.00,`0.00,`0.00,`0.00,`{len(paid)}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def alipay_bill(trades: list[Trade], encoding: str = "gbk") -> bytes:
    lines = [
        "#支付宝业务明细查询",
        "#账号：[20881234567890120156]",
        "#起始日期：[2026年03月01日 00:00:00]   终止日期：[2026年03月03日 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        ",".join(ALIPAY_COLUMNS),
    ]
    for t in trades:
        sign = "-" if t.refund else ""
        row = dict.fromkeys(ALIPAY_COLUMNS, "")
        row.update(
            {
                "支付宝交易号": t.transaction_id,
                "商户订单号": t.out_trade_no,
                "业务类型": "退款" if t.refund else "交易",
                "商品名称": "接龙订单",
                "创建时间": t.when,
                "完成时间": t.when,
                "对方账户": "buyer***@example.com",
                "订单金额（元）": sign + t.amount,
                "商家实收（元）": sign + t.amount,
                "支付宝红包（元）": "0.00",
                "集分宝（元）": "0.00",
                "支付宝优惠（元）": "0.00",
                "商家优惠（元）": "0.00",
                "券核销金额（元）": "0.00",
                "商家红包消费金额（元）": "0.00",
                "卡消费金额（元）": "0.00",
                "退款批次号/请求号": t.refund_no,
                "服务费（元）": t.fee if t.refund else "-" + t.fee,
                "分润（元）": "0.00",
            }
        )
        row.update(t.extra)
        lines.append(",".join(row[column] + "\t" for column in ALIPAY_COLUMNS))
    lines += [
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{len(trades)}笔，商家实收共计：0.00元，商家服务费共计：0.00元",
        "#导出时间：[2026年03月03日 09:12:01]",
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
