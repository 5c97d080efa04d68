"""WSGI entry point (gunicorn gocua.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gocua.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL map) lives as long as the process: move
# it out of the garbage collector's sight, so that a request allocating many objects (a sync
# batch of 500 visits) does not make every full collection walk them again. Measured: about a
# quarter of a sync batch's server time (docs/PERFORMANCE.md).
gc.freeze()
