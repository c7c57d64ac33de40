"""gunicorn settings for IFN Diary: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Sized for the 2-core machine of docs/performance.md, where PostgreSQL shares the cores: one
process per core, each with a few threads, because a request spends much of its time waiting
on PostgreSQL. Each thread keeps its own database connection (``CONN_MAX_AGE``), so the
database sees workers × threads connections per machine. Every value can be overridden from the
environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is killed: a stuck thread must not hold a worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then, staggered, so a slow leak never reaches production memory.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
