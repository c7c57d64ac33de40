"""gunicorn settings for IFN Diary: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Two processes per core, each with two threads: the threads overlap a request's waits on
PostgreSQL, and more, smaller processes keep a short diary submission from queueing behind a
clinic dashboard for the same interpreter lock. Each thread keeps its own database connection
(``CONN_MAX_AGE``), so the database sees workers x threads connections per machine.
Every value can be overridden from the environment.
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
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker: object) -> None:
    """Keep the cyclic garbage collector off the long-lived objects and out of the hot path:
    a dashboard allocates a few hundred thousand short-lived objects, and with the default
    thresholds full passes over everything loaded at start-up run in the middle of it.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
