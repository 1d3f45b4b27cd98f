"""Admin plumbing both apps use: links typed without a scheme, object permissions by scope."""

from django.db import models


class HttpsLinksMixin:
    """A link typed without a scheme is taken as https:// (Django 6's default, and the web's)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ScopedObjectsMixin:
    """Object permissions that follow the user's scope: out of scope is as good as absent.

    Subclasses say what is in scope with `_in_scope(request, obj)`.
    """

    def _in_scope(self, request, obj) -> bool:
        raise NotImplementedError

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)
