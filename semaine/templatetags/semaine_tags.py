import datetime
import json
import re

import segno
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
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


# French typography: a no-break space before « : » and inside guillemets, a narrow one before
# « ; ! ? » (Imprimerie nationale); written-out hours (« 9 h 30 »).
_BEFORE_COLON = re.compile(r"\s+:")
_BEFORE_PUNCT = re.compile(r"(?<=\w)\s*([;!?])")
_AFTER_OPENING = re.compile(r"«\s*")
_BEFORE_CLOSING = re.compile(r"\s*»")


@register.filter
def french_spacing(text) -> str:
    """Text with the French spaces around punctuation made unbreakable."""
    text = _BEFORE_COLON.sub("\u00a0:", str(text))
    text = _BEFORE_PUNCT.sub("\u202f\\1", text)
    text = _AFTER_OPENING.sub("«\u00a0", text)
    return _BEFORE_CLOSING.sub("\u00a0»", text)


@register.filter
def french_time(value) -> str:
    """« 9 h », « 14 h 30 »."""
    if not isinstance(value, datetime.datetime | datetime.time):
        return ""
    return f"{value.hour}\u00a0h" + (f"\u00a0{value.minute:02d}" if value.minute else "")


@register.simple_tag
def qr_code(url: str, label: str):
    """A QR code of `url` as inline SVG (segno), named `label` for assistive technologies."""
    svg = segno.make(url, error="m").svg_inline(
        scale=3, border=2, title=label, svgclass="qr-code", lineclass=None, omitsize=True
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's SVG


@register.simple_tag
def facet_options(options, hide_empty=False):
    """The <option>s of a faceted <select>, « label (count) »: `options` as
    semaine.facets.facet_options gives them; `hide_empty` leaves out the options without rows
    (unless selected). One Python loop: as a template loop, the hundred departments and fifty
    trades of a listing's form took a fifth of a cold page's time."""
    separator = get_format("THOUSAND_SEPARATOR")  # as intcomma, in a tenth of its time
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({})</option>',
        (
            (value, SELECTED if selected else "", label, format(count, ",").replace(",", separator))
            for value, label, count, selected in options
            if count or selected or not hide_empty
        ),
    )


SELECTED = mark_safe(" selected")  # noqa: S308 - a constant
