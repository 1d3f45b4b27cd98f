"""The staff admin: actions, validation in French, history, registrations, dashboard, lockout.

Who may see and do what (scopes, national pages): tests/semaine/test_access_control.py.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from events import demo
from events.models import Event, Registration, StaffProfile
from events.services.registration import registration_create
from tests.factories import EventFactory, RegistrationFactory, edition, event_form_data

pytestmark = pytest.mark.django_db


def act(client, action, *events, follow=False):
    return client.post(
        reverse("admin:events_event_changelist"),
        {"action": action, "_selected_action": [e.pk for e in events]},
        follow=follow,
    )


# -- editing ------------------------------------------------------------------------------------


def test_a_counsellor_creates_an_event_for_their_agency(agency_client, lyon, agency_user):
    response = agency_client.post(
        reverse("admin:events_event_add"), event_form_data(organiser=lyon.pk, trades=[])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title="Job dating aide-soignant")
    assert event.organiser == lyon
    assert event.created_by == agency_user and event.updated_by == agency_user
    assert event.local_start.strftime("%d/%m/%Y %H:%M") == "23/04/2030 09:30"
    assert LogEntry.objects.filter(object_id=str(event.pk), user=agency_user).exists()


def test_the_add_form_suggests_the_agency_and_the_current_edition(agency_client, lyon):
    edition()

    response = agency_client.get(reverse("admin:events_event_add"))

    form = response.context["adminform"].form
    assert form.initial["organiser"] == lyon.pk
    assert form.initial["edition"] == 2030


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_1": "08:00"}, "end", "La fin doit être après le début."),
        (
            {"modalite": "distanciel", "address": "", "department": ""},
            "online_url",
            "Un événement en ligne ou hybride doit avoir un lien de connexion.",
        ),
        (
            {"address": ""},
            "address",
            "Un événement sur place ou hybride doit avoir une adresse.",
        ),
    ],
)
def test_domain_rules_are_explained_in_french(agency_client, lyon, overrides, field, message):
    response = agency_client.post(
        reverse("admin:events_event_add"), event_form_data(organiser=lyon.pk, **overrides)
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert message in form.errors[field]
    assert message not in form.non_field_errors()  # said once, next to the field


def test_capacity_cannot_drop_below_confirmed_registrations(agency_client, lyon):
    event = EventFactory(organiser=lyon, capacity_onsite=3, confirmed_onsite=3)

    response = agency_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(organiser=lyon.pk, capacity_onsite="2", title=event.title),
    )

    errors = response.context["adminform"].form.errors
    assert errors["capacity_onsite"] == [
        "Impossible : 3 inscriptions sur place sont déjà confirmées."
    ]


def test_changing_trades_in_the_admin_refreshes_the_sectors(agency_client, lyon):
    from semaine.models import Trade

    event = EventFactory(organiser=lyon)
    nurse = Trade.objects.current().get(code="J1506")

    agency_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(organiser=lyon.pk, title=event.title, trades=[nurse.pk]),
    )

    event.refresh_from_db()
    assert event.sectors == "J"


def test_the_event_page_shows_who_created_and_changed_it(agency_client, lyon, agency_user):
    event = EventFactory(organiser=lyon, created_by=agency_user, updated_by=agency_user)

    response = agency_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert "Historique" in response.text
    assert reverse("admin:events_event_registrants", args=[event.pk]) in response.text
    assert "créé par" in response.text.lower()
    assert response.text.count("agence-lyon") >= 2


# -- actions ------------------------------------------------------------------------------------


def test_publish_and_unpublish_actions(agency_client, lyon):
    draft = EventFactory(organiser=lyon, status=Event.Status.DRAFT)

    act(agency_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED

    act(agency_client, "unpublish", draft)
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    history = agency_client.get(reverse("admin:events_event_history", args=[draft.pk]))
    assert "Publié." in history.text and "Repassé en brouillon." in history.text


def test_cancel_keeps_the_registrations_and_says_so(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory.create_batch(2, event=event)

    response = act(agency_client, "cancel", event, follow=True)

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert Registration.objects.filter(event=event).count() == 2
    assert "Les 2 inscription(s) sont conservées" in response.text


def test_cancelling_an_event_emails_the_people_registered(
    agency_client, lyon, mailoutbox, emails_sent
):
    import icalendar

    event = EventFactory(organiser=lyon, title="Job dating EHPAD")
    RegistrationFactory(event=event, email="camille@example.org")
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    with emails_sent():
        act(agency_client, "cancel", event, follow=True)

    [message] = mailoutbox
    assert message.to == ["camille@example.org"]
    assert message.subject.startswith("Événement annulé : Job dating EHPAD")
    assert "a annulé l'événement" in message.body
    assert "Annulez votre inscription" not in message.body
    [(name, content, mimetype)] = message.attachments
    vevent = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["status"]) == "CANCELLED"


def test_registrants_export_is_an_excel_friendly_csv(agency_client, lyon):
    event = EventFactory(organiser=lyon, title="Job dating EHPAD")
    RegistrationFactory(event=event, first_name="Zoé", last_name="=HACK()", email="zoe@example.org")

    response = agency_client.get(reverse("admin:events_event_registrants", args=[event.pk]))

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffévénement;date;organisateur;prénom;nom;e-mail")
    assert "Job dating EHPAD" in body and "Zoé;'=HACK()" in body


def test_an_event_with_registrations_cannot_be_deleted(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory(event=event)

    response = agency_client.post(
        reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_export_action_exports_the_selection(agency_client, lyon):
    chosen = EventFactory(organiser=lyon, title="Job dating EHPAD à Lyon")
    other_of_mine = EventFactory(organiser=lyon, title="Atelier CV à Lyon")

    form = act(agency_client, "export_admin_action", chosen)
    response = agency_client.post(
        reverse("admin:events_event_export"),
        {
            "format": "1",
            "resource": "0",
            "export_items": [chosen.pk],
            "eventexportresource_titre": "on",
        },
    )

    assert form.status_code == 200
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Job dating EHPAD à Lyon"]
    assert other_of_mine.title not in titles


@pytest.mark.parametrize(
    "planted", ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"]
)
def test_a_title_planted_as_a_formula_stays_text_in_the_admin_export(agency_client, lyon, planted):
    chosen = EventFactory(organiser=lyon, title=planted)
    act(agency_client, "export_admin_action", chosen)
    response = agency_client.post(
        reverse("admin:events_event_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [chosen.pk],
            "eventexportresource_titre": "on",
        },
    )
    assert response.status_code == 200
    cell = response.content.decode("utf-8-sig").splitlines()[1].strip('"')
    assert cell.startswith("'") and cell[1:].replace('""', '"') == planted


def test_an_exported_neutralised_title_imports_as_its_own_text():
    from events.imports.columns import cell_text

    assert cell_text("'+33 rencontre") == "+33 rencontre"
    assert cell_text("'Atelier") == "'Atelier"  # an apostrophe of the text itself stays


# -- registrations on the event's page (their actions: tests/events/admin/test_registrants.py) --


def test_personal_data_is_read_only_on_the_event_page(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory(event=event, email="camille@example.org")

    response = agency_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert "camille@example.org" in response.text
    assert 'name="registrations-0-email"' not in response.text


# -- dashboard, import page ---------------------------------------------------------------------


def test_the_dashboard_counts_the_users_events_only(agency_client, lyon):
    day = datetime.datetime(2030, 4, 23, 10, tzinfo=timezone.get_current_timezone())
    mine = EventFactory(organiser=lyon, start=day, end=day + datetime.timedelta(hours=2))
    RegistrationFactory.create_batch(3, event=mine)
    Event.objects.filter(pk=mine.pk).update(confirmed_onsite=3)
    EventFactory(start=day, end=day + datetime.timedelta(hours=2))  # another agency's

    response = agency_client.get(reverse("admin:events_event_dashboard"))

    assert response.status_code == 200
    assert response.context["total"] == 1
    assert response.context["seats"]["onsite_offered"] == 20
    assert response.context["seats"]["onsite_taken"] == 3
    assert dict(response.context["per_day"])[day.date()] == 3
    assert "<svg" in response.text and "<table" in response.text
    assert "15 %" in response.text  # fill rate of the event


def test_staff_see_the_people_whose_email_was_refused(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory(event=event, email="bien@example.org")
    RegistrationFactory(
        event=event,
        email="inconnu@example.org",
        email_failed_at=timezone.now(),
        email_failure="Adresse refusée par le serveur de messagerie (code 550)",
    )
    # Another agency's undelivered e-mail is not this user's to see.
    RegistrationFactory(email="ailleurs@example.org", email_failure="Adresse refusée")

    dashboard = agency_client.get(reverse("admin:events_event_dashboard"))
    assert dashboard.context["emails_failed"] == 1
    assert "?email_non_delivre=1" in dashboard.text

    listing = agency_client.get(
        reverse("admin:events_registration_changelist") + "?email_non_delivre=1"
    )
    assert "inconnu@example.org" in listing.text
    assert "(code 550)" in listing.text
    assert "bien@example.org" not in listing.text
    assert "ailleurs@example.org" not in listing.text


def test_the_admin_index_shows_the_task_queue(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory.create_batch(2, event=event)
    registration_create(event=event, first_name="A", last_name="B", email="a@example.org")

    response = agency_client.get(reverse("admin:index"))

    queue = response.context["queue"]
    assert (queue["waiting"], queue["failing"], queue["failed"]) == (1, 0, 0)
    assert "File d'attente des e-mails et des tâches" in response.text
    # No worker in a test: staff are told the e-mails wait.
    assert "Aucun worker ne tourne" in response.text


def test_the_import_page_documents_the_columns_and_serves_templates(agency_client):
    page = agency_client.get(reverse("admin:events_event_import"))
    xlsx = agency_client.get(reverse("admin:events_event_import_template", args=["xlsx"]))
    csv = agency_client.get(reverse("admin:events_event_import_template", args=["csv"]))

    assert "heure_debut" in page.text and "modèle Excel" in page.text
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert csv.content.decode("utf-8-sig").startswith("reference;titre;type;modalite;date")


def test_an_import_through_the_admin_previews_then_writes(agency_client, lyon, settings):
    from pathlib import Path

    sample = Path(__file__).parents[1] / "imports" / "samples" / "evenements_agence.csv"
    edition()

    with sample.open("rb") as handle:
        preview = agency_client.post(
            reverse("admin:events_event_import"),
            {"import_file": handle, "format": "0", "resource": "0"},
        )

    assert preview.status_code == 200
    assert Event.objects.count() == 0
    assert "22/04/2030 09:30" in preview.text  # local times and labels, as they will be saved
    assert "<td>Job dating</td>" in preview.text
    assert "<ins style=" not in preview.text
    confirm = preview.context["confirm_form"]
    response = agency_client.post(
        reverse("admin:events_event_process_import"), confirm.initial, follow=True
    )
    assert Event.objects.count() == 5
    assert "Import terminé : 5 événement(s) créé(s)" in response.text


def test_an_import_with_errors_shows_them_and_offers_no_confirmation(agency_client):
    from pathlib import Path

    sample = Path(__file__).parents[1] / "imports" / "samples" / "evenements_erreurs.csv"
    edition()

    with sample.open("rb") as handle:
        response = agency_client.post(
            reverse("admin:events_event_import"),
            {"import_file": handle, "format": "0", "resource": "0"},
        )

    assert "confirm_form" not in response.context
    assert "Département inconnu : « 99 »." in response.text
    assert "rien n'a été importé" in response.text
    assert Event.objects.count() == 0


def test_an_unreadable_upload_gets_a_french_message(agency_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = agency_client.post(
        reverse("admin:events_event_import"),
        {"import_file": SimpleUploadedFile("x.xlsx", b"pas un classeur"), "format": "1"},
    )

    assert "n&#x27;est pas un classeur Excel" in response.text


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(agency_client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.imports.columns import MAX_FILE_BYTES
    from events.imports.formats import SpreadsheetCSV

    def never(*args):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(SpreadsheetCSV, "create_dataset", never)
    big = b"titre;type\n" + b"x" * MAX_FILE_BYTES

    response = agency_client.post(
        reverse("admin:events_event_import"),
        {"import_file": SimpleUploadedFile("gros.csv", big), "format": "0", "resource": "0"},
    )

    assert response.status_code == 200
    assert "Ce fichier pèse plus de 5 Mo" in response.text
    assert Event.objects.count() == 0


# -- offers -------------------------------------------------------------------------------------


def test_national_staff_upload_a_france_travail_offers_file(client, national_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(national_user)

    response = client.post(
        reverse("admin:offers_offer_upload"),
        {"file": SimpleUploadedFile("offres.json", b'{"resultats": []}')},
    )

    assert response.status_code == 200
    assert "0 offre lue" in response.text


# -- accounts and lockout -----------------------------------------------------------------------


@override_settings(DEBUG=True)
def test_seed_accounts_creates_the_demo_staff():
    demo.ensure_organisers()

    names = demo.seed_accounts()

    assert names == ["national", "coord-ara", "agence-lyon", "agence-marseille"]
    lyon = StaffProfile.objects.get(user__username="agence-lyon")
    assert lyon.organiser.name == "France Travail Lyon"
    assert StaffProfile.objects.get(user__username="coord-ara").region_id == "84"
    assert lyon.user.check_password("semaine-demo")
    assert demo.seed_accounts() == names  # idempotent


@override_settings(DEBUG=False)
def test_seed_demo_refuses_demo_accounts_when_debug_is_off(capsys):
    with pytest.raises(demo.DemoAccountsRefused):
        demo.seed_accounts()
    call_command("seed_demo", size=0, offers=0)

    assert "Comptes de démonstration refusés" in capsys.readouterr().out
    assert not StaffProfile.objects.exists()


def test_repeated_failed_logins_lock_the_account_out(client, agency_user, settings):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "agence-lyon", "password": "mauvais"})

    locked = client.post(url, {"username": "agence-lyon", "password": "mot-de-passe-test"})

    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.text
    assert "pendant 30 minutes" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_client_behind_the_proxy_not_the_proxy(
    client, agency_user, settings
):
    # Behind a load balancer every request comes from its address: locking that address would
    # let anyone lock any staff account out by name, for everybody.
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("admin:login")
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    colleague = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "agence-lyon", "password": "mauvais"}, **attacker)

    locked = client.post(
        url, {"username": "agence-lyon", "password": "mot-de-passe-test"}, **attacker
    )
    response = client.post(
        url, {"username": "agence-lyon", "password": "mot-de-passe-test"}, **colleague
    )

    assert locked.status_code == 429
    assert response.status_code == 302


def test_failures_of_one_username_from_many_addresses_are_capped(
    client, agency_user, coordinator, settings
):
    # A brute force spread over addresses, each under django-axes' per-address limit.
    settings.LOGIN_USERNAME_RATE_LIMIT = (6, 3600)
    url = reverse("admin:login")
    for n in range(6):
        client.post(
            url,
            {"username": "Agence-Lyon", "password": "mauvais"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )

    refused = client.post(
        url, {"username": "agence-lyon", "password": "mot-de-passe-test"}, REMOTE_ADDR="192.0.2.1"
    )
    other = client.post(
        url, {"username": "coord-ara", "password": "mot-de-passe-test"}, REMOTE_ADDR="192.0.2.1"
    )

    assert refused.status_code == 200 and "Veuillez compléter correctement" in refused.text
    assert other.status_code == 302


def test_a_correct_login_works_before_the_limit(client, agency_user):
    url = reverse("admin:login")
    client.post(url, {"username": "agence-lyon", "password": "mauvais"})

    response = client.post(url, {"username": "agence-lyon", "password": "mot-de-passe-test"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agency_user.pk)


def test_times_of_an_overseas_event_are_typed_in_its_local_time(agency_client, lyon):
    response = agency_client.post(
        reverse("admin:events_event_add"),
        event_form_data(
            organiser=lyon.pk,
            title="Job dating à Saint-Denis",
            postcode="97400",
            city="Saint-Denis",
            department="974",
            start_1="09:00",
            end_1="11:00",
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get(title="Job dating à Saint-Denis")
    assert event.local_start.strftime("%H:%M") == "09:00"
    assert event.start.astimezone(datetime.UTC).strftime("%H:%M") == "05:00"
    page = agency_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert 'value="09:00:00"' in page.text


def test_national_staff_import_a_france_travail_file_for_a_chosen_agency(
    client, lyon, national_user
):
    from pathlib import Path

    edition()
    client.force_login(national_user)
    sample = Path(__file__).parents[1] / "imports" / "samples" / "francetravail_evenements.json"

    with sample.open("rb") as handle:
        preview = client.post(
            reverse("admin:events_event_import"),
            {"import_file": handle, "format": "2", "resource": "0", "default_organiser": lyon.pk},
        )
    confirm = preview.context["confirm_form"]
    client.post(reverse("admin:events_event_process_import"), confirm.initial)

    assert Event.objects.filter(organiser=lyon, external_source="france_travail").count() == 3


@pytest.mark.parametrize("edition_param", ["toutes", "1999", "abc", "<script>"])
def test_the_dashboard_accepts_any_edition_parameter(agency_client, lyon, edition_param):
    EventFactory(organiser=lyon)

    response = agency_client.get(
        reverse("admin:events_event_dashboard"), {"edition": edition_param}
    )

    assert response.status_code == 200
    assert response.context["total"] == 1


def test_the_dashboard_lists_the_fullest_events_first(agency_client, lyon):
    EventFactory(organiser=lyon, title="Moitié plein", capacity_onsite=10, confirmed_onsite=5)
    EventFactory(organiser=lyon, title="Presque plein", capacity_onsite=200, confirmed_onsite=190)
    EventFactory(organiser=lyon, title="Sans limite", capacity_onsite=None, confirmed_onsite=40)

    response = agency_client.get(reverse("admin:events_event_dashboard"))

    fill = [(event.title, rate) for event, rate in response.context["fill"]]
    assert fill == [("Presque plein", 95), ("Moitié plein", 50)]


def test_an_edit_keeps_the_registrations_that_land_while_it_is_saved(
    agency_client, lyon, monkeypatch
):
    from events.admin.events import EventAdmin
    from tests.conftest import register_confirmed

    event = EventFactory(organiser=lyon, capacity_onsite=10)
    RegistrationFactory.create_batch(2, event=event)
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=2)
    save_model = EventAdmin.save_model

    def registrations_land_meanwhile(admin, request, obj, form, change):
        # The admin read the row (2 seats taken) before these three people registered.
        for n in range(3):
            register_confirmed(
                event=obj, first_name="Lina", last_name=f"N{n}", email=f"lina{n}@example.org"
            )
        save_model(admin, request, obj, form, change)

    monkeypatch.setattr(EventAdmin, "save_model", registrations_land_meanwhile)
    data = event_form_data(organiser=lyon.pk, title="Nouveau titre", capacity_onsite="10")

    response = agency_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Nouveau titre"
    assert event.confirmed_onsite == 5 == event.registrations.confirmed().count()


def test_admin_history_written_before_keeps_no_registrant_name(lyon, agency_user):
    import importlib
    import json

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    event = EventFactory(organiser=lyon, title="Forum")
    registration = RegistrationFactory(event=event, first_name="Camille", last_name="Durand")
    old = "Camille Durand — Forum"
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        object_repr=old,
        action_flag=2,
        user=agency_user,
    )
    message = [{"changed": {"name": "inscription", "object": old, "fields": ["status"]}}]
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Event),
        object_id=str(event.pk),
        object_repr="Forum",
        action_flag=2,
        user=agency_user,
        change_message=json.dumps(message),
    )

    migration = importlib.import_module("events.migrations.0011_registration_log_without_names")
    migration.forget_names(apps, None)

    assert not LogEntry.objects.filter(object_repr__contains="Durand").exists()
    assert not LogEntry.objects.filter(change_message__contains="Durand").exists()
    message = LogEntry.objects.get(object_repr="Forum").get_change_message()
    assert message.startswith("Modification de status pour l'objet inscription")


def test_the_import_preview_warns_of_coordinates_set_aside_then_imports_the_row(
    agency_client, lyon
):
    # France Travail's sample payload: a Paris event whose coordinates are in Algeria.
    payload = (
        b'{"totalElements": 1, "content": [{"id": 11111, "ville": "Paris", "codePostal": '
        b'"75012", "codeInsee": "01419", "longitude": 2.16, "latitude": 36.547, "type": '
        b'"Atelier", "modalites": ["en physique"], "titre": "Atelier", "dateEvenement": '
        b'"2030-05-17T07:00:00.000+06:00", "heureDebut": "07:00:00", "heureFin": "09:00:00"}]}'
    )
    edition()

    preview = agency_client.post(
        reverse("admin:events_event_import"),
        {
            "import_file": SimpleUploadedFile("evenements.json", payload),
            "format": "2",
            "resource": "0",
        },
    )

    assert "À vérifier : ces lignes seront importées autrement" in preview.text
    assert "ce point n&#x27;est pas en France" in preview.text
    assert "<td>Centre de la commune</td>" in preview.text
    confirm = preview.context["confirm_form"]
    agency_client.post(reverse("admin:events_event_process_import"), confirm.initial)
    event = Event.objects.get(external_id="11111")
    assert (event.city, event.location_source) == ("Paris", "commune")
