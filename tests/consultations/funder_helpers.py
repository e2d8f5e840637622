"""Engagements for the funder report's tests, written straight to the database: the report
reads rows, and a table of ten or more children per cell needs more engagements than one
consultant's caseload would accept through the services."""

from django.utils import timezone

from consultations.models import ConsultationRequest
from directory.models import Program
from tests.factories import ProgramFactory, county


def engagements(program: Program, consultant, n: int, *, focus="classroom", **fields) -> list:
    """`n` active engagements of `program` with `consultant`, at level `focus`."""
    child = {"child_age_months": 30, "parent_consent": True} if focus == "child" else {}
    return [
        ConsultationRequest.objects.create(
            program=program,
            created_by=program.members.first() or consultant.user,
            consultant=consultant,
            status=ConsultationRequest.Status.ACTIVE,
            accepted_at=timezone.now(),
            focus=focus,
            concerns=["challenging_behavior"],
            **child,
            **fields,
        )
        for _ in range(n)
    ]


def program_in(name: str, fips: str, **fields) -> Program:
    """A program of a county of its own (created if needed)."""
    return ProgramFactory(county=county(name=name, fips=fips), **fields)


def rows_of(report: dict, by: str) -> dict:
    """{row label: row} of the table broken down by `by`."""
    [table] = [t for t in report["tables"] if t["by"] == by]
    return {row["label"]: row for row in table["rows"]}
