"""VietQR (NAPAS, EMVCo merchant-presented) codes for paying into a community project by bank transfer.

Built here, offline, with `vietnam-qr-pay` (MIT): no call to any bank or QR service, so the page
and the printed poster work on a village server with no Internet. Every Vietnamese banking app
scans the code and fills in the bank, the account, the amount and the transfer message; the
message is the project's reference, which the treasurer types (or pastes from the bank's
statement) when recording the transfer in the ledger, so each transfer is recorded once.
"""

import re
from functools import cache

import segno
from vietnam_qr_pay import QRPay
from vietnam_qr_pay.constants.banks import BanksObject, VietQRStatus

from gocua.lib.text import fold

REFERENCE_PREFIX = "GOCUA"
# The "purpose of transaction" (EMVCo tag 62/08) and most banks' transfer messages: short ASCII.
REFERENCE_MAX = 25
AMOUNT_PRESETS = (50_000, 100_000, 200_000, 500_000)


@cache
def banks() -> dict[str, str]:
    """Return {BIN: "short name — full name"} of the banks that accept VietQR transfers, by short name."""
    supported = [b for b in BanksObject.values() if b.viet_qr_status == VietQRStatus.TRANSFER_SUPPORTED]
    return {b.bin: f"{b.short_name} — {b.name}" for b in sorted(supported, key=lambda b: b.short_name.lower())}


def project_reference(project_pk: int) -> str:
    """Return the transfer message that names the project: "GOCUA P12"."""
    return f"{REFERENCE_PREFIX} P{project_pk}"


def reference_for(project_pk: int, household_key: str = "") -> str:
    """Return the transfer message for a contribution, naming the household when it is given."""
    base = project_reference(project_pk)
    key = re.sub(r"[^A-Z0-9-]", "", fold(household_key or "").upper())
    return f"{base} {key}"[:REFERENCE_MAX].strip() if key else base


def clean_reference(text: str) -> str:
    """Return a transfer message as recorded: folded to ASCII capitals, spaces collapsed."""
    return re.sub(r"\s+", " ", fold(text or "").upper()).strip()


def payload(*, bank_bin: str, account: str, amount: int | None = None, reference: str = "") -> str:
    """Return the EMVCo payload (with its CRC) for a transfer to `account` at the bank `bank_bin`."""
    qr = QRPay.init_viet_qr(
        bank_bin=bank_bin, bank_number=account, amount=str(amount) if amount else None,
        purpose=reference[:REFERENCE_MAX] or None,
    )
    return qr.build()


def svg(content: str, *, title: str = "") -> str:
    """Return the QR code of `content` as inline SVG (error correction M, as the banks' own codes)."""
    return segno.make(content, error="m", micro=False).svg_inline(scale=5, border=2, omitsize=True, title=title)
