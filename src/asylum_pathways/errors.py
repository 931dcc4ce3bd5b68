"""User-facing errors: what went wrong, where, and what was expected."""


class UserError(Exception):
    """An error caused by input the user can fix; printed without a traceback.

    The message names the file, line or field, the offending value and what was expected.
    """


class ParameterError(UserError):
    """A parameter file (or scenario overlay) is invalid."""


class InputError(UserError):
    """An encounter record or file is invalid."""
