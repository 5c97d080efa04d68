"""The service catalogue shipped with GõCửa, and which indicators each item moves.

Mapping rule (used by outreach.services.visits): an outcome "done" on an item sets each
indicator listed under `indicators` to yes for that resident. Other outcomes (partly,
refused, not applicable, needs follow-up) change no indicator: a resident who was shown
how but did not finish has not yet got the thing. Items that teach one of the five basic
skills also set that skill, because "done" means the resident completed the task with
guidance (e.g. paid by QR, filed a procedure), which is what the skill asks for.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name_vi: str
    name_en: str
    indicators: tuple[str, ...]
    howto_vi: str
    howto_en: str


CATALOGUE: list[CatalogueEntry] = [
    CatalogueEntry(
        "smartphone",
        "Cài đặt và sử dụng điện thoại thông minh",
        "Install and use a smartphone",
        ("smartphone",),
        "Bật máy, kết nối Wi-Fi hoặc dữ liệu di động (3G/4G).\n"
        "Tạo hoặc đăng nhập tài khoản Google (Android) hoặc Apple ID (iPhone); ghi mật khẩu ở nơi an toàn.\n"
        "Đặt khoá màn hình bằng mã PIN hoặc vân tay.\n"
        "Hướng dẫn gọi điện, nhắn tin, dùng Zalo và chụp ảnh.\n"
        "Với người lớn tuổi, tăng cỡ chữ: Cài đặt → Màn hình → Cỡ chữ.",
        "Switch the phone on and connect to Wi-Fi or mobile data (3G/4G).\n"
        "Create or sign in to a Google account (Android) or Apple ID (iPhone); keep the password somewhere safe.\n"
        "Set a screen lock with a PIN or fingerprint.\n"
        "Show how to call, text, use Zalo and take photos.\n"
        "For elderly residents, enlarge the text: Settings → Display → Font size.",
    ),
    CatalogueEntry(
        "vneid",
        "Đăng ký và kích hoạt định danh điện tử mức 2 (VNeID)",
        "VNeID registration and level-2 activation",
        ("vneid_level2",),
        "Kiểm tra người dân đã có căn cước gắn chip và đã được công an xã thu nhận hồ sơ định danh mức 2; "
        "nếu chưa, hẹn ngày ra công an xã.\n"
        "Cài ứng dụng VNeID từ CH Play hoặc App Store (nhà phát hành: Trung tâm dữ liệu quốc gia về dân cư).\n"
        "Chọn \"Kích hoạt tài khoản định danh điện tử\", nhập số định danh cá nhân và số điện thoại chính chủ.\n"
        "Quét mã QR hoặc chip trên thẻ căn cước, chụp ảnh khuôn mặt theo hướng dẫn.\n"
        "Nhập mã OTP, đặt mật khẩu và mã passcode; dặn không đưa mật khẩu, OTP cho bất kỳ ai.\n"
        "Kiểm tra tài khoản hiện \"Mức 2\".",
        "Check that the resident has a chip-based citizen ID card and that the commune police have taken "
        "their level-2 enrolment; if not, book a visit to the commune police.\n"
        "Install VNeID from Google Play or the App Store (publisher: National Population Data Centre).\n"
        "Choose \"Activate e-identity account\", enter the personal ID number and the resident's own phone number.\n"
        "Scan the QR code or chip of the ID card and take the face photo as instructed.\n"
        "Enter the OTP, set a password and passcode; remind them never to give a password or OTP to anyone.\n"
        "Check that the account shows \"Level 2\".",
    ),
    CatalogueEntry(
        "public_services",
        "Dịch vụ công trực tuyến (Cổng Dịch vụ công quốc gia)",
        "Online public services (national portal)",
        ("online_public_services", "skill_public_services"),
        "Mở dichvucong.gov.vn hoặc mục Dịch vụ công trong ứng dụng VNeID.\n"
        "Đăng nhập bằng tài khoản VNeID.\n"
        "Chọn một thủ tục thường gặp, ví dụ đăng ký khai sinh hoặc cấp phiếu lý lịch tư pháp.\n"
        "Điền tờ khai, chụp rõ và đính kèm giấy tờ, nộp hồ sơ.\n"
        "Ghi lại mã hồ sơ; chỉ cách tra cứu tình trạng, nộp phí trực tuyến và nhận kết quả.",
        "Open dichvucong.gov.vn or the Public services section of the VNeID app.\n"
        "Sign in with the VNeID account.\n"
        "Pick a common procedure, e.g. registering a birth or requesting a criminal record certificate.\n"
        "Fill in the form, attach clear photos of the documents, submit.\n"
        "Note the file number; show how to track it, pay fees online and receive the result.",
    ),
    CatalogueEntry(
        "payment",
        "Mở tài khoản thanh toán, ví điện tử và thanh toán bằng mã QR",
        "Open a payment account or e-wallet and pay by QR",
        ("payment_account", "skill_payment"),
        "Chọn ngân hàng hoặc ví điện tử người dân tin dùng; cài ứng dụng chính thức.\n"
        "Mở tài khoản trực tuyến (eKYC): chụp thẻ căn cước, quay khuôn mặt, dùng số điện thoại chính chủ.\n"
        "Đặt mật khẩu, bật đăng nhập bằng vân tay hoặc khuôn mặt; dặn không chia sẻ mật khẩu, OTP.\n"
        "Thực hành quét mã QR chuyển một khoản nhỏ; kiểm tra tên người nhận trước khi xác nhận.\n"
        "Xem số dư và lịch sử giao dịch.",
        "Choose a bank or e-wallet the resident trusts and install its official app.\n"
        "Open the account online (eKYC): photograph the ID card, record the face, use their own phone number.\n"
        "Set a password and turn on fingerprint or face log-in; never share the password or OTP.\n"
        "Practise paying a small amount by scanning a QR code; check the payee's name before confirming.\n"
        "Show the balance and the transaction history.",
    ),
    CatalogueEntry(
        "ecommerce",
        "Mua bán trực tuyến",
        "Buy and sell online",
        ("ecommerce", "skill_shopping"),
        "Cài ứng dụng sàn thương mại điện tử (hoặc dùng Zalo, Facebook để bán hàng) và tạo tài khoản.\n"
        "Mua thử: tìm sản phẩm, đọc đánh giá, chọn thanh toán khi nhận hàng hoặc qua ví.\n"
        "Bán: chụp ảnh sản phẩm rõ, ghi mô tả và giá, đăng bán (nông sản nên có mã QR truy xuất nguồn gốc).\n"
        "Chỉ cách xác nhận đơn, giao hàng và nhận tiền.\n"
        "Cảnh giác với người đòi chuyển tiền trước hoặc gửi đường link lạ.",
        "Install an e-commerce marketplace app (or use Zalo or Facebook to sell) and create an account.\n"
        "Buy something small: search, read reviews, pay on delivery or by e-wallet.\n"
        "Sell: take clear photos, write a description and price, post the offer (farm produce ideally with "
        "a traceability QR code).\n"
        "Show how to confirm an order, ship it and get paid.\n"
        "Beware of anyone asking for money up front or sending unknown links.",
    ),
    CatalogueEntry(
        "ehealth",
        "Sổ sức khoẻ điện tử",
        "Electronic health record",
        ("ehealth_record",),
        "Đăng nhập ứng dụng VNeID (tài khoản mức 2).\n"
        "Mở mục \"Sổ sức khoẻ điện tử\" và tích hợp thẻ bảo hiểm y tế vào ví giấy tờ.\n"
        "Kiểm tra thông tin cá nhân, thẻ bảo hiểm y tế và lịch sử tiêm chủng.\n"
        "Chỉ cách xuất trình khi đi khám, chữa bệnh.",
        "Sign in to the VNeID app (level-2 account).\n"
        "Open \"Electronic health record\" and add the health insurance card to the document wallet.\n"
        "Check the personal details, the health insurance card and the vaccination history.\n"
        "Show how to present it at the clinic.",
    ),
    CatalogueEntry(
        "digital_signature",
        "Chữ ký số",
        "Digital signature",
        ("digital_signature",),
        "Giải thích chữ ký số dùng để ký hồ sơ dịch vụ công, hợp đồng và giao dịch ngân hàng.\n"
        "Chọn một nhà cung cấp chữ ký số cá nhân được cấp phép (ký số từ xa trên điện thoại).\n"
        "Đăng ký trên ứng dụng của nhà cung cấp: xác thực bằng VNeID hoặc căn cước, chụp khuôn mặt.\n"
        "Đặt mã PIN và ký thử một văn bản.",
        "Explain that a digital signature signs public-service files, contracts and bank transactions.\n"
        "Choose a licensed provider of personal digital signatures (remote signing on the phone).\n"
        "Register in the provider's app: verify with VNeID or the ID card, take the face photo.\n"
        "Set a PIN and sign a test document.",
    ),
    CatalogueEntry(
        "scams",
        "Nhận biết lừa đảo trực tuyến và bảo vệ tài khoản",
        "Recognise online scams and protect accounts",
        ("scam_awareness", "skill_safety"),
        "Kể các chiêu thường gặp: giả công an, giả nhân viên ngân hàng, giả người thân vay tiền, "
        "trúng thưởng, việc nhẹ lương cao, đường link cài ứng dụng lạ.\n"
        "Nguyên tắc: không đưa mã OTP, mật khẩu; không bấm link lạ; gọi lại người quen để xác minh trước "
        "khi chuyển tiền.\n"
        "Đặt mật khẩu mạnh, bật xác thực hai lớp cho Zalo, Facebook và ngân hàng.\n"
        "Chỉ cách báo cho công an xã hoặc tổ công nghệ số khi nghi bị lừa.",
        "Tell the common tricks: fake police, fake bank staff, fake relatives asking for a loan, prizes, "
        "easy well-paid jobs, links that install unknown apps.\n"
        "Rules: never give an OTP or password; do not tap unknown links; call the person back before sending money.\n"
        "Set strong passwords and turn on two-step verification for Zalo, Facebook and the bank.\n"
        "Show how to report to the commune police or the team when a scam is suspected.",
    ),
    CatalogueEntry(
        "local_platforms",
        "Nền tảng số của địa phương",
        "The locality's own digital platforms",
        ("skill_local_platforms",),
        "Giới thiệu các nền tảng địa phương đang dùng: cổng thông tin xã, ứng dụng công dân số của tỉnh, "
        "nhóm Zalo của thôn.\n"
        "Cài ứng dụng và đăng nhập (thường bằng VNeID).\n"
        "Thực hành xem thông báo, gửi một phản ánh hoặc kiến nghị, tham gia nhóm Zalo của thôn.\n"
        "Chỉ cách liên hệ tổ công nghệ số khi cần giúp.",
        "Introduce the platforms the locality uses: the commune portal, the province's citizen app, "
        "the village Zalo group.\n"
        "Install the app and sign in (usually with VNeID).\n"
        "Practise reading notices, sending a report or request, and joining the village Zalo group.\n"
        "Show how to contact the team for help.",
    ),
]


def catalogue_load(model=None) -> dict[str, int]:
    """Create missing catalogue items and refresh the texts of shipped ones; never re-activate retired ones."""
    if model is None:
        from gocua.outreach.models import ServiceItem as model
    created = updated = 0
    for position, entry in enumerate(CATALOGUE, start=1):
        values = {
            "name_vi": entry.name_vi,
            "name_en": entry.name_en,
            "howto_vi": entry.howto_vi,
            "howto_en": entry.howto_en,
            "indicators": list(entry.indicators),
            "position": position * 10,
        }
        item = model.objects.filter(code=entry.code).first()
        if item is None:
            model.objects.create(code=entry.code, **values)
            created += 1
        elif any(getattr(item, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(item, k, v)
            item.save(update_fields=list(values))
            updated += 1
    return {"created": created, "updated": updated, "unchanged": len(CATALOGUE) - created - updated}
