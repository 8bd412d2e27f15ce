"""Importing an agency's people from a CSV roster (issue 16): a preview with errors per row, nothing written
until confirmed, and a later roster updates people by e-mail."""

import pytest

from drillhub.accounts.roster import import_roster, preview_roster, read_rows
from drillhub.accounts.tables import Person
from drillhub.audit.service import ANONYMOUS
from drillhub.audit.tables import AuditEvent
from drillhub.errors import Invalid
from tests.support import post_form

ROSTER = """\ufeffName,E-mail,Rank,Badge
Ada Lane,ada@rpd.example,Officer,RPD-1
Bo Tran,BO@rpd.example,Corporal,RPD-2
"""


def test_each_row_is_checked_on_its_own_and_named_by_its_line():
    rows, problems = read_rows("name,email\nAda,ada@x.example\n,nobody\nBo,ada@x.example\n\nCy," + "c" * 250 + "@x.example\n")
    assert problems == []
    assert [(row.line, row.errors) for row in rows] == [
        (2, []),
        (3, ["name: missing", "email: not an e-mail address like name@agency.gov"]),
        (4, ["email: also on line 2"]),
        (6, ["email: Use at most 254 characters; this has 260."]),
    ]
    assert read_rows("who,what\nx,y\n")[1] == [
        "The first line must name the columns; missing: name, email. Known columns: name, email, title, badge_number."]


async def test_nothing_is_written_until_confirmed_and_a_later_roster_updates_by_e_mail(app, make_agency, make_person):
    agency, other = await make_agency(), await make_agency(name="Other Agency")
    preview = await preview_roster(agency.id, ROSTER)
    assert preview.ready and [(row.line, row.action) for row in preview.rows] == [(2, "add"), (3, "add")]
    assert await Person.count().where(Person.agency == agency.id) == 0  # a preview writes nothing
    await import_roster(agency.id, ROSTER, ANONYMOUS)
    ada = await Person.objects().where(Person.email == "ada@rpd.example").first()
    assert (ada.name, ada.title, ada.badge_number, ada.roles, ada.agency) == ("Ada Lane", "Officer", "RPD-1",
                                                                             ["officer"], agency.id)
    again = await preview_roster(agency.id, ROSTER.replace("Corporal", "Sergeant"))
    assert [row.action for row in again.rows] == ["unchanged", "update"]
    await import_roster(agency.id, ROSTER.replace("Corporal", "Sergeant"), ANONYMOUS)
    assert (await Person.objects().where(Person.email == "bo@rpd.example").first()).title == "Sergeant"
    stranger = await make_person(agency=other, email="cy@other.example", name="Cy Other")
    moved = await preview_roster(agency.id, f"name,email\nCy,{stranger.email}\n")
    assert not moved.ready and "Cy Other of Other Agency signs in with it" in moved.rows[0].errors[0]
    with pytest.raises(Invalid):
        await import_roster(agency.id, f"name,email\nCy,{stranger.email}\n", ANONYMOUS)
    assert await AuditEvent.count().where(AuditEvent.action == "people.import") == 2


async def test_a_coordinator_checks_then_confirms_a_roster_from_the_page(signed_in_client, make_agency):
    agency = await make_agency(name="Pine County Sheriff")
    coordinator = await signed_in_client("coordinator")
    broken = await post_form(coordinator, "/people/import/", {"agency": str(agency.id),
                                                              "text": ROSTER + "Cy,not-an-address\n"})
    assert broken.status_code == 200 and "not an e-mail address" in broken.text and "Correct the file" in broken.text
    assert "2 to add, 0 to update, 0 unchanged, <strong" in broken.text  # the broken row is not counted as an addition
    checked = await post_form(coordinator, "/people/import/", {"agency": str(agency.id), "text": ROSTER})
    assert "2 to add, 0 to update" in checked.text and "Import 2 change(s) into Pine County Sheriff" in checked.text
    assert await Person.count().where(Person.agency == agency.id) == 0
    done = await post_form(coordinator, "/people/import/confirm", {"agency": str(agency.id), "text": ROSTER},
                           follow_redirects=True)
    assert "Pine County Sheriff: 2 added, 0 updated, 0 unchanged." in done.text and "Ada Lane" in done.text
    officer = await signed_in_client("officer")
    assert (await post_form(officer, "/people/import/confirm", {"agency": str(agency.id), "text": ROSTER})
            ).status_code == 403


async def test_a_roster_file_is_read_as_utf_8_and_another_encoding_is_refused_plainly(signed_in_client, make_agency):
    from tests.support import csrf_token

    agency = await make_agency()
    coordinator = await signed_in_client("coordinator")
    token = await csrf_token(coordinator)
    sent = await coordinator.post("/people/import/", data={"agency": str(agency.id), "_csrf_token": token},
                                  files={"file": ("roster.csv", ROSTER.encode("utf-8"), "text/csv")})
    assert "2 to add" in sent.text
    latin = await coordinator.post("/people/import/", data={"agency": str(agency.id), "_csrf_token": token},
                                   files={"file": ("roster.csv", "name,email\nRené,rene@x.example\n".encode("latin-1"),
                                                   "text/csv")})
    assert latin.status_code == 422 and "save it from the spreadsheet as CSV UTF-8" in latin.text
