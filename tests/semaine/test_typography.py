"""French typography and QR codes of printed pages (semaine_tags)."""

import datetime

from semaine.templatetags.semaine_tags import french_spacing, french_time, qr_code


def test_french_spacing_makes_the_spaces_around_punctuation_unbreakable():
    assert french_spacing("Forum : emploi ! Vous venez ? « Santé »") == (
        "Forum\u00a0: emploi\u202f! Vous venez\u202f? «\u00a0Santé\u00a0»"
    )
    assert french_spacing("Santé; soin") == "Santé\u202f; soin"
    assert french_spacing("https://exemple.fr/a") == "https://exemple.fr/a"


def test_french_time_writes_hours_out():
    assert french_time(datetime.time(9, 0)) == "9\u00a0h"
    assert french_time(datetime.datetime(2030, 4, 22, 14, 5)) == "14\u00a0h\u00a005"
    assert french_time(None) == ""


def test_the_qr_code_is_an_svg_image_named_for_assistive_technologies():
    svg = qr_code("https://semaine-soin.fr/evenements/1-forum/", "Code QR de la page")
    assert svg.startswith('<svg role="img" viewBox="0 0 ')
    assert "<title>Code QR de la page</title>" in svg
    assert "<path" in svg
