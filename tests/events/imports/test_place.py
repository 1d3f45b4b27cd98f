"""The events import checks each row's department against its postcode (communes reference)."""

import io

import openpyxl
import pytest
import tablib

from events.imports.formats import SpreadsheetCSV, SpreadsheetXLSX
from events.imports.resources import EventResource
from events.models import Event
from tests.factories import edition

pytestmark = pytest.mark.django_db

HEADERS = [
    "titre", "type", "date", "heure_debut", "heure_fin", "adresse", "code_postal", "ville",
    "departement",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _edition():
    return edition()


def row(postcode, city, department=""):
    return ["Atelier CV", "Atelier", "22/04/2030", "09:00", "10:00", "12 rue X", postcode, city,
            department]  # fmt: skip


def run(dataset, user):
    resource = EventResource(user=user)
    return resource.import_data(
        dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
    )


def errors_of(result) -> dict[str, list[str]]:
    [invalid] = result.invalid_rows
    return invalid.error_dict


def test_a_department_other_than_the_postcodes_is_a_row_error(national_user, lyon):
    dataset = tablib.Dataset(
        [*row("69003", "Lyon", "13"), lyon.name], headers=[*HEADERS, "organisateur"]
    )

    result = run(dataset, national_user)

    assert errors_of(result)["departement"] == [
        "Le code postal 69003 est dans le Rhône (69), pas dans les Bouches-du-Rhône (13)."
    ]
    assert not Event.objects.exists()


def test_a_four_digit_postcode_is_an_error_not_padded(agency_user):
    # A spreadsheet dropped a zero, or the typist a digit: 06900 and 69000 are both possible.
    result = run(tablib.Dataset(row("6900", "Lyon"), headers=HEADERS), agency_user)

    [error] = errors_of(result)["code_postal"]
    assert error.startswith("Code postal invalide : « 6900 » (5 chiffres")
    assert not Event.objects.exists()


def test_a_numeric_cell_of_a_workbook_that_lost_its_zero_is_an_error(agency_user):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.active.append(row(6900, "Nice"))
    stream = io.BytesIO()
    book.save(stream)

    result = run(SpreadsheetXLSX().create_dataset(stream.getvalue()), agency_user)

    assert errors_of(result)["code_postal"][0].startswith("Code postal invalide : « 6900 »")


def test_a_postcode_that_does_not_exist_is_a_row_error(agency_user):
    result = run(tablib.Dataset(row("99999", "Lyon"), headers=HEADERS), agency_user)

    assert errors_of(result)["code_postal"] == [
        "Le code postal 99999 n'existe pas : aucune commune ne l'a."
    ]


@pytest.mark.parametrize(
    ("postcode", "city", "department", "region"),
    [
        ("69003", "Lyon", "69", "84"),
        ("20000", "Ajaccio", "2A", "94"),
        ("20200", "Bastia", "2B", "94"),
        ("97139", "Les Abymes", "971", "01"),
        ("97600", "Mamoudzou", "976", "06"),
        ("01200", "Éloise", "74", "84"),  # a postcode of two departments: the city's
    ],
)
def test_a_department_left_empty_is_the_postcodes(
    national_user, lyon, postcode, city, department, region
):
    dataset = tablib.Dataset([*row(postcode, city), lyon.name], headers=[*HEADERS, "organisateur"])

    result = run(dataset, national_user)

    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    event = Event.objects.get()
    assert (event.department_id, event.region_id) == (department, region)


def test_either_department_of_a_shared_postcode_is_accepted(national_user, lyon):
    first, second = row("01200", "Valserhône", "74"), row("13780", "Cuges-les-Pins", "83")
    second[0] = "Atelier lettre de motivation"
    dataset = tablib.Dataset(
        [*first, lyon.name], [*second, lyon.name], headers=[*HEADERS, "organisateur"]
    )

    result = run(dataset, national_user)

    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    assert sorted(Event.objects.values_list("department_id", flat=True)) == ["74", "83"]


def test_a_csv_postcode_keeps_its_leading_zero(agency_user):
    csv = (
        b"titre;type;date;heure_debut;heure_fin;adresse;code_postal;ville\n"
        b"Atelier CV;Atelier;22/04/2030;09:00;10:00;3 rue X;06000;Nice\n"
    )

    result = run(SpreadsheetCSV().create_dataset(csv), agency_user)

    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    assert Event.objects.get().department_id == "06"
