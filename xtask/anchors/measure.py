"""Runs a command and prints its wall time in seconds and its peak resident memory in kilobytes,
as the kernel counted them (wait4's ru_maxrss), so both sides of a bench row are measured alike.

usage: measure.py COMMAND [ARG...]
"""

import resource
import subprocess
import sys
import time

started = time.perf_counter()
finished = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=False)
seconds = time.perf_counter() - started
sys.stdout.buffer.write(finished.stdout)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"measured {seconds:.6f} {peak}")
sys.exit(finished.returncode)
