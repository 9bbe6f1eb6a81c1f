"""The media types of the documents MPEL Desk makes and keeps: one spelling for every module that names them."""

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
