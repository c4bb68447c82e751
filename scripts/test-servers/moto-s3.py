"""moto's S3 server, handling one request at a time.

    python moto-s3.py HOST PORT

moto answers a conditional create (`If-None-Match: *`) by checking that the
object is absent, then writing it, in two steps: two creates arriving
together on its threads can both succeed, where S3 refuses the second. The
leases perscache takes on S3 rely on that refusal, so the tests of one
computation across processes failed now and then. One request at a time
makes the check and the write one step, as on S3.
"""

import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    one_at_a_time = threading.Lock()

    def serial(environ, start_response):
        with one_at_a_time:
            return list(app(environ, start_response))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(host, port, serial, threaded=True)


if __name__ == "__main__":
    main()
