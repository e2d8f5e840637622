"""What every generator shares: one random generator per record, weighted choices, chunks."""

import random
from collections.abc import Iterable, Iterator
from itertools import islice

from demo.data import AREA_CODES, STREET_KINDS, STREET_NAMES

# Records are generated and inserted this many at a time, each chunk in its own transaction:
# memory stays flat whatever the size of the data set.
CHUNK = 5000


def rng_for(seed: int, kind: str, index: int) -> random.Random:
    """The generator of record `index` of a kind: the same on every run and machine."""
    return random.Random(f"{seed}:{kind}:{index}")


def weighted(rng: random.Random, table):
    """A row of `table`, chosen with the weight in the row's first column."""
    return rng.choices(table, weights=[row[0] for row in table])[0]


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def phone(rng: random.Random, state: str) -> str:
    area = rng.choice(AREA_CODES.get(state, ("555",)))
    return f"{area}-555-01{rng.randrange(100):02d}"


def street(rng: random.Random) -> str:
    return f"{rng.randrange(100, 9900)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"


def missing_indices(present: Iterable[int], count: int) -> tuple[Iterator[int], int]:
    """The indices 1..count not in `present`, lazily, and how many there are. One byte per
    index, however many records exist."""
    seen = bytearray(count + 1)
    for index in present:
        if 1 <= index <= count:
            seen[index] = 1
    missing = count - sum(seen)
    return (i for i in range(1, count + 1) if not seen[i]), missing
