"""The repository stands on its own: nothing in it points to files its users do not have."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spelled in two parts so that this file does not match itself.
OUTSIDE = ("../" + "shared", "shared" + "/API.md")


def tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name]


def test_no_tracked_file_refers_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 50  # git really listed the repository

    offenders = []
    for path in files:
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{path.relative_to(ROOT)}: {needle}" for needle in OUTSIDE if needle in text]

    assert offenders == []
