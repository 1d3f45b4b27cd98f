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


class FrenchTitlesMixin:
    """Pages named in French. Django builds its titles from the model's name (« Ajout de %s »,
    « Modification de %s », « Sélectionnez l'objet %s à changer »), which reads wrong for most
    French nouns (« Ajout de événement »): each admin names its pages instead. An empty title
    keeps Django's."""

    title_changelist = ""  # « Événements »
    title_add = ""  # « Nouvel événement »
    title_change = ""  # « Modifier l'événement »
    title_view = ""  # « Événement » (seen by someone who may not change it)

    def changelist_view(self, request, extra_context=None):
        if self.title_changelist:
            extra_context = {"title": self.title_changelist, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            title = self.title_add
        elif self.has_change_permission(request, obj):
            title = self.title_change
        else:
            title = self.title_view
        if title:
            context["title"] = title
        return super().render_change_form(request, context, add, change, form_url, obj)
