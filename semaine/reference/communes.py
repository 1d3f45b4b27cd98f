"""The communes and municipal arrondissements of the 101 departments, in the project's own data
file: `communes.tsv.gz` beside this module, written by `manage.py build_communes` from the
verified reference (INSEE COG 2025, La Poste's postcodes, coordinates of the commune's centre),
read by the migrations that load the `Commune` table.

Its columns, tab-separated, one commune a line, no header: INSEE code, name, department,
parent commune (arrondissements only), postcodes (space-separated), population, latitude,
longitude (WGS 84, 5 decimals).
"""

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "communes.tsv.gz"


@dataclass(frozen=True)
class CommuneRow:
    insee: str
    name: str
    department: str
    parent: str
    postcodes: tuple[str, ...]
    population: int
    latitude: float
    longitude: float


def build_data_file(source: Path, target: Path = DATA_FILE) -> int:
    """Write the data file from the reference CSV (`../shared/reference/communes.csv`); returns
    the number of communes. The output does not depend on the time it was written (mtime 0), so
    rebuilding an unchanged source changes nothing in git."""
    with open(source, encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda row: row["insee"])
    lines = []
    for row in rows:
        fields = [
            row["insee"],
            row["name"],
            row["department"],
            row["parent"],
            " ".join(row["postcodes"].split()),
            str(int(row["population"] or 0)),
            f"{float(row['latitude']):.5f}",
            f"{float(row['longitude']):.5f}",
        ]
        if any("\t" in field or "\n" in field for field in fields):
            raise ValueError(f"unexpected tab or newline in commune {row['insee']}")
        lines.append("\t".join(fields))
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(payload)
    return len(lines)


def read_data_file(path: Path = DATA_FILE) -> Iterator[CommuneRow]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            insee, name, department, parent, postcodes, population, lat, lon = line.rstrip(
                "\n"
            ).split("\t")
            yield CommuneRow(
                insee=insee,
                name=name,
                department=department,
                parent=parent,
                postcodes=tuple(postcodes.split()),
                population=int(population),
                latitude=float(lat),
                longitude=float(lon),
            )


def load_communes(connection, table: str = "semaine_commune") -> int:
    """Replace the rows of the communes table with the data file's, in one COPY (35,000 rows
    in well under a second; a migration calls it inside its transaction)."""
    from semaine.geo.text import normalise

    rows = list(read_data_file())
    columns = (
        "insee",
        "name",
        "search_name",
        "department_id",
        "parent_id",
        "postcodes",
        "population",
        "latitude",
        "longitude",
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(table)}")
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row.insee,
                        row.name,
                        normalise(row.name),
                        row.department,
                        row.parent or None,
                        list(row.postcodes),
                        row.population,
                        row.latitude,
                        row.longitude,
                    )
                )
    return len(rows)
