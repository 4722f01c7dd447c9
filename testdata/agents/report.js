// Aggregate records, format them, and round-trip a JSON file.
const fs = require('fs');
const sales = [
  { region: 'north', month: '2024-01', amount: 1200.5 },
  { region: 'south', month: '2024-01', amount: 830 },
  { region: 'north', month: '2024-02', amount: 990.25 },
  { region: 'east', month: '2024-02', amount: 1500 },
  { region: 'south', month: '2024-03', amount: 410.75 },
];
const byRegion = sales.reduce((acc, s) => {
  (acc[s.region] ??= []).push(s.amount);
  return acc;
}, {});
for (const [region, amounts] of Object.entries(byRegion).sort()) {
  const total = amounts.reduce((a, b) => a + b, 0);
  console.log(`${region.padEnd(6)} ${String(amounts.length).padStart(2)} ${total.toFixed(2).padStart(9)}`);
}
const best = sales.toSorted?.((a, b) => b.amount - a.amount)[0] ?? [...sales].sort((a, b) => b.amount - a.amount)[0];
console.log('best:', best);
fs.writeFileSync('sales.json', JSON.stringify({ sales }, null, 2));
const back = JSON.parse(fs.readFileSync('sales.json', 'utf8'));
console.log(back.sales.length, Object.keys(back.sales[0]));
const months = new Map();
for (const s of sales) months.set(s.month, (months.get(s.month) || 0) + s.amount);
console.log(months);
console.log(new Set(sales.map((s) => s.region)));
console.log([1, [2, [3, [4]]]].flat(Infinity), Math.max(...sales.map((s) => s.amount)));
