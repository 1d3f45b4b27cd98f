"""schema.org descriptions of offers for search engines: JobPosting (Google for Jobs) and Course."""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings

from offers.models import Offer

# Google for Jobs' employmentType vocabulary.
TEMPORARY_CONTRACTS = {Offer.Contract.CDD, Offer.Contract.MIS, Offer.Contract.SAI}
WORKING_TIME = {Offer.WorkingTime.PLEIN: "FULL_TIME", Offer.WorkingTime.PARTIEL: "PART_TIME"}


def _postal_address(offer: Offer) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if offer.city:
        address["addressLocality"] = offer.city
    if offer.postcode:
        address["postalCode"] = offer.postcode
    if offer.region_id:
        address["addressRegion"] = offer.region.name
    return address


# France Travail's salary text: « Mensuel de 1900.0 Euros à 2100.0 Euros sur 12.0 mois »,
# « Horaire de 12,50 Euros », « Annuel de 30 000 Euros ».
_SALARY_RE = re.compile(
    r"^\s*(?P<unit>mensuel|annuel|horaire)\s+de\s+(?P<min>[\d\s.,]+?)\s*euros?"
    r"(?:\s+à\s+(?P<max>[\d\s.,]+?)\s*euros?)?\b",
    re.IGNORECASE,
)
_SALARY_UNITS = {"mensuel": "MONTH", "annuel": "YEAR", "horaire": "HOUR"}


def _amount(text: str) -> Decimal | None:
    digits = re.sub(r"\s", "", text).replace(",", ".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def base_salary(text: str) -> dict | None:
    """The salary as schema.org's MonetaryAmount when the text says it the France Travail way
    (a period, an amount or a range in euros); None otherwise (« Selon profil »)."""
    match = _SALARY_RE.match(text)
    if not match:
        return None
    low = _amount(match["min"])
    high = _amount(match["max"]) if match["max"] else None
    if low is None or (match["max"] and (high is None or high < low)):
        return None
    value = {"@type": "QuantitativeValue", "unitText": _SALARY_UNITS[match["unit"].lower()]}
    if high is None or high == low:
        value["value"] = float(low)
    else:
        value["minValue"], value["maxValue"] = float(low), float(high)
    return {"@type": "MonetaryAmount", "currency": "EUR", "value": value}


def _employment_type(offer: Offer) -> list[str] | str:
    types = []
    if offer.working_time in WORKING_TIME:
        types.append(WORKING_TIME[offer.working_time])
    if offer.contract_type in TEMPORARY_CONTRACTS:
        types.append("TEMPORARY")
    if not types:
        return "OTHER"
    return types[0] if len(types) == 1 else types


def job_posting(offer: Offer) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.description or offer.title,
        "datePosted": offer.published_at.date().isoformat(),
        "employmentType": _employment_type(offer),
        "hiringOrganization": {"@type": "Organization", "name": offer.employer or "Non précisé"},
        "jobLocation": {"@type": "Place", "address": _postal_address(offer)},
        "identifier": {
            "@type": "PropertyValue",
            "name": offer.get_source_display(),
            "value": offer.external_id,
        },
        "url": settings.SITE_URL + offer.get_absolute_url(),
        # Applying happens at the source (France Travail, the employer), not on this site.
        "directApply": False,
        "inLanguage": "fr",
    }
    salary = base_salary(offer.salary)
    if salary:
        data["baseSalary"] = salary
    if offer.valid_through:
        data["validThrough"] = offer.valid_through.isoformat()
    if offer.trade_id:
        data["occupationalCategory"] = f"{offer.trade.code} {offer.trade.label}"
    if offer.positions > 1:
        data["totalJobOpenings"] = offer.positions
    if offer.experience:
        data["experienceRequirements"] = offer.experience
    return data


def course(offer: Offer) -> dict:
    instance = {
        "@type": "CourseInstance",
        "courseMode": "Onsite",
        "location": {"@type": "Place", "address": _postal_address(offer)},
    }
    if offer.training_start:
        instance["startDate"] = offer.training_start.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": offer.title,
        "description": offer.description or offer.title,
        "provider": {"@type": "Organization", "name": offer.organisation or "Non précisé"},
        "hasCourseInstance": instance,
        "url": settings.SITE_URL + offer.get_absolute_url(),
        "inLanguage": "fr",
    }
    if offer.diploma:
        data["educationalCredentialAwarded"] = offer.get_diploma_display()
    return data


def offer_jsonld(offer: Offer) -> dict | None:
    """The schema.org block of an open offer; none for a closed one (no stale job ads)."""
    if not offer.is_open:
        return None
    return course(offer) if offer.nature == Offer.Nature.FORMATION else job_posting(offer)
