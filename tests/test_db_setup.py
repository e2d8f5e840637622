"""The test databases themselves (tests/db_setup.py): a flush after a test in a transaction
empties every table; the reference data the migrations loaded comes back exactly, with its keys,
so tests of every kind can run in any order in one process (tests/conftest.py)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import County, Language
from tests import db_setup, factories


@pytest.mark.django_db(transaction=True)
def test_the_reference_data_comes_back_exactly_after_a_flush():
    remembered = db_setup._REFERENCE["default"]
    # As a test in a transaction ends: every table emptied, content types and permissions
    # made again (under new keys) by post_migrate; here the sequences start again too, which
    # the restore must undo (PostgreSQL's next key would otherwise be a restored row's).
    call_command("flush", verbosity=0, interactive=False, reset_sequences=True)
    assert not County.objects.exists() and not Language.objects.exists()

    db_setup.restore_reference_data()

    assert County.objects.filter(state="WI").count() == 72
    assert connection.creation.serialize_db_to_string() == remembered
    # New rows take keys after the restored ones.
    new = County.objects.create(fips="17201", name="Winnebago County", state="IL")
    assert new.pk > max(County.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_a_test_without_the_database_is_neither_kind(request):
    assert db_setup.kind_of_test(request.node) is None


@pytest.mark.django_db
def test_a_database_test_is_rolled_back(request):
    assert db_setup.kind_of_test(request.node) == "rolled_back"


def test_a_test_asking_for_the_database_is_rolled_back(request, db):
    assert db_setup.kind_of_test(request.node) == "rolled_back"


@pytest.mark.django_db(transaction=True)
def test_a_test_in_a_transaction_is_told_apart(request):
    assert db_setup.kind_of_test(request.node) == "transaction"


@pytest.mark.django_db
def test_the_factories_keep_only_the_migrations_rows():
    """county() and language() read a reference row once per process (tests/factories.py),
    each call getting its own instance; a row a test made is read every time."""
    first = factories.county()
    with CaptureQueriesContext(connection) as queries:
        again, english = factories.county(), factories.language()
        factories.language()
    assert len(queries) <= 1  # English, if no test in this process has read it yet
    assert again == first and again is not first and again.name == "Dane County"
    assert english.pk == "en"
    assert ("directory.county", first.pk) in db_setup.reference_keys()

    made = factories.county("Nowhere County", "WI", "55999")
    assert ("directory.county", made.pk) not in db_setup.reference_keys()
    with CaptureQueriesContext(connection) as queries:
        assert factories.county("Nowhere County", "WI", "55999") == made
    assert len(queries) == 1
