"""A python3.11 process holding a million objects, for bench/py-heap.

usage: py-heap.py N

Makes N objects the gc tracks (half one-item lists, half instances of a class
with __slots__), then times gc.get_objects() here, in this process, and prints
"ready PID get_objects MEDIAN_MS MIN_MS COUNT", then blocks.
"""
import gc
import os
import statistics
import sys
import threading
import time


class Item:
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n


def main(n):
    kept = []
    for i in range(n // 2):
        kept.append([i])
        kept.append(Item(i))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        everything = gc.get_objects()
        times.append((time.perf_counter() - start) * 1000)
        count = len(everything)
        del everything
    print("ready %d get_objects %.3f %.3f %d"
          % (os.getpid(), statistics.median(times), min(times), count), flush=True)
    threading.Event().wait()
    return kept


if __name__ == "__main__":
    main(int(sys.argv[1]))
