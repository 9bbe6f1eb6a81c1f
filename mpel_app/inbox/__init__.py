"""IMAP intake of the central MPEL inbox: connect, read without marking seen, parse, and file each message.

``imap`` speaks to the server, ``parse`` turns bytes into a message the desk
keeps, ``intake`` runs one pass over the mailbox (services/inbox.py decides and
records), ``oauth`` builds the XOAUTH2 login for Microsoft 365.  No rules and
no widgets live here.
"""
