"""The board report in a real browser, with axe: reached from the site's navigation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page, sign_in
from tests.reports.test_board import make_site_data


@pytest.mark.django_db(transaction=True)
def test_lead_reads_the_board_report(page, site, site_lead, partner, framework):
    make_site_data(site, site_lead, partner, framework, goals=2, measures=2)
    sign_in(page, site_lead.username)
    page.goto(f"{page.base}/sites/{site.slug}/")
    check_page(page, site.name)
    page.get_by_role("link", name="Reports").click()
    check_page(page, "Reports")
    page.fill("#id_from", "2012-01-01")
    page.fill("#id_to", "2012-12-31")
    page.get_by_role("button", name="Show the report").click()
    check_page(page, "Board report, 1 January 2012 to 31 December 2012")
    main = page.locator("main").inner_text()
    assert "Adopted idea 0" in main
    assert page.locator("svg.spc-chart").count() == 2
    pdf_link = page.get_by_role("link", name="Download as PDF")
    assert "board.pdf?from=2012-01-01&to=2012-12-31" in pdf_link.get_attribute("href")


@pytest.mark.django_db(transaction=True)
def test_bad_dates_show_the_error_summary(page, site, site_lead, framework):
    sign_in(page, site_lead.username)
    page.goto(f"{page.base}/sites/{site.slug}/reports/board.html?from=2013-01-01&to=2012-01-01")
    check_page(page, "Reports")
    assert (
        "The end date must be the same as or after the start date."
        in page.locator(".error-summary").inner_text()
    )
