"""Figures of the events: the home page's key figures, and the admin dashboard's."""

import dataclasses

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from events.models import QUESTIONS, Event, Registration, SurveyAnswer, WalkIn
from semaine import cartogram
from semaine.models import Edition, Region

BAR_WIDTH = 300  # px of the longest bar of a chart
FILL_ROWS = 30  # events in the fill-rate table, fullest first


@dataclasses.dataclass
class Bar:
    label: str
    value: int
    width: int = 0
    y: int = 0


def bars(rows: list[tuple[str, int]], row_height: int = 28) -> dict:
    """Geometry of a horizontal bar chart, drawn in SVG by the template."""
    top = max((value for _, value in rows), default=0)
    items = []
    for i, (label, value) in enumerate(rows):
        width = round(BAR_WIDTH * value / top) if top else 0
        items.append(Bar(label, value, max(width, 1 if value else 0), i * row_height))
    return {"bars": items, "height": max(len(items) * row_height, row_height)}


def _by_choice(events, field: str, choices) -> list[tuple[str, int]]:
    counts = dict(events.values_list(field).annotate(n=Count("id")).order_by())
    return [(label, counts.get(value, 0)) for value, label in choices]


def _seats(live) -> dict[str, int]:
    """Seats offered and taken, on site and online, and the events without a seat limit."""
    seats = live.aggregate(
        onsite_offered=Sum("capacity_onsite", filter=~Q(modalite=Event.Modalite.DISTANCIEL)),
        online_offered=Sum("capacity_online", filter=~Q(modalite=Event.Modalite.PRESENTIEL)),
        onsite_taken=Sum("confirmed_onsite"),
        online_taken=Sum("confirmed_online"),
        unlimited=Count("id", filter=Event.NO_SEAT_LIMIT),
    )
    return {key: value or 0 for key, value in seats.items()}


def _fullest(live) -> list[tuple[Event, int]]:
    """The events with a seat limit, fullest first, with their fill rate in %."""
    fullest = (
        live.with_seat_limit()
        .select_related("organiser", "department")
        .annotate(
            rate=ExpressionWrapper(F("taken") * 100.0 / F("capacity"), output_field=FloatField())
        )
        .order_by("-rate", "start", "id")[:FILL_ROWS]
    )
    return [(event, round(event.rate)) for event in fullest]


def _registrations_per_day(registrations, edition: Edition | None) -> list:
    """(day, confirmed registrations to that day's events) for each day of the edition."""
    if not edition:
        return []
    counts = dict(
        registrations.confirmed()
        .annotate(day=TruncDate("event__start"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(day, counts.get(day, 0)) for day in edition.days]


TURNOUT_EVENT_ROWS = 50  # events in the turnout table, most no-shows first


@dataclasses.dataclass
class Turnout:
    """Who came to finished events: registrants present, absent (no-shows), not recorded, and
    walk-ins. The rates are over the recorded registrants only: an unrecorded one is neither."""

    label: str
    present: int = 0
    absent: int = 0
    unrecorded: int = 0
    walk_ins: int = 0
    event_id: int | None = None

    @property
    def recorded(self) -> int:
        return self.present + self.absent

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.present / self.recorded) if self.recorded else None

    @property
    def no_show_rate(self) -> int | None:
        return round(100 * self.absent / self.recorded) if self.recorded else None

    @property
    def arrived(self) -> int:
        return self.present + self.walk_ins


def _turnout_by(registrations, walk_ins, key: str, label: str) -> list[Turnout]:
    """Turnout grouped by `key` (a field path from a registration), labelled by `label`."""
    attendance = Registration.Attendance
    rows = (
        registrations.values(key, label)
        .annotate(
            present=Count("id", filter=Q(attendance=attendance.PRESENT)),
            absent=Count("id", filter=Q(attendance=attendance.ABSENT)),
            unrecorded=Count("id", filter=Q(attendance=attendance.UNRECORDED)),
        )
        .order_by()
    )
    groups = {
        row[key]: Turnout(
            label=row[label] or "—",
            present=row["present"],
            absent=row["absent"],
            unrecorded=row["unrecorded"],
        )
        for row in rows
    }
    for row in walk_ins.values(key, label).annotate(n=Count("id")).order_by():
        group = groups.setdefault(row[key], Turnout(label=row[label] or "—"))
        group.walk_ins = row["n"]
    for group_key, group in groups.items():
        if key == "event_id":
            group.event_id = group_key
    return list(groups.values())


def turnout_figures(events, registrations, now=None) -> dict:
    """Turnout and no-shows of the finished events of `events` (scoped, not cancelled): for the
    whole selection, per region, per organiser and per event; and the events whose attendance
    was not (fully) recorded, to be completed."""
    finished = events.not_cancelled().past(now)
    confirmed = registrations.confirmed().filter(event__in=finished)
    walk_ins = WalkIn.objects.filter(event__in=finished)
    total = _turnout_by(
        confirmed.annotate(all=Value(1), all_label=Value("Total")),
        walk_ins.annotate(all=Value(1), all_label=Value("Total")),
        "all",
        "all_label",
    )
    per_event = _turnout_by(confirmed, walk_ins, "event_id", "event__title")
    incomplete = (
        finished.filter(
            pk__in=confirmed.attendance_unrecorded().values("event_id"),
        )
        .select_related("organiser")
        .annotate(
            unrecorded=Count(
                "registrations",
                filter=Q(
                    registrations__status=Registration.Status.CONFIRMED,
                    registrations__attendance=Registration.Attendance.UNRECORDED,
                ),
            )
        )
        .order_by("start", "id")
    )
    return {
        "turnout_total": total[0] if total else Turnout(label="Total"),
        "turnout_regions": sorted(
            _turnout_by(confirmed, walk_ins, "event__region_id", "event__region__name"),
            key=lambda t: t.label,
        ),
        "turnout_organisers": sorted(
            _turnout_by(confirmed, walk_ins, "event__organiser_id", "event__organiser__name"),
            key=lambda t: t.label,
        ),
        "turnout_events": sorted(per_event, key=lambda t: (-t.absent, t.label))[
            :TURNOUT_EVENT_ROWS
        ],
        "attendance_unrecorded": list(incomplete[:TURNOUT_EVENT_ROWS]),
        "attendance_unrecorded_count": incomplete.count(),
    }


@dataclasses.dataclass
class SurveyRow:
    label: str
    counts: list[int]
    event_id: int | None = None


def survey_figures(events) -> dict:
    """The follow-up survey's answers to `events` (scoped): one column per possible answer,
    for the whole selection, per organiser and per event."""
    columns = [
        (question, answer, f"{label} — {answer_label}")
        for question, (label, answers) in QUESTIONS.items()
        for answer, answer_label in answers.items()
    ]
    answers = SurveyAnswer.objects.filter(event__in=events)

    def rows(key: str, label: str) -> list[SurveyRow]:
        grouped: dict = {}
        for row in answers.values(key, label, "question", "answer").annotate(n=Count("id")):
            grouped.setdefault((row[key], row[label]), {})[(row["question"], row["answer"])] = row[
                "n"
            ]
        return sorted(
            (
                SurveyRow(
                    label=name or "—",
                    counts=[counts.get((q, a), 0) for q, a, _ in columns],
                    event_id=group_key if key == "event_id" else None,
                )
                for (group_key, name), counts in grouped.items()
            ),
            key=lambda r: r.label,
        )

    total = {
        (q, a): n
        for q, a, n in answers.values_list("question", "answer").annotate(n=Count("id")).order_by()
    }
    return {
        "survey_columns": [label for _, _, label in columns],
        "survey_total": SurveyRow("Total", [total.get((q, a), 0) for q, a, _ in columns]),
        "survey_answers": sum(total.values()),
        "survey_organisers": rows("event__organiser_id", "event__organiser__name"),
        "survey_events": rows("event_id", "event__title")[:TURNOUT_EVENT_ROWS],
    }


# -- the regional view: fill rate, registrations and turnout by organiser and department ------


@dataclasses.dataclass
class GroupFigures:
    """One line of the regional table: an organiser's (or a department's) events and people.

    `offered` and `taken` count the seats of the events not cancelled that limit theirs (taken
    includes seats held by registrations awaiting their address's confirmation, as the public
    counters do); `confirmed` and `waitlisted` are registrations to any of the group's events;
    `present` and `absent` the attendance recorded of the confirmed ones."""

    key: object
    label: str
    events: int = 0
    published: int = 0
    offered: int = 0
    taken: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    present: int = 0
    absent: int = 0
    at_risk: int = 0
    is_total: bool = False

    @property
    def fill_rate(self) -> int | None:
        return round(100 * self.taken / self.offered) if self.offered else None

    @property
    def attendance_rate(self) -> int | None:
        recorded = self.present + self.absent
        return round(100 * self.present / recorded) if recorded else None


# What a regional table groups by: (event field, its label's path, the heading).
GROUPINGS = {
    "organisateur": ("organiser_id", "organiser__name", "Organisateur"),
    "departement": ("department_id", "department__name", "Département"),
}
NO_DEPARTMENT = "En ligne (sans département)"

EXPORT_HEADERS = [
    "Événements",
    "Publiés",
    "Places offertes",
    "Places prises",
    "Taux de remplissage (%)",
    "Inscriptions confirmées",
    "Liste d'attente",
    "Présent·es",
    "Absent·es",
    "Taux de présence (%)",
    "À surveiller",
]


def group_label(grouping: str, key, name: str | None) -> str:
    if grouping == "departement":
        return f"{key} – {name}" if key else NO_DEPARTMENT
    return name or "—"


def group_figures(events, registrations, grouping: str, now=None) -> list[GroupFigures]:
    """The regional table: one line per organiser or per department (`grouping`, a key of
    GROUPINGS) of `events` and `registrations`, already scoped and narrowed to an edition;
    sorted by label. Four grouped queries, whatever the number of lines."""
    field, name, _ = GROUPINGS[grouping]
    rows: dict = {}

    def row(key, label_name) -> GroupFigures:
        if key not in rows:
            rows[key] = GroupFigures(key=key, label=group_label(grouping, key, label_name))
        return rows[key]

    published = Event.Status.PUBLISHED
    for values in (
        events.values(field, name)
        .annotate(n=Count("id"), published=Count("id", filter=Q(status=published)))
        .order_by()
    ):
        line = row(values[field], values[name])
        line.events, line.published = values["n"], values["published"]
    seats = (
        events.not_cancelled()
        .with_seat_limit()
        .values(field, name)
        .annotate(offered=Sum("capacity"), taken=Sum("taken"))
        .order_by()
    )
    for values in seats:
        line = row(values[field], values[name])
        line.offered, line.taken = values["offered"], values["taken"]
    status, attendance = Registration.Status, Registration.Attendance
    people = (
        registrations.values(f"event__{field}", f"event__{name}")
        .annotate(
            confirmed=Count("id", filter=Q(status=status.CONFIRMED)),
            waitlisted=Count("id", filter=Q(status=status.WAITLISTED)),
            present=Count("id", filter=Q(status=status.CONFIRMED, attendance=attendance.PRESENT)),
            absent=Count("id", filter=Q(status=status.CONFIRMED, attendance=attendance.ABSENT)),
        )
        .order_by()
    )
    for values in people:
        line = row(values[f"event__{field}"], values[f"event__{name}"])
        line.confirmed, line.waitlisted = values["confirmed"], values["waitlisted"]
        line.present, line.absent = values["present"], values["absent"]
    for values in events.at_risk(now).values(field, name).annotate(n=Count("id")).order_by():
        row(values[field], values[name]).at_risk = values["n"]
    return sorted(rows.values(), key=lambda line: (line.key is None, line.label))


def group_total(lines: list[GroupFigures]) -> GroupFigures:
    """The sum of a regional table's lines (each event is in one line only)."""
    total = GroupFigures(key=None, label="Total", is_total=True)
    figures = [f.name for f in dataclasses.fields(GroupFigures) if f.type is int]
    for line in lines:
        for figure in figures:
            setattr(total, figure, getattr(total, figure) + getattr(line, figure))
    return total


def group_export_row(line: GroupFigures) -> list:
    """A line of the regional table as the CSV and XLSX exports write it (EXPORT_HEADERS)."""
    return [
        line.events,
        line.published,
        line.offered,
        line.taken,
        line.fill_rate,
        line.confirmed,
        line.waitlisted,
        line.present,
        line.absent,
        line.attendance_rate,
        line.at_risk,
    ]


def regional_table(events, registrations, grouping: str, now=None) -> dict:
    """A regional table as the dashboard shows it: its lines, their total and its heading."""
    lines = group_figures(events, registrations, grouping, now)
    return {
        "grouping": grouping,
        "heading": GROUPINGS[grouping][2],
        "lines": lines,
        "total": group_total(lines),
    }


def at_risk_events(events, now=None) -> list[Event]:
    """The events « à surveiller » of `events` (scoped), soonest first, with `capacity` and
    `taken` annotated."""
    return list(
        events.at_risk(now).select_related("organiser", "department").order_by("start", "id")
    )


def of_edition(events, registrations, edition: Edition | None):
    """`events` and `registrations` narrowed to `edition` (all editions when None)."""
    if edition:
        return events.filter(edition=edition), registrations.filter(event__edition=edition)
    return events, registrations


def dashboard_figures(events, registrations, edition: Edition | None) -> dict:
    """Everything the dashboard shows; `events`/`registrations` are already scoped."""
    events, registrations = of_edition(events, registrations, edition)
    live = events.not_cancelled()
    seats = _seats(live)
    offered = seats["onsite_offered"] + seats["online_offered"]
    taken = seats["onsite_taken"] + seats["online_taken"]
    fill = _fullest(live)
    per_day = _registrations_per_day(registrations, edition)
    status_rows = _by_choice(events, "status", Event.Status.choices)
    return {
        "edition": edition,
        "total": sum(n for _, n in status_rows),
        "by_status": bars(status_rows),
        "by_type": bars(_by_choice(events, "type", Event.Type.choices)),
        "by_modalite": bars(_by_choice(events, "modalite", Event.Modalite.choices)),
        "seats": seats,
        "seats_chart": bars([("Places offertes", offered), ("Places prises", taken)]),
        "seats_rate": round(100 * taken / offered) if offered else None,
        "fill": fill,
        "per_day": per_day,
        "per_day_chart": bars([(date_format(day, "l j F"), n) for day, n in per_day]),
        "registrations_total": registrations.confirmed().count(),
        "emails_failed": registrations.exclude(email_failure="").count(),
        "by_organiser": regional_table(events, registrations, "organisateur"),
        "by_department": regional_table(events, registrations, "departement"),
        "at_risk": at_risk_events(events),
        **turnout_figures(events, registrations),
        **survey_figures(events),
    }


def home_figures() -> dict:
    """Key figures of the current edition, for the home page."""
    edition = Edition.objects.current_cached()
    events = Event.objects.published()
    if edition:
        events = events.filter(edition=edition)
    totals = events.aggregate(
        total=Count("id"),
        online=Count("id", filter=~Q(modalite=Event.Modalite.PRESENTIEL)),
        seats_onsite=Sum("capacity_onsite"),
        seats_online=Sum("capacity_online"),
    )
    by_type_rows = dict(events.values_list("type").annotate(n=Count("id")).order_by())
    by_type = [(value, label, by_type_rows.get(value, 0)) for value, label in Event.Type.choices]
    region_counts = dict(
        events.upcoming().values_list("region_id").annotate(n=Count("id")).order_by()
    )
    regions = [(region, region_counts.get(region.code, 0)) for region in Region.objects.all()]
    online_share = round(100 * totals["online"] / totals["total"]) if totals["total"] else 0
    next_events = list(Event.objects.published().upcoming().for_listing()[:6])
    return {
        "edition": edition,
        "total_events": totals["total"],
        "online_share": online_share,
        "seats": (totals["seats_onsite"] or 0) + (totals["seats_online"] or 0),
        "by_type": by_type,
        "regions": regions,
        "map_tiles": cartogram.tiles(regions, max(region_counts.values(), default=0)),
        "map_width": cartogram.WIDTH,
        "map_height": cartogram.HEIGHT,
        "overseas_caption_y": 6 * (cartogram.TILE_H + cartogram.GAP) + 16,
        "next_events": next_events,
        "now": timezone.now(),
    }
