"""CTI adapters turning PBX events into domain call events."""
