"""Serving one of the test servers on loopback.

The Rust tests start a server as a child process, read the `listening on URL` line it prints, and
close its standard input when they are done: the server then stops, and it stops too when the test
dies, since its standard input closes with it.
"""

import sys
import threading
from http.server import ThreadingHTTPServer


def serve_until_stdin_closes(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()
