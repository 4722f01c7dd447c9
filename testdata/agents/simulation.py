# A seeded Monte Carlo simulation and a queue model.
import random, statistics
from collections import deque
rng = random.Random(42)
hits = sum(1 for _ in range(20000) if rng.random() ** 2 + rng.random() ** 2 <= 1)
print("pi ~", 4 * hits / 20000)
rolls = [rng.randint(1, 6) + rng.randint(1, 6) for _ in range(5000)]
print("mean", round(statistics.mean(rolls), 3), "stdev", round(statistics.stdev(rolls), 3), "mode", statistics.mode(rolls))
queue, served, waits, t = deque(), 0, [], 0
for t in range(1000):
    if rng.random() < 0.3:
        queue.append(t)
    if queue and rng.random() < 0.35:
        waits.append(t - queue.popleft())
        served += 1
print("served", served, "left", len(queue), "avg wait", round(sum(waits) / len(waits), 2))
deck = [r + s for s in "SHDC" for r in "A23456789TJQK"]
rng.shuffle(deck)
print(deck[:5], rng.choice(deck), rng.sample(range(100), 4))
print(rng.gauss(0, 1), rng.uniform(1, 2))
