"""Fixtures shared by the consultation tests."""

import pytest

from tests.factories import ProgramFactory, UserFactory, county


@pytest.fixture
def vilas_program():
    """A program far north (Vilas County), beyond every world consultant's travel radius."""
    return ProgramFactory(
        zip="54521",
        city="Eagle River",
        county=county("Vilas County", "WI", "55125"),
        latitude=45.92,
        longitude=-89.24,
        members=[UserFactory(role="program")],
    )
