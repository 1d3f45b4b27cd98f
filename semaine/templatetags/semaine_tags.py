import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(value):
    """A schema.org data block; escaped like json_script so no text can close the tag."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))  # noqa: S308


@register.simple_tag(takes_context=True)
def with_place(context, commune) -> str:
    """The current listing's query string with `lieu` set to that commune (and page 1)."""
    query = context["request"].GET.copy()
    query["lieu"] = commune.label
    query.pop("page", None)
    return "?" + query.urlencode()


@register.filter
def distance(km) -> str:
    """« à 12 km », « à moins d'1 km »; nothing without a distance."""
    if not isinstance(km, int | float) or isinstance(km, bool):
        return ""
    return "à moins d'1 km" if km < 1 else f"à {round(km)} km"


@register.simple_tag
def query_with(data, **changes) -> str:
    """The query string of a listing's filters `data` with `changes` (None removes a filter),
    from page 1: the links of a search notice keep the other filters."""
    query = data.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


@register.simple_tag
def task_queue():
    """The task queue's figures (semaine.taskqueue), for the admin index."""
    from semaine.taskqueue import queue_figures

    return queue_figures()
