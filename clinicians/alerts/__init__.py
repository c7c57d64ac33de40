"""Alerts for the care team: the model, its lifecycle (acknowledge, resolve), reads, API and
page actions."""
