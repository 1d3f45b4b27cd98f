"""The week's programme of a selection: its events day by day, on a page and as a PDF poster.

The selection is the listing's (EventFilter), within the current edition unless `passes=1`
widens it to every edition. A programme holds MAX_EVENTS events at most: beyond, it is refused
with a message rather than built (a poster of thousands of events helps nobody, and building
its PDF would hold a web worker for minutes).
"""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.formats import date_format

from events.filters import EventFilter
from events.models import Event
from semaine.models import Edition

# About 2 s of a web worker for the PDF of 200 events (make bench-programme); it is then cached.
MAX_EVENTS = 200

# « Auvergne-Rhône-Alpes, job datings et forums »: the types as a poster names them.
TYPE_PLURALS = {
    Event.Type.REUNION_INFORMATION: "réunions d'information",
    Event.Type.FORUM: "forums",
    Event.Type.CONFERENCE: "conférences",
    Event.Type.ATELIER: "ateliers",
    Event.Type.SALON_EN_LIGNE: "salons en ligne",
    Event.Type.JOB_DATING: "job datings",
    Event.Type.VISITE_ENTREPRISE: "visites d'entreprise",
    Event.Type.PORTES_OUVERTES: "portes ouvertes",
}
MODALITE_WORDS = {
    Event.Modalite.PRESENTIEL: "sur place",
    Event.Modalite.DISTANCIEL: "en ligne",
    Event.Modalite.HYBRIDE: "sur place et en ligne",
}


@dataclass
class ProgrammeDay:
    date: datetime.date
    events: list[Event] = field(default_factory=list)
    heading: str = ""  # « Lundi 26 avril »


@dataclass
class Programme:
    edition: Edition | None  # None: every edition (passes=1), or no edition at all
    description: str  # the selection in words
    count: int  # events of the selection
    days: list[ProgrammeDay]  # empty when the selection is too large
    limit: int = MAX_EVENTS

    @property
    def too_large(self) -> bool:
        return self.count > self.limit

    @property
    def shows_years(self) -> bool:
        """Day headings name the year when the days are not all in the edition's year."""
        years = {day.date.year for day in self.days}
        return len(years) > 1 or bool(self.edition and years - {self.edition.year})


def programme_build(*, filterset: EventFilter, limit: int | None = None) -> Programme:
    """The selection's events grouped by local day, in time order; none when more than
    `limit` (MAX_EVENTS by default; the count then says how many)."""
    limit = MAX_EVENTS if limit is None else limit
    queryset = filterset.qs
    edition = None
    if not filterset.form.cleaned_data.get("passes"):
        edition = Edition.objects.current_cached()
        if edition is not None:
            queryset = queryset.filter(edition=edition)
    rows = list(queryset.for_listing().order_by("start", "pk")[: limit + 1])
    description = selection_description(filterset)
    if len(rows) > limit:
        return Programme(edition, description, queryset.count(), [], limit)
    days: dict[datetime.date, ProgrammeDay] = {}
    # Each event on the day and at the hour of its own place (overseas events in theirs).
    for event in sorted(rows, key=lambda e: (e.local_start.replace(tzinfo=None), e.title)):
        day = event.local_start.date()
        days.setdefault(day, ProgrammeDay(day)).events.append(event)
    built = Programme(edition, description, len(rows), list(days.values()), limit)
    for day in built.days:
        day.heading = day_heading(day.date, with_year=built.shows_years)
    return built


def selection_description(filterset: EventFilter) -> str:
    """The valid filters in words, for a poster's heading: « Auvergne-Rhône-Alpes, job
    datings »; « Tous les événements » without any."""
    territory: list[str] = []
    types: list[str] = []
    modes: list[str] = []
    others: list[str] = []
    for chip in filterset.chips():
        if chip.name == "region":
            territory.append(chip.label)
        elif chip.name == "departement":
            code, _, name = chip.label.partition(" – ")
            territory.append(f"{name} ({code})")
        elif chip.name == "lieu":
            territory.append(f"autour de {filterset.place.label} ({filterset.radius_km} km)")
        elif chip.name == "type":
            types.append(TYPE_PLURALS.get(chip.value, chip.label.lower()))
        elif chip.name == "modalite":
            modes.append(MODALITE_WORDS.get(chip.value, chip.label.lower()))
        elif chip.name in ("metier", "secteur", "public"):
            label = filterset.form.fields[chip.name].label.lower()
            others.append(f"{label} : {chip.label}")
        elif chip.name == "q":
            others.append(f"mots-clés {chip.label}")
        else:
            others.append(chip.label[0].lower() + chip.label[1:])
    parts = [*territory, *([_and(types)] if types else [])]
    parts += [*([" ou ".join(modes)] if modes else []), *others]
    if not parts:
        return "Tous les événements"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def day_heading(day: datetime.date, *, with_year: bool) -> str:
    """« Lundi 26 avril » (« Lundi 26 avril 2027 » when the programme spans years)."""
    text = date_format(day, "l j F Y" if with_year else "l j F")
    return text[0].upper() + text[1:]


def programme_pdf(*, context: dict) -> bytes:
    """The programme as an A4 PDF poster (WeasyPrint), from events/programme_pdf.html."""
    import weasyprint  # imported here: loading Pango costs time every other page can skip

    html = render_to_string("events/programme_pdf.html", context)
    return weasyprint.HTML(string=html).write_pdf()
