"""Headless Chromium for the browser tests: the rendered DOM, screenshots, and a page driven over DevTools.

Debian's `chromium` runs with a fresh profile, no network services, no sandbox (tests may
run as root in a container). `Browser` talks the DevTools protocol over a websocket on
127.0.0.1: it records console errors, exceptions and every request the page makes, and
evaluates JavaScript in the page (to press a button, to read the rows).
"""
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio"]
LIMIT_S = 60


def chromium():
    """The chromium executable, or skip the test saying why."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    return found


def _run(*args):
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                                text=True, timeout=LIMIT_S)
    return result


def dump_dom(url):
    """The DOM of `url` after its scripts ran, as HTML text."""
    result = _run("--virtual-time-budget=3000", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url, path, width, height=900):
    """Write a screenshot of `url` at `width` x `height` CSS pixels to `path`."""
    result = _run(f"--screenshot={path}", f"--window-size={width},{height}", "--hide-scrollbars", url)
    assert result.returncode == 0 and path.exists(), result.stderr[-2000:]
    return path


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol (use as a context manager)."""

    def __init__(self):
        import websocket  # websocket-client, the test extra

        self.profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        self.process = subprocess.Popen([chromium(), *FLAGS, f"--user-data-dir={self.profile.name}",
                                         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                                         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        port = self._port()
        deadline = time.monotonic() + LIMIT_S
        while True:
            pages = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
            pages = [page for page in pages if page.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=LIMIT_S,
                                                  suppress_origin=True)
        self.next_id, self.events = 0, []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")

    def _port(self):
        deadline = time.monotonic() + LIMIT_S
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:  # from now on what Chromium says is only read away, so that it never blocks on it
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return int(found.group(1))
            if not line and self.process.poll() is not None:
                break
        raise AssertionError("Chromium did not say its DevTools port")

    def call(self, method, **params):
        """Send one DevTools command and return its result (events met meanwhile are kept)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, f"{method}: {message['error']}"
                return message.get("result", {})
            self.events.append(message)

    def open(self, url):
        """Load `url` and wait for its load event."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + LIMIT_S
        while not any(event.get("method") == "Page.loadEventFired" for event in self.events):
            assert time.monotonic() < deadline, f"{url} did not load"
            self.events.append(json.loads(self.socket.recv()))

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def console_errors(self):
        """The console errors, exceptions and error log entries the page caused."""
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(str(params.get("args")))
            elif method == "Runtime.exceptionThrown":
                errors.append(str(params.get("exceptionDetails")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(params["entry"].get("text", ""))
        return errors

    def requests(self):
        """The URLs of every request the page made."""
        return [event["params"]["request"]["url"] for event in self.events
                if event.get("method") == "Network.requestWillBeSent"]

    def close(self):
        """End Chromium and remove its profile."""
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.profile.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
