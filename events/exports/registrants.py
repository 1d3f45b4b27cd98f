"""The registrants of events as an Excel-friendly CSV: what staff export from the admin, and
what a partner downloads from their proposal's page (their event's registrants)."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from semaine.spreadsheets import neutralise

REGISTRANT_COLUMNS = [
    "événement",
    "date",
    "organisateur",
    "prénom",
    "nom",
    "e-mail",
    "téléphone",
    "participation",
    "situation",
    "accepte d'être contacté·e",
    "statut",
    "inscrit le",
    "présence",
]


class _Echo:
    def write(self, value):
        return value


def registrants_csv_response(registrations, filename: str) -> StreamingHttpResponse:
    """Registrants as an Excel-friendly CSV (UTF-8 with BOM, `;`), streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=";")
    rows = (
        registrations.select_related("event", "event__organiser", "event__department")
        .order_by("event__start", "event_id", "created_at", "id")
        .iterator(chunk_size=2000)
    )

    def lines():
        yield "\ufeff" + writer.writerow(REGISTRANT_COLUMNS)
        for r in rows:
            yield writer.writerow(
                [
                    neutralise(r.event.title),
                    r.event.local_start.strftime("%d/%m/%Y %H:%M"),
                    neutralise(r.event.organiser.name),
                    neutralise(r.first_name),
                    neutralise(r.last_name),
                    neutralise(r.email),
                    neutralise(r.phone),
                    r.get_mode_display(),
                    r.get_situation_display(),
                    "oui" if r.consent_contact else "non",
                    r.get_status_display(),
                    timezone.localtime(r.created_at).strftime("%d/%m/%Y %H:%M"),
                    r.get_attendance_display() if r.is_confirmed else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
