"""One exception type for problems the user can fix; the CLI prints it as one line."""


class UserError(Exception):
    """Bad input, missing file, unopenable device: reported in one line, never as a traceback."""
