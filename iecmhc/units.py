"""Units shown to people: the one conversion of each."""


def minutes_to_hours(minutes: int | None) -> float:
    """Minutes of consultation as hours, to two decimals (None counts as none)."""
    return round((minutes or 0) / 60, 2)
