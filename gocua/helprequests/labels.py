"""Plain words and icons for the public help page: the catalogue's services as a resident says them."""

from django.utils.translation import gettext_lazy as _

# Emoji, not image files or an icon font: they cost nothing to load and every phone draws them.
PLAIN = {
    "smartphone": ("📱", _("Using my smartphone")),
    "vneid": ("🪪", _("VNeID e-identity account")),
    "public_services": ("🏛️", _("Online public services")),
    "payment": ("💳", _("Bank account, e-wallet, paying by QR")),
    "ecommerce": ("🛒", _("Buying or selling online")),
    "ehealth": ("🩺", _("Electronic health record")),
    "digital_signature": ("✍️", _("Digital signature")),
    "scams": ("🛡️", _("A suspicious call or message, scams")),
    "local_platforms": ("🏘️", _("The commune's apps and pages")),
}
OTHER = ("❓", _("Something else"))


def choices(items) -> list[dict]:
    """Return the service choices of the public form: each active catalogue item, then "something else"."""
    out = []
    for item in items:
        icon, label = PLAIN.get(item.code, ("🔧", item.name))
        out.append({"value": item.code, "icon": icon, "label": label})
    out.append({"value": "other", "icon": OTHER[0], "label": OTHER[1]})
    return out


def service_label(request) -> str:
    """Return the plain name of what a request asks help with."""
    if request.service_id is None:
        return str(OTHER[1])
    return str(PLAIN.get(request.service.code, ("", request.service.name))[1])
