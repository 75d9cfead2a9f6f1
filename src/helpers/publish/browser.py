"""The report as a reader sees it: print it to PDF and check it, in ONE headless Chromium.

- `Chromium`: starts one headless Chromium with a throw-away profile and
  speaks the DevTools protocol to it. On the way out it stops Chromium's whole
  process group and waits until every process is gone before removing the
  profile: removing it while a helper process still writes into it is what
  raised `OSError: Directory not empty: 'Default'` now and then.
- `print_pdf`: report.html -> report.pdf through DevTools' Page.printToPDF, on
  A4 (or Letter), tagged, with an outline (bookmarks) of the report's
  headings. The PDF's dates are set to SOURCE_DATE_EPOCH (or 2020-01-01) so
  the same report gives the same bytes.
- `check_report`: what rendered, every request that leaves the file, a
  screenshot for a person to look at, and, where axe-core is installed
  (`npm ci` in the repository), every WCAG 2.1 A/AA violation axe-core finds.
Where no Chromium is installed, the command says so in one line instead of failing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.processes import CANNOT_WRITE, die_with_parent, end_with_the_run

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    # DevTools over two pipes (fds 3 and 4), never a port: nothing on the machine can drive this Chromium, and it
    # ends when they close, i.e. when the process that started it ends, even by SIGKILL.
    "--remote-debugging-pipe",
)
HOW_TO_GET_IT = (
    "no Chromium found: the PDF was not written (install it, e.g. `apt-get install chromium`, then make report)"
)
# Paper sizes in inches (DevTools takes inches); A4 unless asked otherwise (PAPER=letter).
PAPER_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN_INCHES = 0.6
# axe-core, installed from the npm registry by `npm ci` (package.json / package-lock.json at the repository root).
AXE_SCRIPT = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def find_chromium() -> str | None:
    override = os.environ.get("CHROMIUM")
    if override:
        return override
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _pdf_date() -> bytes:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", 1577836800))
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("(D:%Y%m%d%H%M%S+00'00')").encode()


class _Pipe:
    """DevTools messages over Chromium's pipes: JSON, each ended by a NUL byte."""

    def __init__(self, commands: int, replies: int):
        self.commands, self.replies, self.buffer = commands, replies, b""

    def send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.commands, data) :]

    def recv(self, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.replies], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"Chromium sent nothing within {timeout} s")
            chunk = os.read(self.replies, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe (it ended)")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def close(self) -> None:
        for fd in (self.commands, self.replies):
            try:
                os.close(fd)
            except OSError:
                pass


class _DevTools:
    """The few DevTools-protocol calls this module needs, in one page's session (flat sessions over the pipe)."""

    def __init__(self, pipe: _Pipe, session: str | None = None):
        self.pipe, self.session = pipe, session
        self.next_id, self.events = 0, []

    def call(self, method: str, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.pipe.send(message)
        while True:
            message = self.pipe.recv()
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
            self.events.append(self.pipe.recv(timeout=max(0.1, deadline - time.monotonic())))

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed in the page: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def close(self):
        """The page's session ends; the pipe stays Chromium's until the `with` block ends."""


def profile_folder() -> str | None:
    """Where the throw-away profile goes: /dev/shm (memory) where there is one, else the temporary folder.

    Chromium writes some 3 MB into a new profile (caches, databases) and removing them from a disk took
    0.3-0.5 s of the print step, from memory under 0.1 s.
    """
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class Chromium:
    """One headless Chromium for a `with` block: `open(html)` gives a page (a DevTools session) on a file."""

    def __init__(self, executable: str | None = None):
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise FileNotFoundError(HOW_TO_GET_IT)

    def __enter__(self) -> Chromium:
        remove_orphaned_profiles()
        self.profile = tempfile.mkdtemp(prefix=f"chromium-{os.getpid()}-", dir=profile_folder())
        commands_read, commands_write = os.pipe()
        replies_read, replies_write = os.pipe()

        def on_chromium_side():  # in the child, before exec: its pipes at fds 3 and 4, and death with its parent
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)
            die_with_parent()

        # A session of its own: Chromium's helpers (zygote, GPU, renderers) share its process group, so all of
        # them can be stopped together and waited for.
        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            pass_fds=(3, 4),
            preexec_fn=on_chromium_side,
        )
        os.close(commands_read)
        os.close(replies_write)
        self.pipe = _Pipe(commands_write, replies_read)
        return self

    def open(self, html: Path, width: int = 1200, height: int = 1800) -> _DevTools:
        """A page showing `html`, loaded, with its network requests recorded in `.events`."""
        browser = _DevTools(self.pipe)
        try:
            targets = browser.call("Target.getTargets")["targetInfos"]
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"Chromium did not answer on its DevTools pipe ({error})") from None
        page = next((t for t in targets if t["type"] == "page"), None)
        target = page["targetId"] if page else browser.call("Target.createTarget", url="about:blank")["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        tools = _DevTools(self.pipe, session)
        tools.call("Network.enable")
        tools.call("Page.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        tools.call("Page.navigate", url=Path(html).resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        return tools

    def __exit__(self, *exc) -> None:
        # Killed at once: nothing in the throw-away profile is kept, so Chromium has nothing to save, and its
        # orderly exit on SIGTERM took 0.2-0.5 s of the print step.
        stop_process_group(self.process, signals=(signal.SIGKILL,))
        self.pipe.close()
        shutil.rmtree(self.profile, ignore_errors=False)


def remove_orphaned_profiles() -> None:
    """Profiles left by a run killed before it could remove its own (kill -9): named chromium-<pid>-…, removed
    once that process is gone. Chromium itself is gone by then (it dies with its parent)."""
    folder = Path(profile_folder() or tempfile.gettempdir())
    for profile in folder.glob("chromium-*-*"):
        pid = profile.name.split("-")[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(profile, ignore_errors=True)
        except PermissionError:
            continue


def stop_process_group(
    process: subprocess.Popen, timeout: float = 30, signals: tuple = (signal.SIGTERM, signal.SIGKILL)
) -> None:
    """Each of `signals` in turn to the process's group (by default SIGTERM, then SIGKILL after `timeout`) until
    every member is gone; returns when none is left."""
    group = process.pid  # start_new_session: the group id is the leader's pid
    for sig in signals:
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + timeout
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.01)
        if not _group_alive(group):
            break
    process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A member that has exited but not been reaped (a zombie) no longer writes: only live ones count.
    return any(_state(pid) not in ("Z", "X", None) for pid in _members(group))


def _members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    members.append(int(entry.name))
            except ProcessLookupError:
                pass
    return members


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


NODE_ID = re.compile(rb"\(node(\d{8})\)")


def renumber_node_ids(data: bytes) -> bytes:
    """The tagged PDF's structure element IDs, `(node00000104)`, numbered 1, 2, ... in their own order.

    Chromium takes them from its DOM node counter, which the page check before the print (axe-core, the
    screenshot) sometimes moves by one: the same report then gave two different PDFs (seen under load, 1 print
    in 10). Renumbered by rank, every ID keeps its place in the order (the ID tree stays sorted) and its width
    (the cross-reference offsets stay valid), and the same report always gives the same bytes.
    """
    ranks = {old: b"%08d" % rank for rank, old in enumerate(sorted(set(NODE_ID.findall(data)), key=int), start=1)}
    return NODE_ID.sub(lambda match: b"(node" + ranks[match.group(1)] + b")", data)


def print_to_pdf(tools: _DevTools, pdf: Path, paper: str = "a4") -> Path:
    """The loaded page printed to `pdf` on `paper` (a4 or letter), tagged, with an outline of its headings."""
    width, height = PAPER_SIZES[paper.lower()]
    result = tools.call(
        "Page.printToPDF",
        paperWidth=width,
        paperHeight=height,
        marginTop=MARGIN_INCHES,
        marginBottom=MARGIN_INCHES,
        marginLeft=MARGIN_INCHES,
        marginRight=MARGIN_INCHES,
        printBackground=True,
        preferCSSPageSize=False,
        generateTaggedPDF=True,
        generateDocumentOutline=True,
        displayHeaderFooter=True,
        headerTemplate="<span></span>",
        footerTemplate=(
            '<div style="font-size:8px;width:100%;text-align:center;color:#333">'
            '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
        ),
    )
    data = base64.b64decode(result["data"])
    # Same-length replacement: the cross-reference offsets of the PDF stay valid.
    data = re.sub(rb"\(D:\d{14}[^)]*\)", _pdf_date(), data)
    # Through a temporary file in the same folder: interrupted or out of space, no half-written PDF is left
    # under the report's name.
    partial = Path(pdf).with_name(f".{Path(pdf).name}.{os.getpid()}.part")
    try:
        partial.write_bytes(renumber_node_ids(data))
        os.replace(partial, pdf)
    finally:
        partial.unlink(missing_ok=True)
    return Path(pdf)


def print_pdf(html: Path, pdf: Path, chromium: str | None = None, paper: str = "a4") -> Path | None:
    """Print `html` to `pdf`; None (and nothing written) when there is no Chromium."""
    if (chromium or find_chromium()) is None:
        return None
    with Chromium(chromium) as browser:
        tools = browser.open(html)
        try:
            return print_to_pdf(tools, pdf, paper)
        finally:
            tools.close()


PAGE_STATE = """JSON.stringify({
  tables: document.querySelectorAll('table').length,
  table_rows: document.querySelectorAll('table tr').length,
  images: Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0, width: i.naturalWidth})),
  scripts: document.scripts.length,
  title: document.title
})"""

AXE_RUN = """axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"""


def accessibility_violations(tools: _DevTools) -> list[dict] | None:
    """axe-core's WCAG 2.1 A/AA violations on the loaded page; None when axe-core is not installed."""
    if not AXE_SCRIPT.exists():
        return None
    # Evaluated in the page's context: no <script> element is added, the report itself stays script-free.
    tools.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return json.loads(tools.evaluate(AXE_RUN % json.dumps(WCAG_AA_TAGS)))


def inspect_page(tools: _DevTools, screenshot: Path) -> dict:
    """What rendered on the loaded page, the requests it made, a screenshot, and axe-core's violations."""
    state = json.loads(tools.evaluate(PAGE_STATE))
    shot = tools.call("Page.captureScreenshot", format="png")
    Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
    requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
    state["requests_out"] = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    state["screenshot"] = str(screenshot)
    state["accessibility"] = accessibility_violations(tools)
    return state


def check_report(html: Path, screenshot: Path, chromium: str | None = None) -> dict | None:
    """Open `html` in headless Chromium; return what rendered and every request that left the file."""
    if (chromium or find_chromium()) is None:
        return None
    with Chromium(chromium) as browser:
        tools = browser.open(html)
        try:
            return inspect_page(tools, screenshot)
        finally:
            tools.close()


def publish(folder: Path, paper: str = "a4", chromium: str | None = None) -> dict:
    """report.html of `folder` -> report.pdf and the check's state, with one Chromium and one page load."""
    folder = Path(folder)
    with Chromium(chromium) as browser:
        tools = browser.open(folder / "report.html")
        try:
            state = inspect_page(tools, folder / "report-screenshot.png")
            tools.call("Emulation.clearDeviceMetricsOverride")
            print_to_pdf(tools, folder / "report.pdf", paper)
        finally:
            tools.close()
    return state


def problems_found(state: dict) -> list[str]:
    broken = [i for i in state["images"] if not i["ok"]]
    violations = state["accessibility"] or []
    return (
        ([f"requests leaving the file: {state['requests_out']}"] if state["requests_out"] else [])
        + ([f"{len(broken)} image(s) did not render"] if broken else [])
        + (["no table rendered"] if not state["tables"] else [])
        + [
            f"accessibility (axe-core, WCAG 2.1 AA): {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
            for v in violations
        ]
    )


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """python -m helpers.publish.browser reports/<name> [--paper a4|letter]  -> report.pdf, a screenshot, the verdict."""
    args = list(argv if argv is not None else sys.argv[1:])
    end_with_the_run()  # make killed: this print ends too, and its Chromium with it
    paper = "a4"
    if "--paper" in args:
        at = args.index("--paper")
        paper = args[at + 1].lower()
        del args[at : at + 2]
    if paper not in PAPER_SIZES:
        print(f"error: paper size {paper!r}: choose one of {', '.join(PAPER_SIZES)}", file=sys.stderr)
        return 2
    folder = Path(args[0])
    if find_chromium() is None:
        print(HOW_TO_GET_IT)
        return 0
    # SIGTERM (or SIGHUP) as Ctrl-C: the same one line, and Chromium stopped and its profile removed on the way
    # out (Chromium.__exit__).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    try:
        state = publish(folder, paper)
    except KeyboardInterrupt:
        print(
            f"\nprinting {folder}/report.pdf interrupted: no PDF was kept; `make report` prints it again.",
            file=sys.stderr,
        )
        return 130
    except OSError as error:  # the disk full, the folder read-only: the place and the reason, in one line
        if error.errno not in CANNOT_WRITE:
            raise
        place = error.filename or f"{folder}/report.pdf"
        print(f"error: {folder}/report.pdf could not be written: {place}: {error.strerror or error}", file=sys.stderr)
        return 1
    axe = (
        "not run (axe-core not installed: npm ci)"
        if state["accessibility"] is None
        else f"{len(state['accessibility'])} WCAG 2.1 AA violation(s)"
    )
    print(
        f"{folder}/report.pdf written ({paper.upper()}); in Chromium: {state['tables']} tables, "
        f"{len(state['images'])} images, {len(state['requests_out'])} requests out; axe-core: {axe}; "
        f"screenshot {folder}/report-screenshot.png"
    )
    problems = problems_found(state)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
