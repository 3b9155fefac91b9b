"""Reporting: MIGRATION.md, the terminal summary and the JSON report."""
