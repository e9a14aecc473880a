"""A lock file that serialises writers of ``data/``.

Why: two ``diplokg add`` runs that read, merge and write the same file would lose one
another's facts. The lock is ``data/.diplokg.lock``, created with ``O_CREAT | O_EXCL`` (atomic
on local file systems) and holding the owner's PID, so a lock left by a crashed process can be
recognised (its PID is gone) and removed. Whoever takes the lock also removes the temp files
(``.NAME.*.tmp``) that a killed writer left in the folder: with the lock held, no live
process owns them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from .errors import LockError


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else -1


class DataLock:
    """``with DataLock(path):`` — wait (up to ``timeout`` seconds) for exclusive ownership."""

    def __init__(self, path: Path, timeout: float = 120.0, poll: float = 0.05) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.poll = poll
        self._held = False

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._remove_if_stale()
                if time.monotonic() > deadline:
                    raise LockError(
                        f"{self.path}: held by process {_owner(self.path)}; gave up after "
                        f"{self.timeout:g}s (remove the file if that process is gone)"
                    ) from None
                time.sleep(self.poll)
                continue
            except OSError as exc:
                raise LockError(f"{self.path}: cannot create lock: {exc.strerror}") from None
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(f"{os.getpid()}\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._held = True
            from .rdfio import clean_temp_files

            clean_temp_files(self.path.parent)  # left by a writer that was killed
            return

    def _remove_if_stale(self) -> None:
        """Remove the lock if its owner is dead.

        The lock is first renamed to a name of our own, so that of two processes seeing the
        same stale lock only one removes it; if the renamed file turns out to be a fresh lock
        (written between our read and our rename) it is put back.
        """
        pid = _owner(self.path)
        if pid is None or pid == -1 or _alive(pid):
            if pid == -1:
                # A lock being written right now has no PID yet; give it a moment.
                time.sleep(self.poll)
                if _owner(self.path) != -1:
                    return
            else:
                return
        grabbed = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}")
        try:
            os.rename(self.path, grabbed)
        except FileNotFoundError:
            return
        if _owner(grabbed) in (pid, -1, None):
            grabbed.unlink(missing_ok=True)
        else:
            try:
                os.link(grabbed, self.path)
            except FileExistsError:
                pass
            grabbed.unlink(missing_ok=True)

    def release(self) -> None:
        if self._held:
            self._held = False
            if _owner(self.path) == os.getpid():
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
