"""The tamper matrix: every kind of file a realistic session leaves in the vault folder, by
{delete, restore an older copy, swap with another file of its kind, truncate, flip one bit,
add an extra one, a symbolic link in its place}.

A vault file (``vault.json``, each kind of record, model files) or the audit log changed in
any of these ways is exit 4 with one line on stderr naming the file or its kind, never a
secret, and nothing decrypted on stdout. What is plaintext by necessity (README, "Threat
model": ``key-file.path``, ``unlock-failures.jsonl``, the lock files) is asserted as it
behaves, and the README must say so.

The session, built once: ``init``, three synthetic models imported, settings set, a run and
a chat with the scripted engine, a document added to the corpus, a remote engine added with
a token (a local fake server), enough audit entries for a sidecar checkpoint, a failed
unlock; a snapshot of the folder then (the "older copies"), then more of the same (settings
changed, a model removed, another document, runs, a second checkpoint). A second vault gives
files of the same kind from elsewhere. Besides the changes above, each file is replaced by a
directory and by a FIFO (which must not hang the command that meets it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from milai.context import open_audit_log
from milai.vault import KeySource, Vault
from tests.cli.harness import CliResult, invoke
from tests.fakes import FakeEngine, install_fake_engine
from tests.remote.conftest import start_fake_server
from tests.vault.vault_synthetic import PLAINTEXT_MARKER, write_gguf

# Under -n, one worker runs this module (pyproject.toml: --dist loadgroup):
# the session, seconds to build, is built once, not once a worker.
pytestmark = pytest.mark.xdist_group("tamper-matrix")

README = Path(__file__).resolve().parents[2] / "README.md"
PROMPT = "What is the capital of France?"
QUESTION = "Which river runs through Paris?"
DOCUMENTS = ("Paris lies on the Seine.\n", "Lyon lies on the Rhone and the Saone.\n")
REPLY = ["The capital ", "of France ", "is Paris."]
TOKEN = "tok-7c1e0d93f4b2a8"
CHECKPOINT_EVERY = 100  # the CLI's AuditLog default: one sidecar checkpoint per 100 entries


@dataclass(frozen=True)
class Session:
    home: Path  # after the whole session
    older: Path  # the same folder part way through
    other: Path  # another vault's folder
    key_file: Path
    secrets: tuple[bytes, ...]  # never on stdout or stderr

    def kinds(self) -> dict[str, str]:
        """Every file in the folder by its path, with its kind."""
        return dict(self._kinds)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        # the folder is not changed once the session is built: listed once, not per case
        described = {
            str(path.relative_to(self.home)): what
            for path, what in Vault.open(self.home, KeySource(key_file=self.key_file))
            .stored_files()
            .items()
        }
        kinds = {}
        for path in sorted(self.home.rglob("*")):
            if path.is_dir():
                continue
            name = str(path.relative_to(self.home))
            if name in described:
                what = described[name]
                kinds[name] = "model" if what.startswith("the model file") else _record_kind(what)
            else:
                kinds[name] = name
        return kinds

    @cached_property
    def alpha_file(self) -> str:
        """The sealed file of model ``alpha``, relative to the folder."""
        alpha = Vault.open(self.home, KeySource(key_file=self.key_file)).model_file("alpha")
        return str(alpha.relative_to(self.home))

    def files_of(self, kind: str) -> list[str]:
        return [path for path, found in self.kinds().items() if found == kind]


def _record_kind(description: str) -> str:
    # "a settings record (records/x.rec)", "an engine-token record (...)", "a vault-internal..."
    return "record:" + description.split(" ", 2)[1]


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, a command that waits forever (on a FIFO in a file's place)."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"the command still ran after {seconds} s (waiting on a FIFO?)")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _cli(home: Path, *args: str, stdin: str | None = None) -> CliResult:
    with pytest.MonkeyPatch.context() as patch, _deadline(60):
        patch.setenv("MILAI_HOME", str(home))
        patch.delenv("MILAI_KEY_FILE", raising=False)
        install_fake_engine(patch, FakeEngine(list(REPLY)))
        return invoke(*args, stdin=stdin)


def _ok(home: Path, *args: str, stdin: str | None = None) -> None:
    result = _cli(home, *args, stdin=stdin)
    assert result.code == 0, (args, result.stderr)


def _append_entries(home: Path, key_file: Path, count: int) -> None:
    """``count`` audit entries as `check` makes them, through the vault's own audit log."""
    log = open_audit_log(home, Vault.open(home, KeySource(key_file=key_file)))
    for _ in range(count):
        log.append({"command": "check", "decision": "allow", "rules": []})


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    root = tmp_path_factory.mktemp("matrix")
    home, key_file, token = root / "home", root / "vault.key", root / "token"
    token.write_text(TOKEN + "\n")
    for name, seed in (("alpha", 1), ("beta", 2), ("gamma", 3)):
        write_gguf(root / f"{name}.gguf", 96 * 1024, seed=seed)
    for number, text in enumerate(DOCUMENTS):
        (root / f"doc{number}.txt").write_text(text)
    server, httpd = start_fake_server()
    try:
        _ok(home, "init", "--key-file", str(key_file))
        for name, level in (("alpha", "UNCLASSIFIED"), ("beta", "SECRET"), ("gamma", "SECRET")):
            source = str(root / f"{name}.gguf")
            _ok(home, "model", "import", source, "--name", name, "--level", level)
        _ok(home, "settings", "set", "default_model", "alpha")
        _ok(home, "settings", "set", "clearance", "SECRET")
        _ok(home, "run", PROMPT)
        _ok(home, "chat", stdin="Hello there\n")
        _ok(home, "docs", "add", str(root / "doc0.txt"), "--level", "UNCLASSIFIED")
        _ok(home, "engine", "add", "remote", "--url", server.url, "--level", "UNCLASSIFIED",
            "--token-file", str(token))  # fmt: skip
    finally:
        httpd.shutdown()
        httpd.server_close()
    _append_entries(home, key_file, CHECKPOINT_EVERY)
    older = root / "older"
    shutil.copytree(home, older)
    _ok(home, "settings", "set", "clearance", "CONFIDENTIAL")
    _ok(home, "model", "remove", "gamma")
    _ok(home, "run", PROMPT)
    _ok(home, "chat", stdin="Hello again\n")
    _ok(home, "docs", "add", str(root / "doc1.txt"), "--level", "UNCLASSIFIED")
    _append_entries(home, key_file, CHECKPOINT_EVERY)
    wrong = root / "wrong.key"
    wrong.write_bytes(os.urandom(32))
    wrong.chmod(0o600)
    assert _cli(home, "--key-file", str(wrong), "model", "list").code == 4  # a failed unlock

    other, other_key = root / "other", root / "other.key"
    _ok(other, "init", "--key-file", str(other_key))
    _ok(other, "model", "import", str(root / "alpha.gguf"), "--name", "alpha", "--level", "SECRET")
    _ok(other, "settings", "set", "clearance", "SECRET")
    _ok(other, "run", PROMPT)
    _append_entries(other, other_key, 3 * CHECKPOINT_EVERY)

    secrets = (key_file.read_bytes(), key_file.read_bytes().hex().encode(), TOKEN.encode())
    yield Session(home, older, other, key_file, secrets)


# -- the mutations ----------------------------------------------------------------------------

Mutation = Callable[[Session, Path, str], None]


def delete(session: Session, work: Path, name: str) -> None:
    (work / name).unlink()


def restore_older(session: Session, work: Path, name: str) -> None:
    older = session.older / name
    assert older.read_bytes() != (work / name).read_bytes(), "no older copy differs"
    shutil.copy2(older, work / name)


def swap(session: Session, work: Path, name: str) -> None:
    """Swap with another file of the same kind here, or put the other vault's in its place."""
    kind = session.kinds()[name]
    mates = [path for path in session.files_of(kind) if path != name]
    if not mates and kind.startswith("record:"):
        mates = [path for path in session.kinds() if path.startswith("records/") and path != name]
    if mates:
        mine, theirs = (work / name).read_bytes(), (work / mates[0]).read_bytes()
        (work / name).write_bytes(theirs)
        (work / mates[0]).write_bytes(mine)
    else:
        shutil.copy2(session.other / name, work / name)


def truncate(session: Session, work: Path, name: str) -> None:
    data = (work / name).read_bytes()
    (work / name).write_bytes(data[: len(data) // 2])


def flip_at(where: str) -> Mutation:
    def flip(session: Session, work: Path, name: str) -> None:
        data = bytearray((work / name).read_bytes())
        offset = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
        data[offset] ^= 0x04
        (work / name).write_bytes(bytes(data))

    flip.__name__ = f"flip_{where}"
    return flip


def add_extra(session: Session, work: Path, name: str) -> None:
    """A file of the same kind that the vault never wrote, beside the others; for the audit
    log, an entry appended behind the vault's back."""
    target = work / name
    if name.startswith(("records/", "models/")):
        extra = target.with_name("0" * 32 + target.suffix)
        if name.startswith("models/") and (session.older / "models").is_dir():
            # the resurrected file of a removed model (issue 10's attack)
            removed = set(os.listdir(session.older / "models")) - set(os.listdir(work / "models"))
            source = session.older / "models" / sorted(removed)[0]
            shutil.copy2(source, target.with_name(source.name))
            return
        shutil.copy2(target, extra)
        return
    lines = target.read_bytes().splitlines(keepends=True)
    forged = lines[-1].replace(b'"seq":', b'"seq":1', 1)  # out of sequence, a wrong MAC
    target.write_bytes(b"".join(lines) + forged)


def directory(session: Session, work: Path, name: str) -> None:
    """An empty directory in the file's place."""
    (work / name).unlink()
    (work / name).mkdir()


def fifo(session: Session, work: Path, name: str) -> None:
    """A named pipe in the file's place: opening it to read must not wait for a writer."""
    (work / name).unlink()
    os.mkfifo(work / name)


def repeat_last(session: Session, work: Path, name: str) -> None:
    """The last line again: byte for byte an entry the log already holds."""
    lines = (work / name).read_bytes().splitlines(keepends=True)
    (work / name).write_bytes(b"".join(lines) + lines[-1])


def symlink(session: Session, work: Path, name: str) -> None:
    """A symbolic link in the file's place, to an identical copy outside the folder."""
    outside = work.parent / f"outside-{name.replace('/', '-')}"
    shutil.copy2(work / name, outside)
    (work / name).unlink()
    (work / name).symlink_to(outside)


FLIPS = [flip_at("first"), flip_at("middle"), flip_at("last")]
OTHER_TYPES = [symlink, directory, fifo]  # something else than a regular file in its place
EVERY = [delete, restore_older, swap, truncate, *FLIPS, add_extra, *OTHER_TYPES]
WRITTEN_ONCE = [delete, swap, truncate, *FLIPS, add_extra, *OTHER_TYPES]

# kind -> the mutations that apply (an older copy exists only of what changed after the
# snapshot; the other kinds' files never change once written)
SEALED: dict[str, list[Mutation]] = {
    "vault.json": [delete, restore_older, swap, truncate, *FLIPS, *OTHER_TYPES],
    "record:settings": EVERY,
    "record:audit": EVERY,
    "record:corpus": EVERY,
    "record:history": WRITTEN_ONCE,
    "record:engine": WRITTEN_ONCE,
    "record:engine-token": WRITTEN_ONCE,
    "record:vault-internal": WRITTEN_ONCE,
    "model": WRITTEN_ONCE,
    "audit.log": [
        delete,
        restore_older,
        swap,
        truncate,
        flip_at("last"),
        add_extra,
        repeat_last,
        *OTHER_TYPES,
    ],
}
# Records that `run --model alpha` does not read, with a command that reads them. Opening the
# vault checks the records' structure: every listed one there as a regular file and nothing
# else (so a deleted, extra or symlinked record is exit 4 for every command). A record's size
# and digest are checked when it is read, before it is decrypted: new content under a listed
# name (a flipped bit, a cut, a swap, an older copy) in a record the command never reads is
# caught by the command that reads it. `run` may go on, having used nothing from that file
# (or stop at exit 4 when the change reached a record it reads, as a swap can), and the
# reader is exit 4 naming the record.
READERS: dict[str, tuple[str, ...]] = {
    "record:history": ("history", "list"),
    "record:engine": ("engine", "list"),
    "record:engine-token": ("engine", "list"),
    "record:corpus": ("ask", QUESTION),  # the index and the passages' text
}
# Caught by `audit verify` (every entry, the sidecar's checkpoints and signatures), not by
# every command: `run` checks only that the log ends where the vault recorded it.
VERIFIED: dict[str, list[Mutation]] = {
    "audit.log": [*EVERY, repeat_last],
    "audit.log.checkpoints": [
        delete,
        restore_older,
        swap,
        truncate,
        *FLIPS,
        add_extra,
        directory,
        fifo,
    ],
}
PLAINTEXT = ("key-file.path", "unlock-failures.jsonl", ".vault.lock", "audit.log.lock")


def _cases(table: dict[str, list[Mutation]]) -> list[object]:
    return [
        pytest.param(kind, mutation, id=f"{kind}-{mutation.__name__}")
        for kind, mutations in table.items()
        for mutation in mutations
    ]


@pytest.fixture
def work(session: Session, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(session.home, copy, symlinks=True)
    return copy


def _target(session: Session, kind: str) -> str:
    files = session.files_of(kind)
    assert files, f"the session left no {kind} file"
    if kind == "model":
        # the default model, which `run` loads: a flipped body bit shows when it is read
        return session.alpha_file
    return files[0]


def _refused(session: Session, result: CliResult, *names: str) -> str:
    """Exit 4, one line naming one of ``names``, no secret anywhere, nothing on stdout."""
    assert result.code == 4, (result.code, result.stderr)
    line = result.error_line()
    assert any(name in line for name in names), (names, line)
    assert result.stdout_bytes == b""
    for secret in (*session.secrets, PLAINTEXT_MARKER, *(part.encode() for part in REPLY)):
        assert secret not in result.stderr_bytes
    return line


def _names(session: Session, kind: str, name: str) -> tuple[str, ...]:
    """What a message may name for a change to ``name``: the file, its kind, the files a swap
    touched, the audit log."""
    if kind == "vault.json":
        return ("vault.json",)
    if kind == "model":
        return ("model file of", "models/")
    if kind.startswith("record:"):
        return (f"{kind.removeprefix('record:')} record", "records/")
    return ("audit.log", "audit log")


# -- the tests --------------------------------------------------------------------------------


def test_the_session_left_every_kind_of_file(session: Session) -> None:
    found = set(session.kinds().values())
    assert found == {*SEALED, *VERIFIED, *PLAINTEXT}, found ^ {*SEALED, *VERIFIED, *PLAINTEXT}
    assert len(session.files_of("model")) == 2
    assert len(session.files_of("record:vault-internal")) == 2
    assert len(session.files_of("record:corpus")) >= 2  # an index and the passages' text
    # the run, the chats and the appends all reached the log; a checkpoint each 100
    checkpoints = (session.home / "audit.log.checkpoints").read_bytes().count(b"\n")
    older = (session.older / "audit.log.checkpoints").read_bytes().count(b"\n")
    assert (older, checkpoints) == (1, 2)


@pytest.mark.parametrize(("kind", "mutation"), _cases(SEALED))
def test_a_changed_vault_file_is_exit_4_naming_it(
    session: Session, work: Path, kind: str, mutation: Mutation
) -> None:
    name = _target(session, kind)
    mutation(session, work, name)
    result = _cli(work, "run", "--model", "alpha", PROMPT)
    reader = READERS.get(kind)
    if reader is None or mutation in (delete, add_extra, *OTHER_TYPES):
        _refused(session, result, *_names(session, kind, name))  # caught when the vault opens
    elif result.code == 0:  # caught when read (READERS): `run` used nothing from this record
        assert result.stdout == "".join(REPLY) + "\n"
    else:
        _refused(session, result, *_names(session, kind, name))
    if reader is not None:
        _refused(session, _cli(work, *reader), *_names(session, kind, name))


def test_a_full_check_hashes_every_record(session: Session, work: Path) -> None:
    """`audit verify` checks every record's digest, read or not (the size-keeping change
    that `run` does not see, READERS)."""
    [name, *_] = session.files_of("record:engine-token")
    flip_at("middle")(session, work, name)
    assert _cli(work, "run", "--model", "alpha", PROMPT).code == 0
    _refused(session, _cli(work, "audit", "verify"), "engine-token record", name)


@pytest.mark.parametrize(("kind", "mutation"), _cases(VERIFIED))
def test_a_changed_audit_file_fails_audit_verify(
    session: Session, work: Path, kind: str, mutation: Mutation
) -> None:
    name = _target(session, kind)
    mutation(session, work, name)
    result = _cli(work, "audit", "verify")
    _refused(session, result, "audit.log", "audit log", "checkpoint")


@pytest.mark.parametrize("command", [("audit", "verify"), ("audit", "show")])
@pytest.mark.parametrize("mutation", OTHER_TYPES)
def test_a_log_of_another_type_is_exit_4_for_its_readers(
    session: Session, work: Path, mutation: Mutation, command: tuple[str, ...]
) -> None:
    """Commands that only read the log meet it first when no failed-unlock note is waiting
    to be moved into it (a write, which meets it before them)."""
    (work / "unlock-failures.jsonl").unlink()
    mutation(session, work, "audit.log")
    _refused(session, _cli(work, *command), "audit.log")


def test_the_untouched_copy_passes(session: Session, work: Path) -> None:
    ran = _cli(work, "run", "--model", "alpha", PROMPT)
    assert ran.code == 0, ran.stderr
    assert ran.stdout == "".join(REPLY) + "\n"
    verified = _cli(work, "audit", "verify")
    assert verified.code == 0, verified.stderr


# -- plaintext by necessity: what happens, and that README says so -----------------------------


def test_readme_lists_what_is_plaintext() -> None:
    threat_model = README.read_text().split("## Threat model", 1)[1].split("\n## ", 1)[0]
    for name in (
        "key-file.path",
        "unlock-failures.jsonl",
        "audit.log.checkpoints",
        ".vault.lock",
        "audit.log.lock",
        "symbolic link",
        "audit verify",
    ):
        assert name in threat_model, name


def nul_bytes(session: Session, work: Path, name: str) -> None:
    """NUL bytes after the path (no path holds one)."""
    (work / name).write_bytes((work / name).read_bytes() + b"\x00" * 17)


@pytest.mark.parametrize("mutation", [delete, swap, truncate, *FLIPS, nul_bytes, *OTHER_TYPES])
def test_the_key_file_path_only_points_at_a_key(
    session: Session, work: Path, mutation: Mutation
) -> None:
    """``key-file.path`` is read before the vault opens: a changed one points at no key or
    at a wrong one (a usage error at worst), and opens nothing."""
    mutation(session, work, "key-file.path")
    result = _cli(work, "run", "--model", "alpha", PROMPT)
    if mutation is symlink:  # the same path, read through the link
        assert result.code == 0, result.stderr
        return
    assert result.code in (2, 4), result.stderr
    result.error_line()
    assert result.stdout_bytes == b""
    for secret in session.secrets:
        assert secret not in result.stderr_bytes


@pytest.mark.parametrize("mutation", [delete, truncate, flip_at("middle")])
def test_failed_unlock_notes_are_plaintext_and_can_be_erased(
    session: Session, work: Path, mutation: Mutation
) -> None:
    """Written while the vault is locked, moved into the audit log at the next unlock: who
    can write the folder can erase or garble them first (README says so)."""
    mutation(session, work, "unlock-failures.jsonl")
    assert _cli(work, "run", "--model", "alpha", PROMPT).code == 0
    shown = _cli(work, "audit", "show", "--command", "vault.unlock-failed", "--json")
    assert shown.code == 0, shown.stderr
    assert shown.stdout.count("\n") == (0 if mutation is delete else 1)
    assert not (work / "unlock-failures.jsonl").exists()


@pytest.mark.parametrize("mutation", OTHER_TYPES)
def test_failed_unlock_notes_of_another_type_are_exit_4_naming_them(
    session: Session, work: Path, mutation: Mutation
) -> None:
    """A symbolic link, a directory or a pipe in the notes' place is refused as in any other
    vault file's place (exit 4 naming it, never read, never a wait), every time until it is
    removed; nothing else is lost meanwhile."""
    mutation(session, work, "unlock-failures.jsonl")
    before = (work / "audit.log").read_bytes()
    for command in (("run", "--model", "alpha", PROMPT), ("audit", "verify")):
        _refused(session, _cli(work, *command), "unlock-failures.jsonl")
    assert (work / "audit.log").read_bytes() == before  # nothing was recorded, or read
    assert os.path.lexists(work / "unlock-failures.jsonl")
    target = work / "unlock-failures.jsonl"
    if mutation is directory:
        target.rmdir()
    else:
        target.unlink()
    assert _cli(work, "run", "--model", "alpha", PROMPT).code == 0
    assert _cli(work, "audit", "verify").code == 0


@pytest.mark.parametrize("lock", [".vault.lock", "audit.log.lock"])
def test_lock_files_hold_nothing_and_are_made_again(
    session: Session, work: Path, lock: str
) -> None:
    (work / lock).unlink()
    assert _cli(work, "run", "--model", "alpha", PROMPT).code == 0
    assert (work / lock).is_file() and (work / lock).stat().st_size == 0


@pytest.mark.parametrize("lock", [".vault.lock", "audit.log.lock"])
def test_a_symlinked_lock_file_is_refused(session: Session, work: Path, lock: str) -> None:
    symlink(session, work, lock)
    result = _cli(work, "run", "--model", "alpha", PROMPT)
    _refused(session, result, lock)


def test_without_vault_json_nothing_falls_back_to_defaults(
    session: Session, work: Path, tmp_path: Path
) -> None:
    """A folder that lost vault.json but holds records and models is a damaged vault, not
    no vault: `check` does not fall back to the shipped policy (the installed one may be
    stricter), and `init` does not start a new vault over the old files."""
    (work / "vault.json").unlink()
    checked = _cli(work, "check", "-", stdin="hello")
    _refused(session, checked, "vault.json")
    made = _cli(work, "init", "--key-file", str(tmp_path / "new.key"))
    assert made.code == 4, made.stderr
    line = made.error_line()
    assert "vault.json is missing" in line or "already exists" in line, line
    assert not (work / "vault.json").exists()


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o705])
def test_a_vault_folder_open_to_others_is_refused(session: Session, work: Path, mode: int) -> None:
    work.chmod(mode)
    result = _cli(work, "run", "--model", "alpha", PROMPT)
    line = _refused(session, result, "accessible to other users")
    assert "chmod 700" in line


@pytest.mark.parametrize("folder", ["records", "models"])
def test_a_symlinked_folder_is_refused(session: Session, work: Path, folder: str) -> None:
    """The files would still match the vault state, but they would live (and be written)
    wherever the link points."""
    elsewhere = work.parent / f"{folder}-elsewhere"
    (work / folder).rename(elsewhere)
    (work / folder).symlink_to(elsewhere)
    result = _cli(work, "run", "--model", "alpha", PROMPT)
    _refused(session, result, f"the {folder} folder is a symbolic link")


def test_an_older_log_with_its_older_audit_record_is_caught(
    session: Session, work: Path, tmp_path: Path
) -> None:
    """Replaying the log and the vault's record of it together, consistent with each other:
    the vault state (in vault.json) lists the record's digest. Only a rollback of the whole
    folder goes unseen from inside, and an exported checkpoint catches that."""
    exported = _cli(work, "audit", "checkpoint", str(tmp_path / "usb.json"))
    assert exported.code == 0, exported.stderr
    [record] = session.files_of("record:audit")
    for name in ("audit.log", record):
        shutil.copy2(session.older / name, work / name)
    _refused(session, _cli(work, "run", "--model", "alpha", PROMPT), "audit")

    shutil.rmtree(work)
    shutil.copytree(session.older, work, symlinks=True)
    assert _cli(work, "run", "--model", "alpha", PROMPT).code == 0  # README: not caught here
    verified = _cli(work, "audit", "verify", "--checkpoint", str(tmp_path / "usb.json"))
    line = _refused(session, verified, "rolled back", "truncated")
    assert "usb.json" in line
