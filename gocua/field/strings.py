"""The offline app's words, translated on the server and embedded in its shell (msgids in English)."""

from django.utils.translation import gettext as _

from gocua.helprequests.field_strings import help_app_strings
from gocua.households.digital import INDICATORS
from gocua.households.models import Resident
from gocua.outreach.models import Outcome


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def app_strings() -> dict:
    """Return every string the app shows, in the request's language."""
    words = {
        "app_title": _("My households"),
        "log_in": _("Log in"),
        "log_out": _("Log out"),
        "username": _("User name"),
        "password": _("Password"),
        "new_password": _("New password"),
        "device_name": _("Name of this phone"),
        "default_device": _("My phone"),
        "need_network_login": _("Logging in needs the network once. Try again where there is signal."),
        "choose_new_password": _("Your password must be changed: choose a new one."),
        "waiting": _("Waiting to send"),
        "last_sync": _("Last sync"),
        "never": _("never"),
        "sync_now": _("Sync now"),
        "syncing": _("Syncing…"),
        "online": _("Online"),
        "offline": _("Offline"),
        "sync_failed": _("Could not sync; it will try again by itself."),
        "rejected": _("Not accepted by the server"),
        "search": _("Search a household or a name"),
        "new_household": _("New household"),
        "record_visit": _("Record a visit"),
        "add_resident": _("Add a resident"),
        "back": _("Back"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "saved_offline": _("Saved on this phone; it will be sent when there is network."),
        "never_visited": _("Never visited"),
        "lacking": _("Lacks essentials"),
        "follow_up_due": _("Follow-up due"),
        "follow_up_overdue": _("Follow-up overdue"),
        "visits": _("Visits"),
        "no_visits": _("No visit recorded yet."),
        "not_home": _("Not at home"),
        "done": _("Done"),
        "needs_help": _("Guided, needs more help"),
        "refused": _("Refused"),
        "come_back": _("Come back"),
        "in_3_days": _("in 3 days"),
        "in_1_week": _("in 1 week"),
        "in_2_weeks": _("in 2 weeks"),
        "more": _("Date, who went with you"),
        "nobody_lacking": _("Nobody here aged 15 or over still lacks anything."),
        "last_visit": _("Last visit"),
        "no_households": _("No households yet. Sync, or ask your leader to assign some."),
        "residents": _("Residents"),
        "address": _("Address"),
        "village": _("Village"),
        "head_name": _("Head of household: full name"),
        "full_name": _("Full name"),
        "birth_year": _("Year of birth"),
        "gender": _("Gender"),
        "relation": _("Relation to head"),
        "phone": _("Phone"),
        "status": _("Status"),
        "date": _("Date of visit"),
        "with_member": _("Went with (optional)"),
        "nobody": _("Nobody"),
        "checked": _("Checked at this visit"),
        "present": _("Present in person"),
        "note": _("Note"),
        "services": _("What was guided"),
        "not_guided": _("—"),
        "pending": _("not sent yet"),
        "temp_key": _("Temporary key"),
        "essentials": _("Essentials"),
        "required": _("Fill in this field."),
        "choose_resident": _("Tick at least one resident."),
        "wiped": _("This phone was logged out; its data were removed."),
        "confirm_logout": _("Log out? Records not yet sent will be lost."),
        "yes": _("Yes"),
        "no": _("No"),
        "unknown": _("Unknown"),
        "pin": _("PIN"),
        "pin_title": _("Lock this phone with a PIN"),
        "pin_help": _("After some minutes without use the app locks; your PIN (4 to 6 digits) opens it again. "
                      "The PIN stays on this phone."),
        "pin_set": _("Lock with a PIN"),
        "pin_change": _("Change the PIN"),
        "pin_current": _("Current PIN"),
        "pin_remove_help": _("To stop locking, type the current PIN and leave the new one empty."),
        "pin_new": _("New PIN (4 to 6 digits)"),
        "pin_again": _("The new PIN again"),
        "pin_format": _("The PIN is 4 to 6 digits."),
        "pin_mismatch": _("The two PINs differ."),
        "pin_wrong": _("Wrong PIN."),
        "pin_too_many": _("Too many wrong PINs: log in again. Records not yet sent are kept."),
        "pin_forgot": _("Forgot the PIN? Log in again"),
        "lock_after": _("Lock after"),
        "after_minutes": _("%(minutes)s minutes without use"),
        "lock_now": _("Lock now"),
        "locked": _("Locked"),
        "locked_help": _("Type your PIN to go on. Records not yet sent are kept."),
        "unlock": _("Unlock"),
        "queue_owner": _("This phone holds records of %(name)s not yet sent: %(name)s must log in to send them."),
    }
    return {
        "words": words,
        "outcomes": _labels(Outcome.choices),
        "genders": _labels(Resident.Gender.choices),
        "relations": _labels(Resident.Relation.choices),
        "statuses": _labels(Resident.Status.choices),
        "indicators": {name: str(label) for name, label in INDICATORS},
        "help": help_app_strings(),
        "alerts": _alert_words(),
        # The skills assessment (skills.js, issue 18).
        "skills": {
            "assess": _("Assess digital skills"),
            "tick": _("Tick what the resident shows you they can do."),
            "none": _("No skills framework downloaded yet: sync once where there is signal."),
            "version": _("version %(version)s"),
            "date": _("Date of the assessment"),
            "future": _("The date of the assessment cannot be in the future."),
        },
    }


def _alert_words() -> dict:
    """Return the words of the scam alerts (field/static/field/alerts.js)."""
    return {
        "title": _("Scam alerts"),
        "until": _("until"),
        "what_to_do": _("What to do"),
        "remind": _("Warn every household you visit and tick “warned” on the visit form."),
        "warned": _("Warned about the scam alerts (đã cảnh báo)"),
        "already": _("already done"),
    }
