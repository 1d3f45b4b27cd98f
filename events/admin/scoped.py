"""Object permissions that follow the staff user's scope."""

from events.scoping import event_in_scope


class ScopedEventsMixin:
    """Object permissions that follow the user's scope: out of scope is as good as absent."""

    def _obj_event(self, obj):
        return obj

    def _in_scope(self, request, obj) -> bool:
        return obj is None or event_in_scope(request.user, self._obj_event(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)
