"""The what-if planner (Alliance admins): the optimal batch re-solved with hypothetical
consultants added and real ones removed (consultations.matching.whatif). Reads only: nothing
is saved, offered or emailed. The page and the API both call `matching_what_if`.
"""

import time
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from consultations import matching
from consultations.matching.whatif import Hypothetical, WhatIf, what_if
from consultations.permissions import can_offer_requests
from directory import geo
from directory.models import Consultant, County
from directory.vocabularies import Modality, SettingType, Specialty

MAX_HYPOTHETICALS = 10  # consultants added in one question
MAX_REMOVALS = 50  # real consultants taken out in one question
MAX_RADIUS_MILES = 500  # as a listing's travel radius
MAX_CAPACITY = 100  # as a listing's maximum caseload
MIN_HOURS, MAX_HOURS = Decimal("1"), Decimal("60")  # as a listing's hours a week


def hypothetical(
    *,
    label: str = "",
    counties: Iterable[County] = (),
    zip: str = "",
    travel_radius_miles: int = 0,
    languages: Iterable[str] = (),
    specialties: Iterable[str] = (),
    modalities: Iterable[str] = (),
    setting_types: Iterable[str] = (),
    capacity: int = 12,
    hours_per_week: Decimal | float | None = None,
) -> Hypothetical:
    """A hypothetical consultant from what the Alliance entered, checked: where they work
    (counties, or a ZIP code and radius, or both), what they offer, how many places."""
    counties, errors = list(counties), {}
    modalities = [m for m in modalities if m in Modality.values]
    if not counties and not zip:
        errors["counties"] = [_("Give the counties served, or a ZIP code and a travel radius.")]
    if not 0 <= travel_radius_miles <= MAX_RADIUS_MILES:
        errors["travel_radius_miles"] = [
            _("The travel radius is from 0 to %(max)s miles.") % {"max": MAX_RADIUS_MILES}
        ]
    elif travel_radius_miles and not zip:
        errors["zip"] = [_("A travel radius is measured from a ZIP code: give one.")]
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Capacity is from 1 to %(max)s requests.") % {"max": MAX_CAPACITY}]
    if hours_per_week is not None and not MIN_HOURS <= Decimal(hours_per_week) <= MAX_HOURS:
        errors["hours_per_week"] = [
            _("Hours a week are from %(min)s to %(max)s.") % {"min": MIN_HOURS, "max": MAX_HOURS}
        ]
    if not modalities:
        errors["modalities"] = [_("Choose on site, virtual or both.")]
    place, state = None, ""
    if zip:
        place = geo.zip_lookup(zip)
        if place is None:
            errors["zip"] = [_("%(zip)s is not a known US ZIP code.") % {"zip": zip}]
        else:
            state = place.state
    elif counties:
        states = {c.state for c in counties}
        if len(states) > 1:
            errors["counties"] = [_("Without a ZIP code, choose counties of one state.")]
        state = min(states)
    if errors:
        raise ValidationError(errors)
    return Hypothetical(
        label=label,
        state=state,
        counties=frozenset(c.pk for c in counties),
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        travel_radius_miles=travel_radius_miles if place else 0,
        languages=frozenset(languages),
        specialties=frozenset(s for s in specialties if s in Specialty.values),
        modalities=frozenset(modalities),
        setting_types=frozenset(setting_types or SettingType.values),
        capacity=capacity,
        hours_per_week=float(hours_per_week) if hours_per_week is not None else None,
        county_names={c.pk: c.name for c in counties},
    )


def matching_what_if(
    *, actor, add: Iterable[Hypothetical] = (), remove: Iterable[int] = ()
) -> WhatIf:
    """The batch now, and with `add` recruited and the approved consultants `remove` gone."""
    if not can_offer_requests(actor):
        raise PermissionDenied(_("Only Alliance admins may plan matching."))
    add = [
        h if h.label else replace(h, label=str(_("Hypothetical consultant %(n)s") % {"n": i}))
        for i, h in enumerate(add, start=1)
    ]
    remove = sorted(set(remove))
    if not add and not remove:
        raise ValidationError(_("Add a hypothetical consultant or remove a real one."))
    if len(add) > MAX_HYPOTHETICALS:
        raise ValidationError(
            {"add": [_("At most %(max)s hypothetical consultants.") % {"max": MAX_HYPOTHETICALS}]}
        )
    if len(remove) > MAX_REMOVALS:
        raise ValidationError(
            {"remove": [_("Remove at most %(max)s consultants.") % {"max": MAX_REMOVALS}]}
        )
    clock = time.perf_counter()
    with matching.gc_paused():
        consultations = matching.open_requests_facts()
        consultants = matching.matchable_consultants_facts()
        known = {c.id for c in consultants}
        unknown = [pk for pk in remove if pk not in known]
        if unknown:
            raise ValidationError(
                {
                    "remove": [
                        _("Not an approved consultant: %(ids)s.")
                        % {"ids": ", ".join(map(str, unknown))}
                    ]
                }
            )
        loaded = round(time.perf_counter() - clock, 3)
        result = what_if(
            consultations, consultants, matching.score_weights(), add=add, remove=remove
        )
    result.seconds["load"] = loaded
    return result


def removable_consultants():
    """The consultants the planner may take out: those the batch reads (approved)."""
    return Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
