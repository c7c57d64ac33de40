"""gunicorn settings for IFN Diary: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Sized for the 2-core machine of docs/performance.md, where PostgreSQL shares the cores: two
processes per core, each with two threads. A request spends part of its time waiting on
PostgreSQL (the threads overlap those waits), and the rest is Python holding its process's
interpreter lock: with more, smaller processes a short diary submission is not queued behind
a clinic dashboard running in the same process (measured: 4 x 2 against 2 x 4, submission
p95 under the evening load 98 ms against 440 ms). Each thread keeps its own database
connection (``CONN_MAX_AGE``), so the database sees workers x threads connections per
machine. Every value can be overridden from the environment.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request that takes longer than this is killed: a stuck thread must not hold a worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then, staggered, so a slow leak never reaches production memory;
# rarely, because the old process closes its keep-alive connections (the client retries).
# At 5,000 the load test's processes restarted every 15-20 s at the floor's rate, twice during
# the evening phase, and the dashboards they served next were the slowest of the run (p99
# 1.4 s). At the
# measured peak of about 300 requests/s per process this is a restart every 3 minutes at most.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker: object) -> None:
    """Keep the cyclic garbage collector off the long-lived objects and out of the hot path.

    A dashboard allocates a few hundred thousand short-lived objects (rows, Fractions); with
    the default thresholds the collector runs full passes over everything the process has
    loaded (modules, URL patterns, templates) in the middle of it, about a fifth of the page's
    time. Objects alive after start-up are frozen out of the collector and young-generation
    passes are rarer; reference counting still frees almost everything at once.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
