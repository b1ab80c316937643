"""WTForms classes. Every form validates on the server; errors render next to their field."""
