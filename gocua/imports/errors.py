"""Error codes of roster import and export: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class ImportErrorCode(ErrorCode):
    COMMUNE_REQUIRED = "commune_required", _("Choose the commune to import into.")
    EXPORT_LEVEL = "export_level", _("Export one commune or one village at a time.")
    FILE_CORRUPT = "file_corrupt", _("The workbook is damaged and cannot be read. Open it in Excel, save it again as .xlsx and retry.")
    FILE_ENCODING = "file_encoding", _("The text encoding of this CSV file is unknown; save it from Excel as \"CSV UTF-8\".")
    FILE_NOT_SPREADSHEET = "file_not_spreadsheet", _("This is not an Excel (.xlsx) or CSV file. Save the roster from Excel as .xlsx or .csv.")
    FILE_PROTECTED = "file_protected", _("The workbook is protected by a password. Remove the password in Excel, save, and retry.")
    FILE_TOO_LARGE = "file_too_large", _("The file is larger than %(mb)s MB; split it into several files.")
    FORMAT_INVALID = "format_invalid", _("Choose xlsx or csv.")
    IMPORT_CONFLICT = "import_conflict", _("Someone changed the same households while you were importing; open the preview again.")
    IMPORT_DONE = "import_done", _("This file has already been imported.")
    IMPORT_EXPIRED = "import_expired", _("This preview has expired; upload the file again.")
    MISSING_COLUMNS = "missing_columns", _("The header row (row %(row)s) has no column %(names)s.")
    NO_DATA = "no_data", _("The file has a header row (row %(row)s) but no residents below it.")
    NO_HEADER = "no_header", _("No header row was found in the first %(rows)s rows. The roster needs a row of column names such as \"Họ và tên\", \"Mã hộ\", \"Địa chỉ\" (download the template).")
    NOTHING_TO_IMPORT = "nothing_to_import", _("No row can be imported: fix the problem rows first.")
    TOO_MANY_ROWS = "too_many_rows", _("The file has more than %(rows)s rows; split it into several files.")
