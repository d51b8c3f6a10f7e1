"""Remote engines kept as encrypted vault records, and the model source that offers them
beside the vault's own models, so ``--model NAME`` takes either."""

from __future__ import annotations

import builtins
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from milai.engine import Engine, LoadOptions, load_engine
from milai.engine.remote import EngineDefinition, RemoteEngine
from milai.errors import ModelError, UsageError

if TYPE_CHECKING:
    from milai.vault import RecordStore

ENGINE_KIND = "engine"
TOKEN_KIND = "engine-token"  # noqa: S105 (a record kind, not a secret)
MAX_TOKEN_BYTES = 4096
# What ``open_model`` yields for an engine: never a path the vault hands out (/proc/self/fd/N).
REFERENCE_PREFIX = "engine:"


class LocalModels(Protocol):
    def model(self, name: str) -> Any: ...

    def open_model(self, name: str) -> contextlib.AbstractContextManager[str]: ...


def check_token(data: bytes) -> str:
    """A bearer token from a token file: printable ASCII, no spaces. Raises ``UsageError``."""
    token = data.strip()
    if not token:
        raise UsageError("the token file is empty")
    if len(token) > MAX_TOKEN_BYTES:
        raise UsageError(f"the token file holds more than {MAX_TOKEN_BYTES} bytes")
    if not all(0x21 <= byte <= 0x7E for byte in token):
        raise UsageError("the token must be printable ASCII without spaces")
    return token.decode("ascii")


@dataclass(frozen=True)
class RemoteModelInfo:
    """A remote engine seen as a model: its name and accreditation level. There is no file
    for milai to hash, so ``sha256`` is empty; the audit entry names the engine instead."""

    name: str
    level: str
    engine: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    kind: str = "remote"


class EngineRegistry:
    """The configured remote engines. Raises ``VaultError``/``VaultIntegrityError`` from the
    records underneath, ``ModelError`` for an unknown engine."""

    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def names(self) -> builtins.list[str]:
        return self._records.list(ENGINE_KIND)

    def find(self, name: str) -> EngineDefinition | None:
        if not name or "\x00" in name:
            return None
        data = self._records.get(ENGINE_KIND, name)
        if data is None:
            return None
        try:
            return EngineDefinition.from_json(json.loads(data))
        except ValueError:
            raise ModelError(f"the definition of engine {name} in the vault is malformed") from None

    def definition(self, name: str) -> EngineDefinition:
        found = self.find(name)
        if found is None:
            known = self.names()
            hint = "engines: " + ", ".join(known) if known else "add one with `milai engine add`"
            raise ModelError(f"unknown engine {name!r}", hint=hint)
        return found

    def definitions(self) -> builtins.list[EngineDefinition]:
        return [self.definition(name) for name in self.names()]

    def add(self, definition: EngineDefinition, token: str | None) -> None:
        definition.check()
        if token is not None:
            self._records.put(TOKEN_KIND, definition.name, token.encode("ascii"))
        else:
            self._records.delete(TOKEN_KIND, definition.name)
        self._records.put(ENGINE_KIND, definition.name, json.dumps(definition.to_json()).encode())

    def remove(self, name: str) -> EngineDefinition:
        definition = self.definition(name)
        self._records.delete(ENGINE_KIND, name)
        self._records.delete(TOKEN_KIND, name)
        return definition

    def has_token(self, name: str) -> bool:
        return self._records.get(TOKEN_KIND, name) is not None

    def open(self, name: str) -> RemoteEngine:
        definition = self.definition(name)
        token = self._records.get(TOKEN_KIND, name)
        return RemoteEngine(definition, token.decode("ascii") if token is not None else None)


def model_info(definition: EngineDefinition) -> RemoteModelInfo:
    return RemoteModelInfo(
        name=definition.name,
        level=definition.level,
        engine={
            "name": definition.name,
            "endpoint": definition.endpoint,
            "model_id": definition.model_id,
        },
    )


class ModelsAndEngines:
    """A model source (``milai.pipeline.ModelSource``) holding the vault's models and the
    remote engines; ``load`` is its matching engine loader."""

    def __init__(self, models: LocalModels, engines: EngineRegistry) -> None:
        self._models = models
        self._engines = engines

    def model(self, name: str) -> Any:
        definition = self._engines.find(name)
        if definition is None:
            found = self._models.model(name)
            if getattr(found, "kind", "chat") != "chat":
                raise ModelError(
                    f"model {name!r} is an embedding model: it ranks passages for "
                    "`milai ask`, it does not answer",
                    hint="give --model a chat model (`milai model list`)",
                )
            return found
        try:
            self._models.model(name)
        except ModelError:
            return model_info(definition)
        raise ModelError(
            f"{name!r} names both a model in the vault and a remote engine",
            hint=f"`milai engine remove {name}` or `milai model remove {name}`",
        )

    @contextlib.contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        if self._engines.find(name) is not None:
            yield REFERENCE_PREFIX + name
            return
        with self._models.open_model(name) as path:
            yield path

    def load(self, path: str, options: LoadOptions) -> Engine:
        if not path.startswith(REFERENCE_PREFIX):
            return load_engine(path, options)
        if options.chat_format is not None:
            raise UsageError("a remote engine applies its own chat template: drop --chat-format")
        return self._engines.open(path.removeprefix(REFERENCE_PREFIX))
