"""Bulk import of events: dry run with French row errors, all or nothing, idempotent, scoped."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import tablib

from events.imports.columns import MAX_ROWS, ImportFileError
from events.imports.formats import FranceTravailJSON, SpreadsheetCSV, SpreadsheetXLSX
from events.imports.resources import EventResource
from events.models import Event
from tests.factories import EventFactory, OrganiserFactory, edition

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _edition():
    return edition()


def read(name, fmt=SpreadsheetCSV):
    return fmt().create_dataset((SAMPLES / name).read_bytes())


def run(dataset, user, *, dry_run=False, default_organiser=None):
    resource = EventResource(user=user, default_organiser=default_organiser)
    return resource.import_data(
        dataset, dry_run=dry_run, raise_errors=False, rollback_on_validation_errors=True
    )


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    """Errors by file line, then by column."""
    return {row.values[0]: row.error_dict for row in result.invalid_rows}


def test_a_valid_agency_file_creates_exactly_its_rows(agency_user, lyon):
    result = run(read("evenements_agence.csv"), agency_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 5
    events = Event.objects.order_by("start")
    assert [e.title for e in events][:2] == [
        "Job dating aide-soignant en EHPAD",
        "Réunion d'information : devenir accompagnant éducatif et social",
    ]
    assert {e.organiser for e in events} == {lyon}
    hybrid = events.get(external_id="LYO-02")
    assert hybrid.modalite == "hybride"
    assert hybrid.department_id == "69"  # from the postcode
    assert hybrid.status == "published"
    assert hybrid.local_start.strftime("%d/%m/%Y %H:%M") == "23/04/2030 14:00"
    assert list(hybrid.trades.values_list("code", flat=True)) == ["K1302"]
    assert hybrid.sectors == "K"
    assert hybrid.created_by == agency_user
    assert events.get(external_id="LYO-04").local_start.strftime("%H:%M") == "09:00"
    assert events.get(title__startswith="Atelier CV").status == "draft"


def test_importing_the_same_file_twice_creates_nothing_new(agency_user):
    run(read("evenements_agence.csv"), agency_user)

    second = run(read("evenements_agence.csv"), agency_user)

    assert Event.objects.count() == 5
    assert second.totals["new"] == 0
    assert second.totals["skip"] == 5


def test_a_reimport_with_a_changed_row_updates_that_event(agency_user):
    run(read("evenements_agence.csv"), agency_user)
    dataset = read("evenements_agence.csv")
    rows = [list(row) for row in dataset]
    rows[0][dataset.headers.index("places_sur_place")] = "45"
    changed = tablib.Dataset(*rows, headers=dataset.headers)

    result = run(changed, agency_user)

    assert result.totals["update"] == 1
    assert Event.objects.get(external_id="LYO-01").capacity_onsite == 45
    assert Event.objects.count() == 5


def test_a_dry_run_writes_nothing(agency_user):
    result = run(read("evenements_agence.csv"), agency_user, dry_run=True)

    assert result.totals["new"] == 5
    assert Event.objects.count() == 0


def test_row_errors_are_reported_in_french_and_nothing_is_written(agency_user):
    result = run(read("evenements_erreurs.csv"), agency_user)

    errors = row_errors(result)
    assert Event.objects.count() == 0
    assert errors[2]["departement"] == ["Département inconnu : « 99 »."]
    assert errors[3]["date"][0].startswith("Date invalide : « 31/02/2030 »")
    assert errors[4]["titre"] == ["Titre manquant."]
    assert errors[5]["type"][0].startswith("Type inconnu : « Webinaire »")
    assert errors[5]["lien_connexion"] == [
        "Un événement en ligne ou hybride doit avoir un lien de connexion."
    ]
    assert "Formule de tableur refusée" in errors[6]["titre"][0]
    assert set(errors[6]) == {"titre"}
    assert errors[7]["heure_fin"] == ["La fin doit être après le début."]
    assert errors[8]["metiers"] == ["Code ROME inconnu : « Z9999 »."]
    assert errors[8]["places_sur_place"][0].startswith("Nombre de places invalide")
    assert errors[10]["__all__"] == ["Ligne en double : même référence que la ligne 9."]
    assert 9 not in errors


def test_one_bad_row_among_good_ones_keeps_the_whole_file_out(agency_user):
    dataset = read("evenements_agence.csv")
    rows = [list(row) for row in dataset]
    rows[3][dataset.headers.index("date")] = "le 25 avril"
    result = run(tablib.Dataset(*rows, headers=dataset.headers), agency_user)

    assert result.has_validation_errors()
    assert Event.objects.count() == 0


def test_a_windows_1252_file_with_commas_and_empty_lines_is_read(croix_rouge, coordinator):
    OrganiserFactory(name="ADMR", kind="partenaire")

    result = run(read("evenements_coordination_cp1252.csv"), coordinator)

    assert not result.has_validation_errors(), row_errors(result)
    assert Event.objects.count() == 3
    forum = Event.objects.get(city="Grenoble")
    assert forum.address == "Palais des sports, 14 boulevard Clemenceau"
    assert forum.organiser == croix_rouge
    assert Event.objects.get(city="Annecy").title == "Job dating aide à domicile à Annecy"


def test_a_utf8_file_with_bom_is_read():
    data = "\ufeff" + (SAMPLES / "evenements_agence.csv").read_text("utf-8")

    dataset = SpreadsheetCSV().create_dataset(data.encode("utf-8"))

    assert dataset.headers[0] == "reference"


def test_a_file_missing_a_required_column_is_refused_as_a_whole(agency_user):
    dataset = tablib.Dataset(["Atelier", "22/04/2030"], headers=["titre", "date"])

    result = run(dataset, agency_user)

    assert result.has_errors()
    message = str(result.base_errors[0].error)
    assert message.startswith("Colonnes obligatoires manquantes : type, heure_debut, heure_fin.")


def test_an_unknown_column_is_named(agency_user):
    dataset = read("evenements_agence.csv")
    dataset.append_col([""] * len(dataset), header="Commentaire interne")

    result = run(dataset, agency_user)

    assert "« Commentaire interne »" in str(result.base_errors[0].error)


def test_ten_thousand_rows_are_refused_before_any_work(agency_user):
    row = ["Atelier", "Atelier", "En ligne", "22/04/2030", "10:00", "11:00", "https://v.example"]
    headers = ["titre", "type", "modalite", "date", "heure_debut", "heure_fin", "lien_connexion"]
    dataset = tablib.Dataset(*([row] * 10_000), headers=headers)

    result = run(dataset, agency_user)

    assert "10\u202f000 lignes" in str(result.base_errors[0].error)
    assert f"{MAX_ROWS:,}".replace(",", "\u202f") in str(result.base_errors[0].error)
    assert Event.objects.count() == 0


def test_an_xlsx_file_uses_the_values_excel_computed_and_rejects_text_formulas(agency_user):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["titre", "type", "date", "heure_debut", "heure_fin", "adresse", "departement"])
    sheet.append(["Forum des métiers du soin", "Forum", "23/04/2030", "09:00", "12:00",
                  "Place Bellecour", 69])  # fmt: skip
    sheet.append(["Atelier", "Atelier", "24/04/2030", "09:00", "12:00", "Place Bellecour", 1])
    # Real date and time cells, as Excel stores them when the user types a date.
    day, start, end = datetime.datetime(2030, 4, 25), datetime.time(14, 30), datetime.time(16)
    sheet.append(
        ["Visite d'EHPAD", "Visite d'entreprise", day, start, end, "Place Bellecour", "69"]
    )
    stream = io.BytesIO()
    book.save(stream)

    dataset = SpreadsheetXLSX().create_dataset(stream.getvalue())
    result = run(dataset, agency_user)

    assert not result.has_validation_errors(), row_errors(result)
    assert Event.objects.get(title="Forum des métiers du soin").department_id == "69"
    assert Event.objects.get(title="Atelier").department_id == "01"
    visit = Event.objects.get(title="Visite d'EHPAD")
    assert visit.local_start.strftime("%d/%m/%Y %H:%M") == "25/04/2030 14:30"


def test_a_file_that_is_not_a_workbook_gets_a_french_message():
    with pytest.raises(ImportFileError, match="n'est pas un classeur Excel"):
        SpreadsheetXLSX().create_dataset(b"titre;type\nAtelier;Atelier\n")


def test_an_agency_cannot_import_for_another_organiser(agency_user, marseille):
    dataset = read("evenements_agence.csv")
    dataset = tablib.Dataset(*[list(row) for row in dataset][:1], headers=dataset.headers)
    dataset[0] = tuple(
        "France Travail Marseille" if h == "organisateur" else v
        for h, v in zip(dataset.headers, dataset[0], strict=True)
    )

    result = run(dataset, agency_user)

    assert row_errors(result)[2]["organisateur"] == [
        "« France Travail Marseille » n'est pas dans votre périmètre."
    ]


def test_a_coordinator_cannot_import_an_event_outside_the_region(croix_rouge, coordinator):
    dataset = tablib.Dataset(
        [
            "Forum",
            "Forum",
            "23/04/2030",
            "09:00",
            "12:00",
            "1 La Canebière",
            "13001",
            "Croix-Rouge française",
        ],  # fmt: skip
        headers=[
            "titre",
            "type",
            "date",
            "heure_debut",
            "heure_fin",
            "adresse",
            "code_postal",
            "organisateur",
        ],  # fmt: skip
    )

    result = run(dataset, coordinator)

    assert row_errors(result)[2]["departement"] == ["Ce département n'est pas dans votre région."]


def test_a_coordinator_cannot_import_an_online_event_for_an_organiser_outside_the_scope(
    croix_rouge, coordinator
):
    # Without a department nothing puts the event in the coordinator's region: imported, it
    # would be an event they could neither see nor fix.
    dataset = tablib.Dataset(
        ["Webinaire", "Forum", "En ligne", "23/04/2030", "09:00", "12:00",
         "https://visio.example/salle", "Croix-Rouge française"],
        headers=["titre", "type", "modalite", "date", "heure_debut", "heure_fin",
                 "lien_connexion", "organisateur"],
    )  # fmt: skip

    result = run(dataset, coordinator)

    assert "sortirait de votre périmètre" in row_errors(result)[2]["organisateur"][0]
    assert not Event.objects.filter(title="Webinaire").exists()


def test_a_reference_of_another_agency_is_not_overwritten(agency_user, marseille):
    theirs = EventFactory(organiser=marseille, external_source="france_travail", external_id="77")
    dataset = FranceTravailJSON().create_dataset(
        b'{"totalElements": 1, "content": [{"id": 77, "titre": "Reprise", "type": 16,'
        b' "modalites": ["en physique"], "dateEvenement": "2030-04-22", "heureDebut": "09:00:00",'
        b' "heureFin": "10:00:00", "ville": "Lyon", "codePostal": "69003"}]}'
    )

    result = run(dataset, agency_user)

    assert "autre organisateur" in row_errors(result)[1]["reference"][0]
    theirs.refresh_from_db()
    assert theirs.title != "Reprise"


def test_a_france_travail_payload_is_imported_once(agency_user, lyon):
    dataset = read("francetravail_evenements.json", FranceTravailJSON)

    first = run(dataset, agency_user)
    second = run(read("francetravail_evenements.json", FranceTravailJSON), agency_user)

    assert not first.has_validation_errors(), row_errors(first)
    assert first.totals["new"] == 3
    assert second.totals["new"] == 0
    job_dating = Event.objects.get(external_source="france_travail", external_id="884211")
    assert job_dating.type == "job_dating"
    assert job_dating.modalite == "presentiel"
    assert job_dating.capacity_onsite == 40
    assert job_dating.department_id == "69"
    assert list(job_dating.trades.values_list("code", flat=True)) == ["J1501"]
    salon = Event.objects.get(external_id="884212")
    assert (salon.type, salon.modalite, salon.capacity_online) == (
        "salon_en_ligne",
        "distanciel",
        150,
    )
    assert salon.audience == "jeunes"
    atelier = Event.objects.get(external_id="884213")
    assert (atelier.type, atelier.modalite, atelier.audience) == (
        "atelier",
        "hybride",
        "reconversion",
    )
    assert {e.organiser for e in Event.objects.all()} == {lyon}


def test_a_france_travail_unknown_type_code_is_a_row_error(agency_user):
    dataset = FranceTravailJSON().create_dataset(
        b'{"totalElements": 1, "content": [{"id": 5, "titre": "X", "type": 99,'
        b' "modalites": ["en physique"], "dateEvenement": "2030-04-22", "heureDebut": "09:00:00",'
        b' "heureFin": "10:00:00", "ville": "Lyon", "codePostal": "69003"}]}'
    )

    result = run(dataset, agency_user)

    assert row_errors(result)[1]["type"][0].startswith("Type inconnu : « 99 »")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "n'est pas du JSON valide"),
        (b'{"resultats": []}', "n'a pas la forme d'une réponse"),
        ('{"content": []}'.encode("utf-16"), "n'est pas encodé en UTF-8"),
    ],
)
def test_a_broken_france_travail_file_gets_a_french_message(payload, message):
    with pytest.raises(ImportFileError, match=message):
        FranceTravailJSON().create_dataset(payload)


def test_two_identical_rows_without_reference_are_reported_as_duplicates(agency_user):
    headers = ["titre", "type", "date", "heure_debut", "heure_fin", "adresse", "code_postal"]
    row = ["Atelier CV", "Atelier", "22/04/2030", "09:00", "10:00", "12 rue X", "69003"]

    result = run(tablib.Dataset(row, row, headers=headers), agency_user)

    assert row_errors(result)[3]["__all__"] == [
        "Ligne en double : même titre, organisateur, date et heures que la ligne 2."
    ]
    assert Event.objects.count() == 0


def test_a_file_without_reference_is_idempotent_on_title_organiser_and_times(agency_user):
    headers = ["titre", "type", "date", "heure_debut", "heure_fin", "adresse", "code_postal"]
    row = ["Atelier CV", "Atelier", "22/04/2030", "09:00", "10:00", "12 rue X", "69003"]

    run(tablib.Dataset(row, headers=headers), agency_user)
    second = run(tablib.Dataset(row, headers=headers), agency_user)

    assert second.totals["skip"] == 1
    assert Event.objects.count() == 1


def test_a_zip_bomb_is_refused_before_it_is_expanded(monkeypatch):
    import zipfile

    from events.imports.columns import MAX_UNCOMPRESSED_BYTES

    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    # A real workbook with one more part of zeros: 60 MB that compress to about 60 KB.
    with (
        zipfile.ZipFile(stream, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/zeros.bin", "w") as part,
    ):
        for _ in range(MAX_UNCOMPRESSED_BYTES // 2**20 + 10):
            part.write(bytes(2**20))
    assert len(stream.getvalue()) < 200_000

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(ImportFileError, match="décompressé dépasse 50 Mo"):
        SpreadsheetXLSX().create_dataset(stream.getvalue())


def test_uploaded_workbooks_are_parsed_without_xml_entity_expansion():
    # openpyxl switches to defusedxml when it is installed (a production dependency).
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
