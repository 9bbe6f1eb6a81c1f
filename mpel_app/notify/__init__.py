"""Outbound email: transactional outbox and SMTP delivery."""
