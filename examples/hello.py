# A first program for the sandbox: it can compute, print and use the
# workspace at /app, and nothing else.
import os
import platform
import sys

print(f"Hello from Python {platform.python_version()} on {sys.platform}")
with open("greeting.txt", "w") as f:
    f.write("written inside the sandbox\n")
print("the workspace /app holds:", sorted(os.listdir("/app")))
try:
    print("the host's root:", os.listdir("/"))
except OSError as e:
    print("the host's root is not visible:", e.strerror)
try:
    print(open("/etc/passwd").read())
except OSError as e:
    print("/etc/passwd is not visible:", e.strerror)
