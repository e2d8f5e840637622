"""The consultant's credentials and renewal ledger pages: progress, logging, the CSV export,
and bad input changing nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from directory.ledger import LedgerEntry
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db
LEDGER, CREDENTIALS, EXPORT = "/listing/ledger/", "/listing/credentials/", "/listing/ledger.csv"
YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def me(client, world):
    client.force_login(world.users["consultant"])
    world.listing.endorsements.create(
        category="infant_mental_health_specialist",
        status="endorsed",
        renewal_date=date.today() + timedelta(days=100),
    )
    return world.listing


def log(client, **fields):
    return client.post(LEDGER, {"action": "add", **fields})


def test_logging_hours_shows_progress_towards_renewal(client, me):
    response = log(client, kind="training", date=YESTERDAY, hours="15", title="Pyramid Model")
    assert response.status_code == 302
    log(
        client,
        kind="rsc",
        date=YESTERDAY,
        hours="11.75",
        supervision_format="group",
        supervisor_name="Pa Vang",
    )
    html = client.get(LEDGER).content.decode()
    assert "Training: 15.00 of 15 hours" in html
    assert "Reflective supervision or consultation: 11.75 of 12 hours" in html
    assert "Not met yet." in html
    log(
        client,
        kind="rsc",
        date=YESTERDAY,
        hours="0.25",
        supervision_format="individual",
        supervisor_name="Pa Vang",
    )
    assert "Renewal requirements met." in client.get(LEDGER).content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "rsc", "hours": "1", "supervisor_name": "A"}, "individual or group"),
        ({"kind": "rsc", "hours": "1", "supervision_format": "group"}, "supervisor"),
        ({"kind": "training", "hours": "1"}, "training&#x27;s title"),
        ({"kind": "training", "hours": "0", "title": "T"}, "greater than or equal to 0.25"),
        ({"kind": "training", "hours": "25", "title": "T"}, "less than or equal to 24"),
        ({"kind": "sleep", "hours": "1", "title": "T"}, "Select a valid choice"),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(client, me, fields, error):
    response = log(client, date=YESTERDAY, **fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_a_future_entry_is_refused(client, me):
    tomorrow = date.today() + timedelta(days=1)
    response = log(client, kind="training", date=tomorrow, hours="1", title="T")
    assert "cannot be in the future" in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_the_csv_export_holds_my_entries_oldest_first(client, me, world):
    log(client, kind="training", date=YESTERDAY, hours="3", title="=HYPERLINK(1)")
    older = YESTERDAY - timedelta(days=3)
    log(
        client, kind="rsc", date=older, hours="1.5", supervision_format="group", supervisor_name="B"
    )
    ConsultantFactory().ledger_entries.create(
        kind="training", date=YESTERDAY, hours=Decimal("9"), title="Someone else's"
    )
    response = client.get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "date,kind,hours,individual_or_group,supervisor,training_title",
        f"{older.isoformat()},rsc,1.50,group,B,",
        f"{YESTERDAY.isoformat()},training,3.00,,,'=HYPERLINK(1)",
    ]


def test_deleting_someone_elses_entry_is_a_404_and_changes_nothing(client, me):
    theirs = ConsultantFactory().ledger_entries.create(
        kind="training", date=YESTERDAY, hours=Decimal("2"), title="T"
    )
    assert client.post(LEDGER, {"action": "delete", "entry": theirs.pk}).status_code == 404
    assert client.post(LEDGER, {"action": "delete", "entry": "x"}).status_code == 400
    assert LedgerEntry.objects.filter(pk=theirs.pk).exists()
    mine = me.ledger_entries.create(kind="training", date=YESTERDAY, hours=Decimal("2"), title="T")
    assert client.post(LEDGER, {"action": "delete", "entry": mine.pk}).status_code == 302
    assert not LedgerEntry.objects.filter(pk=mine.pk).exists()


def test_the_credentials_page_adds_changes_and_removes_endorsements(client, me):
    renewal = (date.today() + timedelta(days=300)).isoformat()
    response = client.post(
        CREDENTIALS,
        {
            "action": "set",
            "category": "early_childhood_family_specialist",
            "status": "endorsed",
            "number": "E-77",
            "renewal_date": renewal,
        },
    )
    assert response.status_code == 302
    assert me.endorsements.get(category="early_childhood_family_specialist").number == "E-77"
    refused = client.post(CREDENTIALS, {"action": "set", "category": "gold", "status": "endorsed"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    missing_date = client.post(
        CREDENTIALS,
        {"action": "set", "category": "infant_family_associate", "status": "endorsed"},
    )
    assert "renewal date" in missing_date.content.decode()
    assert me.endorsements.count() == 2
    bad = client.post(CREDENTIALS, {"action": "remove", "category": "gold"})
    assert bad.status_code == 400 and me.endorsements.count() == 2
    client.post(CREDENTIALS, {"action": "remove", "category": "early_childhood_family_specialist"})
    assert list(me.endorsements.values_list("category", flat=True)) == [
        "infant_mental_health_specialist"
    ]
    html = client.get(CREDENTIALS).content.decode()
    assert "Infant Mental Health Specialist" in html
