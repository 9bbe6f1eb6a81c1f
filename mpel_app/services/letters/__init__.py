"""The CTS letter services' parts: shared loading and checks (``base``), workstacks and queries
(``queries``), reply documents and the retention purge (``documents``), drafting units (``units``).

``mpel_app.services.correspondence.CorrespondenceService`` puts them together.
"""
