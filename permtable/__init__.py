"""permtable: Huawei Cloud BSS API permission tables and the evaluation of account grants.

The library returns data; it never prints, and it imports neither click nor rich, so every
front end (the ``bsscheck`` command, a test, another tool) decides how results are shown.
"""

__version__ = "0.1.0"
