"""Printed output built with reportlab."""
