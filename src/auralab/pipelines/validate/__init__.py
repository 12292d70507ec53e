"""Validate: great_expectations suites on every dataset that crosses a stage."""
