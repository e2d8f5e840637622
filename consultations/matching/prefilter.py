"""The batch's cheap reach pre-filter and the reasons of a consultation nobody can take
(consultations.matching.batch): split out of batch.py to keep each module short."""

from bisect import bisect_left
from functools import cached_property

from consultations.matching.rules import EXCLUSIONS, ConsultantFacts, exclusion, modality_fits
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


def could_reach(c: ConsultantFacts, state: str, counties: set[int], box, circle) -> bool:
    """Could the consultant reach any consultation of this state (a cheap, generous
    pre-filter)? `box`: the state's programs' (min_lat, max_lat, min_lng, max_lng);
    `circle`: the box around the consultant's travel circle."""
    if c.state == state and c.offers_virtual:
        return True
    if not c.offers_on_site:
        return False
    if c.counties & counties:
        return True
    return (
        box is not None
        and circle is not None
        and circle["min_lat"] <= box[1]
        and box[0] <= circle["max_lat"]
        and circle["min_lng"] <= box[3]
        and box[2] <= circle["max_lng"]
    )


class Outside:
    """Available consultants a state's pre-filter left out (they cannot reach its programs),
    by id and, by the modalities they offer, their hours free (sorted, in hundredths);
    worked out when first needed."""

    def __init__(self, available: list[ConsultantFacts], reached: set[int]):
        self.available, self.reached = available, reached

    @cached_property
    def by_id(self) -> dict[int, ConsultantFacts]:
        return {c.id: c for c in self.available if c.id not in self.reached}

    @cached_property
    def hours_by_modalities(self) -> dict[tuple[bool, bool], list[float]]:
        groups: dict[tuple[bool, bool], list[float]] = {}
        for c in self.by_id.values():
            groups.setdefault(_offers(c), []).append(hundredths(c.hours_free))
        return {key: sorted(hours) for key, hours in groups.items()}


def _offers(c: ConsultantFacts) -> tuple[bool, bool]:
    return c.offers_on_site, c.offers_virtual


def unmatched_reasons(consultation, cands, outside: Outside, unavailable) -> list[str]:
    """Why nobody can take a consultation: its own exclusion counts, most common first."""
    counts = dict(unavailable)
    for c in cands:
        code = exclusion(consultation, c)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
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
