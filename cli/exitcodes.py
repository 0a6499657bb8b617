"""Exit codes, named: CI scripts branch on them, so they never change meaning."""

OK = 0  # every API callable / nothing missing / something matched
FINDINGS = 1  # an API is not callable, a permission is missing, nothing matched
INPUT_ERROR = 2  # bad usage or bad input: nothing was decided
INTERNAL_ERROR = 3  # a bug in bsscheck (traceback shown): never to be read as a finding
