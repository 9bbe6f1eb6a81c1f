"""Pure rules of the MP Enquiry Line: no Qt, no SQLAlchemy."""
