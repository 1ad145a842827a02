"""Starts WORKERS single-process uvicorn servers for peer_service:app, each on its own
listening socket bound to the same port with SO_REUSEPORT, so that the kernel spreads
connections across them. (With `uvicorn --workers N` the workers share one socket, and the
one that wakes first can take every connection wrk opens at once: all 32 on one worker in
measured runs, which then served half as many requests a second while the other idled.)
Each worker loads the app before it binds, so a worker listens only once it can answer:
load.sh starts wrk when all WORKERS sockets listen. Stops them on SIGTERM.

    python reuseport.py HOST PORT WORKERS
"""
import os
import signal
import socket
import subprocess
import sys

if sys.argv[1] == "--serve":  # one worker: the app loaded first, then its own socket
    import uvicorn

    import peer_service

    host, port = sys.argv[2], int(sys.argv[3])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    config = uvicorn.Config(peer_service.app, host=host, port=port, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
    sys.exit(0)

host, port, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
servers = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", host, port]) for _ in range(workers)]


def stop(*_):
    for server in servers:
        server.terminate()


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
for server in servers:
    server.wait()
