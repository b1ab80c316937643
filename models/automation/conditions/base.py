"""What a condition kind adds to models/automation/kinds.py `Kind`: `holds`, a pure check of a
stored condition against an order's snapshot."""

from models.automation.conditions.snapshot import OrderSnapshot
from models.automation.kinds import Kind


class Condition(Kind):
    inputs = ("value",)

    def form_data(self, stored: dict) -> dict:
        """The stored condition as the editor's row inputs."""
        return {
            "field": stored.get("field", ""),
            "value": str(stored.get("value")),
            "until": stored.get("until", ""),
        }

    def holds(self, stored: dict, s: OrderSnapshot) -> bool:
        raise NotImplementedError
