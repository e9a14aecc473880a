"""Killable query workers: a small pool of forked processes that share the loaded graph.

Why processes, and why our own pool: rdflib has no query time limit and a running query
cannot be interrupted from another thread, so the only way to stop a runaway query is to kill
the process that runs it. Each worker is forked from the serving process *after* the graph
is loaded, so the graph is shared copy-on-write and a fresh worker is ready at once; a worker
that overruns its time limit is killed (``SIGKILL``) and replaced by a new fork. Two workers
on two cores also give parallel service. A job is a small dict; a reply is whatever the
handler returns (bytes and headers), both sent through a pipe.

The pool is driven from the asyncio event loop of the server: no threads, so forking a
replacement from the running server is safe.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

Handler = Callable[[dict], Any]


class PoolError(Exception):
    """A job could not be answered by a worker; ``retry_after`` seconds is a fair wait."""

    retry_after: int = 1


class Busy(PoolError):
    """Too many jobs in flight (the concurrency limit), or no worker free in time."""


class JobTimeout(PoolError):
    """The job ran past the time limit; its worker was killed and replaced."""

    def __init__(self, message: str, elapsed: float) -> None:
        super().__init__(message)
        self.elapsed = elapsed


class WorkerDied(PoolError):
    """The worker exited while running the job (a crash, or out of memory)."""


@dataclass(eq=False)
class Worker:
    pid: int
    conn: Connection
    started: float = field(default_factory=time.monotonic)
    jobs: int = 0


def cut_network() -> bool:
    """Move this process into new user and network namespaces: no interface but a loopback
    that is down, so every connection fails in the kernel, native code's too (pyoxigraph's
    ``SERVICE`` client does not pass through Python's audit hook). Open pipes keep working.

    Only a single-threaded process can do it (a forked worker is). Returns whether it worked:
    kernels that refuse unprivileged user namespaces leave the process as it was.
    """
    import ctypes

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def _worker_main(
    conn: Connection, handler: Handler, parent: int, isolate: Callable[[], Any] | None = None
) -> None:
    """The loop a worker runs until its parent goes away: receive a job, send the reply."""
    signal.set_wakeup_fd(-1)  # the parent's event-loop wake-up pipe is not ours
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if isolate is not None:
        isolate()
    while True:
        if not conn.poll(1.0):
            if os.getppid() != parent:
                return
            continue
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = handler(job)
        except BaseException as exc:  # noqa: BLE001 — a worker must answer every job
            reply = exc
        try:
            conn.send(reply)
        except Exception as exc:  # unpicklable reply
            conn.send(RuntimeError(f"worker could not send its reply: {exc}"))


class WorkerPool:
    """``size`` forked workers; ``submit`` runs one job with a time limit.

    ``max_pending`` bounds the jobs in flight (running or waiting for a worker); past it,
    ``submit`` raises ``Busy`` at once. A job waits at most ``timeout`` seconds for a free
    worker (``Busy``) and then runs at most ``timeout`` seconds (``JobTimeout``). ``isolate``
    runs in each worker once, before its first job (``cut_network``).
    """

    def __init__(
        self,
        handler: Handler,
        size: int,
        timeout: float,
        max_pending: int,
        isolate: Callable[[], Any] | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.handler = handler
        self.isolate = isolate
        self.size = size
        self.timeout = timeout
        self.max_pending = max(1, max_pending)
        self.pending = 0
        self.killed = 0
        self._workers: list[Worker] = []
        self._idle: asyncio.Queue[Worker] | None = None
        self._spare: list[Worker] = []

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the workers (call before the event loop starts, or from inside it)."""
        while len(self._workers) < self.size:
            worker = self._spawn()
            self._workers.append(worker)
            self._spare.append(worker)

    def _spawn(self) -> Worker:
        parent_end, child_end = Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: keep only its own end of its own pipe
            code = 0
            try:
                parent_end.close()
                for other in self._workers:
                    other.conn.close()
                _worker_main(child_end, self.handler, parent, self.isolate)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        child_end.close()
        return Worker(pid, parent_end)

    def _queue(self) -> asyncio.Queue[Worker]:
        if self._idle is None:  # created lazily: it must belong to the running loop
            self._idle = asyncio.Queue()
            for worker in self._spare:
                self._idle.put_nowait(worker)
            self._spare.clear()
        return self._idle

    def _kill(self, worker: Worker) -> None:
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(worker.pid, 0)
        except ChildProcessError:
            pass
        worker.conn.close()
        if worker in self._workers:
            self._workers.remove(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` (if alive) and put a fresh fork in its place."""
        self._kill(worker)
        self.killed += 1
        fresh = self._spawn()
        self._workers.append(fresh)
        self._queue().put_nowait(fresh)

    def close(self) -> None:
        """Kill every worker (idempotent)."""
        for worker in list(self._workers):
            self._kill(worker)
        self._spare.clear()

    @property
    def pids(self) -> list[int]:
        return [w.pid for w in self._workers]

    # --- running jobs -----------------------------------------------------------------------

    async def submit(self, job: dict) -> Any:
        """Run ``job`` in a worker and return the handler's reply.

        Raises ``Busy``, ``JobTimeout`` or ``WorkerDied``; an exception raised by the handler
        in the worker is re-raised here.
        """
        if self.pending >= self.max_pending:
            raise Busy(f"server busy: {self.pending} queries in flight (limit {self.max_pending})")
        self.pending += 1
        try:
            return await self._run(job)
        finally:
            self.pending -= 1

    async def _run(self, job: dict) -> Any:
        loop = asyncio.get_running_loop()
        queue = self._queue()
        try:
            worker = await asyncio.wait_for(queue.get(), self.timeout)
        except TimeoutError:
            raise Busy(
                f"server busy: no query worker became free within {self.timeout:g} s"
            ) from None
        done: asyncio.Future[Any] = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if done.done():
                return
            try:
                done.set_result(worker.conn.recv())
            except (EOFError, OSError) as exc:
                done.set_exception(WorkerDied(f"query worker exited unexpectedly ({exc})"))

        start = time.monotonic()
        try:
            worker.conn.send(job)
        except OSError:
            self._replace(worker)
            raise WorkerDied("query worker was not available; try again") from None
        loop.add_reader(fd, readable)
        try:
            reply = await asyncio.wait_for(done, self.timeout)
        except TimeoutError:
            loop.remove_reader(fd)
            self._replace(worker)
            elapsed = time.monotonic() - start
            raise JobTimeout(
                f"query stopped: it ran longer than the {self.timeout:g} s time limit", elapsed
            ) from None
        except WorkerDied:
            self._replace(worker)
            raise
        except BaseException:  # cancelled (client went away): the worker is mid-job
            loop.remove_reader(fd)
            self._replace(worker)
            raise
        worker.jobs += 1
        queue.put_nowait(worker)
        if isinstance(reply, BaseException):
            raise reply
        return reply


# --- one job in one child, for the CLI -------------------------------------------------------


class TimeLimitExceeded(PoolError):
    """``call_with_time_limit``: the child ran past the limit and was killed."""


def call_with_time_limit(func: Callable[[], Any], timeout: float) -> Any:
    """Run ``func()`` in a forked child; return its result, or kill it after ``timeout`` s.

    Why a child: as in the pool, a running rdflib query cannot be stopped from inside the
    process. The result (or the exception ``func`` raised) comes back pickled through a pipe.
    Raises ``TimeLimitExceeded`` when the limit is hit and ``WorkerDied`` if the child exits
    without answering.
    """
    read_end, write_end = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            read_end.close()
            try:
                reply: tuple[str, Any] = ("ok", func())
            except BaseException as exc:  # noqa: BLE001 — every outcome goes back
                reply = ("error", exc)
            try:
                write_end.send(reply)
            except Exception as exc:  # unpicklable result or exception
                write_end.send(("error", RuntimeError(f"child could not send its reply: {exc}")))
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    write_end.close()
    try:
        if not read_end.poll(timeout):
            raise TimeLimitExceeded(f"stopped after the time limit of {timeout:g} s")
        try:
            kind, value = read_end.recv()
        except (EOFError, OSError):
            raise WorkerDied("the child process exited without an answer") from None
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        read_end.close()
    if kind == "error":
        raise value
    return value
