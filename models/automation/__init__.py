"""Automation: rules (trigger, conditions, actions), trying them, and the minute's timed work (auto-cancel, reminders, schedules)."""
