"""The settlement report's upload of a provider's bill."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from models.uploads import read_upload


class BillForm(FlaskForm):
    bill = FileField(
        _l("Bill file"),
        [FileRequired(_l("Choose the bill file."))],
        render_kw={"accept": ".csv,text/csv"},
        description=_l(
            "WeChat Pay: 交易账单 (CSV) from pay.weixin.qq.com. Alipay: 业务明细 (CSV, from the "
            "downloaded bill's zip) from b.alipay.com."
        ),
    )

    def bill_bytes(self) -> bytes:
        return read_upload(self.bill.data)

    def filename(self) -> str:
        return getattr(self.bill.data, "filename", "") or ""
