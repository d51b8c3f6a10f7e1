"""The engine on the real SmolLM2 model: streaming, determinism, usage, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from milai.engine import LoadOptions, SamplingParams, load_engine
from milai.errors import ModelError, UsageError
from tests.helpers import demo_model_file

pytestmark = pytest.mark.model

QUESTION = [{"role": "user", "content": "Name three capitals in Europe."}]


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    loaded = load_engine(str(demo_model_file()), LoadOptions(threads=2))
    yield loaded
    loaded.close()


def test_streams_text_in_several_chunks(engine) -> None:  # type: ignore[no-untyped-def]
    chunks = list(engine.generate(QUESTION, SamplingParams(max_tokens=24, temperature=0, seed=1)))
    assert len(chunks) > 3
    assert "".join(chunks).strip()


def test_same_seed_same_bytes_and_usage_is_exact(engine) -> None:  # type: ignore[no-untyped-def]
    params = SamplingParams(max_tokens=40, temperature=0.9, seed=1234)
    first = "".join(engine.generate(QUESTION, params))
    first_usage = engine.usage
    second = "".join(engine.generate(QUESTION, params))
    assert first == second
    assert engine.usage == first_usage
    assert first_usage.prompt_tokens > 10
    assert 1 <= first_usage.completion_tokens <= 40


def test_usage_matches_llama_cpp_non_streamed_count(engine) -> None:  # type: ignore[no-untyped-def]
    params = SamplingParams(max_tokens=200, temperature=0, seed=1)
    "".join(engine.generate(QUESTION, params))
    reference = engine._llama.create_chat_completion(
        messages=QUESTION, max_tokens=200, temperature=0, seed=1
    )
    assert engine.usage.prompt_tokens == reference["usage"]["prompt_tokens"]
    assert engine.usage.completion_tokens == reference["usage"]["completion_tokens"]


def test_max_tokens_bounds_the_output(engine) -> None:  # type: ignore[no-untyped-def]
    "".join(engine.generate(QUESTION, SamplingParams(max_tokens=3, temperature=0, seed=1)))
    assert engine.usage.completion_tokens == 3
    timings = engine.timings.to_json()
    assert timings["load_s"] > 0
    assert timings["first_token_s"] is not None and timings["first_token_s"] >= 0


def test_decode_speed_is_reported(engine) -> None:  # type: ignore[no-untyped-def]
    "".join(engine.generate(QUESTION, SamplingParams(max_tokens=30, temperature=0, seed=1)))
    timings = engine.timings
    assert timings.completion_tokens >= 2 and timings.decode_s > 0
    # Reported, and the pace between the first and the last token: not a speed target
    # (bench/ measures that); a loaded CI machine may be slow, never this wrong.
    reported = timings.to_json()["tokens_per_s"]
    assert reported == round((timings.completion_tokens - 1) / timings.decode_s, 2)
    assert reported > 0


def test_prompt_larger_than_context_is_a_usage_error() -> None:
    small = load_engine(str(demo_model_file()), LoadOptions(threads=2, context_tokens=512))
    try:
        with pytest.raises(UsageError, match="context window"):
            "".join(small.generate([{"role": "user", "content": "word " * 700}], SamplingParams()))
    finally:
        small.close()


def test_model_without_chat_template_is_refused(tmp_path: Path) -> None:
    # Same model with its template key renamed (same length): llama-cpp-python would fall
    # back to the llama-2 format silently; milai refuses unless --chat-format is given.
    copy = tmp_path / "no-template.gguf"
    data = demo_model_file().read_bytes()
    assert data.count(b"tokenizer.chat_template") == 1
    copy.write_bytes(data.replace(b"tokenizer.chat_template", b"tokenizer.chat_templatX"))
    with pytest.raises(ModelError, match="no chat template") as refused:
        load_engine(str(copy), LoadOptions(threads=2))
    assert "--chat-format" in (refused.value.hint or "")
    engine = load_engine(str(copy), LoadOptions(threads=2, chat_format="chatml"))
    try:
        text = "".join(engine.generate(QUESTION, SamplingParams(max_tokens=8, temperature=0)))
        assert text
    finally:
        engine.close()


def test_non_gguf_and_missing_files_are_model_errors(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.gguf"
    text_file.write_text("not a model")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        load_engine(str(text_file), LoadOptions())
    with pytest.raises(ModelError, match="cannot read model file"):
        load_engine(str(tmp_path / "missing.gguf"), LoadOptions())
    with pytest.raises(UsageError, match="is a directory"):
        load_engine(str(tmp_path), LoadOptions())


def test_truncated_gguf_fails_to_load_cleanly(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.gguf"
    with demo_model_file().open("rb") as source, truncated.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
        out.truncate(4 << 20)
    with pytest.raises(ModelError, match="failed to load model"):
        load_engine(str(truncated), LoadOptions())


def test_close_is_idempotent_and_final() -> None:
    engine = load_engine(str(demo_model_file()), LoadOptions(threads=2))
    engine.close()
    engine.close()
    with pytest.raises(ModelError, match="closed"):
        list(engine.generate(QUESTION, SamplingParams(max_tokens=2)))
