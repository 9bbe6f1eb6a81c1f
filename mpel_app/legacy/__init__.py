"""Reading the legacy MPEL Access database: one reader interface over mdbtools (Linux) and the Microsoft
Access ODBC driver through pyodbc (Windows).  No rules and no widgets here: the rules are in
domain/legacy, the import in services/legacy_import."""
