"""The legacy Access import against the synthetic MPEL databases (both files, SQLite and PostgreSQL):
every figure of expected.json the report or the database can show, the five samples field by field,
both files alike, a second import changing nothing, and the imported records found like any other."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select, text

from mpel_app.app import open_database
from mpel_app.db.models import (AuditLog, Enquiry, LegacyPerson, LegacyRecord, LegacySource, ReferenceCounter,
                                SubjectNameToken, User)
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.records import Channel, SearchKey, SubjectDetails
from mpel_app.domain.text import fold
from tests.support.legacy import FILES, dump, expected, unpack

LONDON_TZ = "Europe/London"


@pytest.fixture(params=FILES)
def legacy_file(request, tmp_path):
    return unpack(request.param, tmp_path)


def _import(services, world, path, dry_run=False):
    return services.legacy.import_file(world.admin, path, dry_run=dry_run)


def _count(services, model, *where) -> int:
    with services.uow.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_report_has_every_figure_of_expected_json(services, world, legacy_file):
    x = expected()
    report = _import(services, world, legacy_file)
    assert report["dry_run"] is False
    assert report["read"] == x["tables"]
    refs = x["hotline_ref"]
    assert report["references"] == {
        "valid_as_stored": refs["valid_exact"], "valid_after_normalisation": refs["valid_after_normalisation"],
        "invalid": refs["invalid"], "duplicate_refs": x["duplicates"]["duplicate_refs"],
        "rows_with_duplicate_ref": x["duplicates"]["rows_with_a_duplicated_ref"]}
    normalised = x["call_type"]["normalised"]
    assert report["call_type"] == {"Telephone": normalised["Telephone"], "Fax": normalised["Fax"],
                                   "Email": normalised["Email"], "unknown": normalised["(null)"]}
    assert report["urgent"] == x["urgent"]["normalised"]
    assert report["deleted"] == x["deleted"]["true"]
    e = report["enquiries"]
    assert e == {"imported": 3000, "already_present": 0, "not_imported": 0, "not_imported_reasons": {}}
    assert e["imported"] + e["already_present"] + e["not_imported"] == x["tables"]["tblCallRecord"]
    # Every invalid row and every duplicate but the keeper is listed with its Access ID.
    decided = {(d["access_id"], d["rule"]) for d in report["decisions"]}
    for row in refs["invalid_rows"]:
        assert (row["ID"], "reference_invalid") in decided
    for ids in x["duplicates"]["groups"].values():
        assert sum((i, "reference_duplicate") in decided for i in ids) == len(ids) - 1
    for access_id in x["dates"]["date_of_call"]["before_2000_rows"] + x["dates"]["date_of_call"]["after_2010_rows"]:
        assert (access_id, "date_of_call") in decided
    for access_id in x["region"]["orphan_rows"]:
        assert (access_id, "region_orphan") in decided
    assert report["decision_counts"]["agent_orphan"] == x["call_agent"]["orphans_by_id"]["11"]
    assert report["decision_counts"]["dob_placeholder"] == x["dates"]["subject_dob"]["placeholder_1900_01_01"]
    assert report["decision_counts"]["time_missing"] == x["dates"]["time_of_call"]["null"]
    for access_id in x["dates"]["removal_date_before_date_of_call_rows"]:
        assert (access_id, "removal_before_call") in decided
    for access_id in x["dates"]["subject_dob"]["after_date_of_call_rows"]:
        assert (access_id, "dob_century") in decided


def test_database_holds_every_figure_it_can_show(services, world, legacy_file):
    x = expected()
    _import(services, world, legacy_file)
    with services.uow.read() as s:
        rows = s.execute(select(Enquiry, LegacyRecord).join(LegacyRecord)).all()
        people = {p.id: p for p in s.scalars(select(LegacyPerson))}
        s.expunge_all()  # kept readable after the read transaction ends
    assert len(rows) == 3000
    es = [e for e, _ in rows]
    by_access = {lr.access_id: (e, lr) for e, lr in rows}
    assert min(by_access) == x["id_range"]["min"] and max(by_access) == x["id_range"]["max"]
    assert sum(e.deleted_at is not None for e in es) == x["deleted"]["true"]
    assert sum(e.imminent_removal for e in es) == x["urgent"]["normalised"]["Imminent Removal"]
    assert sum(e.compassionate for e in es) == x["urgent"]["normalised"]["Compassionate"]
    assert sum(e.urgent and e.deleted_at is None and e.imminent_removal for e in es) == \
        x["urgent"]["urgent_not_deleted"]["Imminent Removal"]
    assert sum(e.imminent_removal and e.removal_at is not None for e in es) == \
        x["urgent"]["imminent_removal_with_removal_date"]
    flags = x["flags"]
    assert sum(e.file_needed for e in es) == flags["file_required_true"]
    assert sum(e.completed_at is not None for e in es) == flags["date_completed_present"]
    assert sum(e.removal_at is not None for e in es) == flags["removal_date_present"]
    assert sum(lr.passcode_given for _, lr in rows) == flags["passcode_given_true"]
    assert sum(e.status in ("with_region", "further_action") for e in es) == flags["further_action_open"]
    assert sum(e.status in ("with_region", "further_action", "completed") for e in es) == \
        flags["further_action_true"]
    channels = Counter(e.channel for e in es)
    normalised = x["call_type"]["normalised"]
    assert channels == {"telephone": normalised["Telephone"] + normalised["(null)"], "fax": normalised["Fax"],
                        "email": normalised["Email"]}
    # Region 0 or NULL is no region, and so are the two orphans.
    regions = x["region"]["raw"]
    assert sum(e.region_code is None for e in es) == regions["0"] + regions["(null)"] + regions["8"]
    codes = {r["ID"]: r["Region Code"] for r in x["tblRegion"]}
    assert Counter(e.region_code for e in es if e.region_code) == {codes[int(k)]: n for k, n in regions.items()
                                                                   if k.isdigit() and int(k) in codes}
    for access_id in x["region"]["orphan_rows"]:
        assert by_access[access_id][0].region_code is None
    # Call agents: NULL stays none, the missing agent 11 is a named legacy person; nobody is a user.
    assert sum(lr.call_agent_id is None for _, lr in rows) == x["call_agent"]["null"]
    agents = Counter(people[lr.call_agent_id].key for _, lr in rows if lr.call_agent_id)
    assert agents["11"] == x["call_agent"]["orphans_by_id"]["11"]
    assert people[by_access[2618][1].call_agent_id].name == "Agent 11 (no longer in tblAgent)"
    # Text: NULL and '' are both empty (mdbtools cannot tell them apart), counted together.
    t = x["text_columns"]
    assert sum(e.subject_name == "" for e in es) == t["Subject Name"]["null_or_empty"]
    assert sum(e.nationality == "" for e in es) == t["Nationality"]["null_or_empty"]
    assert sum(e.ho_reference == "" for e in es) == t["HO Ref"]["null_or_empty"]
    assert sum(e.cts_reference == "" for e in es) == t["CTS Ref"]["null_or_empty"]
    assert sum(e.caller_name == "" for e in es) == t["Caller Name"]["null_or_empty"]
    assert sum(e.question == "" for e in es) == t["Enquiry"]["null_or_empty"]
    assert sum((e.answer or e.response) == "" for e in es) == t["Response"]["null_or_empty"]
    assert sum(lr.constituency == "" for _, lr in rows) == t["Constituency"]["null_or_empty"]
    assert sum(lr.completed_by_id is None for _, lr in rows) == t["Completed By"]["null_or_empty"]
    assert sum(lr.reference_as_stored == "" for _, lr in rows) == t["Hotline Ref"]["null_or_empty"]
    assert not any(e.subject_name != e.subject_name.strip() or e.caller_name != e.caller_name.strip()
                   for e in es)
    # Memo fields: line breaks kept (as \n), quotes kept, the long pasted threads whole.
    memo = x["memo"]
    assert sum("\n" in e.question for e in es) == memo["enquiry_with_line_breaks"]
    assert sum('"' in e.question for e in es) == memo["enquiry_with_double_quotes"]
    assert sum("\n" in (e.answer or e.response) for e in es) == memo["response_with_line_breaks"]
    assert not any("\r" in e.question for e in es)
    assert sum(len(e.question) > 4000 for e in es) == memo["enquiry_longer_than_4000_chars"]
    non_ascii = x["non_ascii"]
    assert sum(not e.subject_name.isascii() for e in es) == non_ascii["rows_with_non_ascii_subject_name"]
    assert sum(any(c in lr.constituency for c in "ŵŷŴŶ") for _, lr in rows) >= 1
    # Nationality as searched (folded): the top ten.
    folded = Counter(e.nationality_folded for e in es)
    for nationality, n in x["nationality"]["top_10_trimmed_lower_case"].items():
        assert folded[nationality] == n
    # Dates: no call before the database existed or in the future; placeholders gone.
    years = Counter(e.received_at.year for e in es)
    assert set(years) <= set(range(2000, 2011))
    assert sum(e.subject_dob is None for e in es) == \
        x["dates"]["subject_dob"]["null"] + x["dates"]["subject_dob"]["placeholder_1900_01_01"]
    for access_id in x["dates"]["subject_dob"]["after_date_of_call_rows"]:
        e = by_access[access_id][0]
        assert e.subject_dob is not None and e.subject_dob < e.received_at.date()
    assert not any(e.completed_at and e.completed_at < e.received_at for e in es)
    # References: the valid ones as normalised, each once; the old text of the rest searchable.
    refs = Counter(e.reference for e in es)
    assert max(refs.values()) == 1
    for row in x["hotline_ref"]["invalid_rows"]:
        e, lr = by_access[row["ID"]]
        assert lr.reference_as_stored == (row["Hotline Ref"] or "")
    assert sum(1 for e in es if e.reference[:3] in x["hotline_ref"]["valid_by_prefix"]) == 3000


SAMPLE_STATUS = {879: "completed", 2973: "completed", 2312: "with_region", 1642: "answered", 2618: "with_region"}


def _local(text: str | None) -> datetime | None:
    from zoneinfo import ZoneInfo

    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(LONDON_TZ)).astimezone(timezone.utc)


def test_the_five_samples_field_by_field(services, world, legacy_file):
    _import(services, world, legacy_file)
    data = dump(services)
    for sample in expected()["samples"]:
        f = sample["fields"]
        got = data[f["ID"]]
        raw_ref = f["Hotline Ref"]
        if f["ID"] != 2618:
            assert got["reference"] == raw_ref.strip().upper()
        else:  # 'TBC': a new reference; the text searchable
            assert got["reference"].startswith("MPH") and got["reference_key"] == "TBC"
        assert got["reference_as_stored"] == raw_ref
        day = f["Date of Call"][:10] if f["ID"] != 2618 else "2009-03-11"  # typed 2090
        clock = f["Time of Call"][11:] if f["Time of Call"] else "00:00:00"
        assert got["received_at"] == _local(f"{day} {clock}")
        assert got["channel"] == {"Telephone": "telephone", "Tel": "telephone", "Email": "email",
                                  "Fax": "fax"}[f["Call Type"]]
        assert got["mp_name"] == f["MP Name"].strip()
        assert got["constituency"] == (f["Constituency"] or "")
        assert got["caller_name"] == (f["Caller Name"] or "").strip()
        assert got["subject_name"] == (f["Subject Name"] or "").strip()
        dob = f["Subject DOB"]
        assert got["subject_dob"] == (date.fromisoformat(dob[:10]) if dob else None)
        assert got["nationality"] == (f["Nationality"] or "").strip()
        assert got["nationality_folded"] == fold(got["nationality"])
        assert got["ho_reference"] == (f["HO Ref"] or "")
        assert got["cts_reference"] == (f["CTS Ref"] or "")
        assert got["question"] == (f["Enquiry"] or "").replace("\r\n", "\n")
        response = (f["Response"] or "").replace("\r\n", "\n")
        assert (got["response"], got["answer"]) == ((response, "") if f["Further Action"] else ("", response))
        assert got["status"] == SAMPLE_STATUS[f["ID"]]
        region = sample["lookups"]["Region"]
        assert got["region_code"] == (region["Region Code"] if region else None)
        assert got["urgent"] == bool(f["Urgent"])
        assert got["imminent_removal"] == (f["Urgent"] == "Imminent Removal")
        assert got["compassionate"] == (f["Urgent"] == "Compassionate")
        assert got["removal_at"] == _local(f["Removal Date"])
        assert got["file_needed"] == f["File Required"]
        assert got["sent_to_region_at"] == _local(f["Date Sent to Region"])
        completed = _local(f["Date Completed"])
        assert got["completed_at"] == (max(completed, got["received_at"]) if completed else None)
        agent = sample["lookups"]["Call Agent"]
        assert got["agent"] == (("agent", agent["Full Name"], agent["Login"], "MPEL") if agent
                                else ("agent", "Agent 11 (no longer in tblAgent)", "", ""))
        who = f["Completed By"]
        assert got["completer"] == ((("completer", "Gwen Price", "", "WSW") if who == "Gwen Price (WSW)" else
                                     ("completer", who, "", "")) if who else None)
        assert got["passcode_given"] == f["Passcode Given"]
        assert (got["deleted_at"] is not None) == f["Deleted"]
        # Open in Access: in its region's queue with its due date; otherwise history.
        assert (got["due_date"] is not None) == (got["status"] == "with_region")


def test_both_files_give_the_same_result_and_are_one_source(services, world, tmp_path, clock):
    mdb, accdb = unpack(FILES[0], tmp_path), unpack(FILES[1], tmp_path)
    first = _import(services, world, mdb)
    other = open_database(f"sqlite:///{tmp_path}/other.sqlite3", clock=clock)
    try:
        from tests.support.world import build_world

        second = other.legacy.import_file(build_world(other).admin, accdb, dry_run=False)
        assert dump(other) == dump(services)
    finally:
        other.close()
    for key in ("read", "references", "call_type", "urgent", "deleted", "enquiries", "statuses", "counters",
                "decisions", "source"):
        assert first[key] == second[key], key
    # The same database in the other format is the same source: nothing comes in twice.
    again = _import(services, world, accdb)
    assert again["enquiries"] == {"imported": 0, "already_present": 3000, "not_imported": 0,
                                  "not_imported_reasons": {}}


def _state(services) -> tuple:
    with services.uow.read() as s:
        counters = dict(s.execute(select(ReferenceCounter.prefix, ReferenceCounter.last_number)).all())
        sizes = tuple(s.scalar(select(func.count()).select_from(m)) for m in
                      (Enquiry, LegacyRecord, LegacyPerson, LegacySource, SubjectNameToken, User))
    return counters, sizes, dump(services)


def test_second_import_imports_nothing_and_changes_nothing(services, world, legacy_file):
    _import(services, world, legacy_file)
    before = _state(services)
    report = _import(services, world, legacy_file)
    assert report["enquiries"] == {"imported": 0, "already_present": 3000, "not_imported": 0,
                                   "not_imported_reasons": {}}
    assert report["counters"] == {}
    assert _state(services) == before


def test_dry_run_writes_nothing_and_reports_what_the_import_does(services, world, legacy_file):
    before = _state(services)
    audit_rows = _count(services, AuditLog)
    dry = _import(services, world, legacy_file, dry_run=True)
    assert dry["dry_run"] is True
    assert _state(services) == before and _count(services, AuditLog) == audit_rows
    real = _import(services, world, legacy_file)
    for key in ("read", "references", "call_type", "urgent", "deleted", "enquiries", "statuses", "counters",
                "decisions"):
        assert dry[key] == real[key], key


def test_only_administrators_import(services, world, legacy_file):
    with pytest.raises(PermissionDenied):
        services.legacy.import_file(world.leader, legacy_file, dry_run=False)
    assert _count(services, Enquiry) == 0 and _count(services, LegacySource) == 0


def test_imported_records_are_found_like_any_other(services, world, legacy_file):
    _import(services, world, legacy_file)
    find = services.enquiries.find
    admin = world.admin

    def access_ids(results):
        with services.uow.read() as s:
            return sorted(s.scalars(select(LegacyRecord.access_id).where(
                LegacyRecord.enquiry_id.in_([r.id for r in results]))))

    assert access_ids(find(admin, SearchKey.REFERENCE, "mph016488")) == [1642]
    assert access_ids(find(admin, SearchKey.REFERENCE, " MPH029891 ")) == [2973]
    # A duplicated reference finds every live row that held it; the invalid 'TBC' finds its rows.
    assert access_ids(find(admin, SearchKey.REFERENCE, "MPH017512")) == [1751, 1893, 1947]
    tbc = [r["ID"] for r in expected()["hotline_ref"]["invalid_rows"] if (r["Hotline Ref"] or "").upper() == "TBC"]
    assert access_ids(find(admin, SearchKey.REFERENCE, "tbc")) == sorted(set(tbc) - {2618})  # 2618 is deleted
    assert access_ids(find(admin, SearchKey.REFERENCE, "mph00929")) == [920]
    with pytest.raises(ValidationError):
        find(admin, SearchKey.REFERENCE, "XYZ")  # held by no legacy row: the reference's own error
    assert 2973 in access_ids(find(admin, SearchKey.SUBJECT_NAME, "nguyen hoa"))
    assert 2618 not in access_ids(find(admin, SearchKey.SUBJECT_NAME, "sukru ozturk"))  # deleted in Access
    assert 2312 in access_ids(find(admin, SearchKey.SUBJECT_NAME, "Chipo MOYO"))
    assert access_ids(find(admin, SearchKey.HO_REFERENCE, "n2087731")) == [2973]
    assert 2312 in access_ids(find(admin, SearchKey.CTS_REFERENCE, "b04512/08"))
    assert 2973 in access_ids(find(admin, SearchKey.NATIONALITY, "VIETNAMESE"))
    # The name index (FTS5 on SQLite) is kept for records typed afterwards too.
    with services.uow.read() as s:
        if s.get_bind().dialect.name == "sqlite":
            assert s.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                 "AND tbl_name = 'subject_name_tokens'")) == 3
            assert s.scalar(text("SELECT count(*) FROM subject_name_fts")) == s.scalar(
                text("SELECT count(DISTINCT enquiry_id) FROM subject_name_tokens"))


def test_open_records_queue_in_their_region_and_history_is_read_only(services, world, legacy_file):
    _import(services, world, legacy_file)
    page = services.enquiries.region_queue_page(world.am_lse, "LSE", limit=500)
    with services.uow.read() as s:
        open_lse = s.scalar(select(func.count()).select_from(Enquiry).where(
            Enquiry.region_code == "LSE", Enquiry.status == "with_region", Enquiry.deleted_at.is_(None)))
    assert open_lse > 0 and page.counts.total == open_lse
    assert all(item.due_date is not None for item in page.items)
    with services.uow.read() as s:
        history = s.scalar(select(Enquiry.id).join(LegacyRecord).where(LegacyRecord.access_id == 879))
    with pytest.raises(InvalidTransition):
        services.enquiries.update_details(world.admin, history, subject=SubjectDetails(name="X"), question="q",
                                          answer="a", written_confirmation=False)


def test_open_records_are_due_by_the_target_of_their_channel(services, world, tmp_path):
    """An e-mail still open in Access is due in the e-mail target's working days, a telephone or fax
    call in 5 (10 with the file needed), counted from receipt on the region's calendar, as for any
    enquiry sent to a region (domain/targets.regional_response_due)."""
    from mpel_app.db import repositories as repo
    from mpel_app.domain.calendar import REGION_NATION
    from mpel_app.domain.targets import regional_response_due

    _import(services, world, unpack(FILES[0], tmp_path))
    with services.uow.read() as s:
        open_rows = s.execute(select(Enquiry.received_at, Enquiry.region_code, Enquiry.file_needed,
                                     Enquiry.channel, Enquiry.due_date).where(Enquiry.status == "with_region")).all()
        closures = {n: repo.closures_for(s.connection(), n) for n in set(REGION_NATION.values())}
    channels = Counter(r.channel for r in open_rows)
    assert channels[Channel.EMAIL.value] > 0 and channels[Channel.TELEPHONE.value] > 0, channels
    for r in open_rows:
        assert r.due_date == regional_response_due(r.received_at, r.region_code, r.file_needed,
                                                   closures[REGION_NATION[r.region_code]], channel=r.channel), r


def test_legacy_people_cannot_sign_in_and_new_calls_follow_the_old_numbers(services, world, legacy_file):
    from mpel_app.domain.errors import AuthenticationFailed

    _import(services, world, legacy_file)
    with services.uow.read() as s:
        names = set(s.scalars(select(User.full_name)))
        system = s.scalar(select(User).where(User.username == "legacy-import"))
        s.expunge_all()
    assert "Leanne Ince" not in names and "Gwen Price" not in names
    assert system is not None and not system.active and system.roles == ""
    for username in ("lince", "legacy-import"):
        with pytest.raises(AuthenticationFailed):
            services.users.authenticate(username, "anything at all 123")
    new = services.enquiries.start(world.agent, Channel.TELEPHONE)
    with services.uow.read() as s:
        highest = max(int(r[3:]) for r in s.scalars(select(Enquiry.reference).where(Enquiry.reference.like("MPH%")))
                      if r != new.reference)
    assert new.reference == f"MPH{highest + 1:06d}"


def test_the_record_and_its_print_say_it_came_from_the_legacy_database(services, world, legacy_file, clock):
    import io

    from pypdf import PdfReader

    from mpel_app.reports.call_record import render_call_record
    from mpel_app.reports.record_sections import LEGACY_TITLE, record_sections

    _import(services, world, legacy_file)
    with services.uow.read() as s:
        ids = dict(s.execute(select(LegacyRecord.access_id, LegacyRecord.enquiry_id)).all())
    record = services.enquiries.get(world.admin, ids[2973])
    assert record.legacy is not None and record.legacy.access_id == 2973
    assert record.legacy.call_agent == "Harjit Sharma" and record.legacy.completed_by == "Gwen Price"
    assert record.legacy.mp_name == "Siân Treharne MP" and record.legacy.passcode_given
    sections = {s.title: s for s in record_sections(record, "Wales & South West", printed=False)}
    rows = {r.label: r.value for r in sections[LEGACY_TITLE].rows}
    assert rows["Imported from"] == f"{legacy_file.name}, Access ID 2973"
    assert rows["Hotline Ref in Access"] == "MPH029891"
    pdf = render_call_record(record, printed_by="Ada Administrator", printed_at=clock.now(),
                             region_name="Wales & South West")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Legacy Access database" in text and "Access ID 2973" in text and "Nguyễn Thị Hoa" in text
    # A record typed in the desk has no legacy section.
    new = services.enquiries.start(world.agent, Channel.TELEPHONE)
    assert new.legacy is None
    assert LEGACY_TITLE not in {s.title for s in record_sections(new, None, printed=True)}
    tbc = services.enquiries.get(world.admin, ids[1640])
    assert any("Hotline Ref: not a hotline reference" in d for d in tbc.legacy.decisions)


def test_the_same_database_with_its_oldest_record_deleted_is_refused_not_imported_twice(services, world,
                                                                                          legacy_file):
    from mpel_app.domain import legacy as L
    from mpel_app.domain.legacy_plan import RowPlanner, survey
    from mpel_app.legacy.errors import LegacyFileError
    from mpel_app.legacy.reader import open_reader

    _import(services, world, legacy_file)
    before = _state(services)
    reader = open_reader(legacy_file)
    rows = [r for r in reader.rows(L.CALL_TABLE) if r["ID"] != expected()["id_range"]["min"]]
    regions, agents = list(reader.rows(L.REGION_TABLE)), list(reader.rows(L.AGENT_TABLE))
    found = survey(rows, {}, date(2026, 11, 23))
    planner = RowPlanner(found, L.region_codes(regions), {a["ID"]: a for a in agents})
    with pytest.raises(LegacyFileError, match="looks like the Access database already imported from"):
        services.legacy.write(world.admin, "copy.mdb", "mdbtools", found, planner, rows, dry_run=False,
                              progress=lambda *a: None, total=len(rows))
    assert _state(services) == before


def test_a_reference_already_used_in_the_desk_gets_a_new_one(services, world, tmp_path):
    from mpel_app.domain import legacy as L
    from mpel_app.legacy.reader import open_reader

    path = unpack(FILES[0], tmp_path)
    duplicated = {i for ids in expected()["duplicates"]["groups"].values() for i in ids}
    row = next(r for r in open_reader(path).rows(L.CALL_TABLE)
               if r["ID"] not in duplicated and L.check_reference(r["Hotline Ref"]).valid_as_stored)
    typed = services.enquiries.start(world.agent, Channel.TELEPHONE)
    with services.uow() as s:
        s.execute(text("UPDATE enquiries SET reference = :ref WHERE id = :id"),
                  {"ref": row["Hotline Ref"], "id": typed.id})
    report = _import(services, world, path)
    assert {(d["access_id"], d["rule"]) for d in report["decisions"]} >= {
        (row["ID"], "reference_in_use"), (row["ID"], "reference_issued")}
    with services.uow.read() as s:
        held = s.execute(select(Enquiry.reference, LegacyRecord.reference_as_stored).join(LegacyRecord).where(
            LegacyRecord.access_id == row["ID"])).one()
        assert s.scalar(select(Enquiry.reference).where(Enquiry.id == typed.id)) == row["Hotline Ref"]
    assert held.reference != row["Hotline Ref"] and held.reference_as_stored == row["Hotline Ref"]


def test_a_read_failing_half_way_through_leaves_nothing_and_says_why(services, world, tmp_path):
    """The next batch is read and planned while the database takes the current one (PostgreSQL's COPY):
    a read failing there ends the import with that failure, and nothing is written."""
    from mpel_app.domain import legacy as L
    from mpel_app.domain.legacy_plan import RowPlanner, survey
    from mpel_app.legacy.errors import LegacyFileError
    from mpel_app.legacy.reader import open_reader

    reader = open_reader(unpack(FILES[0], tmp_path))
    rows = list(reader.rows(L.CALL_TABLE))
    regions, agents = list(reader.rows(L.REGION_TABLE)), list(reader.rows(L.AGENT_TABLE))
    found = survey(rows, {}, date(2026, 11, 23))
    planner = RowPlanner(found, L.region_codes(regions), {a["ID"]: a for a in agents})

    def failing_at(n: int):
        for i, row in enumerate(rows):
            if i == n:
                raise LegacyFileError("mdb-export: Unable to read page 812")
            yield row

    before = _state(services)
    seen = []
    with pytest.raises(LegacyFileError, match="Unable to read page 812"):
        services.legacy.write(world.admin, "mpel.mdb", "mdbtools", found, planner, failing_at(1500),
                              dry_run=False, progress=lambda stage, done, total: seen.append(done),
                              total=len(rows))
    assert seen == [0]  # the second batch was read while the first was being written, and failed
    assert _state(services) == before


def test_on_postgresql_the_name_index_holds_every_imported_name_and_desks_keep_it_after(pg_cluster, clock,
                                                                                        tmp_path):
    """The import writes the word and pair rows itself after its rows (the token trigger is off for its
    transaction only): afterwards the index is exactly what the tokens say, and a call logged next
    is indexed by the trigger as before."""
    from tests.db.test_name_search import _pg_index
    from tests.support.world import build_world

    with pg_cluster.temporary_database(prefix="mpel_legacy_names") as url:
        services = open_database(url, clock=clock)
        try:
            world = build_world(services)
            _import(services, world, unpack(FILES[0], tmp_path))
            words, _pairs = _pg_index(services)
            assert len({e for _t, _r, e in words}) > 1000
            with services.engine.connect() as conn:
                assert conn.execute(text("SELECT current_setting('mpel.bulk_name_index', true)")).scalar() in (None, "")
                conn.execute(text("INSERT INTO subject_name_tokens (enquiry_id, token) "
                                  "SELECT min(id), 'zzbulkcheck' FROM enquiries WHERE deleted_at IS NULL"))
                conn.commit()
            words_after, _ = _pg_index(services)
            assert any(t == "zzbulkcheck" for t, _r, _e in words_after)
        finally:
            services.close()
