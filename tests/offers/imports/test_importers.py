import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from offers.imports.francetravail.importer import import_offers
from offers.models import Offer
from tests.factories import OfferFactory

SAMPLES = Path(__file__).parent / "samples"

pytestmark = pytest.mark.django_db


def run(name, **kwargs):
    with (SAMPLES / name).open("rb") as stream:
        return import_offers(stream, **kwargs)


def run_bytes(data: bytes, **kwargs):
    return import_offers(io.BytesIO(data), **kwargs)


def ft(external_id):
    return Offer.objects.get(source=Offer.Source.FRANCE_TRAVAIL, external_id=external_id)


def reasons(report):
    return {r.external_id: r.reason for r in report.rejected}


def test_it_creates_the_offers_of_a_search_response():
    report = run("ft_offres_soin.json")

    assert (report.read, report.created, report.updated, report.rejected) == (8, 8, 0, [])
    offer = ft("190QWXA")
    assert offer.title == "Aide-soignant / Aide-soignante (H/F)"
    assert offer.nature == Offer.Nature.EMPLOI
    assert offer.status == Offer.Status.OPEN
    assert (offer.trade.code, offer.trade.version) == ("J1501", "v4")
    assert (offer.city, offer.postcode, offer.department_id, offer.region_id) == (
        "Rennes",
        "35000",
        "35",
        "53",
    )
    assert offer.employer == "CHU DE RENNES"
    assert offer.contract_type == Offer.Contract.CDI
    assert offer.working_time == Offer.WorkingTime.PLEIN
    assert offer.salary.startswith("Mensuel de 1900.0 Euros")
    assert offer.experience == "Débutant accepté"
    assert offer.positions == 3
    assert offer.published_at.isoformat() == "2025-03-03T09:12:44+00:00"
    assert offer.external_url.endswith("/detail/190QWXA")
    assert offer.get_absolute_url() == f"/offres/{offer.pk}-aide-soignant-aide-soignante-hf/"


def test_it_reads_work_study_contracts_and_part_time():
    run("ft_offres_soin.json")

    apprentice = ft("190QWXB")
    assert apprentice.contract_type == Offer.Contract.APPRENTISSAGE
    assert apprentice.work_study is True
    pro = ft("190QWXE")
    assert pro.contract_type == Offer.Contract.PROFESSIONNALISATION
    assert pro.work_study is True
    assert ft("190QWXC").working_time == Offer.WorkingTime.PARTIEL
    assert ft("190QWXF").contract_type == Offer.Contract.MIS


def test_it_places_corsica_and_overseas_and_accepts_other_territories():
    run("ft_offres_soin.json")

    assert ft("190QWXE").department_id == "2A"
    assert (ft("190QWXF").department_id, ft("190QWXF").region_id) == ("974", "04")
    saint_pierre = ft("190QWXG")
    assert saint_pierre.department_id is None
    assert saint_pierre.region_id is None
    assert saint_pierre.city == "Saint-Pierre"


def test_it_translates_rome_v3_codes_of_older_offers():
    run("ft_offres_soin.json")

    # 2021: K1303 is the v3 family "Assistance auprès d'enfants", K1309 in ROME 4.0.
    older = ft("116ZZKP")
    assert (older.trade.code, older.trade.version) == ("K1309", "v4")
    # Hours only in dureeTravailLibelle ("35H Horaires normaux"): full time.
    assert older.working_time == Offer.WorkingTime.PLEIN


def test_a_second_run_of_the_same_file_changes_nothing():
    run("ft_offres_soin.json")
    before = {o.pk: o.updated_at for o in Offer.objects.all()}

    report = run("ft_offres_soin.json")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)
    assert {o.pk: o.updated_at for o in Offer.objects.all()} == before


def test_it_updates_offers_in_place_from_a_plain_list():
    run("ft_offres_soin.json")
    pk = ft("190QWXA").pk

    report = run("ft_offres_soin_lendemain.json")

    assert (report.created, report.updated, report.unchanged, report.closed) == (1, 1, 6, 0)
    offer = ft("190QWXA")
    assert offer.pk == pk
    assert offer.title == "Aide-soignant / Aide-soignante de nuit (H/F)"
    assert offer.slug == "aide-soignant-aide-soignante-de-nuit-hf"
    assert offer.positions == 2
    # Without --full an offer missing from the file stays open.
    assert ft("190QWXD").status == Offer.Status.OPEN


def test_a_full_refresh_closes_the_offers_missing_from_the_file():
    run("ft_offres_soin.json")
    manual = OfferFactory(source=Offer.Source.MANUEL)

    report = run("ft_offres_soin_lendemain.json", full=True)

    assert report.closed == 1
    assert ft("190QWXD").status == Offer.Status.CLOSED
    assert ft("190QWXA").status == Offer.Status.OPEN
    manual.refresh_from_db()
    assert manual.status == Offer.Status.OPEN  # another source is not touched


def test_a_closed_offer_back_in_the_feed_is_reopened():
    run("ft_offres_soin.json")
    Offer.objects.filter(external_id="190QWXD").update(status=Offer.Status.CLOSED)

    report = run("ft_offres_soin.json")

    assert report.updated == 1
    assert ft("190QWXD").status == Offer.Status.OPEN


def test_an_import_keeps_the_links_staff_made():
    run("ft_offres_soin.json")
    offer = ft("190QWXA")
    from tests.factories import EventFactory

    event = EventFactory()
    offer.events.add(event)

    run("ft_offres_soin_lendemain.json")

    assert list(ft("190QWXA").events.all()) == [event]


def test_bad_records_are_reported_with_a_reason_and_the_rest_imported():
    report = run("ft_offres_invalides.json")

    assert report.created == 2  # 200BAD3 (first occurrence, HTML cleaned) and 200OK01
    by_id = reasons(report)
    assert by_id["200BAD1"] == "lieu de travail sans code postal ni code commune"
    assert by_id["200BAD2"] == "commune inconnue : code « 99999 »"
    assert by_id["200BAD3"] == "identifiant en double dans le fichier : offre ignorée"
    assert "M1855" in by_id["200BAD4"]
    assert "hors des métiers du soin" in by_id["200BAD4"]
    assert by_id["200BAD5"] == "date de création absente ou invalide"
    assert by_id[""] in ("identifiant « id » absent",)
    positions = [r.position for r in report.rejected]
    assert positions == [1, 2, 4, 5, 6, 7, 8]
    assert len(report.rejected) == 7
    assert "n° 7 (offre sans identifiant)" in "\n".join(report.lines())


def test_html_in_an_offer_is_stripped_and_never_kept_as_markup():
    run("ft_offres_invalides.json")

    offer = ft("200BAD3")
    assert offer.title == "Aide-soignant H/F"
    assert offer.employer == "EHPAD LES TILLEULS"
    assert "<" not in offer.description
    assert "Rejoignez-nous !" in offer.description
    assert "Salaire attractif & primes." in offer.description
    # Paragraphs stay apart.
    assert offer.description.startswith("Rejoignez-nous !\n")


def test_unknown_fields_and_odd_types_do_not_crash_the_import():
    run("ft_offres_invalides.json")

    offer = ft("200OK01")
    assert offer.contract_type == ""  # "XYZ" is no contract we know
    assert offer.positions == 1
    assert offer.salary == ""
    assert offer.employer == ""


def test_malformed_json_keeps_what_came_before_and_reports_the_rest():
    data = (SAMPLES / "ft_offres_soin.json").read_bytes()
    # Cut the file in the middle of the fourth offer.
    cut = data.index(b'"190QWXD"') + 40

    report = run_bytes(data[:cut], full=True)

    assert report.created == 3
    assert report.errors[0] == (
        "JSON invalide après l'offre n° 3 (premature EOF) : la suite du fichier est ignorée."
    )
    # A truncated file must not close the offers it did not reach.
    assert report.closed == 0
    assert "aucune offre n'a été close" in report.errors[-1]


def test_a_full_refresh_with_an_incomplete_file_closes_nothing():
    run("ft_offres_soin.json")
    truncated = (SAMPLES / "ft_offres_soin_lendemain.json").read_bytes()[:2000]

    report = run_bytes(truncated, full=True)

    assert report.closed == 0
    assert Offer.objects.filter(status=Offer.Status.CLOSED).count() == 0


def test_a_file_that_is_not_json_is_reported():
    report = run_bytes(b"id;intitule\n1;Aide-soignant\n")

    assert report.read == 0
    assert report.errors == [
        "JSON invalide dès le début du fichier (le fichier ne commence ni par « { » ni par "
        "« [ ») : la suite du fichier est ignorée."
    ]


def test_an_empty_file_is_reported_and_a_full_refresh_closes_nothing():
    run("ft_offres_soin.json")

    report = run_bytes(b'{"resultats": []}', full=True)

    assert report.closed == 0
    assert report.errors == [
        "Aucune offre dans le fichier : ni liste d'offres, ni clé « resultats » non vide.",
        "Import incomplet : aucune offre n'a été close.",
    ]


def test_an_object_without_resultats_is_reported():
    report = run_bytes(b'{"totalElements": 0, "content": []}')

    assert report.read == 0
    assert report.errors == [
        "Aucune offre dans le fichier : ni liste d'offres, ni clé « resultats » non vide."
    ]


def test_records_with_bytes_that_are_not_utf8_are_rejected_and_the_others_imported():
    records = json.loads((SAMPLES / "ft_offres_soin.json").read_text())["resultats"][:3]
    data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    # The second offer's employer written in Latin-1: "CLINIQUE PASTEUR LANROZE" -> "Clinique é".
    latin1 = "Clinique Sainte-Thérèse".encode("latin-1")
    data = data.replace(b"CLINIQUE PASTEUR LANROZE", latin1)

    report = run_bytes(data)

    assert report.created == 2
    assert reasons(report) == {"190QWXB": "texte illisible : caractères qui ne sont pas de l'UTF-8"}


def test_a_byte_order_mark_and_mis_encoded_accents_are_handled():
    record = json.loads((SAMPLES / "ft_offres_soin.json").read_text())["resultats"][0]
    record["intitule"] = "Aide-soignant de nuit en EHPAD (H/F) - Ã©quipe de 12"
    data = b"\xef\xbb\xbf" + json.dumps([record], ensure_ascii=False).encode("utf-8")

    report = run_bytes(data)

    assert report.created == 1
    assert ft("190QWXA").title == "Aide-soignant de nuit en EHPAD (H/F) - équipe de 12"


def test_imported_offers_are_found_by_full_text_search():
    run("ft_offres_soin.json")

    found = Offer.objects.filter(search_vector__isnull=False).count()
    assert found == 8


def test_the_command_prints_the_report(tmp_path):
    out = io.StringIO()

    call_command("import_offers", str(SAMPLES / "ft_offres_invalides.json"), stdout=out)

    text = out.getvalue()
    assert text.startswith("9 offres lues : 2 créée(s), 0 mise(s) à jour")
    assert "Rejetée : n° 2 (offre 200BAD2) : commune inconnue" in text


def test_the_command_full_flag_closes_missing_offers():
    call_command("import_offers", str(SAMPLES / "ft_offres_soin.json"), stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "import_offers", str(SAMPLES / "ft_offres_soin_lendemain.json"), "--full", stdout=out
    )

    assert "1 close(s)" in out.getvalue()
    assert ft("190QWXD").status == Offer.Status.CLOSED


def test_the_command_fails_loudly_on_a_missing_file_or_a_malformed_one(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_offers", str(tmp_path / "absent.json"))
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"resultats": [{"id": "1"')
    with pytest.raises(CommandError, match="Import incomplet"):
        call_command("import_offers", str(broken), stdout=io.StringIO())
