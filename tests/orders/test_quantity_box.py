"""The order form writes each product's number box itself (forms/ordering/steppers.py
`quantity_attributes`, issue 22: the widget's call cost 2 ms a page): it must write exactly what
the WTForms widget writes, for any limit, value typed and error attributes."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import Form

from models.activities.fields.products import quantity_field


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.one_of(st.none(), st.integers(2, 999)),
    typed=st.one_of(st.none(), st.text(max_size=6), st.integers(0, 999).map(str)),
    invalid=st.booleans(),
)
def test_the_box_is_what_the_widget_writes(app, limit, typed, invalid):
    with app.test_request_context():
        form_class = type("Lines", (Form,), {"12": quantity_field("Apples", limit)})
        formdata = None if typed is None else _FormData({"12": typed})
        box = form_class(formdata=formdata)["12"]
        box.validate(form_class())
        attrs = {"aria-invalid": "true", "aria-describedby": "items-12-error"} if invalid else {}
        parts = app.jinja_env.get_template("fields/_parts.html").module
        written = re.search(r"<input[^>]*>", str(parts.stepper(box, attrs))).group(0)
        assert written == str(box(class_="qty", **attrs))


class _FormData(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []
