"""Importing, listing, verifying, removing and loading models; the inputs import refuses;
the GGUF header reader; the memfd a model is loaded into."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from milai.errors import ModelError, UsageError, VaultIntegrityError
from milai.vault import KeySource, ModelManifest, Vault, memory_lock_status
from milai.vault.catalog import is_catalogued
from milai.vault.gguf import GGUFFormatError, read_gguf_info
from tests.vault.vault_synthetic import gguf_bytes, gguf_header


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_import_list_show_verify_remove(vault: Vault, make_gguf: Any) -> None:
    source, sha256 = make_gguf(300_000)
    seen: list[tuple[int, int]] = []
    manifest = vault.import_model(
        source,
        name="mistral-7b-instruct-v0.3",
        level="SECRET",
        sha256=sha256.upper(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert manifest == ModelManifest(
        name="mistral-7b-instruct-v0.3",
        size=300_000,
        sha256=sha256,
        architecture="llama",
        quantisation="Q4_1",
        level="SECRET",
        imported_at=manifest.imported_at,
        has_chat_template=True,
        catalogued=False,
    )
    assert manifest.imported_at.endswith("Z") and "T" in manifest.imported_at
    assert seen[0] == (0, 300_000) and seen[-1] == (300_000, 300_000)
    assert manifest.to_json()["sha256"] == sha256
    assert set(manifest.to_json()) == {
        "name", "size", "sha256", "architecture", "quantisation", "level", "imported_at",
        "has_chat_template", "catalogued", "kind",
    }  # fmt: skip
    assert manifest.kind == "chat"
    assert vault.list_models() == [manifest]
    assert vault.model("mistral-7b-instruct-v0.3") == manifest
    vault.verify_model("mistral-7b-instruct-v0.3")
    vault.remove_model("mistral-7b-instruct-v0.3")
    assert vault.list_models() == []
    with pytest.raises(ModelError):
        vault.model("mistral-7b-instruct-v0.3")


def test_metadata_variants(vault: Vault, make_gguf: Any) -> None:
    source, _ = make_gguf(10_000, architecture=b"mistral3", file_type=15, chat_template=None)
    manifest = vault.import_model(source, name="m", level="RESTRICTED")
    assert (manifest.architecture, manifest.quantisation) == ("mistral3", "Q4_K_M")
    assert manifest.has_chat_template is False
    source, _ = make_gguf(10_000, name="b.gguf", file_type=None, version=2)
    assert vault.import_model(source, name="n", level="R").quantisation == "unknown"
    source, _ = make_gguf(10_000, name="c.gguf", file_type=999)
    assert vault.import_model(source, name="o", level="R").quantisation == "unknown(999)"


def test_unknown_model_names_the_model_and_lists_known(vault: Vault, make_gguf: Any) -> None:
    with pytest.raises(ModelError) as caught:
        vault.model("nope")
    assert "nope" in str(caught.value) and caught.value.exit_code == 5
    assert caught.value.hint and "milai model import" in caught.value.hint
    source, _ = make_gguf(10_000)
    vault.import_model(source, name="alpha", level="S")
    vault.import_model(source, name="beta", level="S")
    for call in (vault.model, vault.verify_model, vault.remove_model):
        with pytest.raises(ModelError) as caught:
            call("nope")
        assert caught.value.hint == "models in the vault: alpha, beta"
    with pytest.raises(ModelError), vault.open_model("nope"):
        pass
    with pytest.raises(ModelError):
        vault.model("../alpha")


def test_existing_name_is_refused(vault: Vault, make_gguf: Any) -> None:
    source, _ = make_gguf(10_000)
    vault.import_model(source, name="m", level="S")
    with pytest.raises(UsageError, match="already exists"):
        vault.import_model(source, name="m", level="S")
    assert len(vault.list_models()) == 1


@pytest.mark.parametrize(
    "name",
    ["", "a/b", "../x", "/abs", ".hidden", "a b", "x" * 65, "caf\u00e9", "a\x00b", "a\\b", "-x"],
)
def test_bad_names_are_refused(vault: Vault, make_gguf: Any, name: str) -> None:
    source, _ = make_gguf(10_000)
    with pytest.raises(UsageError, match="invalid model name"):
        vault.import_model(source, name=name, level="S")
    assert vault.list_models() == []


@pytest.mark.parametrize("level", ["", "   ", "x" * 65, "SECRET\nTOP SECRET"])
def test_bad_levels_are_refused(vault: Vault, make_gguf: Any, level: str) -> None:
    source, _ = make_gguf(10_000)
    with pytest.raises(UsageError, match="level"):
        vault.import_model(source, name="m", level=level)


def test_bad_sha256_argument(vault: Vault, make_gguf: Any) -> None:
    source, _ = make_gguf(10_000)
    with pytest.raises(UsageError, match="64 hexadecimal"):
        vault.import_model(source, name="m", level="S", sha256="abc")


def test_sha256_mismatch_is_an_integrity_error_and_leaves_nothing(
    vault: Vault, make_gguf: Any, isolated_home: Path
) -> None:
    source, sha256 = make_gguf(200_000)
    wrong = ("0" if sha256[0] != "0" else "1") + sha256[1:]
    with pytest.raises(VaultIntegrityError, match="does not match the expected sha256") as caught:
        vault.import_model(source, name="m", level="S", sha256=wrong)
    assert caught.value.exit_code == 4
    assert vault.list_models() == []
    assert list((isolated_home / "models").iterdir()) == []


def test_not_gguf(vault: Vault, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"This is not a model at all, just text." * 100)
    with pytest.raises(UsageError, match="not a GGUF model file") as caught:
        vault.import_model(source, name="m", level="S")
    assert caught.value.exit_code == 2


def test_empty_file(vault: Vault, tmp_path: Path) -> None:
    source = tmp_path / "empty.gguf"
    source.write_bytes(b"")
    with pytest.raises(UsageError, match="empty"):
        vault.import_model(source, name="m", level="S")


def test_directory(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        vault.import_model(tmp_path, name="m", level="S")


def test_missing_file(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        vault.import_model(tmp_path / "absent.gguf", name="m", level="S")


def test_unreadable_file(isolated_home: Path, make_gguf: Any, tmp_path: Path) -> None:
    source, _ = make_gguf(10_000)
    source.chmod(0)
    script = (
        "import sys; from pathlib import Path; from milai.vault import Vault, KeySource\n"
        "from milai.errors import UsageError\n"
        f"v = Vault.create(Path({str(isolated_home)!r}), KeySource(key_file=Path({str(tmp_path / 'k')!r})))\n"  # noqa: E501
        "try:\n"
        f"    v.import_model(Path({str(source)!r}), name='m', level='S')\n"
        "except UsageError as e:\n"
        "    print(e); sys.exit(2)\n"
    )
    command = [sys.executable, "-c", script]
    if os.geteuid() == 0:
        # root reads mode-000 files: drop the capabilities that let it, for the child only
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "cannot read" in result.stdout and "Permission denied" in result.stdout


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GGUF", "truncated"),
        (b"GGUF" + struct.pack("<I", 1) + bytes(100), "unsupported GGUF version 1"),
        (b"FUGG" + struct.pack("<I", 3 << 24) + bytes(100), "no GGUF magic"),
        (gguf_header()[:-5], "truncated"),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 2**40), "implausible"),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**62), "too long"),
        (
            b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k"
            + struct.pack("<I", 42),
            "unknown metadata value type",
        ),
        (
            b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k"
            + struct.pack("<IIQ", 9, 4, 2**61),
            "too long",
        ),
        (gguf_header(architecture=b"../etc"), "malformed general.architecture"),
    ],
)  # fmt: skip
def test_gguf_reader_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(GGUFFormatError, match=reason):
        read_gguf_info(io.BytesIO(data), len(data))


def test_gguf_without_architecture(vault: Vault, tmp_path: Path) -> None:
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, 0) + bytes(64)
    source = tmp_path / "bare.gguf"
    source.write_bytes(data)
    with pytest.raises(UsageError, match=r"no general\.architecture"):
        vault.import_model(source, name="m", level="S")


def test_gguf_reader_reads_synthetic_header() -> None:
    data = gguf_bytes(5000)
    info = read_gguf_info(io.BytesIO(data), len(data))
    assert (info.version, info.architecture, info.quantisation) == (3, "llama", "Q4_1")
    assert info.has_chat_template and info.tensor_count == 1


def test_catalogue_lookup(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("models:\n  - name: x\n    sha256: " + "AB" * 32 + "\n  - name: y\n")
    assert is_catalogued("ab" * 32, catalog)
    assert not is_catalogued("cd" * 32, catalog)
    broken = tmp_path / "broken.yaml"
    broken.write_text("models: [unclosed\n")
    assert not is_catalogued("ab" * 32, broken)
    assert not is_catalogued("ab" * 32, tmp_path / "missing.yaml")


# -- loading ------------------------------------------------------------------------------


def test_open_model_yields_a_sealed_memfd(vault: Vault, make_gguf: Any) -> None:
    source, sha256 = make_gguf(2_500_000)
    vault.import_model(source, name="m", level="S")
    before = _open_fds()
    with vault.open_model("m") as path:
        assert path.startswith("/proc/self/fd/")
        fd = int(path.rsplit("/", 1)[1])
        target = os.readlink(path)
        assert target.startswith("/memfd:anon"), "the memfd's name must not name the model"
        with open(path, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == sha256
        seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
        expected = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL
        assert seals & expected == expected
        with pytest.raises(PermissionError):
            os.pwrite(fd, b"x", 0)
        with pytest.raises(PermissionError):
            os.ftruncate(fd, 10)
        with pytest.raises(PermissionError), open(path, "r+b") as writable:
            writable.write(b"x")
            writable.flush()
    assert _open_fds() == before


def test_open_model_can_be_opened_twice(vault: Vault, make_gguf: Any) -> None:
    source, _ = make_gguf(100_000)
    vault.import_model(source, name="m", level="S")
    with vault.open_model("m") as first, vault.open_model("m") as second:
        assert first != second
        assert Path(first).read_bytes() == Path(second).read_bytes()


def test_memory_lock_status() -> None:
    status = memory_lock_status()
    assert set(status) >= {
        "swap_enabled", "swap_devices", "mlock_limit_bytes", "cap_ipc_lock", "mlock_permitted",
        "vm_locked_bytes", "pages_could_reach_swap",
    }  # fmt: skip
    assert isinstance(status["swap_enabled"], bool)
    assert isinstance(status["vm_locked_bytes"], int)
    sized = memory_lock_status(model_bytes=10**12)
    assert sized["model_bytes"] == 10**12
    if sized["swap_enabled"]:
        assert sized["pages_could_reach_swap"]
    else:
        assert not sized["pages_could_reach_swap"]


def test_list_models_from_a_second_vault_instance(
    vault: Vault, make_gguf: Any, isolated_home: Path, key: KeySource
) -> None:
    source, _ = make_gguf(20_000)
    vault.import_model(source, name="m", level="S")
    assert [m.name for m in Vault.open(isolated_home, key).list_models()] == ["m"]


def test_fifo_is_refused_without_hanging(vault: Vault, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.gguf"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        vault.import_model(fifo, name="m", level="S")


def test_import_on_a_file_system_without_hard_links(
    vault: Vault, make_gguf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    source, sha256 = make_gguf(40_000)
    assert vault.import_model(source, name="m", level="S").sha256 == sha256
    with pytest.raises(UsageError, match="already exists"):
        vault.import_model(source, name="m", level="S")
    vault.verify_model("m")
    assert [manifest.name for manifest in vault.list_models()] == ["m"]


def test_exclusive_commit_never_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from milai.vault._fs import commit_temp_exclusive

    target = tmp_path / "m.model"
    target.write_bytes(b"first")
    for link_works in (True, False):
        temp = tmp_path / ".m.model.x.tmp"
        temp.write_bytes(b"second")
        if not link_works:

            def no_links(source: object, destination: object) -> None:
                raise OSError(95, "Operation not supported")

            monkeypatch.setattr(os, "link", no_links)
        with pytest.raises(FileExistsError):
            commit_temp_exclusive(temp, target)
        assert target.read_bytes() == b"first" and temp.exists()


# Hostile headers as named files (``*.gguf.invalid``: ``*.gguf`` is git-ignored, for weights).
HOSTILE = sorted((Path(__file__).parent.parent / "fixtures" / "vault" / "gguf").glob("*.invalid"))


def test_hostile_fixtures_are_present() -> None:
    assert len(HOSTILE) >= 10


@pytest.mark.parametrize("path", HOSTILE, ids=[path.name for path in HOSTILE])
def test_hostile_gguf_fixtures_are_refused(vault: Vault, path: Path) -> None:
    with pytest.raises(UsageError, match="is not a GGUF model file") as caught:
        vault.import_model(path, name="m", level="S")
    assert caught.value.exit_code == 2
    assert vault.list_models() == []
