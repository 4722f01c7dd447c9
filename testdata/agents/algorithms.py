# Small algorithms of the kind agents write: graph search, DP, primes, heaps.
import heapq, itertools, math, functools, bisect
from fractions import Fraction

graph = {"A": {"B": 4, "C": 2}, "B": {"C": 5, "D": 10}, "C": {"E": 3}, "D": {"F": 11}, "E": {"D": 4}, "F": {}}
def dijkstra(src):
    dist, pq = {src: 0}, [(0, src)]
    while pq:
        d, u = heapq.heappop(pq)
        if d > dist[u]:
            continue
        for v, w in graph[u].items():
            if d + w < dist.get(v, math.inf):
                dist[v] = d + w
                heapq.heappush(pq, (d + w, v))
    return dist
print(sorted(dijkstra("A").items()))

@functools.lru_cache(maxsize=None)
def lcs(a, b):
    if not a or not b:
        return 0
    return 1 + lcs(a[1:], b[1:]) if a[0] == b[0] else max(lcs(a[1:], b), lcs(a, b[1:]))
print(lcs("AGGTABQWERTY", "GXTXAYBWRT"))

def primes(n):
    sieve = bytearray([1]) * (n + 1)
    sieve[:2] = b"\0\0"
    for i in range(2, math.isqrt(n) + 1):
        if sieve[i]:
            sieve[i*i::i] = bytearray(len(sieve[i*i::i]))
    return [i for i, p in enumerate(sieve) if p]
ps = primes(10000)
print(len(ps), ps[-3:], bisect.bisect_left(ps, 5000))
print(sum(Fraction(1, n) for n in range(1, 11)))
print(list(itertools.islice(itertools.accumulate(itertools.count(1)), 8)))
print(math.comb(52, 5), math.perm(10, 3), f"{math.pi:.10f}", 2 ** 100)
print(sorted(itertools.permutations("abc", 2))[:4], list(itertools.combinations(range(5), 3))[-1])
