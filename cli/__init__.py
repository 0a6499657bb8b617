"""The ``bsscheck`` command line (click); the library it drives is ``permtable``.

Start-up makes tens of thousands of objects that live until the process ends (classes, the
bundled tables, the grants), and the cyclic collector would walk them again and again while
they are made: 0.07x of the start-up floor, measured with ``benchmarks/run.py``. So importing
the command line turns it off while the answer is computed (everything made then is kept for
the report); when the report is written (``cli.output.emit``) everything made so far is
frozen out of its reach and it runs as usual.
"""

import gc

gc.disable()
