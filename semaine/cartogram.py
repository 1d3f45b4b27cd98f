"""Tile-grid cartogram of France's regions, drawn by the project itself.

One tile per region, placed roughly where it lies; overseas regions as insets on the last row.
"""

# region code -> (column, row, short label)
TILES = {
    "32": (2, 0, "HDF"),
    "53": (0, 1, "BRE"),
    "28": (1, 1, "NOR"),
    "11": (2, 1, "IDF"),
    "44": (3, 1, "GES"),
    "52": (1, 2, "PDL"),
    "24": (2, 2, "CVL"),
    "27": (3, 2, "BFC"),
    "75": (1, 3, "NAQ"),
    "84": (3, 3, "ARA"),
    "76": (2, 4, "OCC"),
    "93": (3, 4, "PAC"),
    "94": (4, 5, "COR"),
    "01": (0, 6, "GUA"),
    "02": (1, 6, "MTQ"),
    "03": (2, 6, "GUF"),
    "04": (3, 6, "REU"),
    "06": (4, 6, "MAY"),
}
TILE_W, TILE_H, GAP = 96, 64, 6
WIDTH = 5 * (TILE_W + GAP)
HEIGHT = 7 * (TILE_H + GAP) + 24  # room for the overseas caption


def tiles(regions_with_counts, max_count: int) -> list[dict]:
    result = []
    for region, count in regions_with_counts:
        col, row, short = TILES[region.code]
        level = 0 if not count or not max_count else min(4, 1 + (4 * count - 1) // max_count)
        y = row * (TILE_H + GAP) + (24 if row == 6 else 0)
        result.append(
            {
                "region": region,
                "count": count,
                "short": short,
                "level": level,
                "x": col * (TILE_W + GAP),
                "y": y,
                "cx": col * (TILE_W + GAP) + TILE_W // 2,
                "cy": y + TILE_H // 2,
            }
        )
    return result
