"""Find recognises the key from what is typed (issue 13, finding 7): the rule in domain/references."""
from __future__ import annotations

import pytest

from mpel_app.domain.references import recognise_search


@pytest.mark.parametrize("typed, key, text", [
    ("MPH000123", "hotline reference", "MPH000123"),
    ("mph2840", "hotline reference", "MPH002840"),
    (" LSE 17 ", "hotline reference", "LSE000017"),
    ("M12345/26", "CTS reference", "M12345/26"),
    ("b42/26", "CTS reference", "B00042/26"),
    ("s1234567", "Home Office reference", "S1234567"),
    ("O1234567/002", "Home Office reference", "O1234567/002"),
    ("zoe nun", "subject name", "zoe nun"),
    ("Núñez-García", "subject name", "Núñez-García"),
    ("O'Brien", "subject name", "O'Brien"),
])
def test_recognised(typed, key, text):
    found = recognise_search(typed)
    assert (found.key, found.text) == (key, text)


def test_a_short_hotline_reference_says_it_was_completed():
    assert recognise_search("MPH2840").said == "Hotline reference MPH002840, completed from “MPH2840”"


@pytest.mark.parametrize("typed", ["M12345", "12345", "MPH0000000", "XYZ123", "MPH000000"])
def test_ambiguous_or_unknown_text_leaves_the_choice_to_the_agent(typed):
    found = recognise_search(typed)
    assert found.key is None and "choose what to find by" in found.said
