"""Home Secretary's list CSV files for the import tests, as a spreadsheet saves them (the test world's Members:
Jane Smith, Holborn and St Pancras; Rt Hon Angus MacLeod, Glasgow North)."""
from __future__ import annotations

# Saved by Excel in a European locale: a BOM, semicolons, blank lines, titles around a name; a name nobody
# has, and a Member named twice.  Line numbers in the comments are the file's own.
MESSY = "\ufeff" + "\r\n".join([
    "Member;Constituency;Notes",           # 1
    "",                                     # 2
    "Rt Hon Angus MacLeod MP;;Cabinet",     # 3
    "Jane Smyth;Holborn and St Pancras;",   # 4
    "angus macleod;Glasgow North;",         # 5
    ";;",                                   # 6
]) + "\r\n"

# Both of the world's Members: the Scottish MP by name alone, the London MP with her seat.
BOTH = "Name,Constituency\r\nRt Hon Angus MacLeod,\r\nJane Smith MP,Holborn and St Pancras\r\n"
# After a reshuffle: only the London MP.
ONLY_JANE = "Name\r\nJane Smith\r\n"
