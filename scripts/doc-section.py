#!/usr/bin/env python3
"""Put the text on stdin into FILE between <!-- bench:NAME:begin --> and <!-- bench:NAME:end -->,
replacing what was there (or appending it under "## HEADING"), and echo it. Used by the bench
scripts to keep docs/performance.md current."""
import os
import re
import sys

path, name, heading = sys.argv[1:4]
section = sys.stdin.read().rstrip("\n")
doc = open(path).read() if os.path.exists(path) else "# Performance\n"
begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
block = f"{begin}\n{section}\n{end}"
if begin in doc:
    doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
else:
    doc = doc.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
with open(path, "w") as f:
    f.write(doc)
print(section)
