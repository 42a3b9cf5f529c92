"""DOT text and the Graphviz ``dot`` program (a system package) that renders it: how strings are
written in DOT, and running ``dot``; used by the drawings and the player."""

from __future__ import annotations

import shutil
import subprocess

__all__ = ["run_dot", "GraphvizNotFoundError", "INSTALL_HINT", "RANKDIRS", "quote", "record_field"]

def quote(text: str) -> str:
    """A DOT double-quoted string.

    >>> print(quote('say "hi"'))
    "say \\"hi\\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def record_field(text: str) -> str:
    """Text for one field of a record label (braces, bars and angle brackets escaped)."""
    out = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


#: The directions a drawing may take (``rankdir``).
RANKDIRS = ("LR", "TB", "RL", "BT")

INSTALL_HINT = (
    "the Graphviz 'dot' program is needed to render a drawing, but it was not found on PATH; "
    "install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz), or write DOT text instead (a .dot file or to_dot())"
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program (a system package) is not installed."""


def run_dot(source: str, fmt: str) -> bytes:
    """Runs ``dot -T<fmt>`` on DOT text and returns the output."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    result = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                            check=False, timeout=120)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"dot failed: {message[0] if message else 'no message'}")
    return result.stdout


