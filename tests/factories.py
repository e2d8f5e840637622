"""factory_boy factories. Reference rows come from the data migration; get_or_create keeps
the factories working after a transactional test flushed them."""

import functools
import hashlib
import importlib

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.db.models.signals import post_save
from simple_history.models import HistoricalRecords

from accounts.authentication import token_digest
from accounts.models import ApiToken
from directory.models import Consultant, County, Language, Program, ProgramMembership
from directory.vocabularies import LicenseType, Modality, SettingType, Specialty

User = get_user_model()
PASSWORD = "Correct-horse-battery-9"


def county(name: str = "Dane County", state: str = "WI", fips: str = "55025") -> County:
    return _reference_row(County, {"fips": fips}, {"name": name, "state": state})


def language(code: str = "en", name: str = "English") -> Language:
    return _reference_row(Language, {"code": code}, {"name": name})


# The migrations' reference rows the factories look up (a county, a language, a permission),
# remembered by lookup as the test process first reads them: most tests make listings, each
# of which looked its county and language up again. Only while tests/conftest.py says the
# reference data is as migrated (rolled-back tests; a test in a transaction may run on an
# emptied database), and only rows the migrations made (tests/db_setup.py, reference_keys),
# which every restore puts back with the same keys. Each lookup gets its own instance.
REFERENCE_ROWS_KEPT = {"now": False}
_REFERENCE_ROWS: dict[tuple, tuple[list[str], list]] = {}


def _reference_row(model, lookup: dict, defaults: dict | None = None):
    """The row `lookup` finds (made with `defaults` if there is none; without `defaults`,
    DoesNotExist)."""
    from tests.db_setup import reference_keys

    key = (model, tuple(sorted(lookup.items())))
    kept = REFERENCE_ROWS_KEPT["now"] and _REFERENCE_ROWS.get(key)
    if kept:
        return model.from_db("default", *kept)
    if defaults is None:
        obj, created = model.objects.get(**lookup), False
    else:
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if (
        REFERENCE_ROWS_KEPT["now"]
        and not created
        and (model._meta.label_lower, obj.pk) in reference_keys()
    ):
        names = [field.attname for field in model._meta.concrete_fields]
        _REFERENCE_ROWS[key] = (names, [getattr(obj, name) for name in names])
    return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = User.Role.PROGRAM
    # PASSWORD, hashed once per process and hasher (a second save per user to set it was a
    # tenth of the role fixtures' time).
    password = factory.LazyFunction(lambda: _hashed_password(settings.PASSWORD_HASHERS[0]))


@functools.cache
def _hashed_password(hasher: str) -> str:
    return make_password(PASSWORD)


def make_admin(**kwargs) -> User:
    """An Alliance admin: staff holding the review permission (not a superuser)."""
    user = UserFactory(role="", is_staff=True, **kwargs)
    user.user_permissions.add(
        _reference_row(
            Permission, {"content_type__app_label": "directory", "codename": "review_consultant"}
        )
    )
    user.groups.add(alliance_group())
    return User.objects.get(pk=user.pk)  # drop the permission cache


def alliance_group() -> Group:
    """The Alliance admins' group as the migrations make it. A transactional test (a browser
    test, a worker test) ends with a flush that empties it, so whichever test comes next on
    the same test process makes it again from the migrations' own lists."""
    group, created = Group.objects.get_or_create(name="Alliance admins")
    if not created and group.permissions.exists():
        return group  # as the migrations made it (the usual case: only a flush empties it)
    query = Q()
    for app, codename in _alliance_permissions():
        query |= Q(content_type__app_label=app, codename=codename)
    group.permissions.add(*Permission.objects.filter(query))
    return group


@functools.cache
def _alliance_permissions() -> frozenset:
    """The Alliance group's permissions, (app label, codename), from the migrations' lists."""
    return frozenset(
        (
            *importlib.import_module(
                "directory.migrations.0002_reference_data"
            ).ALLIANCE_PERMISSIONS,
            *(
                (app, codename)
                for app, module in (
                    ("consultations", "consultations.migrations.0002_alliance_permissions"),
                    ("consultations", "consultations.migrations.0011_instrument_catalogue"),
                    ("background", "background.migrations.0002_alliance_sees_outgoing_emails"),
                )
                for codename in importlib.import_module(module).PERMISSIONS
            ),
        )
    )


def history_recorder(model) -> HistoricalRecords:
    """django-simple-history's recorder of `model`'s audit trail (its post_save receiver)."""
    for receiver in post_save._live_receivers(model)[0]:
        recorder = getattr(receiver, "__self__", None)
        if isinstance(recorder, HistoricalRecords):
            return recorder
    raise LookupError(f"{model.__name__} has no history")


class ConsultantFactory(factory.django.DjangoModelFactory):
    """A listing, by default with no audit-trail version (recording one, with its languages
    and counties, took two thirds of the factory's time, in nearly every test); with
    recorded=True, with one: the listing as built, its languages and counties included (as
    django-simple-history records them). Left to the signals, the insert and each of the two
    lists set after it would record a version apiece. The app records a version at every
    later change, so the tests of the audit trail make their changes afterwards."""

    class Meta:
        model = Consultant
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=User.Role.CONSULTANT)
    display_name = factory.Sequence(lambda n: f"Consultant {n}")
    bio = "Infant and early childhood mental health consultant."
    license_type = LicenseType.LCSW
    base_zip = "53703"  # Madison, Dane County
    base_state = "WI"
    base_latitude = 43.0775
    base_longitude = -89.3831
    travel_radius_miles = 40
    modalities = factory.LazyFunction(lambda: [Modality.ON_SITE, Modality.VIRTUAL])
    setting_types = factory.LazyFunction(lambda: [SettingType.CHILD_CARE_CENTER])
    specialties = factory.LazyFunction(lambda: [Specialty.CHALLENGING_BEHAVIOR])
    max_caseload = 12
    listing_status = Consultant.ListingStatus.APPROVED
    public_email = factory.LazyAttribute(lambda c: f"{c.user.username}@consult.example.org")
    contact_email = factory.LazyAttribute(lambda c: f"{c.user.username}@private.example.org")

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create:
            _add_new(obj, "languages", extracted if extracted is not None else [language()])

    @factory.post_generation
    def endorsements(obj, create, extracted, **kwargs):
        """Categories endorsed (renewal in a year), or (category, status, renewal) tuples."""
        from datetime import timedelta

        from django.utils import timezone

        for item in extracted or ():
            category, status, renewal = (
                (item, "endorsed", timezone.localdate() + timedelta(days=365))
                if isinstance(item, str)
                else item
            )
            obj.endorsements.create(category=category, status=status, renewal_date=renewal)

    @factory.post_generation
    def counties_served(obj, create, extracted, **kwargs):
        if create:
            _add_new(obj, "counties_served", extracted if extracted is not None else [county()])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        listing = model_class(*args, **kwargs)
        listing.skip_history_when_saving = True  # the version is recorded once it is complete
        listing.save(using=cls._meta.database)
        return listing

    @factory.post_generation
    def recorded(obj, create, extracted, **kwargs):
        """ConsultantFactory(recorded=True): record the listing's first audit-trail version."""
        return bool(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            del instance.skip_history_when_saving
            if results and results.get("recorded"):
                history_recorder(Consultant).create_historical_record(
                    instance, "+", using=cls._meta.database
                )


def _add_new(listing: Consultant, name: str, targets) -> None:
    """Relate a listing just made to `targets` through the many-to-many field `name`: one
    insert, where `set` reads what is there first (nothing, for a new listing) and signals each
    change (the listing's own save has already bumped the listing version)."""
    field = Consultant._meta.get_field(name)
    through = field.remote_field.through
    source = through._meta.get_field(field.m2m_field_name()).attname
    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
    keys = dict.fromkeys(getattr(item, "pk", item) for item in targets)  # once each, in order
    through.objects.bulk_create(through(**{source: listing.pk, target: key}) for key in keys)


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program with its members; like ConsultantFactory, by default with no audit-trail
    version of the program or of its memberships (recorded=True: as the signals record them)."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    recorded = False  # taken out before the program is made (see _create)

    name = factory.Sequence(lambda n: f"Little Acorns Center {n}")
    setting_type = SettingType.CHILD_CARE_CENTER
    street = "1 Main St"
    city = "Madison"
    state = "WI"
    zip = "53703"
    county = factory.LazyFunction(county)
    latitude = 43.0775
    longitude = -89.3831
    ages_served = factory.LazyFunction(lambda: ["infant", "toddler"])
    phone = "608-555-0100"
    email = factory.Sequence(lambda n: f"director{n}@program.example.org")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            for user in extracted or []:
                membership = ProgramMembership(program=obj, user=user)
                if hasattr(obj, "skip_history_when_saving"):  # its presence is what counts
                    membership.skip_history_when_saving = True
                membership.save()

    @classmethod
    def _build(cls, model_class, *args, recorded=False, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, recorded=False, **kwargs):
        program = model_class(*args, **kwargs)
        if not recorded:
            program.skip_history_when_saving = True
        program.save(using=cls._meta.database)
        return program

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and hasattr(instance, "skip_history_when_saving"):
            del instance.skip_history_when_saving


def api_key(user) -> str:
    """A working API key for `user`, the same one every time within a test (only digests are
    stored, so the key is derived from the user rather than read back)."""
    key = hashlib.sha1(f"test-key:{user.pk}:{user.username}".encode()).hexdigest()
    ApiToken.objects.get_or_create(user=user, digest=token_digest(key))
    return key
