"""Copy this release's static files into the folder that every Pod's nginx serves.

    python -m myproject.publish_static SOURCE TARGET

During a rolling deploy, old and new Pods serve at once, and a page from one may ask
another for its stylesheet. So TARGET is shared by all Pods, and files are only ever
added: the previous release's hashed files stay for its pages, and this release's are
there before its first Pod is ready. Each file is written under a temporary name and
renamed, so nginx never serves half a file, even one that another Pod is replacing.
"""

import os
import shutil
import sys
from pathlib import Path


def publish_file(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` in one step (a rename within one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


def publish(source: Path, target: Path) -> int:
    """Copy every file under ``source`` to ``target``, deleting nothing; the count."""
    files = [path for path in sorted(source.rglob("*")) if path.is_file()]
    for path in files:
        publish_file(path, target / path.relative_to(source))
    return len(files)


def main(argv: list[str]) -> None:
    source, target = (Path(arg) for arg in argv)
    print(f"published {publish(source, target)} static files to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
