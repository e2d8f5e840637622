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
    n_r = len(u)
    taken = rows[subset]
    starts = np.searchsorted(taken, np.arange(n_r + 1)).astype(np.int64)
    held = np.full(n_r, -1, dtype=np.int64)  # each request's option (a position in subset)
    held[rows[used]] = np.searchsorted(subset, used)
    ok, held, request_potential, consultant_potential, sink_potential = _mend(
        starts,
        columns[subset].astype(np.int64),
        values[subset].astype(np.int64),
        np.asarray(capacity, dtype=np.int64),
        held,
        -np.asarray(u, dtype=np.int64),
        np.asarray(v, dtype=np.int64).copy(),
        np.asarray(breaking, dtype=np.int64),
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
def _mend(starts, columns, values, capacity, held, pr, pc, breaking):
    # Nodes: requests 0..n_r-1, consultants n_r..n_r+n_c-1, the sink T. pr, pc, pt: the
    # potentials. state[r]: 0 holds a consultant, 1 unmatched (its unit to the sink),
    # 2 without its unit (a request being mended, or one on the path being augmented).
    n_r, n_c = len(starts) - 1, len(capacity)
    sink = n_r + n_c
    pt = 0
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
    unmatched = np.empty(n_r, np.int64)  # the requests in state 1, and where each is
    where = np.full(n_r, -1, np.int64)
    n_unmatched = 0
    for r in range(n_r):
        if held[r] >= 0:
            c = columns[held[r]]
            slot[r] = first[c] + filled[c]
            holders[slot[r]] = r
            filled[c] += 1
        else:
            state[r] = 1
            where[r] = n_unmatched
            unmatched[n_unmatched] = r
            n_unmatched += 1
    deficit = np.zeros(n_c, np.int64)
    sink_deficit = 0
    for k in range(len(breaking)):
        r = breaking[k]
        if state[r] == 0:  # it lets its consultant go; the consultant's unit is owed
            c = columns[held[r]]
            last = first[c] + load[c] - 1
            other = holders[last]
            holders[slot[r]] = other
            slot[other] = slot[r]
            holders[last], slot[r] = -1, -1
            load[c] -= 1
            deficit[c] += 1
        else:  # it was unmatched: the sink's unit is owed
            sink_deficit += 1
            other = unmatched[n_unmatched - 1]
            unmatched[where[r]] = other
            where[other] = where[r]
            where[r] = -1
            n_unmatched -= 1
        held[r], state[r] = -1, 2
        lowest = pt  # its potential: every arc out of it at a reduced cost >= 0
        for a in range(starts[r], starts[r + 1]):
            cost = -values[a] + pc[columns[a]]
            if cost < lowest:
                lowest = cost
        pr[r] = lowest

    n = sink + 1
    dist = np.full(n, _INF, np.int64)
    done = np.zeros(n, np.bool_)
    parent = np.full(n, -1, np.int64)
    via = np.full(n, -1, np.int64)  # the option into a consultant
    touched = np.empty(n, np.int64)
    path = np.empty(n + 1, np.int64)
    keys = np.empty(4 * n + 16, np.int64)
    nodes = np.empty(4 * n + 16, np.int64)
    for k in range(len(breaking)):
        source = breaking[k]
        n_touched, size = 1, 0
        dist[source] = 0
        touched[0] = source
        size = _push(keys, nodes, size, 0, source)
        target, reach = -1, 0
        while size > 0:
            d, i, size = _pop(keys, nodes, size)
            if done[i] or d > dist[i]:
                continue
            done[i] = True
            if (n_r <= i < sink and deficit[i - n_r] > 0) or (i == sink and sink_deficit > 0):
                target, reach = i, d
                break
            if i < n_r:  # a request: its other options, and the sink unless there
                for a in range(starts[i], starts[i + 1]):
                    if a == held[i]:
                        continue
                    j = n_r + columns[a]
                    nd = d - values[a] - pr[i] + pc[columns[a]]
                    if not done[j] and nd < dist[j]:
                        if dist[j] == _INF:
                            touched[n_touched] = j
                            n_touched += 1
                        dist[j], parent[j], via[j] = nd, i, a
                        size = _push(keys, nodes, size, nd, j)
                nd = d - pr[i] + pt
                if state[i] != 1 and not done[sink] and nd < dist[sink]:
                    if dist[sink] == _INF:
                        touched[n_touched] = sink
                        n_touched += 1
                    dist[sink], parent[sink] = nd, i
                    size = _push(keys, nodes, size, nd, sink)
            elif i < sink:  # a consultant: back to the requests it holds, on to the sink
                c = i - n_r
                for s in range(first[c], first[c] + load[c]):
                    r = holders[s]
                    nd = d + values[held[r]] - pc[c] + pr[r]
                    if not done[r] and nd < dist[r]:
                        if dist[r] == _INF:
                            touched[n_touched] = r
                            n_touched += 1
                        dist[r], parent[r] = nd, i
                        size = _push(keys, nodes, size, nd, r)
                nd = d - pc[c] + pt
                if flow_c[c] < capacity[c] and not done[sink] and nd < dist[sink]:
                    if dist[sink] == _INF:
                        touched[n_touched] = sink
                        n_touched += 1
                    dist[sink], parent[sink] = nd, i
                    size = _push(keys, nodes, size, nd, sink)
            else:  # the sink: back to the unmatched requests and the consultants it feeds
                for s in range(n_unmatched):
                    r = unmatched[s]
                    nd = d - pt + pr[r]
                    if not done[r] and nd < dist[r]:
                        if dist[r] == _INF:
                            touched[n_touched] = r
                            n_touched += 1
                        dist[r], parent[r] = nd, i
                        size = _push(keys, nodes, size, nd, r)
                for c in range(n_c):
                    j = n_r + c
                    nd = d - pt + pc[c]
                    if flow_c[c] > 0 and not done[j] and nd < dist[j]:
                        if dist[j] == _INF:
                            touched[n_touched] = j
                            n_touched += 1
                        dist[j], parent[j], via[j] = nd, i, -1
                        size = _push(keys, nodes, size, nd, j)
        if target < 0:
            return False, held, pr, pc, pt
        for s in range(n_touched):  # potentials: each node labelled closer rises
            j = touched[s]
            if done[j] and dist[j] < reach:
                if j < n_r:
                    pr[j] += reach - dist[j]
                elif j < sink:
                    pc[j - n_r] += reach - dist[j]
                else:
                    pt += reach - dist[j]
        if target == sink:
            sink_deficit -= 1
        else:
            deficit[target - n_r] -= 1
        length = 0
        j = target
        while j != source:
            path[length] = j
            length += 1
            j = parent[j]
        path[length] = source
        # The unit goes along the path: first each consultant lets its request go (so no
        # consultant ever holds more than its places), then each arc forward.
        for s in range(length, 0, -1):
            i, j = path[s], path[s - 1]
            if n_r <= i < sink and j < n_r:
                c = i - n_r
                last = first[c] + load[c] - 1
                other = holders[last]
                holders[slot[j]] = other
                slot[other] = slot[j]
                holders[last], slot[j] = -1, -1
                load[c] -= 1
                held[j], state[j] = -1, 2
        for s in range(length, 0, -1):
            i, j = path[s], path[s - 1]
            if i < n_r and j < sink:  # the request takes the consultant
                c = j - n_r
                held[i], state[i] = via[j], 0
                slot[i] = first[c] + load[c]
                holders[slot[i]] = i
                load[c] += 1
            elif i < n_r:  # the request stays unmatched
                held[i], state[i] = -1, 1
                where[i] = n_unmatched
                unmatched[n_unmatched] = i
                n_unmatched += 1
            elif i < sink and j == sink:  # the consultant takes one more
                flow_c[i - n_r] += 1
            elif i == sink and j < n_r:  # an unmatched request takes a consultant
                state[j] = 2
                other = unmatched[n_unmatched - 1]
                unmatched[where[j]] = other
                where[other] = where[j]
                where[j] = -1
                n_unmatched -= 1
            elif i == sink:  # a consultant takes one fewer
                flow_c[j - n_r] -= 1
        for s in range(n_touched):
            j = touched[s]
            dist[j], done[j], parent[j] = _INF, False, -1
    return True, held, pr, pc, pt
