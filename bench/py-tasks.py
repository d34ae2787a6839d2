"""A hung asyncio program for bench/py-tasks: N tasks, then the loop blocks.

usage: py-tasks.py N

Tasks come in groups of ten: a "group-G" task gathers nine "worker-G-K" tasks,
each suspended two coroutines deep in asyncio.sleep. Once all of them wait,
the main task blocks the loop in time.sleep and prints "ready PID".
"""
import asyncio
import os
import sys
import time


async def fetch(seconds):
    await asyncio.sleep(seconds)


async def worker():
    await fetch(3600)


async def group(g):
    await asyncio.gather(*(asyncio.create_task(worker(), name="worker-%d-%d" % (g, k))
                           for k in range(9)))


async def main(n):
    groups = [asyncio.create_task(group(g), name="group-%d" % g) for g in range(n // 10)]
    await asyncio.sleep(0.2)
    print("ready", os.getpid(), flush=True)
    time.sleep(3600)  # blocks the loop: every other task stays where it is
    await asyncio.gather(*groups)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
