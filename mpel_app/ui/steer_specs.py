"""What each kind of list offers to steer by (``ui.steer.SteerSpec``): its columns' sort keys and filter fields.

Kept beside each other so the lists of enquiries (Further Action, a region's
queue, Find) steer alike; the duty board and the letters workstacks give
their own specs from their models' columns.
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from ..domain.queue_filter import FilterFields
from ..domain.records import EnquirySummary
from .models import QUEUE_LABELS, STATUS_LABELS, Column, SummaryTableModel, sort_value
from .steer import SteerSpec

QUEUE_STATUS_WORDS: tuple[str, ...] = tuple(QUEUE_LABELS.values())
RECORD_STATUS_WORDS: tuple[str, ...] = tuple(STATUS_LABELS.values())


def summary_status(item: EnquirySummary) -> str:
    """The status a list of enquiries filters by: the queue's traffic light where it has one, else the record's."""
    if item.queue_status is not None:
        return QUEUE_LABELS[item.queue_status]
    return STATUS_LABELS.get(item.status, str(item.status))


def summary_fields(item: EnquirySummary) -> FilterFields:
    return FilterFields(status=summary_status(item), region=item.region_code, member=item.member_name,
                        received_at=item.received_at,
                        texts=(item.reference, item.subject_name, item.nationality, item.ho_reference,
                               item.cts_reference))


def summary_spec(model: SummaryTableModel, statuses: tuple[str, ...] = ()) -> SteerSpec:
    """A list of ``EnquirySummary`` rows, steered by the columns the model shows (by their headings);
    a region filter where the list shows the region."""
    headings = tuple(model.headerData(i, Qt.Horizontal) for i in range(model.columnCount()))
    columns: dict[str, Column] = dict(zip(headings, model.columns))
    return SteerSpec(columns=headings, sort_key=lambda item, heading: sort_value(item, columns[heading]),
                     fields=summary_fields, statuses=statuses or RECORD_STATUS_WORDS,
                     regions=Column.REGION in model.columns)
