"""Which department a postcode lies in, from the communes reference (semaine.models.Commune),
and the check of a place's department against its postcode: an event's venue, typed in the admin
or imported, cannot be filed under another department than its postcode's.

The communes, not the postcode's first digits, decide: 20xxx are Corse-du-Sud (2A) or
Haute-Corse (2B), 971xx to 976xx overseas, 94390 is in the Essonne (Paray-Vieille-Poste), and
16 postcodes serve communes of two departments (01200: Ain and Haute-Savoie), where either is
right and the city tells which when the department is left empty.
"""

import functools
import re
from dataclasses import dataclass

from semaine.geo.locate import find_commune
from semaine.geo.text import normalise
from semaine.models import Commune, Department, department_code_from_postcode

POSTCODE = re.compile(r"\d{5}")


@functools.lru_cache(maxsize=8192)
def postcode_departments(postcode: str) -> tuple[str, ...]:
    """The codes of the departments of the communes with `postcode`, sorted; () when no commune
    has it. Cached per process: the communes change only with a deploy (a migration)."""
    codes = Commune.objects.filter(postcodes__contains=[postcode]).values_list(
        "department_id", flat=True
    )
    return tuple(sorted(set(codes)))


def is_cedex(city: str) -> bool:
    """« Lyon Cedex 03 »: a firm's or an office's postcode, which La Poste's list of communes'
    postcodes does not have; only its first digits say the department."""
    return "cedex" in normalise(city or "").split()


@dataclass(frozen=True)
class PostcodeCheck:
    """What a postcode says of a place: `department`, the code of its department (None when it
    gives none for sure); `error`, why the place is wrong, in French ("" when it is not), and
    `field`, the field at fault ("postcode" or "department")."""

    department: str | None = None
    error: str = ""
    field: str = ""


def _inside(codes) -> str:
    departments = Department.objects.in_bulk(list(codes))
    return " ou ".join(departments[code].inside for code in codes if code in departments)


def check_postcode(
    postcode: str, *, city: str = "", department: str | None = None
) -> PostcodeCheck:
    """Check `postcode` (and the `department` chosen, a code, when one was): 5 digits, a postcode
    some commune has (or a CEDEX one, said by the city), in that department. Without a
    department, the postcode's own is given: the city's among two."""
    postcode = (postcode or "").strip()
    if not postcode:
        return PostcodeCheck(department=department)
    if not POSTCODE.fullmatch(postcode):
        hint = ""
        if postcode.isdigit() and len(postcode) == 4:
            # Never padded silently: « 6900 » may be 69000 as much as 06900.
            hint = (
                " ; un tableur enlève le 0 du début des codes comme 06900 : mettez la colonne "
                "au format texte"
            )
        return PostcodeCheck(
            error=f"Code postal invalide : « {postcode[:10]} » (5 chiffres{hint}).",
            field="postcode",
        )
    codes = postcode_departments(postcode)
    if not codes and is_cedex(city):
        guess = department_code_from_postcode(postcode)
        codes = (guess,) if guess and Department.objects.filter(pk=guess).exists() else ()
    if not codes:
        return PostcodeCheck(
            error=f"Le code postal {postcode} n'existe pas : aucune commune ne l'a.",
            field="postcode",
        )
    if department:
        if department in codes:
            return PostcodeCheck(department=department)
        chosen = Department.objects.filter(pk=department).first()
        if chosen is None:
            error = f"Département inconnu : « {department[:10]} »."
            return PostcodeCheck(error=error, field="department")
        return PostcodeCheck(
            error=f"Le code postal {postcode} est {_inside(codes)}, pas {chosen.inside}.",
            field="department",
        )
    if len(codes) == 1:
        return PostcodeCheck(department=codes[0])
    commune = find_commune(postcode=postcode, city=city)
    if commune is not None and commune.department_id in codes:
        return PostcodeCheck(department=commune.department_id)
    return PostcodeCheck(
        error=f"Le code postal {postcode} est {_inside(codes)} : choisissez le département.",
        field="department",
    )


def postcode_department(postcode: str, city: str = "") -> str | None:
    """The department of a postcode (and city), when it says one for sure; else None."""
    return check_postcode(postcode, city=city).department
