"""Writing the offers of an import: a batch at a time, and closing those a full file lacks."""

from django.db import transaction
from django.utils import timezone

from offers.imports.francetravail.report import ImportReport
from offers.models import Offer

# Fields an import sets; the others (organiser, linked events…) belong to the site's staff.
IMPORTED_FIELDS = (
    "nature",
    "title",
    "slug",
    "description",
    "trade",
    "sector",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "location_source",
    "department",
    "region",
    "published_at",
    "source_updated_at",
    "external_url",
    "status",
    "work_study",
    "employer",
    "contract_type",
    "working_time",
    "salary",
    "experience",
    "positions",
)


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("trade", "department", "region") else name


def _changed(offer: Offer, values: dict) -> bool:
    changed = False
    for name in IMPORTED_FIELDS:
        attname = _attname(name)
        value = values[attname] if attname in values else values[name]
        if name == "trade":
            value = values["trade"].pk
        if getattr(offer, attname) != value:
            setattr(offer, attname, value)
            changed = True
    return changed


def write_batch(batch: list[tuple[str, dict]], report: ImportReport, *, source: str) -> None:
    existing = {
        offer.external_id: offer
        for offer in Offer.objects.filter(source=source, external_id__in=[i for i, _ in batch])
    }
    to_create, to_update = [], []
    for external_id, values in batch:
        offer = existing.get(external_id)
        if offer is None:
            to_create.append(Offer(source=source, external_id=external_id, **values))
        elif _changed(offer, values):
            to_update.append(offer)
        else:
            report.unchanged += 1
    now = timezone.now()
    for offer in to_update:
        offer.updated_at = now  # bulk_update skips auto_now
    with transaction.atomic():
        Offer.objects.bulk_create(to_create)
        if to_update:
            Offer.objects.bulk_update(to_update, [*map(_attname, IMPORTED_FIELDS), "updated_at"])
    report.created += len(to_create)
    report.updated += len(to_update)


def close_missing(seen: set[str], *, source: str) -> int:
    open_ids = Offer.objects.open().filter(source=source).values_list("pk", "external_id")
    missing = [pk for pk, external_id in open_ids.iterator() if external_id not in seen]
    now = timezone.now()
    for start in range(0, len(missing), 5000):
        Offer.objects.filter(pk__in=missing[start : start + 5000]).update(
            status=Offer.Status.CLOSED, updated_at=now
        )
    return len(missing)
