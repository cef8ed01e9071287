"""A supervisor for the mailveil daemon, as systemd's Restart=always would be,
and a killer that sends it SIGKILL.

``Supervisor(daemon)`` polls the daemon's process (a ``MailveilDaemon``) and
starts it again at once whenever it has ended; ``restarts`` records each
restart (seconds into the run, the old pid, how it ended, the new pid).
``kill_now()`` sends SIGKILL to the running process under the same lock, so a
kill never hits a process the supervisor is just replacing, and waits until
the supervisor has brought up the next one.
"""

import os
import signal
import threading
import time


class Supervisor(threading.Thread):

    def __init__(self, daemon, interval=0.02):
        super().__init__(daemon=True)
        self.daemon, self.interval = daemon, interval
        self.restarts = []  # (seconds, old pid, returncode, new pid)
        self.errors = []
        self.lock = threading.Lock()
        self._stop_event = threading.Event()
        self._start = time.monotonic()

    def run(self):
        ended = None  # (pid, returncode) of the daemon being replaced
        while not self._stop_event.wait(self.interval):
            with self.lock:
                process = self.daemon.process
                if process.poll() is None:
                    continue
                # A start that fails (the port still held after a kill) leaves
                # its own dead process behind; the restart is recorded for the
                # daemon that ended first, with how it ended.
                if ended is None:
                    ended = (process.pid, process.returncode)
                try:
                    self.daemon.start()
                except Exception as error:  # keep trying, as systemd would
                    # (an exception left to end this thread would leave the
                    # daemon dead and kill_now waiting for a restart)
                    self.errors.append("%s: %s" % (type(error).__name__, error))
                    continue
                self.restarts.append((time.monotonic() - self._start, ended[0], ended[1],
                                      self.daemon.process.pid))
                ended = None

    def kill_now(self, timeout=30):
        """SIGKILL to the daemon; returns the killed pid once a new one runs."""
        with self.lock:
            pid = self.daemon.process.pid
            os.kill(pid, signal.SIGKILL)
            count = len(self.restarts)
        deadline = time.monotonic() + timeout
        while len(self.restarts) == count:
            if time.monotonic() > deadline:
                raise AssertionError("mailveil not restarted %ds after kill -9 of %d: %s"
                                     % (timeout, pid, self.errors[-1:]))
            time.sleep(0.02)
        return pid

    def pid(self):
        return self.daemon.process.pid

    def stop(self):
        self._stop_event.set()
        self.join()
