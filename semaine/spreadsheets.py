"""Cells of the spreadsheets the site writes: CSV exports of events and of registrants."""

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection"): = + - @, and a
# tab or a carriage return, which some strip before looking at the next character.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value) -> str:
    """A text cell a spreadsheet could take for a formula gets a leading apostrophe.

    `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)` typed into an event's title or a registrant's
    name must stay text when an organiser or a partner opens the file. None is an empty cell.
    """
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text
