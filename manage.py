#!/usr/bin/env python
"""Same as the ``dondoc`` command; kept for tools that expect manage.py."""

from dondoc.__main__ import main

if __name__ == "__main__":
    main()
