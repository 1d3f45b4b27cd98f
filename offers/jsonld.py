"""schema.org descriptions of offers for search engines: JobPosting (Google for Jobs) and Course."""

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
        "inLanguage": "fr",
    }
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
