"""The selection an export, a feed or a partner's link carries: the listing's valid filters."""

import datetime

from django.utils.http import urlencode

from events.filters import EventFilter
from events.serializers import with_trades

FORMATS = ("csv", "xlsx", "ics", "json")


def export_queryset(filterset: EventFilter):
    """The rows of the listing page for these filters (all pages), ready to be written out."""
    return with_trades(filterset.qs)


def export_query(filterset: EventFilter) -> str:
    """Query string of the filters the page actually applied (invalid values are left out).

    The page ignores an invalid value while exports refuse it: links built from the valid
    values give exactly the rows the person saw.
    """
    if not filterset.is_bound:
        return ""
    filterset.errors  # noqa: B018 - runs validation, fills cleaned_data
    cleaned = filterset.form.cleaned_data
    pairs: list[tuple[str, str]] = []
    for name in filterset.filters:
        if name in filterset.form.errors:
            continue
        value = cleaned.get(name)
        if value in (None, "", [], False):
            continue
        if value is True:
            pairs.append((name, "1"))
        elif isinstance(value, list | tuple):
            pairs.extend((name, str(v)) for v in value)
        elif isinstance(value, datetime.date):
            pairs.append((name, value.isoformat()))
        else:
            pairs.append((name, str(value)))
    return urlencode(pairs)
