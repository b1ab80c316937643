"""A provider's bill as imported, kept so that its result can be opened again.

`BillImport` is one uploaded file; its `BillLine`s are the rows read from it (`row` is the
line's number in the file) and, once matched, the money Jielong has in the bill's period that
the bill lacks (`row` is None). `outcome` says how each line matched (OUTCOMES).
"""

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from models.accounts.user import User
from models.base import BaseModel, utcnow

UNMATCHED = ""  # not matched yet
MATCHED = "matched"
AMOUNT_MISMATCH = "amount_mismatch"
ONLY_IN_BILL = "only_in_bill"
ONLY_IN_JIELONG = "only_in_jielong"
OUTCOMES = {
    MATCHED: _l("Matched"),
    AMOUNT_MISMATCH: _l("Amount differs"),
    ONLY_IN_BILL: _l("In the bill, not in Jielong"),
    ONLY_IN_JIELONG: _l("In Jielong, not in the bill"),
}
KINDS = {"payment": _l("Payment"), "refund": _l("Refund")}
PROVIDERS = {"wechat": _l("WeChat Pay"), "alipay": _l("Alipay")}


class BillImport(BaseModel):
    provider = CharField(max_length=16)  # PROVIDERS
    filename = CharField(max_length=200, default="")
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    starts_at = DateTimeField(null=True)  # naive UTC: the first and last line's time
    ends_at = DateTimeField(null=True)
    errors = JSONField(default=list)  # [[row, code, values], …]: models/reports/bills.py RowError
    skipped = IntegerField(default=0)  # rows that move no money
    matched_at = DateTimeField(null=True)


class BillLine(BaseModel):
    bill_import = ForeignKeyField(BillImport, backref="lines", on_delete="CASCADE")
    row = IntegerField(null=True)  # the file's line number; None: only Jielong has it
    kind = CharField(max_length=16)  # "payment" or "refund"
    occurred_at = DateTimeField()  # naive UTC
    transaction_id = CharField(max_length=64, default="")
    out_trade_no = CharField(max_length=64, default="")
    refund_no = CharField(max_length=64, default="")
    amount = IntegerField(default=0)  # fen, as the bill has it (0 for a Jielong-only line)
    fee = IntegerField(default=0)  # fen
    note = TextField(default="")
    outcome = CharField(max_length=16, default=UNMATCHED)  # OUTCOMES
    order_number = IntegerField(null=True)
    jielong_key = IntegerField(null=True)  # the Payment's or Refund's id (models/reports/ledger.py)
    jielong_amount = IntegerField(null=True)  # fen, as Jielong has it

    class Meta:
        indexes = (
            (("bill_import", "row"), False),
            (("occurred_at",), False),
        )
