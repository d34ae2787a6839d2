"""A hung Python process for bench/py-stacks: 8 threads, each blocked for ever
a few Python calls deep.

  main       main() -> join_all() -> thread.join() on worker-1 (never ends)
  worker-1   lock_outer() -> lock_middle() -> lock_wait(): Lock.acquire()
  worker-2   lock_outer() -> lock_middle() -> lock_wait(): Lock.acquire()
  worker-3   event_outer() -> event_middle() -> event_wait(): Event.wait()
  worker-4   event_outer() -> event_middle() -> event_wait(): Event.wait()
  worker-5   cond_outer() -> cond_middle() -> cond_wait(): Condition.wait()
  worker-6   sleep_outer() -> sleep_middle() -> sleep_loop(): time.sleep(1) loop
  worker-7   sleep_outer() -> sleep_middle() -> sleep_loop(): time.sleep(1) loop

Prints "ready PID" (flushed) once every worker has reached its innermost
function, then the main thread blocks too. Run with /usr/bin/python3.11.
bench/py-stacks checks the stacks it is shown against the lines marked
"# blocks here" below.
"""
import os
import threading
import time

HELD = threading.Lock()
HELD.acquire()                  # never released: lock_wait() blocks for ever
NEVER = threading.Event()       # never set: event_wait() blocks for ever
COND = threading.Condition()    # never notified
ARRIVED = threading.Semaphore(0)


def lock_wait():
    ARRIVED.release()
    HELD.acquire()  # blocks here


def lock_middle():
    lock_wait()


def lock_outer():
    lock_middle()


def event_wait():
    ARRIVED.release()
    NEVER.wait()  # blocks here


def event_middle():
    event_wait()


def event_outer():
    event_middle()


def cond_wait():
    with COND:
        ARRIVED.release()
        while True:
            COND.wait()  # blocks here


def cond_middle():
    cond_wait()


def cond_outer():
    cond_middle()


def sleep_loop():
    ARRIVED.release()
    while True:
        time.sleep(1)  # blocks here


def sleep_middle():
    sleep_loop()


def sleep_outer():
    sleep_middle()


TARGETS = [lock_outer, lock_outer, event_outer, event_outer, cond_outer,
           sleep_outer, sleep_outer]


def join_all(threads):
    for t in threads:
        t.join()  # blocks here


def main():
    threads = [threading.Thread(target=f, name='worker-%d' % (i + 1), daemon=True)
               for i, f in enumerate(TARGETS)]
    for t in threads:
        t.start()
    for _ in threads:
        ARRIVED.acquire()
    # Each worker released ARRIVED just before its blocking call: give them
    # a moment to get into it.
    time.sleep(0.2)
    print('ready', os.getpid(), flush=True)
    join_all(threads)


if __name__ == '__main__':
    main()
