"""The OpenAPI description (/api/v1/openapi.json) is generated from the routes and holds every
API route; schemathesis sends what it describes to the live app and checks each answer against
it: its status and content type are documented, its body matches the schema, and nothing
answers 500."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from models.api.tokens import SCOPES, issue_token
from tests.factories import order_for


def test_every_api_route_is_described(client, app):
    described = client.get("/api/v1/openapi.json").json
    operations = {
        op["operationId"] for methods in described["paths"].values() for op in methods.values()
    }
    routes = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert operations == {endpoint.removeprefix("api.") for endpoint in routes}
    assert described["openapi"] == "3.0.3"


def test_the_readable_page_lists_the_routes(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST /api/v1/orders/{number}/status" in page
    assert "/api/v1/openapi.json" in page


def test_the_live_api_keeps_its_description(app, shop):
    """Each described operation, with cases schemathesis generates from the description (its
    pytest plugin does not run under this pytest, so hypothesis drives its strategies here)."""
    with app.app_context():
        order_for(shop["version"], [(shop["apples"], 1)], name="Alice")
        _, token = issue_token("Contract", list(SCOPES))
    described = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in described.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_it(case):
            # A valid body the shop refuses (a stock-take below what orders hold, a status the
            # lifecycle forbids) is a documented 422, not a broken contract.
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=[positive_data_acceptance],
            )

        keeps_it()
