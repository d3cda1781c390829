"""Draw the paths read from standard input as a tree, as the `tree` command does.

    git ls-files | python3 tree.py migrations tests

Folders named on the command line are folded: one line, with how many files they hold.
"""

import sys


def build(paths: list[str], folded: set[str]) -> dict:
    """Nest the paths: a folder is a dict, a file None, a folded folder its file count."""
    root: dict = {}
    for path in paths:
        node = root
        *folders, name = path.split("/")
        for folder in folders:
            if folder in folded:
                node[folder + "/"] = node.get(folder + "/", 0) + 1
                break
            node = node.setdefault(folder + "/", {})
        else:
            node[name] = None
    return root


def draw(node: dict, indent: str = "") -> None:
    for index, (name, child) in enumerate(node.items()):
        last = index == len(node) - 1
        note = ""
        if isinstance(child, int):
            note = f"  ({child} file{'s' if child > 1 else ''})"
        print(f"{indent}{'└── ' if last else '├── '}{name}{note}")
        if isinstance(child, dict):
            draw(child, indent + ("    " if last else "│   "))


if __name__ == "__main__":
    print(".")
    draw(build(sys.stdin.read().splitlines(), set(sys.argv[1:])))
