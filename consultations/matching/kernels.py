"""Loops over the batch's options that numpy has no quick form for, compiled with numba
(consultations.matching.pricing). Imported only when a large network is priced; the first call
in a process compiles (then numba caches the machine code in __pycache__ where it may)."""

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def best_per_group(starts, values, limit):
    """For options grouped by request (request k's at starts[k]..starts[k+1]), the indices of
    each request's `limit` largest values (ties: the lower index), ascending: one pass, each
    request's best kept in a small sorted list."""
    n_groups = len(starts) - 1
    if limit <= 0 or n_groups <= 0:
        return np.zeros(0, np.int64)
    out = np.empty(min(starts[n_groups] - starts[0], n_groups * limit), np.int64)
    n = 0
    best = np.empty(limit, np.int64)
    for k in range(n_groups):
        a, b = starts[k], starts[k + 1]
        if b - a <= limit:
            for i in range(a, b):
                out[n] = i
                n += 1
            continue
        size = 0
        for i in range(a, b):
            x = values[i]
            if size == limit and x <= values[best[size - 1]]:
                continue  # no better than the worst kept (and a later index)
            # Insert, keeping best[] by value descending, then index ascending.
            j = size if size < limit else limit - 1
            while j > 0 and values[best[j - 1]] < x:
                best[j] = best[j - 1]
                j -= 1
            best[j] = i
            if size < limit:
                size += 1
        kept = np.sort(best[:size])
        for i in range(size):
            out[n] = kept[i]
            n += 1
    return out[:n]


@numba.njit(cache=True, nogil=True)
def least_above(start, source, target, gap, limit, n):
    """The least x ≥ start with x[target[i]] ≥ x[source[i]] + gap[i] for every i, by a queue
    of the values that rose (Bellman-Ford with a FIFO queue); (False, x) if some x would
    exceed its limit, or rise without end (a positive cycle: some value rose n times)."""
    x = start.copy()
    for j in range(n):
        if x[j] > limit[j]:
            return False, x
    # The constraints grouped by source (a counting sort).
    first = np.zeros(n + 1, np.int64)
    for i in range(len(source)):
        first[source[i] + 1] += 1
    for j in range(n):
        first[j + 1] += first[j]
    at = first[:n].copy()
    order = np.empty(len(source), np.int64)
    for i in range(len(source)):
        order[at[source[i]]] = i
        at[source[i]] += 1
    queue = np.empty(n, np.int64)  # a ring: each node at most once in it
    queued = np.ones(n, np.bool_)
    for j in range(n):
        queue[j] = j
    head, size = 0, n
    rises = np.zeros(n, np.int64)
    while size > 0:
        j = queue[head]
        head = (head + 1) % n
        size -= 1
        queued[j] = False
        for k in range(first[j], first[j + 1]):
            i = order[k]
            t = target[i]
            value = x[j] + gap[i]
            if value > x[t]:
                x[t] = value
                if value > limit[t]:
                    return False, x
                rises[t] += 1
                if rises[t] > n:
                    return False, x
                if not queued[t]:
                    queued[t] = True
                    queue[(head + size) % n] = t
                    size += 1
    return True, x
