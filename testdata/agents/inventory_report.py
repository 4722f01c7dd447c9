# Summarise a small inventory: group, aggregate, format a table, write CSV.
import csv, io, json, statistics
from collections import defaultdict, Counter
from dataclasses import dataclass, asdict
from decimal import Decimal, ROUND_HALF_UP

@dataclass
class Item:
    sku: str
    category: str
    qty: int
    price: Decimal

raw = """sku,category,qty,price
A-1,tools,12,3.50
A-2,tools,3,12.99
B-1,garden,40,0.75
B-2,garden,7,19.95
C-1,kitchen,15,4.25
C-2,kitchen,0,89.00
C-3,kitchen,22,2.10"""
items = [Item(r["sku"], r["category"], int(r["qty"]), Decimal(r["price"])) for r in csv.DictReader(io.StringIO(raw))]
by_cat = defaultdict(list)
for it in items:
    by_cat[it.category].append(it)
print(f"{'category':<10}{'items':>6}{'units':>7}{'value':>10}")
for cat in sorted(by_cat):
    its = by_cat[cat]
    value = sum(i.qty * i.price for i in its).quantize(Decimal("0.01"), ROUND_HALF_UP)
    print(f"{cat:<10}{len(its):>6}{sum(i.qty for i in its):>7}{value:>10}")
print("median price:", statistics.median(i.price for i in items))
print("out of stock:", [i.sku for i in items if i.qty == 0])
print(Counter(i.category for i in items).most_common(1))
with open("report.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sku", "value"])
    for i in sorted(items, key=lambda i: i.qty * i.price, reverse=True):
        w.writerow([i.sku, f"{i.qty * i.price:.2f}"])
print(open("report.csv").read().splitlines()[:3])
print(json.dumps(asdict(items[0]), default=str, sort_keys=True))
