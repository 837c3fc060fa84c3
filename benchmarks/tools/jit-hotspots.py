#!/usr/bin/env python3
"""Instruction-level hot spots of JIT-compiled .NET methods in running processes (Linux, perf).

`perf annotate` cannot show JIT code on its own; this samples the whole machine with perf, copies the machine code
of the named methods out of the live processes (/proc/PID/mem, at the addresses in their /tmp/perf-PID.map), and
prints each method's instructions with the samples that fell on them.

The processes must run with   DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0
(the map; and code not double-mapped, so that perf attributes samples to the map's addresses) and must still run
when this script ends its sampling. Needs perf and objdump. Samples land one instruction or two after the one that
waited (skid), so read a hot instruction together with the load just before it.

Usage: jit-hotspots.py SECONDS PID[,PID...] PATTERN [PATTERN...]
  e.g. jit-hotspots.py 5 $(pgrep -d, -f 'actors-(server|client)') 'RemoteActorRefProvider::Send(' 'ActorCell::Invoke('
"""
import collections
import os
import re
import subprocess
import sys
import tempfile


def method(pid, pattern):
    """(start, size, name) of the last optimized (tier-1) version of the method, or None."""
    found = None
    with open(f"/tmp/perf-{pid}.map") as lines:
        for line in lines:
            start, size, name = line.rstrip("\n").split(" ", 2)
            if pattern in name and "OptimizedTier1" in name:
                found = (int(start, 16), int(size, 16), name)
    return found


def disassemble(pid, start, size, work):
    with open(f"/proc/{pid}/mem", "rb") as mem:
        mem.seek(start)
        code = mem.read(size)
    path = os.path.join(work, f"{pid}-{start:x}.bin")
    with open(path, "wb") as out:
        out.write(code)
    text = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", f"--adjust-vma=0x{start:x}", path],
                          capture_output=True, text=True, check=True).stdout
    return [(int(m.group(1), 16), m.group(2).strip()) for m in (re.match(r"\s*([0-9a-f]+):\s*(.*)", l) for l in text.splitlines()) if m]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    seconds, pids, patterns = float(sys.argv[1]), sys.argv[2].split(","), sys.argv[3:]
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "perf.data")
        subprocess.run(["perf", "record", "-a", "-F", "4999", "-o", data, "--", "sleep", str(seconds)], check=True, capture_output=True)
        methods = {(pid, pattern): method(pid, pattern) for pid in pids for pattern in patterns}
        samples = collections.Counter()
        total = collections.Counter()
        script = subprocess.run(["perf", "script", "-i", data, "-F", "pid,ip"], capture_output=True, text=True).stdout
        for line in script.splitlines():
            parts = line.split()
            if len(parts) == 2:
                total[parts[0]] += 1
                samples[(parts[0], int(parts[1], 16))] += 1
        for (pid, pattern), found in methods.items():
            if found is None:
                print(f"== pid {pid}: no tier-1 method matches {pattern!r}")
                continue
            start, size, name = found
            listing = disassemble(pid, start, size, work)
            inside = sum(samples[(pid, address)] for address, _ in listing)
            print(f"== pid {pid}: {name}\n   {inside} of the process's {total[pid]} samples ({100 * inside / max(1, total[pid]):.1f}%), {size} bytes of code")
            for address, instruction in listing:
                count = samples[(pid, address)]
                print(f"{count if count else '':>6} +0x{address - start:04x}  {instruction[:100]}")


if __name__ == "__main__":
    main()
