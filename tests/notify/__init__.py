"""Tests of outbound email: the outbox, SMTP delivery against a real loopback server, credentials."""
