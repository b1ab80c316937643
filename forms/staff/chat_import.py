"""The chat import's forms: the pasted chain and its activity, then the table of proposed orders
as staff fixed it (one name per cell: `e<entry>-name`, `e<entry>-l<line>-qty`, …)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.designer.template import strip
from models.chat_import.importing import Draft, Proposal

MAX_TEXT, MAX_QUANTITY, MAX_NAME, MAX_PHONE = 20_000, 9999, 100, 40
# "Try an example" (/board/import?example=1): a chain as a group chat writes it, for the demo
# shop's fruit (models/chat_import reads its typos and Chinese numbers; docs/group-buy.md).
EXAMPLE_CHAIN = """#接龙 周五水果团
周五下午到货，地铁站东口自提，请写名字和数量

1. 张伟 草莓2盒 脐橙1
2. 李娜 3栋502 阳光玫瑰葡萄×1 苹果2
3. 王芳 13800138021 蓝莓两盒
4. 刘洋 芒果1 哈密瓜1
5. 陈静 车厘子一份
6. 杨帆 砂糖桔3 猕猴桃1"""


class ChainForm(FlaskForm):
    activity = SelectField(_l("Activity"), validators=[DataRequired(_l("Choose the activity."))])
    text = TextAreaField(
        _l("Chain text"),
        filters=[strip],
        validators=[
            DataRequired(_l("Paste the chain's text first.")),
            Length(max=MAX_TEXT, message=_l("At most %(max)s characters.", max=MAX_TEXT)),
        ],
        description=_l("Copy the whole 接龙 from the group chat and paste it here."),
        render_kw={"rows": 10, "maxlength": MAX_TEXT},
    )
    fulfilment = StringField()  # a pickup point id; checkout checks it as the form's


def cell(entry: int, name: str, line: int | None = None) -> str:
    return f"e{entry}-{name}" if line is None else f"e{entry}-l{line}-{name}"


def _quantity(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) <= MAX_QUANTITY else None


def read_table(
    formdata, proposals: list[Proposal], product_ids: set[int]
) -> tuple[list[Draft], dict[str, str]]:
    """The drafts of the entries ticked for import, and the errors by cell name. A cell not sent
    keeps what was proposed; a line naming a family and none of its variants needs one chosen."""
    drafts, errors = [], {}
    for i, proposal in enumerate(proposals):
        if formdata.get(cell(i, "shown")) and not formdata.get(cell(i, "take")):
            continue
        name = formdata.get(cell(i, "name"), proposal.name).strip()
        phone = formdata.get(cell(i, "phone"), proposal.phone).strip()
        if len(name) > MAX_NAME:
            errors[cell(i, "name")] = _l("At most %(max)s characters.", max=MAX_NAME)
        if len(phone) > MAX_PHONE:
            errors[cell(i, "phone")] = _l("At most %(max)s characters.", max=MAX_PHONE)
        quantities: dict[int, int] = {}
        for j, line in enumerate(proposal.lines):
            chosen = line.match.product.id if line.match.product else ""
            product = formdata.get(cell(i, "product", j), str(chosen)).strip()
            quantity = _quantity(formdata.get(cell(i, "qty", j), str(line.quantity)))
            if quantity is None:
                errors[cell(i, "qty", j)] = _l(
                    "Enter a whole number from 0 to %(most)s.", most=MAX_QUANTITY
                )
                continue
            if not product:
                if quantity:
                    errors[cell(i, "product", j)] = (
                        _l("Choose the variant, or set 0.")
                        if line.match.how == "family"
                        else _l("Choose the product, or set 0.")
                    )
                continue
            if not product.isdigit() or int(product) not in product_ids:
                errors[cell(i, "product", j)] = _l("Choose one of the activity's products.")
                continue
            pid = int(product)
            quantities[pid] = min(quantities.get(pid, 0) + quantity, MAX_QUANTITY)
        drafts.append(Draft(proposal.key, name, phone, proposal.address, quantities))
    return drafts, errors
