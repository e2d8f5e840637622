"""The batch's cheap reach pre-filter and the reasons of a consultation nobody can take
(consultations.matching.batch): split out of batch.py to keep each module short."""

from bisect import bisect_left
from functools import cached_property

from consultations.matching.rules import EXCLUSIONS, ConsultantFacts, modality_fits
from directory import geo
from directory.models import lightest_weekly_hours


def hundredths(hours: float | None) -> float:
    """Hours free in hundredths (as places_free compares them); no hours stated: infinite."""
    return float("inf") if hours is None else float(round(hours * 100))


def weight_hundredths(weekly_hours: float | None) -> float:
    """A consultation's weight in hundredths, as places_free reads it (None: the lightest)."""
    return max(hundredths(lightest_weekly_hours() if weekly_hours is None else weekly_hours), 1.0)


def circle_boxes(consultants: list[ConsultantFacts]) -> dict[int, dict[str, float]]:
    """The box around each on-site consultant's travel circle (where they have a base)."""
    return {
        c.id: geo.bounding_box(c.latitude, c.longitude, c.travel_radius_miles)
        for c in consultants
        if c.offers_on_site and c.latitude is not None and c.longitude is not None
    }


class Roster:
    """The available consultants as arrays, read once per batch: what the reach pre-filter
    (`reach`) and the batch's rules in array form read of them, sliced state by state."""

    def __init__(self, available: list[ConsultantFacts]):
        import numpy as np

        self.available = available
        self.index = {c.id: j for j, c in enumerate(available)}
        self.ids = np.array([c.id for c in available], dtype=np.int64)
        self.state = np.array([c.state for c in available], dtype=object)
        self.on_site = np.array([c.offers_on_site for c in available], dtype=bool)
        self.virtual = np.array([c.offers_virtual for c in available], dtype=bool)
        self.hours = np.array([hundredths(c.hours_free) for c in available], dtype=float)
        circles = circle_boxes(available)
        self.circle = {
            side: np.array([circles[c.id][side] if c.id in circles else np.nan for c in available])
            for side in ("min_lat", "max_lat", "min_lng", "max_lng")
        }
        self.county_members: dict[int, list[int]] = {}
        for j, c in enumerate(available):
            for county in c.counties:
                self.county_members.setdefault(county, []).append(j)

    def reach(self, state: str, counties: set[int], box):
        """Who could reach any consultation of this state (a cheap, generous pre-filter), as
        indices into `available`, in order: virtual work from within the state, or on-site work
        in one of its counties or with a travel circle whose box meets `box`, the state's
        programs' (min_lat, max_lat, min_lng, max_lng)."""
        import numpy as np

        in_county = np.zeros(len(self.available), dtype=bool)
        for county in counties:
            in_county[self.county_members.get(county, [])] = True
        near = in_county
        if box is not None:
            circle = self.circle  # NaN (no base or no on-site work) compares False
            near = in_county | (
                (circle["min_lat"] <= box[1])
                & (box[0] <= circle["max_lat"])
                & (circle["min_lng"] <= box[3])
                & (box[2] <= circle["max_lng"])
            )
        return np.flatnonzero((self.virtual & (self.state == state)) | (self.on_site & near))


class Outside:
    """Available consultants a state's pre-filter left out (they cannot reach its programs),
    by id and, by the modalities they offer, their hours free (sorted, in hundredths);
    worked out when first needed."""

    def __init__(self, roster: Roster, reached):
        import numpy as np

        self.roster = roster
        self.left_out = np.ones(len(roster.available), dtype=bool)
        self.left_out[reached] = False

    @cached_property
    def by_id(self) -> dict[int, ConsultantFacts]:
        available = self.roster.available
        return {available[j].id: available[j] for j in self.left_out.nonzero()[0].tolist()}

    @cached_property
    def hours_by_modalities(self) -> dict[tuple[bool, bool], list[float]]:
        import numpy as np

        roster, groups = self.roster, {}
        for on_site in (False, True):
            for virtual in (False, True):
                mask = self.left_out & (roster.on_site == on_site) & (roster.virtual == virtual)
                if mask.any():
                    groups[on_site, virtual] = np.sort(roster.hours[mask]).tolist()
        return groups


def _offers(c: ConsultantFacts) -> tuple[bool, bool]:
    return c.offers_on_site, c.offers_virtual


def unmatched_reasons(consultation, in_reach, outside: Outside, unavailable) -> list[str]:
    """Why nobody can take a consultation: its own exclusion counts, most common first.
    `in_reach`: the first constraint each consultant within the pre-filter's reach fails, as
    counts by code (batch_options works them out in array form); `unavailable`: the counts
    of the consultants no consultation can have."""
    counts = dict(unavailable)
    for code, n in in_reach.items():
        counts[code] = counts.get(code, 0) + n
    # Consultants the cheap pre-filter left out cannot reach the program; each is counted
    # under the first constraint they fail, in exclusion()'s order: too few hours free for
    # this consultation, declined it before, then modality, else out of area.
    weight = weight_hundredths(consultation.weekly_hours)
    by_modalities = {}
    for key, hours in outside.hours_by_modalities.items():
        short = bisect_left(hours, weight)  # hours free below the consultation's weight
        if short:
            counts["at_capacity"] = counts.get("at_capacity", 0) + short
        by_modalities[key] = len(hours) - short
    declined = [
        outside.by_id[pk]
        for pk in consultation.declined
        if pk in outside.by_id and hundredths(outside.by_id[pk].hours_free) >= weight
    ]
    for c in declined:
        by_modalities[_offers(c)] -= 1
    if declined:
        counts["declined_before"] = counts.get("declined_before", 0) + len(declined)
    for (on_site, virtual), n in by_modalities.items():
        code = "out_of_area" if modality_fits(consultation, on_site, virtual) else "modality"
        counts[code] = counts.get(code, 0) + n
    return [
        f"{EXCLUSIONS[code]} ({n})"
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if n
    ]
