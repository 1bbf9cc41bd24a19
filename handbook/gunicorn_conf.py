"""gunicorn's configuration, used by the Dockerfile, docker-compose.yml and `make run`
(`gunicorn handbook.wsgi --config handbook/gunicorn_conf.py`); the command line adds the
address, the workers and the logs.

No server banner: gunicorn answers `Server: gunicorn` and has no setting for it, so the
name its responses carry (gunicorn.http.wsgi.SERVER, read for every response) is replaced
here, in the master, before the workers are forked. The proxy in front, if any, may set its own.
"""

import gunicorn.http.wsgi

SERVER_NAME = "handbook"

gunicorn.http.wsgi.SERVER = SERVER_NAME
# The version stays out of the application's environment too (SERVER_SOFTWARE).
gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME
