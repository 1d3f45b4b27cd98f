"""Coordinates in the events import: a venue's own latitude and longitude are kept when they
can be right, set aside with a warning in the preview when they cannot; online-only events
come in without a venue."""

import json

import pytest
import tablib

from events.imports.columns import COLUMN_KEYS, template_dataset
from events.imports.formats import FranceTravailJSON
from events.imports.resources import EventResource
from events.models import Event
from semaine.geo.locate import LocationSource
from semaine.models import Commune
from tests.factories import edition

pytestmark = pytest.mark.django_db

PARIS_12 = (48.8412, 2.3876)  # Gare de Lyon, in Paris 12e arrondissement
LYON_3 = (45.7597, 4.8422)


@pytest.fixture(autouse=True)
def _edition():
    return edition()


def run(dataset, user, *, dry_run=False):
    resource = EventResource(user=user)
    return resource.import_data(
        dataset, dry_run=dry_run, raise_errors=False, rollback_on_validation_errors=True
    )


def payload(**fields) -> bytes:
    """A France Travail « Mes évènements emploi » answer with one event."""
    event = {
        "id": 11111,
        "titre": "Atelier",
        "type": "Atelier",
        "modalites": ["en physique"],
        "dateEvenement": "2030-04-22T00:00:00.000+02:00",
        "heureDebut": "07:00:00",
        "heureFin": "09:00:00",
        "timezone": "Europe/Paris",
        "ville": "Paris",
        "codePostal": "75012",
        "codeInsee": "01419",
        "nombrePlaceTotalPresentiel": 20,
        "urlDetailEvenement": "test",
    }
    event.update(fields)
    return json.dumps({"totalElements": 1, "content": [event]}).encode()


def spreadsheet(**cells) -> tablib.Dataset:
    row = {
        "titre": "Job dating aide-soignant",
        "type": "Job dating",
        "date": "22/04/2030",
        "heure_debut": "09:00",
        "heure_fin": "12:00",
        "adresse": "12 rue de la Villette",
        "code_postal": "69003",
        "ville": "Lyon",
        "organisateur": "France Travail Lyon",
    }
    row.update(cells)
    return tablib.Dataset(list(row.values()), headers=list(row))


def errors_of(result) -> dict[str, list[str]]:
    return {k: v for row in result.invalid_rows for k, v in row.error_dict.items()}


def test_france_travail_coordinates_near_the_town_are_kept_as_the_venue_s(agency_user, lyon):
    result = run(
        FranceTravailJSON().create_dataset(
            payload(latitude=PARIS_12[0] + 0.004, longitude=PARIS_12[1] - 0.01)
        ),
        agency_user,
    )

    assert not result.has_validation_errors(), errors_of(result)
    assert result.row_warnings == []
    event = Event.objects.get(external_id="11111")
    assert (event.latitude, event.longitude) == (PARIS_12[0] + 0.004, PARIS_12[1] - 0.01)
    assert event.location_source == LocationSource.PRECISE


def test_france_travail_coordinates_in_algeria_are_set_aside_with_a_warning(agency_user, lyon):
    # France Travail's own sample: a Paris event at 36.547, 2.16, in Algeria.
    dataset = FranceTravailJSON().create_dataset(payload(latitude=36.547, longitude=2.16))

    preview = run(dataset, agency_user, dry_run=True)

    assert not preview.has_validation_errors(), errors_of(preview)
    ((line, column, message),) = preview.row_warnings
    assert (line, column) == (1, "latitude")
    assert "Coordonnées 36.547, 2.16 écartées : ce point n'est pas en France" in message
    assert "placé au centre de Paris 12e Arrondissement (75)" in message
    # The preview says where each event lands.
    (row,) = preview.valid_rows()
    assert "Centre de la commune" in row.diff

    run(FranceTravailJSON().create_dataset(payload(latitude=36.547, longitude=2.16)), agency_user)
    event = Event.objects.get(external_id="11111")
    assert event.location_source == LocationSource.COMMUNE
    paris_12 = Commune.objects.get(insee="75112")
    assert (event.latitude, event.longitude) == (paris_12.latitude, paris_12.longitude)


def test_coordinates_in_france_but_far_from_the_town_are_set_aside(agency_user, lyon):
    result = run(
        FranceTravailJSON().create_dataset(payload(latitude=LYON_3[0], longitude=LYON_3[1])),
        agency_user,
    )

    ((_, _, message),) = result.row_warnings
    assert message == (
        "Coordonnées 45.7597, 4.8422 écartées : ce point est à 388 km du centre de la commune "
        "du code postal et de la ville ; l'événement est placé au centre de Paris 12e "
        "Arrondissement (75)."
    )
    event = Event.objects.get(external_id="11111")
    assert event.location_source == LocationSource.COMMUNE
    assert round(event.latitude, 1) == 48.8


def test_overseas_coordinates_are_kept_in_their_commune(agency_user, lyon):
    # Saint-Denis de La Réunion: its own time zone, its own coordinates.
    dataset = FranceTravailJSON().create_dataset(
        payload(ville="Saint-Denis", codePostal="97400", latitude=-20.8790, longitude=55.4481)
    )

    result = run(dataset, agency_user)

    assert result.row_warnings == [] and not result.has_validation_errors()
    event = Event.objects.get(external_id="11111")
    assert event.department_id == "974"
    assert (event.latitude, event.longitude, event.location_source) == (
        -20.8790,
        55.4481,
        LocationSource.PRECISE,
    )


def test_an_online_only_france_travail_event_comes_without_a_venue(agency_user, lyon):
    dataset = FranceTravailJSON().create_dataset(
        payload(
            modalites=["à distance"],
            ville="Lyon",
            codePostal="69003",
            latitude=LYON_3[0],
            longitude=LYON_3[1],
            urlDetailEvenement="https://mesevenementsemploi.example/11111",
        )
    )

    result = run(dataset, agency_user)

    assert not result.has_validation_errors(), errors_of(result)
    event = Event.objects.get(external_id="11111")
    assert (event.modalite, event.city, event.postcode, event.address) == ("distanciel", "", "", "")
    # The agency's postcode still gives the department: its time zone and region.
    assert event.department_id == "69"
    assert (event.latitude, event.location_source) == (None, LocationSource.NONE)


def test_a_reimport_of_the_same_coordinates_changes_nothing(agency_user, lyon):
    far = payload(latitude=36.547, longitude=2.16)
    near = payload(latitude=PARIS_12[0], longitude=PARIS_12[1])
    run(FranceTravailJSON().create_dataset(far), agency_user)

    again = run(FranceTravailJSON().create_dataset(far), agency_user)
    corrected = run(FranceTravailJSON().create_dataset(near), agency_user)

    assert (again.totals["skip"], again.totals["update"]) == (1, 0)
    assert corrected.totals["update"] == 1
    event = Event.objects.get(external_id="11111")
    assert event.location_source == LocationSource.PRECISE


def test_the_template_has_coordinate_columns_that_import_as_given(agency_user, lyon):
    assert {"latitude", "longitude"} <= set(COLUMN_KEYS)
    result = run(template_dataset(), agency_user)

    assert not result.has_validation_errors(), errors_of(result)
    event = Event.objects.get(external_id="LYON-2030-01")
    assert (event.latitude, event.longitude, event.location_source) == (
        45.7625,
        4.8365,
        LocationSource.PRECISE,
    )


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"latitude": "45,76", "longitude": "nord"}, "longitude", "Coordonnée invalide : « nord »"),
        ({"latitude": "45.76"}, "longitude", "Longitude manquante"),
        ({"latitude": "", "longitude": "4.84"}, "latitude", "Latitude manquante"),
    ],
)
def test_a_coordinate_that_is_not_a_number_is_a_row_error(agency_user, cells, column, message):
    result = run(spreadsheet(**cells), agency_user)

    assert errors_of(result)[column][0].startswith(message)
    assert not Event.objects.exists()


def test_spreadsheet_coordinates_with_a_french_comma_are_read(agency_user, lyon):
    result = run(spreadsheet(latitude="45,7590", longitude="4,8430"), agency_user)

    assert not result.has_validation_errors(), errors_of(result)
    assert Event.objects.get().latitude == 45.759


def test_swapped_spreadsheet_coordinates_are_set_aside(agency_user, lyon):
    result = run(spreadsheet(latitude="4.8422", longitude="45.7597"), agency_user)

    ((line, column, message),) = result.row_warnings
    assert (line, column) == (2, "latitude")
    assert "ce point n'est pas en France" in message
    assert Event.objects.get().location_source == LocationSource.COMMUNE


def test_coordinates_of_an_address_that_matches_no_commune_are_checked_for_france(
    agency_user, lyon
):
    unknown = {"code_postal": "69003", "ville": "Atlantide"}
    kept = run(spreadsheet(latitude="45.7597", longitude="4.8422", **unknown), agency_user)
    at_sea = run(
        spreadsheet(titre="En mer", latitude="46.0", longitude="-8.0", **unknown), agency_user
    )

    assert kept.row_warnings == []
    assert Event.objects.get(title="Job dating aide-soignant").location_source == "precise"
    ((_, _, message),) = at_sea.row_warnings
    assert "aucune commune : l'événement ne sera pas localisé" in message
    assert Event.objects.get(title="En mer").location_source == LocationSource.NOT_FOUND


def test_an_online_only_spreadsheet_row_with_a_town_is_refused(agency_user, lyon):
    result = run(
        spreadsheet(
            titre="Webinaire",
            modalite="En ligne",
            adresse="",
            lien_connexion="https://visio.example/salle",
            departement="69",
        ),
        agency_user,
    )

    assert errors_of(result)["code_postal"][0].startswith("Un événement en ligne n'a pas de lieu")
    assert not Event.objects.exists()


def test_the_admin_export_gives_only_the_venue_s_own_coordinates(agency_user, lyon):
    from events.admin.importexport import EventExportResource
    from tests.factories import EventFactory

    precise = EventFactory(
        organiser=lyon,
        latitude=45.7625,
        longitude=4.8365,
        location_source=LocationSource.PRECISE,
    )
    centre = EventFactory(organiser=lyon)

    exported = EventExportResource().export(Event.objects.order_by("pk"))

    assert centre.location_source == LocationSource.COMMUNE
    assert exported["latitude"] == [precise.latitude, ""]
    assert exported["longitude"] == [precise.longitude, ""]


def test_half_a_france_travail_point_is_no_error(agency_user, lyon):
    result = run(
        FranceTravailJSON().create_dataset(payload(latitude=PARIS_12[0], longitude=None)),
        agency_user,
    )

    assert not result.has_validation_errors(), errors_of(result)
    assert Event.objects.get().location_source == LocationSource.COMMUNE
