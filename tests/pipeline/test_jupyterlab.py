"""`make lab` starts JupyterLab at the repository root with the named kernel; driven through its REST API.

Lab runs in a scratch copy of the project without a .venv of its own (make's VENV names this one's, as for a
copy on an activated environment): what a notebook run there on the defaults writes stays in the copy.
"""

import json
import shutil
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
import websocket

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import sandbox_root
from helpers.tools.bench import project_copy

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "amirova2020"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Authorization": f"token {token}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A scratch copy of the project with the paper's data and no .venv: Lab's kernels run this environment's
    Python with the copy's own code (kernel_launcher.sh), and write into the copy."""
    root = project_copy(tmp_path_factory.mktemp("lab") / "project", ("amirova2020",))
    (root / ".venv").unlink()
    return root


@pytest.fixture(scope="module")
def lab(tmp_path_factory, copy):
    """`make lab PORT=…` in the copy, with Jupyter's user folders in a scratch home (the kernelspec lands there)
    and no project root set (`make lab` on the defaults: the kernels write into the copy). Lab's own output (and
    its kernels') goes to home/lab.log."""
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    # The kernels' sockets are files in the runtime folder, and a socket's path has at most 107 bytes: a folder of
    # its own directly in the temporary folder, not deep in the session's.
    runtime = tempfile.mkdtemp(prefix="lab-")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": runtime,
        "JUPYTER_DATA_DIR": str(home / "data"),
    }
    for name in ("MAKEFLAGS", ROOT_VARIABLE, "VIRTUAL_ENV", "CONDA_PREFIX"):
        env.pop(name, None)
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(copy),
            "lab",
            f"VENV={REPO_ROOT / '.venv'}",
            f"PORT={port}",
            f"LAB_ARGS=--no-browser --ip=127.0.0.1 --IdentityProvider.token={token}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                call(f"{base}/api/status", token)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "make lab did not start: "
                        + ((home / "lab.log").read_text() if server.poll() is not None else "timeout")
                    )
                time.sleep(0.3)
        yield base, token, home
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # seen once on a machine loaded by other work: stop it all the same
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


def test_lab_is_rooted_at_the_repository(lab):
    base, token, _ = lab
    listing = {item["name"]: item["type"] for item in call(f"{base}/api/contents/", token)["content"]}
    assert {"notebooks", "data", "src"} <= {name for name, kind in listing.items() if kind == "directory"}
    assert {"Makefile", "pyproject.toml"} <= {name for name, kind in listing.items() if kind == "file"}
    inside = call(f"{base}/api/contents/notebooks", token)["content"]
    assert sorted(item["name"] for item in inside if item["type"] == "notebook") == [p.name for p in NOTEBOOKS]


def test_the_named_kernel_is_registered_for_any_jupyter(lab):
    base, token, home = lab
    specs = call(f"{base}/api/kernelspecs", token)["kernelspecs"]
    assert specs[KERNEL]["spec"]["display_name"] == "Amirova 2020 (.venv)"
    # Registered in the user's Jupyter folder: its launcher, with this environment's Python for notebooks that lie
    # outside any copy of the project.
    folder = home / "data" / "kernels" / KERNEL
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][:3] == [
        "/bin/sh",
        "{resource_dir}/kernel_launcher.sh",
        str(REPO_ROOT / ".venv" / "bin" / "python"),
    ]
    assert (folder / "kernel_launcher.sh").read_bytes() == (
        REPO_ROOT / "src/helpers/tools/kernel_launcher.sh"
    ).read_bytes()


def fake_copy(folder: Path) -> Path:
    """A copy of the project as the launcher recognises one, whose .venv's Python only says which it is."""
    (folder / "src" / "helpers").mkdir(parents=True)
    (folder / "src" / "helpers" / "pipeline.py").touch()
    (folder / "notebooks").mkdir()
    python = folder / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "$0 $*"\n')
    python.chmod(0o755)
    return folder


def test_the_named_kernel_runs_the_python_of_the_copy_that_holds_the_notebook(tmp_path):
    """Two clones on one machine share the kernelspec; each notebook runs with its own clone's environment."""
    launcher = REPO_ROOT / "src" / "helpers" / "tools" / "kernel_launcher.sh"
    first, second = fake_copy(tmp_path / "first"), fake_copy(tmp_path / "second")
    registered = fake_copy(tmp_path / "registered") / ".venv" / "bin" / "python"
    (tmp_path / "elsewhere").mkdir()
    for cwd, expected in (
        (first / "notebooks", first / ".venv" / "bin" / "python"),
        (second / "notebooks", second / ".venv" / "bin" / "python"),
        (second, second / ".venv" / "bin" / "python"),
        (tmp_path / "elsewhere", registered),
    ):
        ran = subprocess.run(
            ["/bin/sh", str(launcher), str(registered), "-f", "kernel-1.json"], cwd=cwd, capture_output=True, text=True
        )
        assert ran.stdout.split() == [str(expected), "-m", "helpers.kernel", "-f", "kernel-1.json"], (cwd, ran)


def test_the_named_kernel_started_by_another_jupyter_over_tcp_does_not_warn(lab, copy, tmp_path):
    """nbconvert or an editor starts the kernel "Amirova 2020" over TCP on the loopback interface (jupyter_client's
    default): it says nothing of its own (ipykernel's warning about TCP without encryption is for other addresses)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    _, _, home = lab
    specs = KernelSpecManager(kernel_dirs=[str(home / "data" / "kernels")])
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs, connection_file=str(tmp_path / "k.json"))
    assert manager.transport == "tcp" and manager.ip == "127.0.0.1"
    with open(tmp_path / "stderr", "w") as stderr:
        manager.start_kernel(cwd=str(copy / "notebooks"), stderr=stderr, stdout=stderr)
        client = manager.client()
        try:
            client.start_channels()
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive("import helpers; print(helpers.__file__)", timeout=60)
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    printed = (tmp_path / "stderr").read_text()
    assert "without encryption" not in printed and "WARNING" not in printed, printed


def test_a_copy_without_a_venv_runs_its_own_code_with_the_registered_python(tmp_path):
    """A clone on an activated conda env or venv (no .venv): the registered Python, with this copy's src first."""
    launcher = REPO_ROOT / "src" / "helpers" / "tools" / "kernel_launcher.sh"
    registered = tmp_path / "python"
    registered.write_text('#!/bin/sh\necho "$0 $PYTHONPATH"\n')
    registered.chmod(0o755)
    copy = fake_copy(tmp_path / "no-venv")
    shutil.rmtree(copy / ".venv")
    ran = subprocess.run(
        ["/bin/sh", str(launcher), str(registered), "-f", "k.json"],
        cwd=copy / "notebooks",
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert ran.stdout.split() == [str(registered), str(copy / "src")], ran


def execute(base: str, token: str, kernel_id: str, code: str) -> str:
    """Run `code` in the kernel over its websocket; its printed output."""
    ws = websocket.create_connection(
        f"{base.replace('http', 'ws')}/api/kernels/{kernel_id}/channels?token={token}", timeout=60
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "test",
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                    },
                }
            )
        )
        printed = []
        while True:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed)
    finally:
        ws.close()


def test_a_notebook_session_on_the_named_kernel_imports_helpers_from_this_copy(lab, copy):
    base, token, home = lab
    session = call(
        f"{base}/api/sessions",
        token,
        "POST",
        {"path": "notebooks/01_clean.ipynb", "type": "notebook", "kernel": {"name": KERNEL}},
    )
    try:
        assert session["kernel"]["name"] == KERNEL
        printed = execute(
            base, token, session["kernel"]["id"], "import helpers, os; print(helpers.__file__); print(os.getcwd())"
        )
        module, cwd = printed.split()
        assert Path(module) == copy / "src" / "helpers" / "__init__.py"
        assert Path(cwd) == copy / "notebooks"
    finally:
        end_session(base, token, session)
    # Lab's kernels speak to it over Unix-domain sockets: none warns that it runs over TCP without encryption.
    assert "without encryption" not in (home / "lab.log").read_text(), (home / "lab.log").read_text()[-2000:]


def end_session(base: str, token: str, session: dict) -> None:
    urllib.request.urlopen(
        urllib.request.Request(
            f"{base}/api/sessions/{session['id']}", method="DELETE", headers={"Authorization": f"token {token}"}
        ),
        timeout=30,
    )


def run_in_lab(base: str, token: str, path: str) -> None:
    """As a person does in Lab: open the notebook on the named kernel, run every cell, save it (the outputs as
    Lab's front end stores them, from the kernel's messages, through the contents API)."""
    model = call(f"{base}/api/contents/{path}?content=1", token)
    notebook = nbformat.from_dict(model["content"])
    session = call(
        f"{base}/api/sessions", token, "POST", {"path": path, "type": "notebook", "kernel": {"name": KERNEL}}
    )
    ws = websocket.create_connection(
        f"{base.replace('http', 'ws')}/api/kernels/{session['kernel']['id']}/channels?token={token}", timeout=300
    )
    try:
        # Counted from 10, as when some cells were run more than once: nbval does not compare the counts.
        for count, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=10):
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps(execute_request(msg_id, cell.source)))
            outputs = []
            while True:
                message = json.loads(ws.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id or message.get("channel") != "iopub":
                    continue
                kind = message["msg_type"]
                if kind == "status" and message["content"]["execution_state"] == "idle":
                    break
                if kind in ("stream", "display_data", "execute_result", "error"):
                    output = nbformat.v4.output_from_msg(message)
                    last = outputs[-1] if outputs else None
                    if kind == "stream" and last and last.output_type == "stream" and last.name == output.name:
                        last.text += output.text  # Lab joins a cell's consecutive printed text
                    else:
                        outputs.append(output)
            assert not [o for o in outputs if o.output_type == "error"], (path, cell.source, outputs)
            cell.outputs, cell.execution_count = outputs, count
    finally:
        ws.close()
        end_session(base, token, session)
    call(f"{base}/api/contents/{path}", token, "PUT", {"type": "notebook", "format": "json", "content": notebook})


def execute_request(msg_id: str, code: str) -> dict:
    return {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "test",
            "session": uuid.uuid4().hex,
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
    }


def test_notebooks_run_in_lab_on_the_defaults_and_saved_still_hold_the_nbval_reference(lab, copy, tmp_path):
    """Lab autosaves: running 01 and 02 there on the defaults (no project root set: they write into the copy)
    leaves them saved with outputs of that run. nbval, with the guard, as make test runs it, still passes."""
    base, token, _ = lab
    saved = {}
    for name in ("01_clean.ipynb", "02_tables.ipynb"):
        run_in_lab(base, token, f"notebooks/{name}")
        saved[name] = copy / "notebooks" / name
        stored = nbformat.read(saved[name], as_version=4)
        assert [c.execution_count for c in stored.cells if c.cell_type == "code"][0] == 10  # saved from this run
        # The tables as Lab shows them (the same output make report and nbval get: helpers.notebook.show).
        assert any("text/html" in o.get("data", {}) for c in stored.cells for o in c.get("outputs", []))
    assert (copy / "reports" / "amirova2020" / "en" / "tables" / "table3.csv").exists()  # written on the defaults
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--rootdir",
            str(copy / "notebooks"),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-p",
            "helpers.tools.notebook_guard",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO_ROOT / "tests" / "nbval_sanitize.cfg"),
            *map(str, saved.values()),
        ],
        cwd=copy / "notebooks",
        env={
            **{k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"},
            ROOT_VARIABLE: str(sandbox_root(tmp_path / "scratch")),  # as conftest.py sets it for make test
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0 and " passed" in summary and "failed" not in summary, result.stdout[-3000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lab_opens_each_notebook(lab, path: Path):
    base, token, _ = lab
    model = call(f"{base}/api/contents/notebooks/{path.name}?content=1", token)
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    assert any("parameters" in c["metadata"].get("tags", []) for c in cells)
    assert any(c.get("outputs") for c in cells if c["cell_type"] == "code")
