"""The batch's loops that numpy has no quick form for, compiled with numba: every feasible
pair of a state's consultations and its score in one pass (`feasible_pairs`, for
options.option_arrays); for pricing, each request's best few options (`best_per_group`), those
most short of the prices (`most_short`) and the prices' difference constraints
(`least_above`); each consultant's options counted by group of requests (`column_counts`: by
region for components.halves, by weight for capacity.capacity_columns). Imported only when the
batch needs them; the first call in a process compiles (then numba caches the machine code in
__pycache__ where it may, and a later process loads it in about 0.25 s). Each releases the
interpreter (nogil), so the states' threads run side by side."""

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def best_per_group(groups, values, limit):
    """For options grouped by request (groups sorted: each request's options side by side),
    the indices of each request's `limit` largest values (ties: the lower index), ascending:
    one pass, each request's best kept in a small sorted list. (False, nothing) if the groups
    are not sorted."""
    n = len(groups)
    out = np.empty(n if limit > 0 else 0, np.int64)  # an upper bound: only the pages written count
    if limit <= 0 or n == 0:
        return True, out[:0].copy()
    best = np.empty(limit, np.int64)
    found, size, a = 0, 0, 0
    for i in range(n + 1):
        if i < n and i > a and groups[i] == groups[a]:
            pass
        elif i > a:  # the group a..i-1 ends: its best, in index order
            kept = np.sort(best[:size])
            for k in range(size):
                out[found] = kept[k]
                found += 1
            if i == n:
                break
            if groups[i] < groups[a]:
                return False, out[:0].copy()
            a, size = i, 0
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
    return True, out[:found].copy()


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


@numba.njit(cache=True, nogil=True)
def _grown(array, size):
    bigger = np.empty(max(2 * len(array), size), array.dtype)
    bigger[: len(array)] = array
    return bigger


@numba.njit(cache=True, nogil=True)
def feasible_pairs(
    r_lat,
    r_lng,
    r_onsite,
    r_virtual,
    r_weight,
    r_required,
    r_language,
    r_setting,
    r_ages,
    r_share,
    r_county,
    r_program,
    declined_at,
    declined,
    c_lat,
    c_lng,
    c_radius,
    c_onsite,
    c_virtual,
    c_same_state,
    c_room,
    c_hours,
    answers,
    works_in,
    endorsement,
    speakers,
    county_at,
    county_cols,
    program_at,
    program_cols,
    w,
    reach_degrees,
    earth_radius,
):
    """The feasible pairs of a block of consultations (rows) against consultant columns, and
    each one's score before rounding: arrays.pair_arrays' rules (reach by county, radius or
    virtual work in the state; hours; a required language; not declined) and Pairs._score's
    sum, term by term in its order, one pair at a time, so no matrix of the block is ever
    built. Returns (rows, columns, scores), by row then column.

    Per row: coordinates (NaN: unknown), on-site and virtual accepted, weight in hundredths,
    language required, its language (an index into `speakers`, -1: none), setting and ages
    (indices into `works_in` and `endorsement`), concern shares (a row of r_share against the
    columns of `answers`), its county and program (indices into the CSR lists county_at /
    county_cols and program_at / program_cols: the columns who serve the county, who have
    served the program; -1: none), and its declined columns (declined_at / declined). Per
    column: coordinates, radius, on-site, virtual, based in the state, room, hours free."""
    n_r, n_c = len(r_lat), len(c_lat)
    size = 0
    rows = np.empty(1 << 16, np.int32)
    cols = np.empty(1 << 16, np.int32)
    scores = np.empty(1 << 16, np.float64)
    serves = np.zeros(n_c, np.bool_)
    continued = np.zeros(n_c, np.bool_)
    refused = np.zeros(n_c, np.bool_)
    cos2 = np.cos(np.radians(c_lat))
    p2 = np.radians(c_lat)
    for i in range(n_r):
        county, program = r_county[i], r_program[i]
        if county >= 0:
            for k in range(county_at[county], county_at[county + 1]):
                serves[county_cols[k]] = True
        if program >= 0:
            for k in range(program_at[program], program_at[program + 1]):
                continued[program_cols[k]] = True
        for k in range(declined_at[i], declined_at[i + 1]):
            refused[declined[k]] = True
        if size + n_c > len(rows):
            rows, cols, scores = (
                _grown(rows, size + n_c),
                _grown(cols, size + n_c),
                _grown(scores, size + n_c),
            )
        p1 = np.radians(r_lat[i])
        cos1 = np.cos(p1)
        language = r_language[i]
        for j in range(n_c):
            if refused[j] or not c_hours[j] >= r_weight[i]:
                continue
            speaks = True if language < 0 else speakers[language, j]
            if r_required[i] and not speaks:
                continue
            onsite = r_onsite[i] and c_onsite[j]
            dist = 1e9  # out of reach (arrays.GREAT)
            if onsite and not abs(r_lat[i] - c_lat[j]) > reach_degrees[j]:
                dp = p2[j] - p1
                dl = np.radians(c_lng[j] - r_lng[i])
                h = np.sin(dp / 2) ** 2.0 + cos1 * cos2[j] * np.sin(dl / 2) ** 2.0
                dist = 2 * earth_radius * np.arcsin(min(1.0, np.sqrt(h)))
            by_county = onsite and serves[j]
            by_radius = onsite and not serves[j] and dist <= c_radius[j]
            by_virtual = (
                r_virtual[i] and c_virtual[j] and c_same_state[j] and not (by_county or by_radius)
            )
            if not (by_county or by_radius or by_virtual):
                continue
            specialty = 0.0
            for k in range(r_share.shape[1]):
                specialty += r_share[i, k] * answers[k, j]
            distance = 0.0
            if (by_county or by_radius) and not np.isnan(dist):
                distance = max(0.0, 1.0 - dist / max(c_radius[j], 1.0))
            rows[size] = i
            cols[size] = j
            scores[size] = (
                w[0] * specialty
                + w[1] * works_in[r_setting[i], j]
                + w[2] * (1.0 if speaks else 0.0)
                + w[3] * distance
                + w[4] * c_room[j]
                + w[5] * (1.0 if continued[j] else 0.0)
                + w[6] * endorsement[r_ages[i], j]
            )
            size += 1
        if county >= 0:
            for k in range(county_at[county], county_at[county + 1]):
                serves[county_cols[k]] = False
        if program >= 0:
            for k in range(program_at[program], program_at[program + 1]):
                continued[program_cols[k]] = False
        for k in range(declined_at[i], declined_at[i + 1]):
            refused[declined[k]] = False
    return rows[:size], cols[:size], scores[:size]


@numba.njit(cache=True, nogil=True)
def _better(points, extra, rows, i, j):
    """Is option i better than option j: a larger value (points plus its request's extra), or
    as large and a lower index."""
    a, b = points[i] + extra[rows[i]], points[j] + extra[rows[j]]
    return a > b or (a == b and i < j)


@numba.njit(cache=True, nogil=True)
def best_per_column(columns, points, extra, rows, limit):
    """The indices of each column's limit[column] best options by value, an option's value
    being points[i] + extra[rows[i]] (ties: the lower index), ascending, in one pass: each
    column keeps its best in a heap whose root is the worst kept, replaced when a better
    option comes."""
    n_c = len(limit)
    first = np.zeros(n_c + 1, np.int64)
    for c in range(n_c):
        first[c + 1] = first[c] + max(limit[c], 0)
    heap = np.empty(first[n_c], np.int64)
    size = np.zeros(n_c, np.int64)
    for i in range(len(columns)):
        c = columns[i]
        k = limit[c]
        if k <= 0:
            continue
        h = first[c]
        if size[c] < k:  # room: sift the new option up (the worst at the root)
            j = size[c]
            size[c] += 1
            while j > 0:
                parent = (j - 1) >> 1
                if not _better(points, extra, rows, heap[h + parent], i):
                    break
                heap[h + j] = heap[h + parent]
                j = parent
            heap[h + j] = i
        elif _better(points, extra, rows, i, heap[h]):  # it takes the worst kept's place
            j = 0
            while True:
                child = 2 * j + 1
                if child >= k:
                    break
                if child + 1 < k and _better(
                    points, extra, rows, heap[h + child], heap[h + child + 1]
                ):
                    child += 1
                if not _better(points, extra, rows, i, heap[h + child]):
                    break
                heap[h + j] = heap[h + child]
                j = child
            heap[h + j] = i
    total = 0
    for c in range(n_c):
        total += size[c]
    out = np.empty(total, np.int64)
    n = 0
    for c in range(n_c):
        for j in range(size[c]):
            out[n] = heap[first[c] + j]
            n += 1
    return np.sort(out)


@numba.njit(cache=True, nogil=True)
def column_counts(rows, columns, groups, n_columns, n_groups):
    """counts[c, g]: how many of column c's options have their row in group g (groups[row]),
    in one pass."""
    counts = np.zeros((n_columns, n_groups), np.int64)
    for i in range(len(rows)):
        counts[columns[i], groups[rows[i]]] += 1
    return counts


@numba.njit(cache=True, nogil=True)
def most_short(rows, columns, points, extra, u, v, slack, limit, start, stop):
    """The options start..stop-1 (grouped by request: rows sorted, the range on request
    boundaries) against prices u, v: how short of them each option is, s = points + extra[row]
    − u[row] − v[column], and for each request the `limit` options with s > −slack that are
    most short (by min(s, 2**20); ties: the lower index), ascending; and the requests with an
    option short (s > 0), ascending. One pass, nothing kept for the options not near. (False,
    nothing, nothing) if the rows are not grouped."""
    n = stop - start
    out = np.empty(n if limit > 0 else 0, np.int64)  # an upper bound: only the pages written count
    breaking = np.empty(max(n, 0), np.int64)
    if n <= 0 or limit <= 0:
        return True, out[:0].copy(), breaking[:0].copy()
    best = np.empty(limit, np.int64)
    keys = np.empty(limit, np.int64)
    found, broken_count, size, broken, a = 0, 0, 0, False, start
    for i in range(start, stop + 1):
        if i < stop and i > a and rows[i] == rows[a]:
            pass
        elif i > a:  # the request of a..i-1 ends: its most short, in index order
            kept = np.sort(best[:size])
            for k in range(size):
                out[found] = kept[k]
                found += 1
            if broken:
                breaking[broken_count] = rows[a]
                broken_count += 1
            if i == stop:
                break
            if rows[i] < rows[a]:
                return False, out[:0].copy(), breaking[:0].copy()
            a, size, broken = i, 0, False
        r = rows[i]
        s = np.int64(points[i]) + extra[r] - u[r] - v[columns[i]]
        if s <= -slack:
            continue
        if s > 0:
            broken = True
        key = min(s, np.int64(1) << 20)
        if size == limit and key <= keys[size - 1]:
            continue  # no more short than the least kept (and a later index)
        j = size if size < limit else limit - 1
        while j > 0 and keys[j - 1] < key:
            best[j], keys[j] = best[j - 1], keys[j - 1]
            j -= 1
        best[j], keys[j] = i, key
        if size < limit:
            size += 1
    return True, out[:found].copy(), breaking[:broken_count].copy()


@numba.njit(cache=True, nogil=True)
def price_constraints(rows, columns, points, extra, subset, held, value, n_c):
    """The difference constraints of pricing.prices over the options at `subset`, in one pass
    (each option's value points[i] + extra[rows[i]]): low[c], the best value at c of a request
    left unmatched (held[r] < 0), and for each other option of a matched request, not the one
    it holds, the edge (its consultant, the held one, value − the held option's value)."""
    low = np.zeros(n_c, np.int64)
    n = len(subset)
    source = np.empty(n, np.int64)
    target = np.empty(n, np.int64)
    gap = np.empty(n, np.int64)
    found = 0
    for k in range(n):
        i = subset[k]
        r = rows[i]
        c = columns[i]
        p = np.int64(points[i]) + extra[r]
        h = held[r]
        if h < 0:
            if p > low[c]:
                low[c] = p
        elif c != h:
            source[found] = c
            target[found] = h
            gap[found] = p - value[r]
            found += 1
    return low, source[:found].copy(), target[:found].copy(), gap[:found].copy()
