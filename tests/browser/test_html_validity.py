"""Valid HTML: every public page type passes the Nu HTML Checker with no error."""

from tests.browser.conftest import FIGURES, nu_html_check
from tests.browser.pages import PAGE_TYPES, visit


def test_every_public_page_type_is_valid_html(page, site, tmp_path):
    documents = {}
    missing = []
    for page_type in PAGE_TYPES:
        visited = visit(page, site, page_type)
        if visited is None:
            missing.append(page_type)
            continue
        # The source as served, not the DOM Chromium rebuilt from it: that is what vnu checks.
        documents[page_type] = visited[1]

    report = nu_html_check(documents, tmp_path)

    FIGURES.append(
        f"Nu HTML Checker: {len(report.errors)} errors on {len(documents)} page types "
        f"({', '.join(documents)}); not in this checkout: {', '.join(missing) or 'none'}"
    )
    assert not report.errors, str(report)
