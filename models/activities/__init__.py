"""Activities: order-form templates and their published versions, the designer's edits and publish checks, pickup points and windows, time slots, and the public 接龙 list."""
