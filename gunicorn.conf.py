"""gunicorn's settings for Đôn đốc, read from the working folder (``gunicorn dondoc.wsgi``).

4 worker processes × 2 threads (gthread): on two cores this held 200 requests/s of the public
portal with the lowest p95 of the settings measured (3 × 4 and 2 × 4 queued longer, see
docs/portal.md, "Load"). Threads let a worker overlap its database and cache waits; more of
them only contend for the interpreter lock. Each setting can be overridden on the command line
or in ``GUNICORN_CMD_ARGS`` (e.g. ``--workers 8`` on a four-core host: two per core).
"""

worker_class = "gthread"
workers = 4
threads = 2
# Browsers keep their connection for the next page; five seconds is enough behind a proxy.
keepalive = 5
timeout = 120
graceful_timeout = 10
