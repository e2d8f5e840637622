"""The permission matrix's watch over the database (tests/matrix/harness.py, ChangeWatch): it
names exactly the tables a call changed, sessions aside, and leaves none of its changes."""

from django.contrib.sessions.backends.db import SessionStore

from directory.models import County
from tests.factories import ProgramFactory
from tests.matrix.harness import ChangeWatch, change_count, snapshot


def watched(change) -> list[str]:
    watch = ChangeWatch()
    watch.start()
    change()
    return watch.changed()


def test_nothing_written_is_nothing_changed(db):
    before = snapshot()
    assert watched(lambda: list(County.objects.all())) == []
    assert snapshot() == before


def test_a_write_names_its_table_and_is_undone(db):
    before = snapshot()
    assert watched(lambda: ProgramFactory(name="Watched")) == ["directory.Program"]
    assert snapshot() == before


def test_a_row_written_back_as_it_was_is_no_change(db):
    county = County.objects.first()
    count = change_count()
    assert watched(lambda: County.objects.filter(pk=county.pk).update(name=county.name)) == []
    assert change_count() > count  # the count moved: the tables were compared, and are equal


def test_sessions_are_not_watched(db):
    assert watched(lambda: SessionStore().create()) == []
