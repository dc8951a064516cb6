"""Scoring, disclosure control, aggregation, charts and report building (pure: no Flask).

Empty until the reports issue; kept so the import-linter purity contract is in place from the start.
"""
