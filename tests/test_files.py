"""Atomic writes and bounded reads (autograd.files), and the model files that use them."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from autograd import files, nn
from autograd.nn import MLP, Neuron

ROOT = Path(__file__).resolve().parent.parent


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".autograd-")]


# --- atomic_write ------------------------------------------------------------------------------


def test_write_keeps_the_old_file_when_fsync_fails(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    Neuron(2, seed=0).save(path)
    before = path.read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left") as info:
        MLP(2, [64, 64, 1], seed=1).save(path)
    assert info.value.filename == str(path)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_write_under_a_file_size_limit_keeps_the_old_file(tmp_path):
    path = tmp_path / "m.json"
    Neuron(2, seed=0).save(path)
    before = path.read_bytes()
    code = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from autograd.nn import MLP
        try:
            MLP(2, [64, 64, 1], seed=1).save({str(path)!r})
        except OSError as err:
            print(err.filename, err.errno)
            sys.exit(3)
    """)
    result = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.split() == [str(path), str(errno.EFBIG)]
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_sigkill_during_a_large_save_leaves_the_old_file(tmp_path):
    # The child announces each save; its fsync is slowed so that the kill lands mid-write
    # (after the temporary file is made and filled, before the rename).
    path = tmp_path / "m.json"
    old = MLP(3, [20, 1], seed=0)
    old.save(path)
    before = path.read_bytes()
    code = textwrap.dedent(f"""
        import os, time
        from autograd import files
        from autograd.nn import MLP
        model = MLP(3, [400, 400, 400, 1], seed=1)   # about 8 MB of JSON
        real = os.fsync
        def slow(fd):
            print("writing", flush=True)
            time.sleep(30)
            real(fd)
        files.os.fsync = slow
        model.save({str(path)!r})
    """)
    child = subprocess.Popen([sys.executable, "-c", code], env=_env(), stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        (temp,) = _leftovers(tmp_path)  # the new file is there, under a temporary name
        assert (tmp_path / temp).stat().st_size > 1_000_000
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert MLP.from_file(path).state_dict() == old.state_dict()


def test_sigkill_at_any_moment_leaves_one_whole_file(tmp_path):
    # Saves two models in turn as fast as it can and is killed at some moment: the file is
    # always one of the two, whole.
    path = tmp_path / "m.json"
    code = textwrap.dedent(f"""
        from autograd.nn import MLP
        a, b = MLP(2, [60, 60, 1], seed=1), MLP(2, [60, 60, 1], seed=2)
        a.save({str(path)!r})
        print("ready", flush=True)
        while True:
            b.save({str(path)!r})
            a.save({str(path)!r})
    """)
    states = [MLP(2, [60, 60, 1], seed=s).state_dict() for s in (1, 2)]
    for delay in (0.05, 0.13, 0.31):
        child = subprocess.Popen([sys.executable, "-c", code], env=_env(),
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
            time.sleep(delay)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            child.kill()
        assert MLP.from_file(path).state_dict() in states


def test_new_file_keeps_the_old_files_mode(tmp_path):
    path = tmp_path / "m.json"
    Neuron(2, seed=0).save(path)
    os.chmod(path, 0o600)
    Neuron(2, seed=1).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    files.atomic_write(path, b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        files.atomic_write(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_write_through_a_symlink_replaces_its_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    files.atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_errors_name_the_users_path(tmp_path):
    target = tmp_path / "no" / "such" / "m.json"
    with pytest.raises(FileNotFoundError) as info:
        Neuron(2).save(target)
    assert info.value.filename == str(target)
    with pytest.raises(IsADirectoryError) as info:
        files.atomic_write(tmp_path, "x")
    assert _leftovers(tmp_path) == []


def test_check_writable(tmp_path):
    files.check_writable(tmp_path / "new.json")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(IsADirectoryError):
        files.check_writable(tmp_path)
    with pytest.raises(FileNotFoundError):
        files.check_writable(tmp_path / "missing" / "m.json")
    if os.path.isdir("/proc/self"):
        with pytest.raises(OSError):
            files.check_writable("/proc/m.json")


# --- bounded reading ---------------------------------------------------------------------------


def _doc(architecture, state):
    return {"format": nn.FORMAT, "version": nn.FORMAT_VERSION, "architecture": architecture,
            "state": state}


def _write(path, document):
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("nin, nouts", [
    (1_000_000_000, [1]), (2, [100_000, 100_000, 1]), (10 ** 400, [1]),
])
def test_from_file_refuses_huge_architectures_before_building(tmp_path, monkeypatch, nin,
                                                              nouts):
    path = _write(tmp_path / "big.json",
                  _doc({"type": "MLP", "nin": nin, "nouts": nouts, "activation": "relu"}, {}))

    def no_layers(*args, **kwargs):
        raise AssertionError("a layer was built")

    monkeypatch.setattr(nn, "Layer", no_layers)
    with pytest.raises(ValueError, match="max_parameters") as info:
        MLP.from_file(path)
    assert str(path) in str(info.value)
    assert len(str(info.value)) < 300


def test_from_file_checks_the_count_against_the_state_before_building(tmp_path, monkeypatch):
    path = _write(tmp_path / "m.json",
                  _doc({"type": "MLP", "nin": 2, "nouts": [3000, 3000, 1],
                        "activation": "relu"}, {"a": 1.0}))
    monkeypatch.setattr(nn, "Layer", lambda *a, **k: pytest.fail("a layer was built"))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="9,015,001 parameters but field 'state' holds 1 "):
            MLP.from_file(path, max_parameters=10 ** 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


@pytest.mark.parametrize("field, value, fragment", [
    ("nin", True, "'nin' must be a positive integer"),
    ("nin", "2", "'nin' must be a positive integer"),
    ("nouts", [4, 0, 1], "'nouts' must be a non-empty list"),
    ("nouts", 5, "'nouts' must be a non-empty list"),
    ("activation", "swish", "'activation' is 'swish'"),
])
def test_from_file_names_the_bad_field(tmp_path, field, value, fragment):
    arch = {"type": "MLP", "nin": 2, "nouts": [4, 1], "activation": "relu"}
    arch[field] = value
    path = _write(tmp_path / "m.json", _doc(arch, MLP(2, [4, 1]).state_dict()))
    with pytest.raises(ValueError, match=fragment):
        MLP.from_file(path)


def test_from_file_reads_the_file_once_and_round_trips(tmp_path):
    model = MLP(3, [5, 2], activation="tanh", seed=4)
    model.save(tmp_path / "m.json")
    again = MLP.from_file(tmp_path / "m.json")
    assert again.state_dict() == model.state_dict() and again.activation == "tanh"


def test_huge_integer_is_a_value_error_naming_the_key(tmp_path):
    n = Neuron(2, seed=0)
    before = n.state_dict()
    with pytest.raises(ValueError, match=r"'w\.1' must be finite"):
        n.load_state_dict({"w.0": 1.0, "w.1": 10 ** 400, "b": 0.0})
    path = tmp_path / "n.json"
    path.write_text('{"w.0": 1, "w.1": 1' + "0" * 400 + ', "b": 0}')
    with pytest.raises(ValueError, match=r"'w\.1' must be finite") as info:
        n.load(path)
    assert str(path) in str(info.value)
    assert n.state_dict() == before


@pytest.mark.parametrize("raw, fragment", [
    (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    (b'{"a": ' * 50 + b"1" + b"}" * 50, "nested more than"),
    ('{"w.0": 1, "b": 2}'.encode("utf-16"), "not UTF-8"),
    (b'{"w.0": 1, "b": "\xff"}', "not UTF-8"),
    (b'{"w.0": 1' + b"1" * 5000 + b', "b": 0}', "cannot read the JSON"),
    (b"{nope", "not valid JSON"),
])
def test_hostile_files_are_value_errors_naming_the_file(tmp_path, raw, fragment):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    n = Neuron(1, seed=0)
    before = n.state_dict()
    for load in (n.load, MLP.from_file):
        with pytest.raises(ValueError, match=fragment) as info:
            load(path)
        assert str(path) in str(info.value)
    assert n.state_dict() == before


def test_utf8_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "n.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(Neuron(1, seed=0).state_dict()).encode())
    assert Neuron(1, seed=1).load(path).state_dict() == Neuron(1, seed=0).state_dict()


def test_size_cap(tmp_path):
    model = MLP(2, [8, 1], seed=0)
    path = tmp_path / "m.json"
    model.save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match="larger than the 100-byte limit") as info:
        MLP(2, [8, 1]).load(path, max_bytes=100)
    assert str(path) in str(info.value)
    with pytest.raises(ValueError, match="max_bytes"):
        MLP.from_file(path, max_bytes=size - 1)
    assert MLP.from_file(path, max_bytes=size).state_dict() == model.state_dict()
    with pytest.raises(ValueError, match="max_bytes must be a positive integer"):
        files.read_json(path, max_bytes=0)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_file_is_refused_without_reading_it_all():
    with pytest.raises(ValueError, match="larger than the 1,000-byte limit"):
        files.read_json("/dev/zero", max_bytes=1000)
    with pytest.raises(ValueError, match="/dev/zero: the file is larger"):
        Neuron(1).load("/dev/zero")


def test_a_file_the_user_may_not_write_is_not_replaced(tmp_path, monkeypatch):
    # As root every file is writable, so the permission check is simulated.
    path = tmp_path / "m.json"
    path.write_text("old")
    monkeypatch.setattr(os, "access", lambda p, mode: os.fspath(p) != str(path))
    with pytest.raises(PermissionError) as info:
        files.atomic_write(path, "new")
    assert info.value.filename == str(path) and path.read_text() == "old"
    with pytest.raises(PermissionError):
        files.check_writable(path)
    files.atomic_write(tmp_path / "other.json", "fine")
    assert _leftovers(tmp_path) == []
