"""domain/text.fold: the ASCII shortcut (most names) folds exactly as the full Unicode path does."""
from __future__ import annotations

import re
import string
import unicodedata

import pytest

from mpel_app.domain.text import fold, name_tokens


def _full_path(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@pytest.mark.parametrize("text", ["Tariq MAHMOOD", "  o'neill\tD'Souza \r\n", string.printable, "",
                                  "Zoë Núñez", "ŞÜKRÜ ÖZTÜRK", "Nguyễn Thị Hoa", "Straße", "ﬁnn"])
def test_fold_is_the_same_by_either_path(text):
    assert fold(text) == _full_path(text)


def test_fold_examples_and_name_tokens():
    assert fold("Zoë Núñez") == "zoe nunez" and fold("  MAHMOOD\tTariq ") == "mahmood tariq"
    assert fold(None) == ""
    assert name_tokens("O'Neill-Smith, Zoë") == ["o", "neill", "smith", "zoe"]


def _tokens_the_long_way(text: str) -> list[str]:
    seen: list[str] = []
    for token in re.split(r"[^\w]+", fold(text).replace("_", " ")):
        if token and token not in seen:
            seen.append(token)
    return seen


@pytest.mark.parametrize("text", ["Tariq MAHMOOD", "  o'neill\tD'Souza \r\n", string.printable, "", None,
                                  "Zoë Núñez", "ŞÜKRÜ ÖZTÜRK", "Nguyễn Thị Hoa", "Straße", "ﬁnn", "ALI ali Ali-ALI",
                                  "snake_case__name", "x\x1cy\x1fz", "Mohammed  Mohammed Khan"])
def test_name_tokens_by_the_ascii_shortcut_as_through_fold(text):
    assert name_tokens(text) == _tokens_the_long_way(text)
