"""Fixtures for the real services the nightly tests use (see ``nightly_harness``)."""

from tests.clinicians.nightly_harness import redis_server, smtp  # noqa: F401
