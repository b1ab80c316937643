"""The order form writes its pickup and delivery-window radio buttons itself (forms/ordering/
checkout.py `radio_buttons`, issue 22): each must be what the WTForms widget writes, for any
choices, odd text in them, and any choice sent back."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import Form, RadioField

from forms.ordering.checkout import radio_buttons

TAG = (
    "{% for attributes, label, value in radio_buttons(field) %}"
    "<input{% for name, v in attributes %} {{ name }}{% if v is not sameas true %}"
    '="{{ v }}"{% endif %}{% endfor %}>\n{% endfor %}'
)


class _FormData(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5, unique=True),
    sent=st.one_of(st.none(), st.text(max_size=8)),
    pick=st.integers(0, 4),
)
def test_each_button_is_what_the_widget_writes(app, values, sent, pick):
    if sent is None and pick < len(values):
        sent = values[pick]  # one of the choices sent back, else odd text
    form_class = type("Choice", (Form,), {"method": RadioField("How", choices=values)})
    with app.test_request_context():
        field = form_class(formdata=None if sent is None else _FormData({"method": sent}))["method"]
        written = app.jinja_env.from_string(TAG).render(field=field, radio_buttons=radio_buttons)
        assert written == "".join(f"{button()}\n" for button in field)
