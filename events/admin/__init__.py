"""The admin of agency staff: events, registrations, organisers, each scoped to the user.

Scope (events/scoping.py) is enforced on every entry point: querysets (lists, change, delete,
history and export views all go through `get_queryset`), object permissions, foreign-key choices,
the form's own validation, imports and the registrants' CSV export.
"""

from events.admin import audit, events, people, proposals, registrations  # noqa: F401 - registers the admins
