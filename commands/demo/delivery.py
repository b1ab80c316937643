"""The demo shop's delivery: two zones (one with delivery windows), a courier, and a run for
today with a few orders on it (docs/delivery.md)."""

from datetime import datetime, time, timedelta

from models.accounts.user import User
from models.activities.template import FormTemplate
from models.delivery.checkout import submit_delivered_order
from models.delivery.runs import assign_to_courier
from models.delivery.shipping import ship_order
from models.delivery.windows import add_window, upcoming_windows
from models.delivery.zones import save_zone
from models.orders.lifecycle import Actor
from models.shop_time import shop_today, to_utc

RUN_CUSTOMERS = [
    ("陈静", "+8613900010001", "滨江区 滨江花园 3 幢 1201"),
    ("李明", "+8613900010002", "滨江区 星光小区 7 幢 502"),
    ("Anna Schmidt", "+8613900010003", "滨江区 江南大道 1001 号 8 楼"),
    ("王芳", "+8613900010004", "滨江区 滨江花园 12 幢 301"),
]
HOURS = ((10, 12), (14, 16), (18, 20))
SHIPPED = (("sf", "SF1402938475612"), ("jd", "JDVA20381927364"))
ORDERS = len(RUN_CUSTOMERS) + len(SHIPPED)  # what build_delivery adds to the demo's orders


def build_delivery(template: FormTemplate, staff: User, courier: User) -> int:
    """Zones, windows for the next days, and today's run; how many orders it put on the run."""
    riverside = save_zone(
        name="滨江区 Riverside",
        districts=["滨江区"],
        communities=["滨江花园", "星光小区"],
        postcode_prefixes=["3100"],
        fee=500,
        minimum_order=2000,
        free_above=8800,
    )
    old_town = save_zone(
        name="上城区 Old town",
        districts=["上城区", "西湖区"],
        postcode_prefixes=["3101"],
        fee=1000,
        minimum_order=5000,
        free_above=15000,
    )
    today = shop_today()
    for day in (today + timedelta(days=d) for d in range(1, 4)):
        for opens, closes in HOURS:
            start = to_utc(datetime.combine(day, time(opens)))
            add_window(old_town, start, start + timedelta(hours=closes - opens), capacity=6)
    version = template.latest_version()
    placed = 0
    for n, (name, phone, address) in enumerate(RUN_CUSTOMERS):
        order, _created = submit_delivered_order(
            template,
            version,
            zone_id=riverside.id,
            window_id=None,
            address=address,
            answers={"name": name, "phone": phone},
            quantities=_quantities(version, n),
            submission_key=f"demo-delivery-{n}",
            locale="zh_CN",
            source="staff",
        )
        assign_to_courier(order, courier, Actor.of_user(staff), today)
        placed += 1
    window = upcoming_windows([old_town.id])[0]
    for n, (carrier, number) in enumerate(SHIPPED, start=len(RUN_CUSTOMERS)):
        order, _created = submit_delivered_order(
            template,
            version,
            zone_id=old_town.id,
            window_id=window.id,
            address=f"上城区 解放路 {n * 11} 号",
            answers={"name": f"顾客 {n}", "phone": f"+86139000100{n:02d}"},
            quantities=_quantities(version, n),
            submission_key=f"demo-delivery-{n}",
            locale="zh_CN",
            source="staff",
        )
        ship_order(order, carrier, number, Actor.of_user(staff))  # sent by express after all
        placed += 1
    return placed


def _quantities(version, n: int) -> dict[int, int]:
    """Two of the activity's products, a few of each: enough for Riverside's minimum."""
    ids = [
        p["product_id"] for f in version.fields if f["type"] == "products" for p in f["products"]
    ]
    ids = ids[:4]  # the fruit with most stock, so the demo's own orders leave enough
    return {ids[n % len(ids)]: 2, ids[(n + 1) % len(ids)]: 1}
