"""Valid HTML: every public page type passes the Nu HTML Checker with no error."""

from tests.browser.conftest import FIGURES, nu_html_check
from tests.browser.pages import public_pages


def test_every_public_page_type_is_valid_html(new_context, site, tmp_path):
    request = new_context().request
    documents = {}
    for page_type, url in public_pages(site).items():
        response = request.get(url)
        assert response.status == 200, f"{page_type} ({url}) answered {response.status}"
        # The source as served, not the DOM Chromium rebuilt from it: that is what vnu checks.
        documents[page_type] = response.text()

    report = nu_html_check(documents, tmp_path)

    FIGURES.append(
        f"Nu HTML Checker: {len(report.errors)} errors on {len(documents)} page types "
        f"({', '.join(documents)})"
    )
    assert not report.errors, str(report)
