"""Fixtures shared by the directory tests."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def api(world, django_capture_on_commit_callbacks):
    """`api(role, method, path, data)`: one call as `role`, running its on-commit emails."""

    def call(role, method, path, data=None):
        client = world.client(role)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data)

    return call


@pytest.fixture
def newcomer(world):
    """A consultant user without a listing yet (the only role allowed to create one)."""
    user = UserFactory(username="nia_newcomer", role="consultant")
    world.users["newcomer"] = user
    return user
