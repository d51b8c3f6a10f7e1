"""``milai chat``: an interactive, gated conversation for analysts.

Every turn goes through the same pipeline as ``run``. The prompt line shows the session's
high-water level; conversations are saved encrypted in the vault, never in a plaintext file
(readline keeps line history in memory only).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from milai.cli._app import app, open_context, say
from milai.cli.run import sampling_params
from milai.context import Context
from milai.engine import LoadOptions, SamplingParams
from milai.errors import Blocked, ModelError, UsageError
from milai.history import Conversation
from milai.pipeline import Session
from milai.settings import resolve_clearance

if TYPE_CHECKING:
    from rich.console import Console


HELP = """/help   this help
/level  the conversation's level and your clearance
/clear  forget the conversation so far (its level stays)
/save   save the conversation in the vault now (it is also saved on exit)
/exit   leave (Ctrl-D works too; Ctrl-C stops a reply)"""


@app.command()
def chat(
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name in the vault.")
    ] = None,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Your clearance level.")
    ] = None,
    system: Annotated[str | None, typer.Option("--system", help="System prompt.")] = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="Most tokens per reply.")] = 512,
    temperature: Annotated[float, typer.Option("--temperature", help="0 is greedy.")] = 0.2,
    seed: Annotated[int | None, typer.Option("--seed", help="Sampling seed.")] = None,
    chat_format: Annotated[
        str | None, typer.Option("--chat-format", help="Chat format if the model has no template.")
    ] = None,
) -> None:
    """Talk with a model, every turn gated by the policy."""
    import readline  # noqa: F401  (line editing and arrow-key history, in memory only)

    from milai.cli.render import banner
    from milai.cli.render import stdout as console

    params = sampling_params(max_tokens, temperature, seed)
    context = open_context()
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    name = context.model_name(model)
    pipeline = context.pipeline(policy)
    session = pipeline.session(
        name,
        clearance=level,
        load_options=LoadOptions(chat_format=chat_format, use_mlock=True),
        command="chat",
        system=system,
    )
    conversation = Conversation.new(model=name, clearance=level, level=policy.lowest)
    with session:
        console.print(
            f"milai chat — model {name}, clearance {level}. /help for help.", markup=False
        )
        console.print(banner(policy.banner(session.level)))
        try:
            _converse(session, conversation, context, console, params)
        finally:
            # Whatever ends the session (exit, an audit failure, a crash in a turn), what was
            # said is kept, encrypted, with its level.
            conversation.level = session.level
            if conversation.turns:
                conversation.save(context.vault.records)


def _converse(
    session: Session,
    conversation: Conversation,
    context: Context,
    console: Console,
    params: SamplingParams,
) -> None:
    """The read-eval loop. Ctrl-C, wherever it lands, gives a fresh prompt; Ctrl-D and
    /exit leave."""
    while True:
        try:
            if not _one_round(session, conversation, context, console, params):
                return
        except KeyboardInterrupt:
            sys.stdout.write("\n")


def _one_round(
    session: Session,
    conversation: Conversation,
    context: Context,
    console: Console,
    params: SamplingParams,
) -> bool:
    """Read one line and act on it; False means leave."""
    from milai.cli.render import banner

    try:
        text = input(f"[{session.level}] > ").strip()
    except EOFError:
        sys.stdout.write("\n")
        return False
    if not text:
        return True
    if text.startswith("/"):
        return not _command(text, session, conversation, context, console)
    before = session.level
    try:
        result = session.turn(text, params, _write)
    except Blocked as blocked:
        say(f"milai: blocked: {blocked.message}")
        return True
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        say("milai: reply stopped")
        return True
    except (UsageError, ModelError) as error:
        # This turn failed; the session can go on. Vault and audit failures end it.
        say(f"milai: error: {error.message}")
        return True
    finally:
        conversation.level = session.level
    conversation.add_turn(text, result.text, result.level)
    sys.stdout.write("\n")
    if session.level != before:
        console.print(banner(session.pipeline.policy.banner(session.level)))
    return True


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _command(
    text: str, session: Session, conversation: Conversation, context: Context, console: Console
) -> bool:
    """Handle a slash command; True means leave."""
    command = text.split()[0].lower()
    if command in ("/exit", "/quit"):
        return True
    if command == "/help":
        console.print(HELP)
    elif command == "/level":
        console.print(f"conversation level {session.level}, clearance {session.clearance}")
    elif command == "/clear":
        session.clear()
        console.print("conversation cleared (its level stays)")
    elif command == "/save":
        conversation.save(context.vault.records)
        console.print(f"saved as {conversation.id}")
    else:
        console.print(f"unknown command {command}; /help lists them")
    return False
