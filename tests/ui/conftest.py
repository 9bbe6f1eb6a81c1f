"""Fixtures for the screens' tests: ``text_scale`` runs a test at normal and at 200 % text (issue 12)."""
from __future__ import annotations

import pytest


@pytest.fixture(params=[1, 2], ids=["100%", "200% text"])
def text_scale(request, qapp):
    font = qapp.font()
    bigger = qapp.font()
    bigger.setPointSizeF(font.pointSizeF() * request.param)
    qapp.setFont(bigger)
    yield request.param
    qapp.setFont(font)
