"""The renewal rule (directory.ledger) on its boundaries: 15 training hours, 12 RSC hours for
the categories that need them, counted over the endorsement year ending on the renewal date."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from directory.ledger import endorsement_year, renewal_status

RENEWAL = date(2027, 3, 31)
TODAY = date(2027, 3, 1)


@dataclass
class Entry:
    kind: str
    date: date
    hours: Decimal


def status(entries, category="infant_mental_health_specialist", renewal=RENEWAL):
    return renewal_status(entries, category=category, renewal_date=renewal, today=TODAY)


def entries(training="15", rsc="12", on=date(2026, 9, 1)):
    return [Entry("training", on, Decimal(training)), Entry("rsc", on, Decimal(rsc))]


@pytest.mark.parametrize(
    ("training", "rsc", "met"),
    [
        ("15", "12", True),  # both exactly at the bound
        ("14.75", "12", False),
        ("15", "11.75", False),
        ("24", "20", True),
        ("0.25", "0.25", False),
    ],
)
def test_a_specialist_needs_15_training_and_12_rsc_hours(training, rsc, met):
    assert status(entries(training, rsc)).met is met


@pytest.mark.parametrize(
    "category", ["infant_family_associate", "early_childhood_family_associate"]
)
def test_an_associate_needs_training_hours_only(category):
    result = status(entries("15", "0.25"), category=category)
    assert (result.needs_rsc, result.rsc_met, result.met) == (False, True, True)
    assert status(entries("14.75", "24"), category=category).met is False


@pytest.mark.parametrize(
    "category",
    [
        "infant_family_specialist",
        "infant_family_reflective_supervisor",
        "infant_mental_health_mentor",
        "early_childhood_family_reflective_supervisor",
        "early_childhood_mental_health_mentor",
    ],
)
def test_specialists_reflective_supervisors_and_mentors_need_rsc(category):
    assert status(entries("15", "11.75"), category=category).met is False
    assert status(entries("15", "12"), category=category).met is True


@pytest.mark.parametrize(
    ("on", "counted"),
    [
        (date(2026, 4, 1), True),  # the first day of the endorsement year
        (date(2026, 3, 31), False),  # the renewal date a year before: the previous year
        (RENEWAL, True),  # the renewal date itself
        (date(2027, 4, 1), False),  # after it: the next year
    ],
)
def test_the_endorsement_year_ends_on_the_renewal_date(on, counted):
    result = status(entries("15", "12", on=on))
    assert result.met is counted
    assert (result.start, result.end) == (date(2026, 4, 1), RENEWAL)


def test_hours_add_up_across_entries():
    split = [Entry("training", date(2026, 5, d), Decimal("3.75")) for d in (1, 2, 3, 4)]
    split += [Entry("rsc", date(2026, 6, d), Decimal("1.5")) for d in range(1, 9)]
    result = status(split)
    assert (result.training_hours, result.rsc_hours, result.met) == (
        Decimal("15.00"),
        Decimal("12.0"),
        True,
    )


def test_without_a_renewal_date_the_year_ends_today_and_29_february_falls_back():
    assert endorsement_year(None, TODAY) == (date(2026, 3, 2), TODAY)
    assert endorsement_year(date(2028, 2, 29), TODAY) == (date(2027, 3, 1), date(2028, 2, 29))
