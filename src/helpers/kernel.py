"""A step's kernel: started quietly in the notebook's folder, stopped at once when the step is done.

KERNEL is the kernel every notebook runs in (the project's environment, as nbval and papermill are told);
start_kernel boots it without waiting, stop_kernel kills it and removes its files. `python -m helpers.kernel`
is the named kernel's own start (helpers.tools.kernel_launcher.sh): ipykernel, quiet on the loopback interface.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


KERNEL = "python3"


def quiet_kernel_options() -> dict:
    """How the runner starts and stops a step's kernel, so that a successful run prints nothing of its own.

    - Unix-domain sockets (ZeroMQ's ipc transport) instead of TCP on localhost: no port is opened, and the
      kernel has no reason to warn "Kernel is running over TCP without encryption". The socket files sit
      beside the connection file in Jupyter's runtime folder and are removed when the kernel stops.
    - No interrupt before the shutdown: when the runner stops the kernel every cell has finished, so
      jupyter_client's habit of sending SIGINT first only makes the kernel print
      "KeyboardInterrupt caught in kernel" (when the signal lands in its event loop).
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets.config import Config

    class StepKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:  # a real interrupt (Ctrl-C during a cell) still goes through
                await super()._async_interrupt_kernel()

        def client(self, **kwargs):
            # Remembered so that stop_kernel can close their channels: the client is papermill's when the kernel
            # was started by start_kernel, and papermill leaves the clean-up to whoever started it.
            made = super().client(**kwargs)
            self.step_clients = [*getattr(self, "step_clients", []), made]
            return made

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.KernelManager.transport = "ipc"
    # An absolute prefix, unique to this runner: the kernel runs in the notebook's folder, the runner elsewhere.
    config.KernelManager.ip = str(runtime / f"step-{os.getpid()}-ipc")
    return {"config": config, "kernel_manager_class": StepKernelManager}


def start_kernel(folder: Path, env: dict | None = None):
    """Start a step's kernel in `folder` (quietly: see quiet_kernel_options) and return its manager at once,
    without waiting for it to be ready: ipykernel takes about a second to start, which the runner spends importing
    papermill. run_notebook runs the notebook in it (papermill's client waits until it is ready); stop_kernel
    stops it. `env` is the kernel's whole environment (default: this process's)."""
    from jupyter_core.utils import run_sync

    options = quiet_kernel_options()
    manager = options["kernel_manager_class"](kernel_name=KERNEL, config=options["config"])
    run_sync(manager.start_kernel)(
        cwd=str(Path(folder).resolve()),
        env=dict(os.environ if env is None else env),
        # As nbclient starts the kernels it owns: no IPython history file written (or locked) by parallel steps.
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
    )
    return manager


def stop_kernel(manager) -> None:
    """Stop a kernel from start_kernel: kill it, remove its connection and socket files, close the channels of the
    clients it served.

    Killed rather than asked to shut down: by now every cell has finished and its outputs are in (or the run has
    failed), so the kernel holds nothing to keep. Asked politely, about one kernel in ten did not exit on its own
    and jupyter_client waited the first half of its shutdown_wait_time, 2.5 s, before sending SIGTERM: a step
    that takes 0.9 s took 3.3-4.3 s (3 of 30 runs of an empty notebook here).
    """
    from jupyter_core.utils import ensure_async, run_sync

    async def stop() -> None:
        try:
            if await ensure_async(manager.is_alive()):
                await ensure_async(manager.shutdown_kernel(now=True))
        finally:
            await ensure_async(manager.cleanup_resources())
            for client in getattr(manager, "step_clients", []):
                await ensure_async(client.stop_channels())

    run_sync(stop)()


# What ipykernel warns when its front end chose TCP without CurveZMQ keys, as every Jupyter does by default.
TCP_WARNING = "Kernel is running over TCP without encryption"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def connection_ip(argv: list[str]) -> str | None:
    """The address in the connection file a front end passes (`-f FILE`), or None when there is none to read."""
    import json

    for index, argument in enumerate(argv):
        path = argv[index + 1] if argument == "-f" and index + 1 < len(argv) else argument.removeprefix("-f=")
        path = "" if path == argument else path
        if path:
            try:
                return json.loads(Path(path).read_text(encoding="utf-8")).get("ip")
            except (OSError, ValueError):
                return None
    return None


def launch(argv: list[str]) -> None:
    """Start ipykernel as `python -m ipykernel_launcher ARGV` does, for the named kernel of any front end.

    `make lab` talks to its kernels over Unix-domain sockets; another Jupyter (nbconvert, an editor) picks TCP
    and ipykernel then warns, on every start, that TCP carries the messages unencrypted. On the loopback
    interface only this machine's users can reach the ports, and each message is signed with the connection
    file's key (readable by its owner only): that one warning is dropped there, and kept for any other address.
    """
    import logging

    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher: not the notebook's folder first
        del sys.path[0]
    if connection_ip(argv) in LOOPBACK:

        class QuietOnLoopback(logging.Filter):
            def filter(self, record: logging.LogRecord) -> bool:
                return TCP_WARNING not in record.getMessage()

        logging.getLogger("IPKernelApp").addFilter(QuietOnLoopback())
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv)


if __name__ == "__main__":
    launch(sys.argv[1:])
