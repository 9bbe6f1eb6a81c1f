"""Use cases: take a unit of work, a clock and the acting user; check permissions; no Qt."""
