"""Object permissions that follow the staff user's event scope."""

from events.scoping import event_in_scope
from semaine.admin.mixins import ScopedObjectsMixin


class ScopedEventsMixin(ScopedObjectsMixin):
    """Objects of an event (the event itself by default) are in scope with their event."""

    def _obj_event(self, obj):
        return obj

    def _in_scope(self, request, obj) -> bool:
        return obj is None or event_in_scope(request.user, self._obj_event(obj))
