"""Fleet audits: one API asked of many accounts (who-can), and many APIs of many accounts (matrix).

Partners run dozens of operator accounts and customers hundreds of IAM users, each described by
its own grants file. A fleet run names files and directories; every file found is one account,
checked against the table of its own type, so a folder may mix partner and customer accounts.

Each file is loaded on its own. A file that cannot be read does not stop the run: the reviewer
gets every broken file at once, with the answers for all the others, and the command line then
exits 2 (a broken input is never a pass). Tables and routers are built once per run; who-can
evaluates only the permissions of the one row it asks about.

The rooms: ``accounts`` (finding the grants files, loading each account, what the reports
share), ``who_can`` and ``matrix``.
"""
