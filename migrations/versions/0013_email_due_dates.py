"""E-mail enquiries: due in 10 working days (their own target), not the telephone's 5 or 10.

Until now every enquiry sent to a region got the telephone and fax due date; the e-mail target
(90 % within 10 working days, all within 20) was written down and used nowhere (issue 11).  This
recomputes the stored due date of every e-mail enquiry already sent to a region with the one
rule, ``domain.targets.regional_response_due`` (the region's calendar and its closure days), and
writes one audit row for each date it changes, as the desk does for any change.

Revision ID: 0013
Revises: 0012
"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from mpel_app.domain.calendar import REGION_NATION
from mpel_app.domain.targets import regional_response_due

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    bind = op.get_bind()
    enquiries = sa.table("enquiries", sa.column("id", sa.Integer), sa.column("channel", sa.String),
                         sa.column("region_code", sa.String), sa.column("received_at", sa.DateTime(timezone=True)),
                         sa.column("file_needed", sa.Boolean), sa.column("due_date", sa.Date),
                         sa.column("version", sa.Integer))
    closures_t = sa.table("closure_days", sa.column("day", sa.Date), sa.column("nation", sa.String))
    audit = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("user_id", sa.Integer),
                     sa.column("username", sa.String), sa.column("entity", sa.String),
                     sa.column("entity_id", sa.Integer), sa.column("action", sa.String),
                     sa.column("changes", sa.Text))
    closures: dict[str, list] = {}
    for day, nation in bind.execute(sa.select(closures_t.c.day, closures_t.c.nation)):
        day = day if not isinstance(day, str) else datetime.fromisoformat(day).date()
        for n in (set(REGION_NATION.values()) if nation == "ALL" else {nation}):
            closures.setdefault(n, []).append(day)
    now = datetime.now(timezone.utc)
    stamp = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    last = 0
    while True:
        rows = bind.execute(sa.select(enquiries.c.id, enquiries.c.region_code, enquiries.c.received_at,
                                      enquiries.c.file_needed, enquiries.c.due_date)
                            .where(enquiries.c.id > last, enquiries.c.channel == "email",
                                   enquiries.c.region_code.is_not(None), enquiries.c.due_date.is_not(None))
                            .order_by(enquiries.c.id).limit(BATCH)).all()
        if not rows:
            break
        for eid, region, received, file_needed, due in rows:
            if isinstance(received, str):
                received = datetime.fromisoformat(received)
            received = received.replace(tzinfo=timezone.utc) if received.tzinfo is None else received
            if isinstance(due, str):
                due = datetime.fromisoformat(due).date()
            new = regional_response_due(received, region, bool(file_needed),
                                        closures.get(REGION_NATION.get(region, "ENG"), ()), channel="email")
            if new != due:
                # A new version: a desk holding the record open is told it changed, not overwritten.
                bind.execute(enquiries.update().where(enquiries.c.id == eid)
                             .values(due_date=new, version=enquiries.c.version + 1))
                bind.execute(audit.insert().values(
                    at=stamp, user_id=None, username="system", entity="enquiry", entity_id=eid,
                    action="due date corrected: e-mail target (10 working days)",
                    changes=json.dumps({"due_date": [due.isoformat(), new.isoformat()]})))
        last = rows[-1][0]


def downgrade() -> None:
    pass  # the old dates were wrong; nothing to restore
