"""Tests of the pure scoring package: no database, no Django."""
