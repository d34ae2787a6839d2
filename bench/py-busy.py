"""A busy Python service for bench/py-profile: 8 threads, 7 computing for ever.

  main       prints "ready PID", then every 0.1 s the work done so far
             ("done N", N rounds of compute() in all threads)
  worker-0..worker-6: run() -> compute() ->
             square_sum(), pure Python arithmetic, each holding the GIL in
             turn

The rate of "done" is what the benchmark compares with and without a
profiler attached: the profiler's cost to the program.
"""
import os
import sys
import threading
import time

done = [0] * 7


def square_sum(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def compute(k):
    return square_sum(200 + k) + square_sum(100)


def run(slot):
    while True:
        compute(slot)
        done[slot] += 1


def main():
    for slot in range(7):
        threading.Thread(target=run, args=(slot,), name="worker-%d" % slot, daemon=True).start()
    time.sleep(0.2)
    print("ready", os.getpid(), flush=True)
    while True:
        time.sleep(0.1)
        print("done", sum(done), flush=True)


if __name__ == "__main__":
    sys.exit(main())
