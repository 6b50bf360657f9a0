"""Runs a command and prints its wall time and CPU time (user and system) in seconds and its peak
resident memory in kilobytes, as the kernel counted them for the child (wait4's rusage), so both
sides of a bench row are measured alike.

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
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"measured {seconds:.6f} {usage.ru_utime + usage.ru_stime:.6f} {usage.ru_maxrss}")
sys.exit(finished.returncode)
