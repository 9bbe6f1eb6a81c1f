"""A call that rings several phones (a ring group, a ``ringall`` queue, a transfer) from the PBX's frames
to the desks: every agent rung sees the strip, the others' strips clear when one answers, and the
30-second report counts the call once, for the agent who answered (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mpel_app.db.models import Call
from mpel_app.telephony.asterisk import AsteriskTranslator
from tests.support.world import MONDAY_MORNING
from tests.telephony.ami_calls import Pbx, utc
from tests.telephony.test_asterisk_translation import _frames

START = MONDAY_MORNING.timestamp()


def _phones(world, *pairs):
    for user, extension in pairs:
        world.services.calls.set_identity(world.admin, user.id, interfaces=f"PJSIP/{extension}",
                                          extension=extension, queues="enquiry-line")


def _ringing(world, *users):
    return [[r.call_id for r in world.services.calls.ringing_for(u)] for u in users]


class Playback:
    """The calls' AMI frames fed, a stretch at a time, to a translator whose events go to the call store."""

    def __init__(self, world, *calls) -> None:
        self.frames = [f for call in calls for f in _frames(*call.frames)]
        self.translator = AsteriskTranslator(world.services.calls.handle)

    def until(self, event: str) -> None:
        """Feed every frame before the next ``event`` frame."""
        while self.frames and self.frames[0].event != event:
            self.translator.feed(self.frames.pop(0))

    def step(self) -> None:
        self.translator.feed(self.frames.pop(0))

    def rest(self) -> None:
        self.until("")


def _report(world):
    report = world.services.calls.call_report(MONDAY_MORNING.date(), MONDAY_MORNING.date())
    t = report.totals
    return (t.offered, t.answered, t.answered_within_threshold, t.abandoned), sorted(
        (a.agent, a.counts.answered) for a in report.by_agent)


def test_a_ring_group_rings_every_desk_and_clears_the_others_on_answer(world, clock):
    _phones(world, (world.agent, "2001"), (world.leader, "2002"), (world.admin, "2003"))
    call = Pbx(START).ring_group_call(START, caller="020 7219 3000", agents=("2001", "2002", "2003"),
                                      answerer="2002")
    clock.set(utc(call.offered) + timedelta(seconds=2))
    play = Playback(world, call)
    play.until("DialEnd")
    assert _ringing(world, world.agent, world.leader, world.admin) == [[call.call_id]] * 3
    assert world.services.calls.ringing(call.call_id, world.admin).who == "Jane Smith MP's office"
    play.step()  # the DialEnd ANSWER of 2002
    assert _ringing(world, world.agent, world.leader, world.admin) == [[], [call.call_id], []]
    play.rest()
    assert _report(world) == ((1, 1, 1, 0), [("Tom Leader", 1)])


def test_a_ringall_queue_and_a_transfer_count_once_for_the_agent_who_answered(world, clock):
    # 2003 works the queue too but is paused: the queue does not ring it, so neither does its desk
    _phones(world, (world.agent, "2001"), (world.leader, "2002"), (world.admin, "2003"))
    pbx = Pbx(START)
    ringall = pbx.ringall_queue_call(START, caller="020 7219 3000", agents=("2001", "2002"), answerer="2001",
                                     wait=31)
    transferred, _ = pbx.transferred_queue_call(START + 300, first="2002", second="2001", wait=12)
    clock.set(utc(ringall.offered) + timedelta(seconds=5))
    play = Playback(world, ringall, transferred)
    play.until("AgentConnect")
    assert _ringing(world, world.agent, world.leader, world.admin) == [[ringall.call_id]] * 2 + [[]]
    play.step()
    assert _ringing(world, world.agent, world.leader, world.admin) == [[ringall.call_id], [], []]
    play.rest()
    # 31 s is over the threshold; the transferred call (12 s) is within it and stays the first agent's
    assert _report(world) == ((2, 2, 1, 0), [("Carla Agent", 1), ("Tom Leader", 1)])


def test_an_outbound_call_is_matched_to_the_office_dialled(world, clock):
    _phones(world, (world.agent, "2001"))
    call = Pbx(START).outbound_call(START, agent="2001", dialled="902072193000")  # 9 for an outside line
    clock.set(utc(call.offered) + timedelta(seconds=1))
    play = Playback(world, call)
    play.until("BridgeEnter")
    mine = world.services.calls.ringing(call.call_id, world.agent)
    assert (mine.member_id, mine.match_kind, mine.who, mine.number) == (
        world.mp.id, "exact", "Jane Smith MP's office", "020 7219 3000")
    play.rest()
    with world.services.uow.read() as s:
        stored = s.scalar(select(Call).where(Call.call_id == call.call_id))
        assert (stored.direction, stored.member_id, stored.called_number, stored.outcome) == (
            "out", world.mp.id, "902072193000", "outbound")
    assert _report(world)[0][0] == 0  # outbound calls are never offered
