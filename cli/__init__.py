"""The ``bsscheck`` command: click commands and output formats over the permtable library."""
