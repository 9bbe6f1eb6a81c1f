"""'Why is it due then?' for a letter through the service: the dates the workstack shows, explained; a
restricted letter stays out of sight (both backends)."""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import NotFound
from tests.support.letters_world import build_letters_world


def test_the_explanations_are_the_workstacks_dates(services):
    lw = build_letters_world(services)
    letters = services.letters
    rec = lw.accepted(ophso=True)  # with the workflow manager: next, a senior caseworker drafts it [ASY]
    reference, parts = letters.explain_deadlines(lw.wm, rec.id)
    assert reference == rec.reference
    assert [title for title, _why in parts] == ["Draft to QA", "Reply due"]
    got = letters.get(lw.wm, rec.id)
    assert parts[0][1].due == got.stage_deadline and parts[1][1].due == got.deadlines["reply"]
    assert "OPHSO" in "\n".join(parts[1][1].lines)


def test_a_restricted_letter_is_not_explained_to_someone_who_may_not_see_it(services):
    lw = build_letters_world(services)
    restricted = lw.register(restricted=True, named_handlers=["wm"])
    with pytest.raises(NotFound):
        services.letters.explain_deadlines(lw.co, restricted.id)
    reference, parts = services.letters.explain_deadlines(lw.wm, restricted.id)
    assert reference == restricted.reference and parts[0][0] == "Allocation by MPCS"
