"""Members list CSV files for the import tests: a clean one and a messy one as real spreadsheets save them."""
from __future__ import annotations

HEADER = "Name;Constituency;Office telephone;Office fax;Office e-mail;Privy Council;Party;House;Region"

# Saved by Excel in a European locale: a BOM, semicolons, blank lines; two rows for one seat and a
# telephone number with a digit missing.  Line numbers in the comments are the file's own.
MESSY = "\ufeff" + "\r\n".join([
    HEADER,                                                                                     # 1
    "Jane Smith;Holborn and St Pancras;020 7219 3000;020 7219 3001;jane.smith.mp@parliament.example;no;"
    "Labour;Commons;LSE",                                                                       # 2
    "",                                                                                         # 3
    "Angus MacLeod;Glasgow North;0141 496 0999;;;yes;SNP;Commons;SNI",                          # 4
    "Priya Patel;Leicester West;0116 496 0123;;p.patel.mp@parliament.example;no;Labour;Commons;MEE",  # 5
    ";;;;;;;;",                                                                                 # 6
    "Owen Jones;Leicester West;0116 496 0456;;;no;Conservative;Commons;MEE",                    # 7
    "Dai Williams;Cardiff South;029 2018 049;;;no;Plaid Cymru;Commons;WSW",                     # 8
    "",                                                                                         # 9
]) + "\r\n"

# The same list, clean: Jane Smith's fax and party change, Angus MacLeod is unchanged, Priya Patel is new,
# and any other MP held is deactivated.
CLEAN = "\r\n".join([
    "Name,Constituency,Office telephone,Office fax,Office e-mail,Privy Council,Party,House,Region",
    "Jane Smith,Holborn and St Pancras,020 7219 3000,020 7219 3001,jane.smith.mp@parliament.example,no,Labour,"
    "Commons,LSE",
    "Angus MacLeod,Glasgow North,0141 496 0999,,,yes,,Commons,SNI",
    "Priya Patel,Leicester West,0116 496 0123,,p.patel.mp@parliament.example,no,Labour,Commons,MEE",
]) + "\r\n"
