# A first program for the sandbox: it can compute, print and use the
# workspace at /app, and nothing else.
import os
import platform
import sys

print(f"Hello from Python {platform.python_version()} on {sys.platform}")
with open("greeting.txt", "w") as f:
    f.write("written inside the sandbox\n")
print("workspace /app holds:", sorted(os.listdir("/app")))
print("the host's root is not visible:", sorted(os.listdir("/")))
