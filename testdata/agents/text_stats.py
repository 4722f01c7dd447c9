# Word frequencies, regex extraction and text wrapping.
import re, textwrap, string
from collections import Counter
text = """The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs!
Contact: alice@example.com, bob.smith@example.org on 2024-03-15 and 2024-11-02.
Prices rose 12.5% in Q1 and 3% in Q2, totalling $1,234.56."""
words = re.findall(r"[a-z']+", text.lower())
print(len(words), "words,", len(set(words)), "distinct")
print(Counter(words).most_common(3))
print(re.findall(r"[\w.]+@[\w.]+\.\w+", text))
print([tuple(map(int, d.split("-"))) for d in re.findall(r"\d{4}-\d{2}-\d{2}", text)])
print(re.sub(r"(\d+(?:\.\d+)?)%", lambda m: f"{float(m.group(1)) / 100:.3f}", text.splitlines()[2]))
print(textwrap.fill(text.splitlines()[0], width=30))
print(text.translate(str.maketrans("", "", string.punctuation))[:40])
print("title:", "an agent wrote this".title(), "|", "x".center(9, "*"))
