"""`make lab` starts JupyterLab at the repository root with the named kernel; driven through its REST API."""

import json
import shutil
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import websocket

from helpers.paths import REPO_ROOT

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
def lab(tmp_path_factory):
    """`make lab PORT=…` with Jupyter's user folders in a scratch home (the kernelspec lands there)."""
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
    }
    env.pop("MAKEFLAGS", None)
    server = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(REPO_ROOT),
            "lab",
            f"PORT={port}",
            f"LAB_ARGS=--no-browser --ip=127.0.0.1 --IdentityProvider.token={token}",
        ],
        env=env,
        stdout=subprocess.PIPE,
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
                        "make lab did not start: " + (server.stdout.read() if server.poll() is not None else "timeout")
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


def test_lab_is_rooted_at_the_repository(lab):
    base, token, _ = lab
    listing = {item["name"]: item["type"] for item in call(f"{base}/api/contents/", token)["content"]}
    assert {"notebooks", "reports", "data", "src"} <= {name for name, kind in listing.items() if kind == "directory"}
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
        assert ran.stdout.split() == [str(expected), "-m", "ipykernel_launcher", "-f", "kernel-1.json"], (cwd, ran)


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


def test_a_notebook_session_on_the_named_kernel_imports_helpers_from_this_copy(lab):
    base, token, _ = lab
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
        assert Path(module) == REPO_ROOT / "src" / "helpers" / "__init__.py"
        assert Path(cwd) == REPO_ROOT / "notebooks"
    finally:
        urllib.request.urlopen(
            urllib.request.Request(
                f"{base}/api/sessions/{session['id']}", method="DELETE", headers={"Authorization": f"token {token}"}
            ),
            timeout=30,
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lab_opens_each_notebook(lab, path: Path):
    base, token, _ = lab
    model = call(f"{base}/api/contents/notebooks/{path.name}?content=1", token)
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    assert any("parameters" in c["metadata"].get("tags", []) for c in cells)
    assert any(c.get("outputs") for c in cells if c["cell_type"] == "code")
