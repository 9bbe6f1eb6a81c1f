"""Where a note goes and whether it will arrive: one rule for every place a note is sent from (issue 14)."""
from __future__ import annotations

from mpel_app.domain.region_contacts import note_warning
from mpel_app.domain.urgency import note_region_code


def test_a_working_inbox_on_a_desk_that_sends_mail_needs_no_warning():
    assert note_warning("Scotland & Northern Ireland", "mp-inbox-sni@homeoffice.gov.uk") is None


def test_a_placeholder_missing_or_malformed_inbox_is_named_with_what_to_do():
    placeholder = note_warning("North West", "mp-inbox-nwe@mpel.example.gov.uk")
    assert placeholder == ("Notes to North West will not arrive: the inbox address mp-inbox-nwe@mpel.example.gov.uk "
                           "is a placeholder: notes sent there reach nobody. Telephone the region instead, and tell "
                           "an administrator (Administration → Regions).")
    assert "no inbox address" in note_warning("North West", "")
    assert "is not an e-mail address" in note_warning("North West", "inbox at region")
    # The inbox's problem comes first: even with mail set up the note reaches nobody.
    assert note_warning("North West", "", mail_configured=False).startswith("Notes to North West will not arrive")


def test_a_desk_without_mail_warns_even_for_a_working_inbox():
    text = note_warning("Wales & South West", "mp-inbox-wsw@homeoffice.gov.uk", mail_configured=False)
    assert text.startswith("Mail is not set up on this desk: a note to Wales & South West waits in the outbox")


def test_the_call_note_goes_to_the_duty_region_only_in_the_duty_hour_and_only_when_one_is_on_the_rota():
    assert note_region_code("duty_region", duty_region="NWE", region_code=None, member_region="LSE") == "NWE"
    assert note_region_code("duty_region", duty_region=None, region_code=None, member_region="LSE") == "LSE"
    assert note_region_code("region", duty_region="NWE", region_code=None, member_region="LSE") == "LSE"
    assert note_region_code("oscu", duty_region="NWE", region_code=None, member_region="LSE") == "LSE"
    assert note_region_code("region", duty_region=None, region_code="MEE", member_region="LSE") == "MEE"
    assert note_region_code("region", duty_region=None, region_code=None, member_region=None) is None
