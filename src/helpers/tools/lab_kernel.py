"""Register the named kernel that any Jupyter on the machine can use: `make lab` runs it.

    python -m helpers.tools.lab_kernel NAME DISPLAY_NAME

One kernelspec (NAME) in the user's Jupyter folder serves every copy of the project: its launcher
(kernel_launcher.sh) starts the Python of the copy that holds the notebook, found from the folder the kernel
starts in. Two clones with `make lab` each run their own code and data, whichever registered last.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

LAUNCHER = Path(__file__).with_name("kernel_launcher.sh")


def register(name: str, display_name: str, python: str = sys.executable) -> Path:
    """Install (or replace) kernelspec `name` for this user; `python` runs notebooks outside any copy."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(write_kernel_spec(Path(scratch) / name))  # kernel.json and the logos
        shutil.copyfile(LAUNCHER, folder / LAUNCHER.name)
        spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
        spec["argv"] = ["/bin/sh", "{resource_dir}/" + LAUNCHER.name, python, "-f", "{connection_file}"]
        spec["display_name"] = display_name
        (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        return Path(KernelSpecManager().install_kernel_spec(str(folder), name, user=True))  # replaces one there


if __name__ == "__main__":
    name, display_name = sys.argv[1:3]
    print(register(name, display_name))
