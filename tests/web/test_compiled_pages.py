"""The plan page's buttons draft the compiled report for a coordinator in scope, and nobody else."""
from __future__ import annotations

import io

import docx
import openpyxl

from tests.web.conftest import COMMUNE, PROVINCE


def test_the_plan_page_offers_the_compiled_report_and_its_annex(as_user):
    page = as_user("hoa").get(f"/plans/{COMMUNE}")
    assert f"/plans/{COMMUNE}/compiled.docx" in page.text and f"/plans/{COMMUNE}/compiled.xlsx" in page.text


def test_the_focal_official_downloads_the_report_and_the_annex(as_user):
    hoa = as_user("hoa")
    report = hoa.get(f"/plans/{COMMUNE}/compiled.docx", params={"as_of": "2023-06-01"})
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert any(p.text == "BÁO CÁO" for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    annex = hoa.get(f"/plans/{COMMUNE}/compiled.xlsx", params={"as_of": "2023-06-01"})
    assert "Phụ lục" in openpyxl.load_workbook(io.BytesIO(annex.content)).sheetnames


def test_a_coordinator_of_another_plan_and_a_bad_date_get_error_pages(as_user):
    minh = as_user("minh")
    assert minh.get(f"/plans/{COMMUNE}/compiled.docx").status_code == 404
    assert minh.get(f"/plans/{PROVINCE}/compiled.docx", params={"as_of": "15/07/2023"}).status_code == 400
    assert minh.get(f"/plans/{PROVINCE}/compiled.pdf").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(anon):
    response = anon.get(f"/plans/{COMMUNE}/compiled.docx", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
