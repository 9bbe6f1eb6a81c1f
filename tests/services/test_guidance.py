"""The contacts directory, the FAQ and the rules: seeded from the guidance, searchable by anyone taking calls,
kept by the MPEL team leader only, every change audited.  Both backends."""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import CallerKind, Channel, SubjectDetails
from mpel_app.services import audit
from tests.support.world import PASSCODE


def test_directory_from_the_guidance_with_do_not_give_out_numbers(world):
    g = world.services.guidance
    everything = g.contacts(world.agent)
    assert {c.name for c in everything if not c.may_give_out} >= {"PPT Hotline", "MPCS", "NCC6 – referred cases unit"}
    oscu = g.contacts(world.agent, "oscu")
    assert [(c.name, c.phone, c.may_give_out) for c in oscu] == [("OSCU", "020 7946 0999", True)]
    assert [c.name for c in g.contacts(world.agent, "do not give out passport")] == ["Lost passport contact"]


def test_only_the_team_leader_changes_the_directory_and_it_is_audited(world):
    g = world.services.guidance
    [ppt] = g.contacts(world.agent, "ppt hotline sheffield")
    with pytest.raises(PermissionDenied):
        g.save_contact(world.agent, ppt.id, name=ppt.name, team=ppt.team, phone="0114 496 0000", may_give_out=True)
    changed = g.save_contact(world.leader, ppt.id, name=ppt.name, team=ppt.team, phone="0114 496 0000",
                             may_give_out=False, note=ppt.note)
    assert changed.phone == "0114 496 0000" and not changed.may_give_out
    with world.services.uow.read() as s:
        entries = audit.trail(s, "guidance_contact", ppt.id)
    assert entries[-1].action == "contact changed" and entries[-1].username == "leader"
    assert entries[-1].changes["phone"] == ["", "+441144960000"]


def test_faq_and_rules_are_searchable_and_kept_by_the_team_leader(world):
    g = world.services.guidance
    [fresh] = g.answers(world.agent, "fresh asylum claim")
    assert fresh.kind == "faq" and "never the reasons" in fresh.answer
    [timescales] = g.answers(world.agent, "timescales regional", kind="rule")
    assert timescales.question == "Do not give timescales on regional cases"
    with pytest.raises(PermissionDenied):
        g.save_answer(world.agent, fresh.id, kind="faq", question=fresh.question, answer="Just tell them.")
    edited = g.save_answer(world.leader, fresh.id, kind="faq", question=fresh.question, answer="Updated model answer.")
    assert g.answers(world.agent, "updated model")[0].id == edited.id


def test_why_is_it_due_then(world, clock):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    assert world.services.guidance.explain_due(world.agent, rec.id) is None  # not with a region yet
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name="A N Other"), question="Q?", answer="",
                     written_confirmation=False)
    e.mark_further_action(world.agent, rec.id)
    e.send_to_region(world.leader, rec.id, "LSE")
    reference, why = world.services.guidance.explain_due(world.agent, rec.id)
    assert reference == rec.reference and why.due == e.get(world.agent, rec.id).due_date
    assert why.lines[0].startswith("Received Mon 23 Nov 2026 at 10:15")
