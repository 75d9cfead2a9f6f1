"""`make help`: every documented target, its description starting in one column whatever the names' lengths."""

import os
import re
import subprocess

from helpers.paths import REPO_ROOT


def test_make_help_lists_every_documented_target_with_descriptions_in_one_column():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    printed = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.splitlines()
    assert printed[0].startswith("Usage: make <target>")
    rows = [re.fullmatch(r"  ([a-zA-Z_-]+)( +)(\S.*)", line) for line in printed[1:]]
    assert all(rows), printed
    documented = re.findall(r"^([a-zA-Z_-]+):.*## ", (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert [row.group(1) for row in rows] == documented
    columns = {row.start(3) for row in rows}
    assert columns == {2 + max(map(len, documented)) + 2}, printed  # two spaces after the longest name
    assert "$(DATA)" not in "\n".join(printed)
