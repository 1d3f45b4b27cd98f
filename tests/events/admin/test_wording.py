"""The admin in French: page titles, actions and export labels that read right, and an import
that guesses its format, names its columns and says when the header row is missing; the Excel
template's French sheet, current example and dropdowns."""

import io
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, RegistrationFactory, edition

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parents[1] / "imports" / "samples"


def h1(response) -> str:
    text = unescape(response.content.decode())
    return text.split("<h1>", 1)[1].split("</h1>", 1)[0]


# -- titles -------------------------------------------------------------------------------------


def test_the_events_pages_have_french_titles(agency_client, lyon):
    event = EventFactory(organiser=lyon)

    assert h1(agency_client.get(reverse("admin:events_event_changelist"))) == "Événements"
    assert h1(agency_client.get(reverse("admin:events_event_add"))) == "Nouvel événement"
    change = agency_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert h1(change) == "Modifier l'événement"
    for page in (change, agency_client.get(reverse("admin:events_event_add"))):
        text = unescape(page.text)
        assert "Ajout de événement" not in text
        assert "Modification de événement" not in text
    listing = unescape(agency_client.get(reverse("admin:events_event_changelist")).text)
    assert "Sélectionnez l'objet" not in listing


def test_the_registrations_and_organisers_pages_have_french_titles(
    agency_client, national_user, client, lyon
):
    registration = RegistrationFactory(event=EventFactory(organiser=lyon))

    page = agency_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert h1(page) == "Inscription"
    assert "Modification de inscription" not in unescape(page.text)
    assert h1(agency_client.get(reverse("admin:events_registration_changelist"))) == "Inscriptions"
    client.force_login(national_user)
    assert h1(client.get(reverse("admin:events_organiser_add"))) == "Nouvel organisateur"
    assert h1(client.get(reverse("admin:offers_offer_add"))) == "Nouvelle offre"


# -- actions and the export form ------------------------------------------------------------------


def test_the_export_action_and_form_read_in_french(agency_client, lyon):
    event = EventFactory(organiser=lyon)

    listing = unescape(agency_client.get(reverse("admin:events_event_changelist")).text)
    assert "Exporter les événements sélectionnés (CSV ou XLSX)" in listing
    assert "selectionné(e)s" not in listing
    form = agency_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_admin_action", "_selected_action": [event.pk]},
    )
    text = unescape(form.text)
    assert form.status_code == 200
    assert "Heure de début" in text and "Lien de connexion" in text
    assert "Heure Debut" not in text
    assert "Tout sélectionner" in text and "Select all" not in text


# -- the import ---------------------------------------------------------------------------------


def import_file(client, upload, file_format=""):
    return client.post(
        reverse("admin:events_event_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def test_the_import_guesses_the_format_from_the_extension_and_previews_in_french(
    agency_client, lyon
):
    edition()
    with (SAMPLES / "evenements_agence.csv").open("rb") as handle:
        preview = import_file(agency_client, handle)

    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.context["form"].errors
    headers = preview.context["result"].diff_headers
    assert {"Ligne", "Titre", "Début", "Lien de connexion", "Places sur place"} <= set(headers)
    assert "lien_connexion" not in headers
    assert "<th>Lien de connexion</th>" in preview.text


def test_an_unknown_extension_asks_for_the_format(agency_client):
    upload = SimpleUploadedFile("evenements.ods", b"titre;type\n")

    response = import_file(agency_client, upload)

    assert "L'extension du fichier « evenements.ods » ne dit pas son format" in unescape(
        response.text
    )
    assert Event.objects.count() == 0


def test_a_file_without_its_header_row_is_told_so(agency_client, lyon):
    edition()
    lines = (SAMPLES / "evenements_agence.csv").read_text(encoding="utf-8").splitlines()
    upload = SimpleUploadedFile("sans-entetes.csv", "\n".join(lines[1:]).encode())

    response = import_file(agency_client, upload)

    text = unescape(response.text)
    assert "La ligne d'en-têtes manque" in text
    assert "« LYO-01 », « Job dating aide-soignant en EHPAD »" in text
    assert "Ligne 1" not in text
    assert Event.objects.count() == 0


# -- the Excel template -------------------------------------------------------------------------


def template(client):
    response = client.get(reverse("admin:events_event_import_template", args=["xlsx"]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_template_has_a_french_sheet_and_an_example_in_the_current_edition(agency_client):
    current = edition()

    workbook = template(agency_client)

    assert workbook.sheetnames == ["Événements à importer", "Listes"]
    assert workbook["Listes"].sheet_state == "hidden"
    sheet = workbook["Événements à importer"]
    header = [cell.value for cell in sheet[1]]
    example = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    day, month, year = (int(part) for part in example["date"].split("/"))
    assert year == current.year
    assert current.start_date.day <= day <= current.end_date.day
    assert month == current.start_date.month
    assert "Tablib" not in "".join(workbook.sheetnames)


def test_the_templates_coded_columns_have_dropdowns(agency_client):
    edition()
    workbook = template(agency_client)
    sheet, lists = workbook["Événements à importer"], workbook["Listes"]
    header = [cell.value for cell in sheet[1]]

    def dropdown(column_key):
        letter = openpyxl.utils.get_column_letter(header.index(column_key) + 1)
        [validation] = [
            v for v in sheet.data_validations.dataValidation if f"{letter}2:" in str(v.sqref)
        ]
        assert validation.type == "list"
        assert str(validation.sqref) == f"{letter}2:{letter}1001"
        # ='Listes'!$B$2:$B$4 → the values of that range of the list sheet
        reference = validation.formula1.split("!")[1].replace("$", "")
        return [cell.value for (cell,) in lists[reference]]

    assert dropdown("type") == [label for _, label in Event.Type.choices]
    assert dropdown("modalite") == ["Sur place", "En ligne", "Sur place et en ligne"]
    assert dropdown("statut") == ["Brouillon", "Publié", "Annulé"]
    assert dropdown("public") == ["Tous publics", "Jeunes", "Personnes en reconversion"]
    assert dropdown("inscription_obligatoire") == ["oui", "non"]
    departments = dropdown("departement")
    assert len(departments) == 101 and {"2A", "69", "974"} <= set(departments)
    assert "titre" not in [
        header[openpyxl.utils.column_index_from_string(str(v.sqref)[0]) - 1]
        for v in sheet.data_validations.dataValidation
    ]


def test_the_excel_template_imports_as_it_is(agency_client, lyon):
    edition()
    content = agency_client.get(reverse("admin:events_event_import_template", args=["xlsx"]))

    preview = import_file(
        agency_client, SimpleUploadedFile("modele-import-evenements.xlsx", content.content)
    )

    assert "confirm_form" in preview.context, unescape(preview.text)[:3000]
    confirm = preview.context["confirm_form"]
    done = agency_client.post(
        reverse("admin:events_event_process_import"), confirm.initial, follow=True
    )
    assert "Import terminé : 1 événement(s) créé(s)" in unescape(done.text)
    event = Event.objects.get(external_id="LYON-2030-01")
    assert (event.type, event.status, event.department_id) == ("job_dating", "draft", "69")


def test_no_admin_page_of_the_site_keeps_djangos_generic_french_titles(
    admin_client, admin_user, settings, lyon
):
    settings.OTP_REQUIRED_GROUPS = []
    from django.contrib import admin

    generic = ("Ajout de ", "Modification de ", "Sélectionnez l'objet", "Afficher ")
    seen = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"events", "offers", "semaine"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(type("R", (), {"user": admin_user})()):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in pages:
            response = admin_client.get(url)
            assert response.status_code == 200, url
            title = h1(response)
            assert not title.startswith(generic), (url, title)
            seen += 1
    assert seen >= 15
