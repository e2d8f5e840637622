"""An optimal assignment mended after a few options were added, rather than solved again
(consultations.matching.pricing; docs/domain.md, "The batch").

Late in the pricing rounds the certificate names only a few requests with an option worth
more than its prices allow (at four times national scale: tens of requests, out of 83,000). A
fresh flow solve costs as much for those few as for thousands (OR-Tools has no warm start);
this mends the last answer instead, by successive shortest paths on its residual network
(Ahuja, Magnanti and Orlin, "Network Flows", ch. 9), which is exact.

The network is the batch's flow: each request has one unit to send, to a consultant (cost −p,
capacity 1) and on to the sink (capacity = places), or straight to the sink (cost 0). With node
potentials π (a request's −u, a consultant's v, the sink's own), an arc's reduced cost is its
cost − π(tail) + π(head); a flow is optimal when every arc it could still use (a residual arc)
has a reduced cost ≥ 0. The last answer and its complementary prices satisfy that on the
options it had; the new options that break the certificate are the only residual arcs below 0.

So each such request gives up its unit (leaving a deficit where it went: its consultant, or the
sink) and takes a potential low enough that all its arcs cost ≥ 0. Then, for each of them in
turn, Dijkstra's algorithm on the reduced costs finds the cheapest way from it to a deficit
along the residual arcs (a request takes a consultant, the consultant lets another request go,
that request takes another consultant or stays unmatched, ...), the unit goes that way, and
the potentials of the nodes labelled closer than the deficit rise by how much closer, which
keeps every reduced cost ≥ 0. When no request is left without its unit, the flow is optimal on
every option given, and the potentials are its prices (pricing.certificate_holds checks them
against every option all the same).

Two things keep each search small. A search stops labelling at the distance of the nearest
deficit labelled so far (nothing beyond it can come first). And the requests left unmatched
(at four times national scale, 37,000) are never labelled one by one: each is reachable only
from the sink, at reduced cost 0 (its potential is always the sink's), so the sink reaches a
consultant c through one of them at π(c) − π(T) − top[c], top[c] being the most valuable
option at c of an unmatched request, kept up to date as requests join and leave. A search
through the sink labels at most the consultants. With both, at four times national scale,
mending 284 requests takes 0.5 s rather than 1.2 s, and 11,819 requests 8.5 s rather than 27 s:
most searches label under 200 nodes, but the last few hundred, whose deficits are far away,
label most of the network each, so many requests are still quicker to flow than to mend.

Compiled with numba (a loop per node and arc; numpy has no vector form of Dijkstra's
algorithm). The first call compiles it (a few seconds), then numba caches the machine code in
__pycache__ where that directory is writable; the module is imported only when a batch needs
it.
"""

import numba
import numpy as np

_INF = np.iinfo(np.int64).max // 4


def repair(rows, columns, values, capacity, subset, used, u, v, breaking):
    """The optimal assignment on the options at `subset` and its prices, from an assignment
    optimal on fewer options.

    rows, columns, values: every option's request, consultant and value p (int64), rows
    grouped by request; subset: the options now in play (indices, sorted); used: the options
    of an assignment optimal on the options in play before (a subset of these); (u, v): prices
    complementary to it there (pricing.prices); breaking: the requests with an option in
    `subset` worth more than u + v (sorted, no repeats). Returns (used, (v, u)) for the options
    at `subset`, as pricing.prices gives them, or None should the search ever fail (the caller
    then solves a flow)."""
    n_r, n_c = len(u), len(capacity)
    taken = rows[subset].astype(np.int64)
    starts = np.searchsorted(taken, np.arange(n_r + 1)).astype(np.int64)
    held = np.full(n_r, -1, dtype=np.int64)  # each request's option (a position in subset)
    held[rows[used]] = np.searchsorted(subset, used)
    at = columns[subset].astype(np.int64)
    # Each consultant's options (positions in subset), for the best unmatched one at each.
    column_starts, by_column = _by_column(at, n_c)
    ok, held, request_potential, consultant_potential, sink_potential = _mend(
        starts,
        taken,
        at,
        values[subset].astype(np.int64),
        np.asarray(capacity, dtype=np.int64),
        held,
        -np.asarray(u, dtype=np.int64),
        np.asarray(v, dtype=np.int64).copy(),
        np.asarray(breaking, dtype=np.int64),
        column_starts,
        by_column,
    )
    if not ok:
        return None
    matched = held >= 0
    # Prices from the potentials, each relative to the sink's. A request left unmatched, or a
    # consultant with no request, may come out below 0; 0 serves as well there (their arcs
    # only gain) and is what complementary slackness asks.
    u = np.where(matched, sink_potential - request_potential, 0)
    v = np.maximum(consultant_potential - sink_potential, 0)
    return np.sort(subset[held[matched]]), (v, u)


@numba.njit(cache=True, nogil=True)
def _by_column(columns, n_c):
    # The positions grouped by column, in order within each (a counting sort), and where
    # each column's start.
    starts = np.zeros(n_c + 1, np.int64)
    for k in range(len(columns)):
        starts[columns[k] + 1] += 1
    for c in range(n_c):
        starts[c + 1] += starts[c]
    filled = starts[:-1].copy()
    order = np.empty(len(columns), np.int64)
    for k in range(len(columns)):
        c = columns[k]
        order[filled[c]] = k
        filled[c] += 1
    return starts, order


@numba.njit(cache=True, nogil=True)
def _push(keys, nodes, size, key, node):
    i = size
    keys[i], nodes[i] = key, node
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        nodes[parent], nodes[i] = nodes[i], nodes[parent]
        i = parent
    return size + 1


@numba.njit(cache=True, nogil=True)
def _pop(keys, nodes, size):
    key, node = keys[0], nodes[0]
    size -= 1
    keys[0], nodes[0] = keys[size], nodes[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        nodes[child], nodes[i] = nodes[i], nodes[child]
        i = child
    return key, node, size


@numba.njit(cache=True, nogil=True)
def _best_unmatched(c, column_starts, by_column, option_rows, values, state, top, top_at):
    # The most valuable option at consultant c of a request left unmatched (ties: the first).
    best, best_at = -1, -1
    for k in range(column_starts[c], column_starts[c + 1]):
        a = by_column[k]
        if state[option_rows[a]] == 1 and values[a] > best:
            best, best_at = values[a], a
    top[c], top_at[c] = best, best_at


@numba.njit(cache=True, nogil=True)
def _mend(
    starts,
    option_rows,
    columns,
    values,
    capacity,
    held,
    pr,
    pc,
    breaking,
    column_starts,
    by_column,
):
    # Nodes: requests 0..n_r-1, consultants n_r..n_r+n_c-1, the sink T. pr, pc and pt
    # (tallies[0]): the potentials. state[r]: 0 holds a consultant, 1 unmatched (its unit to
    # the sink), 2 without its unit (a request being mended, or one on a path being taken).
    #
    # The requests left unmatched are not labelled one by one: each is reached only from the
    # sink (the reverse of its arc there), at reduced cost 0, because its potential is always
    # the sink's (0 = 0 at the start, and a shortest path leaves its arcs at 0). So the sink
    # reaches a consultant c through one of them at pc[c] − pt − top[c], top[c] being the most
    # valuable option at c of an unmatched request (top_at[c]: which); a search that reaches
    # the sink labels at most the consultants, not the tens of thousands of requests left
    # unmatched.
    n_r, n_c = len(starts) - 1, len(capacity)
    sink = n_r + n_c
    n = sink + 1
    tallies = np.zeros(2, np.int64)  # pt, and the units owed to the sink
    load = np.zeros(n_c, np.int64)  # requests held
    for r in range(n_r):
        if held[r] >= 0:
            load[columns[held[r]]] += 1
    flow_c = load.copy()  # units a consultant sends to the sink
    first = np.zeros(n_c + 1, np.int64)  # each consultant's slots in `holders`
    for c in range(n_c):
        first[c + 1] = first[c] + capacity[c]
    holders = np.full(first[n_c], -1, np.int64)
    slot = np.full(n_r, -1, np.int64)
    filled = np.zeros(n_c, np.int64)
    state = np.zeros(n_r, np.int64)
    for r in range(n_r):
        if held[r] >= 0:
            c = columns[held[r]]
            slot[r] = first[c] + filled[c]
            holders[slot[r]] = r
            filled[c] += 1
        else:
            state[r] = 1
            pr[r] = 0
    deficit = np.zeros(n_c, np.int64)  # units owed to each consultant
    for k in range(len(breaking)):
        r = breaking[k]
        if state[r] == 0:  # it lets its consultant go; the consultant's unit is owed
            c = columns[held[r]]
            _let_go(c, r, first, load, holders, slot)
            deficit[c] += 1
        else:  # it was unmatched: the sink's unit is owed
            tallies[1] += 1
        held[r], state[r] = -1, 2
        lowest = 0  # its potential: every arc out of it at a reduced cost >= 0 (pt is 0)
        for a in range(starts[r], starts[r + 1]):
            cost = -values[a] + pc[columns[a]]
            if cost < lowest:
                lowest = cost
        pr[r] = lowest
    top = np.full(n_c, -1, np.int64)
    top_at = np.full(n_c, -1, np.int64)
    for c in range(n_c):
        _best_unmatched(c, column_starts, by_column, option_rows, values, state, top, top_at)

    dist = np.full(n, _INF, np.int64)
    done = np.zeros(n, np.bool_)
    parent = np.full(n, -1, np.int64)
    via = np.full(n, -1, np.int64)  # the option into a consultant (-1: the sink's own arc)
    touched = np.empty(n, np.int64)
    path = np.empty(n + 1, np.int64)
    keys = np.empty(4 * n + 16, np.int64)
    nodes = np.empty(4 * n + 16, np.int64)
    arrays = (starts, option_rows, columns, values, capacity, held, pr, pc)
    more = (column_starts, by_column, load, flow_c, first, holders, slot, state, deficit)
    scratch = (top, top_at, tallies, dist, done, parent, via, touched, path, keys, nodes)
    for k in range(len(breaking)):
        if not _search(breaking[k], arrays, more, scratch):
            return False, held, pr, pc, tallies[0]
    for r in range(n_r):  # the unmatched requests' potentials are the sink's
        if state[r] == 1:
            pr[r] = tallies[0]
    return True, held, pr, pc, tallies[0]


@numba.njit(cache=True, nogil=True)
def _let_go(c, r, first, load, holders, slot):
    # Consultant c lets request r go (its last holder takes r's slot).
    last = first[c] + load[c] - 1
    other = holders[last]
    holders[slot[r]] = other
    slot[other] = slot[r]
    holders[last], slot[r] = -1, -1
    load[c] -= 1


@numba.njit(cache=True, nogil=True)
def _take(c, r, a, first, load, holders, slot, held, state):
    # Request r takes consultant c by its option a.
    held[r], state[r] = a, 0
    slot[r] = first[c] + load[c]
    holders[slot[r]] = r
    load[c] += 1


@numba.njit(cache=True, nogil=True)
def _search(source, arrays, more, scratch):
    """Dijkstra's algorithm from `source` (a request without its unit) on the reduced costs
    to the nearest node owed a unit; the potentials of the nodes labelled closer rise by how
    much closer, and the unit goes along the path. False if no node owed a unit is reached
    (nothing changed)."""
    starts, _, columns, values, capacity, held, pr, pc = arrays
    _, _, load, flow_c, first, holders, _, _, deficit = more
    top, top_at, tallies, dist, done, parent, via, touched, path, keys, nodes = scratch
    n_r, n_c = len(starts) - 1, len(capacity)
    sink = n_r + n_c
    pt = tallies[0]
    dist[source] = 0
    touched[0], n_touched = source, 1
    size = _push(keys, nodes, 0, 0, source)
    # No node labelled at `bound` or more can come before the nearest deficit labelled.
    target, reach, bound = -1, 0, _INF
    while size > 0:
        d, i, size = _pop(keys, nodes, size)
        if done[i] or d > dist[i]:
            continue
        if (n_r <= i < sink and deficit[i - n_r] > 0) or (i == sink and tallies[1] > 0):
            done[i] = True
            target, reach = i, d
            break
        if d >= bound:
            continue
        done[i] = True
        # Each arc's labelling is written out where it is: as one compiled helper (a tuple of
        # the label arrays, three values back) it made the searches three times slower.
        if i < n_r:  # a request: its other options, and the sink
            for a in range(starts[i], starts[i + 1]):
                if a == held[i]:
                    continue
                j = n_r + columns[a]
                nd = d - values[a] - pr[i] + pc[columns[a]]
                if nd < bound and nd < dist[j] and not done[j]:
                    if dist[j] == _INF:
                        touched[n_touched] = j
                        n_touched += 1
                    dist[j], parent[j], via[j] = nd, i, a
                    size = _push(keys, nodes, size, nd, j)
                    if deficit[j - n_r] > 0:
                        bound = nd
            nd = d - pr[i] + pt
            if nd < bound and nd < dist[sink] and not done[sink]:
                if dist[sink] == _INF:
                    touched[n_touched] = sink
                    n_touched += 1
                dist[sink], parent[sink] = nd, i
                size = _push(keys, nodes, size, nd, sink)
                if tallies[1] > 0:
                    bound = nd
        elif i < sink:  # a consultant: back to the requests it holds, on to the sink
            c = i - n_r
            for s in range(first[c], first[c] + load[c]):
                r = holders[s]
                nd = d + values[held[r]] - pc[c] + pr[r]
                if nd < bound and nd < dist[r] and not done[r]:
                    if dist[r] == _INF:
                        touched[n_touched] = r
                        n_touched += 1
                    dist[r], parent[r] = nd, i
                    size = _push(keys, nodes, size, nd, r)
            nd = d - pc[c] + pt
            if flow_c[c] < capacity[c] and nd < bound and nd < dist[sink] and not done[sink]:
                if dist[sink] == _INF:
                    touched[n_touched] = sink
                    n_touched += 1
                dist[sink], parent[sink] = nd, i
                size = _push(keys, nodes, size, nd, sink)
                if tallies[1] > 0:
                    bound = nd
        else:  # the sink: to each consultant it feeds, or through an unmatched request
            for c in range(n_c):
                j = n_r + c
                if done[j]:
                    continue
                gain, a = -1, -1
                if flow_c[c] > 0:
                    gain = 0
                if top[c] > gain:
                    gain, a = top[c], top_at[c]
                if gain < 0:
                    continue
                nd = d - pt + pc[c] - gain
                if nd < bound and nd < dist[j]:
                    if dist[j] == _INF:
                        touched[n_touched] = j
                        n_touched += 1
                    dist[j], parent[j], via[j] = nd, i, a
                    size = _push(keys, nodes, size, nd, j)
                    if deficit[c] > 0:
                        bound = nd
    if target >= 0:
        for s in range(n_touched):  # potentials: each node labelled closer rises
            j = touched[s]
            if done[j] and dist[j] < reach:
                if j < n_r:
                    pr[j] += reach - dist[j]
                elif j < sink:
                    pc[j - n_r] += reach - dist[j]
                else:  # every unmatched request's potential is the sink's
                    tallies[0] += reach - dist[j]
        length = 0
        j = target
        while j != source:
            path[length] = j
            length += 1
            j = parent[j]
        path[length] = source
        _take_path(path, length, via, arrays, more, scratch)
    for s in range(n_touched):
        j = touched[s]
        dist[j], done[j], parent[j] = _INF, False, -1
    return target >= 0


@numba.njit(cache=True, nogil=True)
def _take_path(path, length, via, arrays, more, scratch):
    # The unit goes along path[length] (a request without its unit) .. path[0] (a node owed
    # one); via[j]: the option by which consultant j is entered (-1: the sink's own arc).
    starts, option_rows, columns, values, capacity, held, pr, _ = arrays
    column_starts, by_column, load, flow_c, first, holders, slot, state, deficit = more
    top, top_at, tallies = scratch[0], scratch[1], scratch[2]
    n_r, n_c = len(starts) - 1, len(capacity)
    sink = n_r + n_c
    target = path[0]
    if target == sink:
        tallies[1] -= 1
    else:
        deficit[target - n_r] -= 1
    # First each consultant on it lets its request go (so no consultant ever holds more than
    # its places), then each arc forward.
    for s in range(length, 0, -1):
        i, j = path[s], path[s - 1]
        if n_r <= i < sink and j < n_r:
            _let_go(i - n_r, j, first, load, holders, slot)
            held[j], state[j] = -1, 2
    joined, left = -1, -1  # the request that became unmatched, the one that stopped being
    for s in range(length, 0, -1):
        i, j = path[s], path[s - 1]
        if i < n_r and j < sink:  # the request takes the consultant
            _take(j - n_r, i, via[j], first, load, holders, slot, held, state)
        elif i < n_r:  # the request stays unmatched
            held[i], state[i] = -1, 1
            pr[i] = tallies[0]
            joined = i
        elif i < sink and j == sink:  # the consultant takes one more
            flow_c[i - n_r] += 1
        elif i == sink and via[j] >= 0:  # an unmatched request takes the consultant
            r = option_rows[via[j]]
            _take(j - n_r, r, via[j], first, load, holders, slot, held, state)
            pr[r] = tallies[0]
            left = r
        elif i == sink:  # a consultant takes one fewer
            flow_c[j - n_r] -= 1
    if left >= 0:
        for a in range(starts[left], starts[left + 1]):
            c = columns[a]
            if top_at[c] == a:
                _best_unmatched(
                    c, column_starts, by_column, option_rows, values, state, top, top_at
                )
    if joined >= 0:
        for a in range(starts[joined], starts[joined + 1]):
            c = columns[a]
            if values[a] > top[c] or (values[a] == top[c] and a < top_at[c]):
                top[c], top_at[c] = values[a], a
