"""The desk's telephone screens: the ringing strip, missed calls, the Calls (30-second report) view, and the
phone identity an administrator gives a user."""
