"""Forms of segments and messages to a segment (blueprints/segments/)."""
