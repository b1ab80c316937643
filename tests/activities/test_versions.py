"""Published versions of a form template: immutable, numbered per template, kept by old orders."""

import pytest

from models.activities.template import FormTemplateVersion, ImmutableVersion
from models.orders.order import Order
from tests.factories import make_product, make_template, order_for, published_version

# --- form template versions ------------------------------------------------------------------


def test_a_published_version_can_never_be_edited(app):
    version = published_version(fields=[{"name": "remark", "type": "long_text"}])
    version.title = "Sneaky edit"
    version.fields = []
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.save(only=[FormTemplateVersion.title])
    stored = FormTemplateVersion.get_by_id(version.id)
    assert stored.title != "Sneaky edit"
    assert stored.fields == [{"name": "remark", "type": "long_text"}]


def test_publishing_again_makes_version_two_and_old_orders_keep_version_one(app):
    template = make_template(fields=[{"name": "remark", "type": "long_text"}])
    first = template.publish()
    product = make_product(5)
    old_order = order_for(first, [(product, 1)])

    template.draft = {
        "fields": [{"name": "remark", "type": "long_text"}, {"name": "slot", "type": "time_slot"}],
        "settings": {"order_cap": 50},
    }
    template.save()
    second = template.publish()

    assert (first.number, second.number) == (1, 2)
    assert template.latest_version().id == second.id
    assert second.field("slot") is not None and second.settings == {"order_cap": 50}
    reloaded = Order.get_by_id(old_order.id)
    assert reloaded.template_version_id == first.id
    assert reloaded.template_version.number == 1
    assert reloaded.template_version.field("slot") is None
    assert [f["name"] for f in reloaded.template_version.fields] == ["remark"]
    assert order_for(template.latest_version(), [(product, 1)]).template_version_id == second.id


def test_versions_are_numbered_per_template(app):
    a, b = make_template(), make_template()
    assert [a.publish().number, a.publish().number, b.publish().number] == [1, 2, 1]
    assert a.status == "published"
