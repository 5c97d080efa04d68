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
    EXPORT_NOT_READY = "export_not_ready", _("The export is not ready yet.")
    FILE_TOO_MANY_CELLS = "file_too_many_cells", _("The workbook has more than %(count)s filled cells; split it into several files.")
    IMPORT_BUSY = "import_busy", _("This file is still being processed; wait until it is done.")
    IMPORT_NOT_READY = "import_not_ready", _("This file could not be read; upload it again.")
    MAPPING_COLUMN_UNKNOWN = "mapping_column_unknown", _("\"%(column)s\" is not a column of this sheet.")
    MAPPING_FIELD_UNKNOWN = "mapping_field_unknown", _("\"%(field)s\" is not a field GõCửa can read.")
    SHEET_UNKNOWN = "sheet_unknown", _("The workbook has no sheet \"%(sheet)s\". Its sheets are: %(names)s.")
    FILE_UNPACKS_TOO_LARGE = "file_unpacks_too_large", _("The workbook unpacks to more than %(mb)s MB: it is not an ordinary roster. Copy the list into a new workbook, save it as .xlsx and retry.")
    FILE_XML_ENTITIES = "file_xml_entities", _("The workbook contains XML declarations that spreadsheets never write; it is refused for safety.")
    FILE_TOO_MANY_STRINGS = "file_too_many_strings", _("The workbook holds more than %(count)s different texts: it is not an ordinary roster.")
    FILE_TOO_MANY_COLUMNS = "file_too_many_columns", _("A sheet uses more than %(count)s columns: it is not an ordinary roster. Delete the empty columns on the right and retry.")
    TASK_FAILED = "task_failed", _("The work stopped on an unexpected error; nothing was written. Try again, or tell your administrator.")
