"""0026: whether a policy meeting was referred to the Private Office is stored on the letter, set with its audit
entry, and letters referred before the migration get it from their audit trail (both databases)."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from mpel_app.db import migrate
from mpel_app.db.models import LetterFacts
from mpel_app.domain.errors import ValidationError
from tests.support.letters_world import build_letters_world


def _referred_at(services) -> dict[int, object]:
    with services.uow.read() as s:
        return {r.letter_id: r.meeting_referred_at for r in s.query(LetterFacts).order_by(LetterFacts.letter_id)}


def test_a_referral_is_stored_on_the_letter_and_0026_brings_older_ones_over_from_the_audit_trail(services, clock):
    lw = build_letters_world(services)
    letters = services.letters
    referred = lw.drafting(category="policy", meeting_requested=True)
    waiting = lw.drafting(category="policy", meeting_requested=True)
    letters.refer_meeting_to_private_office(lw.co, referred.id)
    assert _referred_at(services) == {referred.id: clock.now(), waiting.id: None}
    assert not any("Private Office" in n for n in letters.reply_plan(lw.co, referred.id).notes)
    assert any("Private Office" in n for n in letters.reply_plan(lw.co, waiting.id).notes)
    assert letters.special_facts(lw.co, referred.id)["meeting_referred_at"] == clock.now()
    with pytest.raises(ValidationError, match="was referred to the Private Office on"):
        letters.refer_meeting_to_private_office(lw.co, referred.id)

    # A database from before 0026: the column goes, the audit trail stays; upgrading fills it from the trail.
    config = migrate.alembic_config(services.engine)
    before = ScriptDirectory.from_config(config).get_revision("0026").down_revision
    command.downgrade(config, before)
    assert "meeting_referred_at" not in {c["name"] for c in inspect(services.engine).get_columns("letter_facts")}
    migrate.upgrade(services.engine)
    assert _referred_at(services) == {referred.id: clock.now(), waiting.id: None}
    assert not any("Private Office" in n for n in letters.reply_plan(lw.co, referred.id).notes)
