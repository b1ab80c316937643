"""What every rule condition and action kind is (models/automation/conditions/,
models/automation/actions/): a stored name, a label, the editor's inputs it reads, the template
partial that shows it, and how it turns those inputs into the JSON a rule stores."""

from flask_babel import LazyString


class RowError(ValueError):
    """A row's input `field` is wrong; str(error) says how (shown under that input)."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


class Kind:
    """One kind of condition or action; subclasses fill in `parse`. Its partial
    (templates/rules/<folder>/<template>.html, by default named like the kind) has
    the macros `describe(stored)` (the rule list) and `inputs(row)` (the editor)."""

    inputs: tuple[str, ...] = ()  # the row inputs it reads
    template: str = ""
    subject = "order"  # what it looks at: "order", or "case" (the trigger "after-sales requested")

    def __init__(self, name: str, label: LazyString):
        self.name, self.label = name, label
        self.template = self.template or name

    def parse(self, row: dict, choices) -> dict:
        """The stored dict of the row's inputs ({input: text}); RowError when one is wrong."""
        raise NotImplementedError


def registry(*kinds: Kind) -> dict[str, Kind]:
    """{name: kind} in the order the editor offers them."""
    return {kind.name: kind for kind in kinds}
