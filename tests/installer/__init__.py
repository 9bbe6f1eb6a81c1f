"""Tests of the installable desk: the static view registry, the smoke test, the bundle and its installer."""
