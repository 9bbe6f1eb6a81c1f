"""MPEL Desk: the MPs' Enquiry Line case-handling desk."""
__version__ = "0.1.0"
