"""Domain exceptions and the exit-code contract.

Why here: the library raises these and never calls ``sys.exit``; the CLI turns them into exit
codes in exactly one place (``cli.main``). The contract, for scripts and CI:

* 0 — success, or the facts conform;
* 1 — facts rejected: SHACL violations (``ViolationsError``);
* 2 — unreadable input or usage error: a missing or malformed file, an unknown query, term or
  parameter, an ill-typed parameter value, a lock that cannot be taken, a refused query
  (``SERVICE``, ``FROM``, Update), and a limit hit: a query past ``--timeout``
  (``TimeLimitError``), OWL RL inference past its triple or time cap (``InferenceLimitError``).
  A limit is neither a violation nor, strictly, bad input, but the contract has no other code
  and the message says which limit was hit.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes ``diplokg`` promises."""

    OK = 0
    REJECTED = 1
    USAGE = 2


class DiplokgError(Exception):
    """Base of every error the toolkit raises on purpose; carries its exit code."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(DiplokgError):
    """An input cannot be read: missing file, bad Turtle or SPARQL, ill-typed literal.

    The message starts with ``file:line:column:`` when a position is known.
    """


class HomeError(InputError):
    """No usable diplokg home (ontology, data, queries) was found."""


class QueryNotFoundError(InputError):
    """A query name that is neither a saved query nor a readable ``.rq`` file."""


class QueryParameterError(DiplokgError):
    """A ``-p KEY=VALUE`` that is unknown, missing, malformed or ill-typed."""


class UnknownTermError(DiplokgError):
    """``describe`` was given a term that the graph does not mention."""


class FormatError(DiplokgError):
    """An output format that does not fit the query form (e.g. Turtle for a SELECT)."""


class QueryRefusedError(InputError):
    """A query that would reach outside the graph (``SERVICE``, ``FROM``, ``LOAD``, Update)."""


class TimeLimitError(DiplokgError):
    """A query ran past its time limit and was stopped (its process was killed)."""


class InferenceLimitError(DiplokgError):
    """OWL RL inference grew past its triple cap or ran past its time limit."""


class SandboxError(DiplokgError):
    """The process guard refused a file open, a connection or a program start."""


class LockError(DiplokgError):
    """The data lock is held by a live process for longer than we are willing to wait."""


class ViolationsError(DiplokgError):
    """New facts were rejected because they introduce SHACL violations.

    ``report`` is the ``validation.ValidationReport`` so the caller can print it.
    """

    exit_code = ExitCode.REJECTED

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report
