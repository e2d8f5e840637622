"""Lookups compiled once (iecmhc.compiled): each gives what its queryset's own `get` gives
(the same row, the same loaded and deferred fields, the same related objects and annotations),
the same exceptions for a missing row or a bad value, and works from any thread. Run on SQLite
and on PostgreSQL (DATABASE_URL), where the token's lookup also reads the permissions."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.authentication import _token_lookup, token_digest
from accounts.models import ApiToken
from accounts.services import user_token_issue
from consultations import matching
from consultations.matching.facts import request_facts
from consultations.models import ConsultationRequest
from consultations.selectors import _read_only, request_get
from iecmhc.compiled import CompiledLookup
from tests.consultations.factories import submitted
from tests.factories import ProgramFactory, UserFactory, make_admin

pytestmark = pytest.mark.django_db

FIELDS = matching.REQUEST_FIELDS


def _loaded(obj) -> dict:
    """The fields an instance holds (not deferred), with their values."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
            if f.attname in obj.__dict__}  # fmt: skip


def _orm_read(pk):
    related = ["program__county", "preferred_language"]
    return ConsultationRequest.objects.select_related(*related).only(*FIELDS).get(pk=pk)


def test_a_compiled_read_gives_what_the_queryset_gives():
    program = ProgramFactory()
    first, second = submitted(program), submitted(program, urgency="priority")

    for consultation in (first, second):
        compiled, orm = _read_only(FIELDS).get(pk=consultation.pk), _orm_read(consultation.pk)
        assert compiled.pk == consultation.pk
        assert _loaded(compiled) == _loaded(orm)
        assert compiled.get_deferred_fields() == orm.get_deferred_fields()
        assert _loaded(compiled.program) == _loaded(orm.program)
        assert _loaded(compiled.program.county) == _loaded(orm.program.county)
    # What matching reads comes out of the one query.
    consultation = _read_only(FIELDS).get(pk=first.pk)
    with CaptureQueriesContext(connection) as queries:
        request_facts(consultation, frozenset())
    assert len(queries) == 0


def test_a_compiled_read_takes_one_query_and_the_admins_read_is_compiled():
    program = ProgramFactory()
    consultation = submitted(program)
    admin = make_admin()
    request_get(user=admin, pk=consultation.pk, detailed=False, only=FIELDS)  # compiled now

    with CaptureQueriesContext(connection) as queries:
        found = request_get(user=admin, pk=consultation.pk, detailed=False, only=FIELDS)
    assert found.pk == consultation.pk
    assert len(queries) == 1


@pytest.mark.parametrize("pk", [10**9, 2**63, -(2**63) - 1, 10**30, None])
def test_a_missing_or_impossible_key_is_does_not_exist(pk):
    with pytest.raises(ConsultationRequest.DoesNotExist):
        _read_only(FIELDS).get(pk=pk)


@pytest.mark.parametrize("pk", ["abc", "1.5", "", [1], {}])
def test_a_bad_key_raises_what_the_orm_raises(pk):
    with pytest.raises((ValueError, TypeError)) as orm:
        _orm_read(pk)
    with pytest.raises(orm.type):
        _read_only(FIELDS).get(pk=pk)


def test_a_token_lookup_gives_the_user_and_their_permissions():
    user = UserFactory(role="program")
    user.user_permissions.add(Permission.objects.get(codename="view_consultationrequest"))
    user_token_issue(user=user)
    token = ApiToken.objects.get(user=user)
    digest = token.digest

    found = _token_lookup(connection.vendor).get(digest=digest)

    assert found.pk == token.pk and found.user == user
    assert _loaded(found.user) == _loaded(ApiToken.objects.select_related("user").get(
        pk=token.pk).user)  # fmt: skip
    if connection.vendor == "postgresql":
        assert found.held_permissions == ["consultations.view_consultationrequest"]
    with pytest.raises(ApiToken.DoesNotExist):
        _token_lookup(connection.vendor).get(digest=token_digest("not a token"))


@pytest.mark.django_db(transaction=True)
def test_a_compiled_lookup_works_from_another_thread():
    program = ProgramFactory()
    consultation = submitted(program)
    lookup = _read_only(FIELDS)
    lookup.get(pk=consultation.pk)  # compiled in this thread
    found, errors = [], []

    def other():
        try:
            found.append(lookup.get(pk=consultation.pk).pk)  # through this thread's connection
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=30)
    assert not errors
    assert found == [consultation.pk]


def test_a_parameter_may_appear_several_times():
    program = ProgramFactory()
    consultation = submitted(program)
    twice = CompiledLookup(
        lambda pk: ConsultationRequest.objects.filter(pk=pk, id__gte=pk),
        pk=ConsultationRequest._meta.pk,
    )
    assert twice.get(pk=consultation.pk).pk == consultation.pk


def test_a_parameter_missing_from_the_query_is_refused_when_compiled():
    unused = CompiledLookup(
        lambda pk: ConsultationRequest.objects.all(), pk=ConsultationRequest._meta.pk
    )
    with pytest.raises(ValueError, match="not among the parameters"):
        unused.get(pk=1)


def test_a_lookup_that_finds_several_raises_multiple_objects_returned():
    program = ProgramFactory()
    submitted(program), submitted(program)
    by_program = CompiledLookup(
        lambda program: ConsultationRequest.objects.filter(program_id=program),
        program=ConsultationRequest._meta.get_field("program"),  # its key's conversion
    )
    with pytest.raises(ConsultationRequest.MultipleObjectsReturned):
        by_program.get(program=program.pk)


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999999"])
def test_matches_for_a_bad_or_impossible_key_are_404(pk):
    admin = make_admin()
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin)
    response = client.get(f"/api/v1/requests/{pk}/matches/")
    assert response.status_code == 404
    assert response.json()["detail"]


def _prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
def test_on_postgresql_a_lookup_is_prepared_once_per_connection():
    program = ProgramFactory()
    first, second = submitted(program), submitted(program)
    lookup = CompiledLookup(
        lambda pk: ConsultationRequest.objects.filter(pk=pk), pk=ConsultationRequest._meta.pk
    )
    assert lookup._name not in _prepared_here()

    with CaptureQueriesContext(connection) as queries:
        assert lookup.get(pk=first.pk).pk == first.pk
        assert lookup.get(pk=second.pk).pk == second.pk
    # The PREPARE is not one of the queries; each call is one EXECUTE.
    assert [q["sql"].split("(")[0] for q in queries] == [f"EXECUTE {lookup._name}"] * 2
    assert lookup._name in _prepared_here()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_lookup_survives_a_rollback_and_is_prepared_again_on_a_new_connection():
    from django.db import transaction

    program = ProgramFactory()
    consultation = submitted(program)
    lookup = CompiledLookup(
        lambda pk: ConsultationRequest.objects.filter(pk=pk), pk=ConsultationRequest._meta.pk
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        lookup.get(pk=consultation.pk)  # prepared inside a transaction that rolls back
        raise RuntimeError
    assert lookup.get(pk=consultation.pk).pk == consultation.pk

    connection.close()  # a new connection has no prepared statements
    assert lookup._name not in _prepared_here()
    assert lookup.get(pk=consultation.pk).pk == consultation.pk
    assert lookup._name in _prepared_here()


@pytest.mark.postgres
def test_prepared_statements_can_be_switched_off(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    program = ProgramFactory()
    consultation = submitted(program)
    lookup = CompiledLookup(
        lambda pk: ConsultationRequest.objects.filter(pk=pk), pk=ConsultationRequest._meta.pk
    )
    with CaptureQueriesContext(connection) as queries:
        assert lookup.get(pk=consultation.pk).pk == consultation.pk
    assert queries[0]["sql"].startswith("SELECT")
    assert lookup._name not in _prepared_here()
