"""The designer's forms: templates and settings, one editor per field type, notice settings."""
