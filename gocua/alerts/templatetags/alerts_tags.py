"""`{% alert_banner unit %}`: the alerts in force for the teams of `unit`, on any page that wants them."""

from django import template

from gocua.alerts.selectors import reaching

register = template.Library()


@register.inclusion_tag("alerts/_banner.html")
def alert_banner(unit):
    return {"alerts": reaching(unit) if unit is not None else []}
