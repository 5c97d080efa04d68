"""Paying into a project by bank transfer: the VietQR code, its page, and the transfer in the ledger."""

import binascii
import re

import pytest
from vietnam_qr_pay import QRPay

from gocua.community import services, vietqr
from gocua.community.models import LedgerEntry, Project
from gocua.community.tests.helpers import give, make_project
from gocua.errors import Conflict, DomainError

VCB = "970436"  # Vietcombank's BIN in the NAPAS list


def _tlv(payload: str) -> dict[str, str]:
    """Split an EMVCo payload into its top-level tags (an independent reading, not the library's)."""
    fields, i = {}, 0
    while i < len(payload):
        tag, size = payload[i:i + 2], int(payload[i + 2:i + 4])
        fields[tag] = payload[i + 4:i + 4 + size]
        i += 4 + size
    return fields


def test_the_payload_carries_bank_account_amount_and_message_with_a_valid_crc():
    content = vietqr.payload(bank_bin=VCB, account="0011001234567", amount=200_000, reference="GOCUA P7 TT-001")
    # CRC-16/CCITT-FALSE over everything up to and including "6304", as EMVCo defines it.
    assert content[-8:-4] == "6304"
    assert int(content[-4:], 16) == binascii.crc_hqx(content[:-4].encode(), 0xFFFF)
    top = _tlv(content)
    assert (top["00"], top["01"], top["53"], top["54"], top["58"]) == ("01", "12", "704", "200000", "VN")
    account = _tlv(top["38"])
    assert account["00"] == "A000000727" and account["02"] == "QRIBFTTA"
    assert _tlv(account["01"]) == {"00": VCB, "01": "0011001234567"}
    assert _tlv(top["62"])["08"] == "GOCUA P7 TT-001"
    parsed = QRPay(content)  # and a banking-app style decoder agrees
    assert parsed.is_valid and parsed.consumer.bank_number == "0011001234567" and parsed.amount == "200000"


def test_a_code_without_amount_is_static_and_a_corrupted_one_fails_its_crc():
    content = vietqr.payload(bank_bin=VCB, account="0011001234567")
    assert _tlv(content)["01"] == "11" and "54" not in _tlv(content)
    broken = content[:-5] + ("0" if content[-5] != "0" else "1") + content[-4:]
    assert not QRPay(broken).is_valid


def test_references_are_short_ascii_and_name_the_project():
    assert vietqr.reference_for(12) == "GOCUA P12"
    assert vietqr.reference_for(12, "tt-001 (Hộ ông Đức)") == "GOCUA P12 TT-001HOONGDUC"[:25]
    assert len(vietqr.reference_for(123456, "x" * 40)) <= vietqr.REFERENCE_MAX


@pytest.fixture
def paid_project(leader, world):
    return make_project(leader, world.village, bank_bin=VCB, bank_account="0011 0012 34567",
                        bank_account_name="Nguyễn Văn Trường")


def test_the_project_keeps_the_account_as_the_bank_writes_it(paid_project):
    paid_project.refresh_from_db()
    assert (paid_project.bank_bin, paid_project.bank_account, paid_project.bank_account_name) == (
        VCB, "0011001234567", "NGUYEN VAN TRUONG")


@pytest.mark.parametrize(("data", "code", "field"), [
    ({"bank_bin": "123456", "bank_account": "0011001234567"}, "bank_invalid", "bank_bin"),
    ({"bank_bin": VCB, "bank_account": ""}, "bank_account_invalid", "bank_account"),
    ({"bank_bin": VCB, "bank_account": "12"}, "bank_account_invalid", "bank_account"),
    ({"bank_account": "0011001234567"}, "bank_invalid", "bank_bin"),
])
def test_a_half_or_wrong_bank_account_is_refused_and_nothing_is_written(leader, world, data, code, field):
    before = Project.objects.count()
    with pytest.raises(DomainError) as info:
        make_project(leader, world.village, **data)
    assert (info.value.code, info.value.field) == (code, field)
    assert Project.objects.count() == before


def test_the_public_pay_page_shows_the_code_with_the_chosen_amount(client, paid_project, world):
    response = client.get(f"/community/p/{world.village.code}/pay/{paid_project.pk}/", {"amount": "100.000", "ho": "TT-001"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "0011001234567" in body and f"GOCUA P{paid_project.pk} TT-001" in body
    payload = response.context["payload"]
    assert _tlv(payload)["54"] == "100000"
    assert response["Cache-Control"].startswith("public") or "public" in response["Cache-Control"]


@pytest.mark.parametrize("amount", ["abc", "-5", "999", "1" * 15])
def test_a_strange_amount_gives_a_code_without_amount(client, paid_project, world, amount):
    response = client.get(f"/community/p/{world.village.code}/pay/{paid_project.pk}/", {"amount": amount})
    assert response.status_code == 200
    assert "54" not in _tlv(response.context["payload"])


def test_no_pay_page_without_an_account_for_a_closed_project_or_from_another_village(client, leader, world,
                                                                                       paid_project):
    plain = make_project(leader, world.village)
    assert client.get(f"/community/p/{world.village.code}/pay/{plain.pk}/").status_code == 404
    assert client.get(f"/community/p/{world.other_province_village.code}/pay/{paid_project.pk}/").status_code == 404
    services.project_set_status(actor=leader, project=paid_project, status=Project.Status.DONE)
    assert client.get(f"/community/p/{world.village.code}/pay/{paid_project.pk}/").status_code == 404


def test_the_village_page_links_to_the_pay_page_only_for_projects_with_an_account(client, leader, world, paid_project):
    plain = make_project(leader, world.village, title="Loa truyền thanh")
    body = client.get(f"/community/p/{world.village.code}/").content.decode()
    assert f"/community/p/{world.village.code}/pay/{paid_project.pk}/" in body
    assert f"/pay/{plain.pk}/" not in body


def test_a_transfer_is_recorded_once_by_its_reference(leader, paid_project):
    reference = f"gocua p{paid_project.pk}  tt-001"
    entry = give(leader, paid_project, money_vnd=100_000, transfer_reference=reference)
    assert entry.transfer_reference == f"GOCUA P{paid_project.pk} TT-001"
    with pytest.raises(Conflict) as again:
        give(leader, paid_project, money_vnd=100_000, transfer_reference=reference)
    assert again.value.code == "transfer_already_recorded"
    assert LedgerEntry.objects.filter(project=paid_project).count() == 1


def test_a_reference_of_another_project_or_without_money_is_refused(leader, world, paid_project):
    with pytest.raises(DomainError) as other:
        give(leader, paid_project, transfer_reference="GOCUA P999999")
    assert other.value.code == "transfer_reference_invalid"
    assert re.search(r"GOCUA P\d+", str(other.value.message))
    with pytest.raises(DomainError) as empty:
        give(leader, paid_project, money_vnd=0, labour_days=1, transfer_reference=f"GOCUA P{paid_project.pk}")
    assert empty.value.code == "amount_required"


def test_the_treasurer_records_a_transfer_on_the_page(client, leader, paid_project):
    client.force_login(leader)
    url = f"/community/projects/{paid_project.pk}/contributions/new/"
    data = {"entry_on": "01/12/2026", "giver": "anonymous", "display": "anonymous", "money_vnd": "200.000",
            "transfer_reference": f"GOCUA P{paid_project.pk}"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400  # the form again, with the refusal next to the field
    assert "This bank transfer is already in the ledger." in again.content.decode()
