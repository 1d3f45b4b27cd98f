from events.models import Event
from semaine.models import Trade


def facet_options(filterset, facets) -> dict:
    """Options of each faceted field with their counts, e.g. ("76", "Occitanie", 42, True)."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {}) or {}
    options = {}
    for name in ("region", "departement", "metier", "public", "secteur"):
        selected = cleaned.get(name) or ""
        choices = form.fields[name].choices
        options[name] = [
            (value, label, facets.count(name, value), value == selected)
            for value, label in choices
            if value != ""
        ]
    for name, choices in (("type", Event.Type.choices), ("modalite", Event.Modalite.choices)):
        selected = cleaned.get(name) or []
        options[name] = [
            (value, label, facets.count(name, value), value in selected) for value, label in choices
        ]
    options["secteur"] = [
        (v, label, facets.count("secteur", v), v == cleaned.get("secteur"))
        for v, label in Trade.Sector.choices
    ]
    return options
