"""The report as a reader sees it: print it to PDF and check it in headless Chromium.

- `print_pdf`: report.html -> report.pdf with Chromium's --print-to-pdf; the
  PDF's creation and modification dates are set to SOURCE_DATE_EPOCH (or
  2020-01-01) so the same report gives the same bytes.
- `check_report`: opens report.html in a fresh headless Chromium, through the
  DevTools protocol, and reports every request that leaves the file, how many
  tables and images rendered, and writes a screenshot for a person to look at.
Where no Chromium is installed, both say so in one line instead of failing.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions")
HOW_TO_GET_IT = "no Chromium found: the PDF was not written (install it, e.g. `apt-get install chromium`, then make report)"


def find_chromium() -> str | None:
    override = os.environ.get("CHROMIUM")
    if override:
        return override
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _pdf_date() -> bytes:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", 1577836800))
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("(D:%Y%m%d%H%M%S+00'00')").encode()


def print_pdf(html: Path, pdf: Path, chromium: str | None = None) -> Path | None:
    """Print `html` to `pdf`; None (and nothing written) when there is no Chromium."""
    chromium = chromium or find_chromium()
    if chromium is None:
        return None
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=120)
    # Same-length replacement: the cross-reference offsets of the PDF stay valid.
    data = re.sub(rb"\(D:\d{14}[^)]*\)", _pdf_date(), pdf.read_bytes())
    pdf.write_bytes(data)
    return pdf


class _DevTools:
    """The few DevTools-protocol calls this check needs, over websocket-client."""

    def __init__(self, url: str):
        import websocket

        self.socket = websocket.create_connection(url, timeout=90, suppress_origin=True)
        self.next_id, self.events = 0, []

    def call(self, method: str, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 90):
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.socket.recv()))

    def close(self):
        self.socket.close()


PAGE_STATE = """JSON.stringify({
  tables: document.querySelectorAll('table').length,
  table_rows: document.querySelectorAll('table tr').length,
  images: Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0, width: i.naturalWidth})),
  scripts: document.scripts.length,
  title: document.title
})"""


def check_report(html: Path, screenshot: Path, chromium: str | None = None) -> dict | None:
    """Open `html` in headless Chromium; return what rendered and every request that left the file."""
    chromium = chromium or find_chromium()
    if chromium is None:
        return None
    html = Path(html).resolve()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        browser = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                    "--remote-debugging-address=127.0.0.1", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text().strip()):
                if time.monotonic() > deadline or browser.poll() is not None:
                    raise RuntimeError("Chromium did not open its DevTools port")
                time.sleep(0.1)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                page = next(t for t in json.load(response) if t["type"] == "page")
            tools = _DevTools(page["webSocketDebuggerUrl"])
            tools.call("Network.enable")
            tools.call("Page.enable")
            tools.call("Emulation.setDeviceMetricsOverride", width=1200, height=1800, deviceScaleFactor=1, mobile=False)
            tools.call("Page.navigate", url=html.as_uri())
            tools.wait_for("Page.loadEventFired")
            state = json.loads(tools.call("Runtime.evaluate", expression=PAGE_STATE, returnByValue=True)["result"]["value"])
            shot = tools.call("Page.captureScreenshot", format="png")
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
            requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
            tools.close()
        finally:
            browser.terminate()
            browser.wait(timeout=30)
    state["requests_out"] = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    state["screenshot"] = str(screenshot)
    return state


def main(argv: list[str] | None = None) -> int:
    """python -m helpers.publish.browser reports/<name>  -> report.pdf, report-screenshot.png, and the check's verdict."""
    from concurrent.futures import ThreadPoolExecutor

    folder = Path((argv or sys.argv[1:])[0])
    html = folder / "report.html"
    if find_chromium() is None:
        print(HOW_TO_GET_IT)
        return 0
    # Printing and checking are two Chromium processes: run them side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        printed = pool.submit(print_pdf, html, folder / "report.pdf")
        state = check_report(html, folder / "report-screenshot.png")
        printed.result()
    broken = [i for i in state["images"] if not i["ok"]]
    problems = ([f"requests leaving the file: {state['requests_out']}"] if state["requests_out"] else []) + \
               ([f"{len(broken)} image(s) did not render"] if broken else []) + \
               (["no table rendered"] if not state["tables"] else [])
    print(f"{folder}/report.pdf written; in Chromium: {state['tables']} tables, {len(state['images'])} images, "
          f"{len(state['requests_out'])} requests out; screenshot {folder}/report-screenshot.png")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
