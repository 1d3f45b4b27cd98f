"""Load the reference vocabulary (territories, trades, past editions) idempotently."""

import datetime

from django.utils.text import slugify

from semaine.reference import data as reference_data

# Past editions of the week, as published by France Travail.
PAST_EDITIONS = (
    (2022, datetime.date(2022, 4, 4), datetime.date(2022, 4, 8)),
    (2023, datetime.date(2023, 4, 24), datetime.date(2023, 4, 28)),
    (2024, datetime.date(2024, 4, 22), datetime.date(2024, 4, 26)),
)


def sync_reference_data(apps=None) -> None:
    """Create or update regions, departments, ROME trades and past editions.

    `apps` is the migration state registry when called from a migration.
    """
    if apps is None:
        from django.apps import apps
    region_model = apps.get_model("semaine", "Region")
    department_model = apps.get_model("semaine", "Department")
    trade_model = apps.get_model("semaine", "Trade")
    edition_model = apps.get_model("semaine", "Edition")

    for code, name in reference_data.REGIONS:
        region_model.objects.update_or_create(
            code=code, defaults={"name": name, "slug": slugify(name)}
        )
    for code, name, region_code in reference_data.DEPARTMENTS:
        department_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "region_id": region_code,
                "time_zone": reference_data.DEPARTMENT_TIME_ZONES.get(
                    code, reference_data.DEFAULT_TIME_ZONE
                ),
            },
        )
    v3_by_code = {}
    for code, label, domain in reference_data.ROME_V3:
        v3_by_code[code], _ = trade_model.objects.update_or_create(
            code=code,
            version="v3",
            defaults={"label": label, "domain": domain, "sector": code[0]},
        )
    for code, label, parent_code, domain in reference_data.ROME_V4:
        trade_model.objects.update_or_create(
            code=code,
            version="v4",
            defaults={
                "label": label,
                "domain": domain,
                "sector": code[0],
                "parent": v3_by_code.get(parent_code),
            },
        )
    for year, start, end in PAST_EDITIONS:
        edition_model.objects.get_or_create(
            year=year, defaults={"start_date": start, "end_date": end}
        )
