"""Errors that carry the exit code PRODUCT.md promises; app.py is the only place that prints them."""

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    ACTION = 1  # check/reorder found something to act on
    USAGE = 2
    INVALID = 3  # invalid input, nothing written
    REFUSED = 4  # refused by a business rule
    DATABASE = 5  # locked past the timeout, not a ledger, failed integrity check


class DaigouError(Exception):
    code = Exit.INVALID

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageProblem(DaigouError):
    """An option value the command does not take (like --format xml): a usage error."""

    code = Exit.USAGE


class InvalidInput(DaigouError):
    code = Exit.INVALID


class Refused(DaigouError):
    code = Exit.REFUSED


class DatabaseProblem(DaigouError):
    code = Exit.DATABASE
