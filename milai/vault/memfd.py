"""Decrypted models live in sealed anonymous memory files, never in a file on disk; and
what ``milai doctor`` needs to say whether those pages could be swapped out.

A memfd has no name in any file system. Once written it is sealed (no write, no resize,
no further seals), and llama.cpp opens it through ``/proc/self/fd/N`` in this process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from milai.errors import ModelError

# What /proc/PID/maps and /proc/PID/fd show for the decrypted model: nothing about it.
MEMFD_NAME = "anon"
SEALS = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL
CAP_IPC_LOCK = 14


def create_memfd(name: str, size: int) -> int:
    """A new sealable memfd of ``size`` bytes (zeros). Raises ``ModelError`` where the
    platform has none."""
    if not hasattr(os, "memfd_create"):
        raise ModelError("this platform has no memfd_create: milai loads models on Linux only")
    try:
        fd = os.memfd_create(name, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    except OSError as error:
        raise ModelError(f"cannot create an in-memory file: {error.strerror}") from None
    try:
        os.ftruncate(fd, size)
    except OSError as error:
        os.close(fd)
        raise ModelError(f"cannot reserve {size} bytes of memory: {error.strerror}") from None
    return fd


def pwrite_all(fd: int, data: memoryview, offset: int) -> None:
    while data:
        written = os.pwrite(fd, data, offset)
        data = data[written:]
        offset += written


def seal(fd: int) -> None:
    """Forbid any further write, resize or seal change."""
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, SEALS)


def proc_path(fd: int) -> str:
    path = f"/proc/self/fd/{fd}"
    if not os.path.exists(path):
        raise ModelError("/proc is not mounted: llama.cpp cannot open the in-memory model")
    return path


@contextlib.contextmanager
def closing_fd(fd: int) -> Iterator[int]:
    try:
        yield fd
    finally:
        os.close(fd)


def _status_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError), Path("/proc/self/status").open() as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def _kib_field(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "")
    number = value.split()[0] if value else ""
    return int(number) * 1024 if number.isdigit() else None


def _swap_devices() -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = []
    with contextlib.suppress(OSError), Path("/proc/swaps").open() as swaps:
        for line in list(swaps)[1:]:
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                devices.append({"path": parts[0], "type": parts[1], "bytes": int(parts[2]) * 1024})
    return devices


def memory_lock_status(model_bytes: int | None = None) -> dict[str, Any]:
    """What ``milai doctor`` (and ``-v``) report about keeping decrypted pages in RAM.

    Keys: ``swap_enabled`` and ``swap_devices`` (from /proc/swaps); ``mlock_limit_bytes``
    (soft RLIMIT_MEMLOCK, ``None`` when unlimited); ``cap_ipc_lock`` (may lock without
    limit); ``mlock_permitted`` (some locking is allowed at all); ``vm_locked_bytes``
    (VmLck of this process now); ``model_bytes`` as given; ``can_lock_model`` (the limit
    covers ``model_bytes``, ``None`` without it); ``pages_could_reach_swap``: swap is on and
    the pages are not known to be locked (VmLck below ``model_bytes``, or, without it, the
    limit would not let a model be locked).
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    limit = None if soft == resource.RLIM_INFINITY else soft
    fields = _status_fields()
    try:
        capabilities = int(fields.get("CapEff", "0"), 16)
    except ValueError:
        capabilities = 0
    cap_ipc_lock = bool(capabilities >> CAP_IPC_LOCK & 1)
    locked = _kib_field(fields, "VmLck") or 0
    devices = _swap_devices()
    swap_enabled = any(device["bytes"] > 0 for device in devices)
    unlimited = cap_ipc_lock or limit is None
    can_lock_model = None if model_bytes is None else unlimited or (limit or 0) >= model_bytes
    if model_bytes is not None and locked >= model_bytes:
        could_swap = False
    elif model_bytes is not None:
        could_swap = swap_enabled
    else:
        could_swap = swap_enabled and not unlimited
    return {
        "swap_enabled": swap_enabled,
        "swap_devices": devices,
        "mlock_limit_bytes": limit,
        "cap_ipc_lock": cap_ipc_lock,
        "mlock_permitted": unlimited or (limit or 0) > 0,
        "vm_locked_bytes": locked,
        "model_bytes": model_bytes,
        "can_lock_model": can_lock_model,
        "pages_could_reach_swap": could_swap,
    }
