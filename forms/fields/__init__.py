"""Reusable WTForms fields and validators."""
