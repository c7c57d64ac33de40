"""The demo data that ``manage.py seed_demo`` writes; never imported at runtime."""
