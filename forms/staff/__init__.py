"""Staff forms of the order page: notes, edits, payments, tags."""
