"""Tests of the CTI adapters: AMI against a fake Asterisk on loopback, the webhook endpoint over HTTP."""
