"""``milai chat``: an interactive, gated conversation for analysts.

Every turn goes through the same pipeline as ``run``. The prompt line shows the session's
high-water level; conversations are saved encrypted in the vault, never in a plaintext file
(readline keeps line history in memory only).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from milai.cli import _options as opts
from milai.cli._app import Terminated, app, open_context, say, state
from milai.cli.run import report_memory_lock, stdin_is_a_terminal, system_text
from milai.engine import SamplingParams
from milai.errors import Blocked, ModelError, UsageError
from milai.settings import Sampling, resolve_clearance

if TYPE_CHECKING:
    from rich.console import Console

    from milai.context import Context
    from milai.history import Conversation
    from milai.pipeline import Session


HELP = """/help   this help
/level  the conversation's level and your clearance
/clear  forget the conversation so far (its level stays)
/save   save the conversation in the vault now (it is also saved on exit)
/exit   leave (Ctrl-D works too; Ctrl-C stops a reply)
\"\"\"     at the start of a line: a multi-line turn, up to a line ending with \"\"\"
        (a paste into the terminal arrives as one turn too)"""

FENCE = '"""'


@app.command()
def chat(
    model: opts.Model = None,
    clearance: opts.Clearance = None,
    system: opts.SystemText = None,
    system_file: opts.SystemFile = None,
    max_tokens: opts.MaxTokensPerReply = 512,
    temperature: opts.Temperature = None,
    seed: opts.Seed = None,
    top_p: opts.TopP = None,
    top_k: opts.TopK = None,
    repeat_penalty: opts.RepeatPenalty = None,
    chat_format: opts.ChatFormat = None,
    context_tokens: opts.ContextTokens = None,
    threads: opts.Threads = None,
) -> None:
    """Talk with a model, every turn gated by the policy."""
    from milai.cli.render import banner
    from milai.cli.render import stdout as console
    from milai.history import Conversation

    flags = opts.generation_flags(
        max_tokens,
        seed,
        Sampling(temperature, top_p, top_k, repeat_penalty, context_tokens, threads),
        chat_format,
    )
    if str(system_file) == "-" and not stdin_is_a_terminal():
        raise UsageError(
            "stdin cannot carry both the system text (--system-file -) and the conversation",
            hint="give the system text in a file",
        )
    system_prompt = system_text(system, system_file)
    _line_editing()
    context = open_context()
    generation = flags.settle(context.settings)
    params = generation.params
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    name = context.model_name(model)
    pipeline = context.pipeline(policy)
    session = pipeline.session(
        name,
        clearance=level,
        load_options=generation.load,
        command="chat",
        system=system_prompt,
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


def _line_editing() -> None:
    """Line editing and arrow-key history (in memory only); a paste arrives whole, newlines
    and all, as one turn (bracketed paste)."""
    import readline

    readline.parse_and_bind("set enable-bracketed-paste on")


@contextmanager
def signals_reach_the_prompt(every: float = 0.25) -> Iterator[None]:
    """Act on a signal that arrives while readline waits for a key.

    readline acts on a signal only when it interrupts its wait (``select``): one that lands
    after the prompt is printed and before the wait starts (where a busy machine preempts the
    process, woken readers first) is noted and never acted on, and SIGTERM would not end the
    chat. A timer interrupts the wait every ``every`` seconds, so a noted signal is acted on
    within that time; a line being typed is kept.
    """
    previous = signal.signal(signal.SIGALRM, _wake)
    signal.setitimer(signal.ITIMER_REAL, every, every)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _wake(signum: int, frame: object) -> None:
    """SIGALRM's handler: nothing; being called is the point (see above)."""


def read_turn(read_line: Callable[[str], str], prompt: str) -> str:
    """One turn's text: a line (a bracketed paste is one line to ``input``, newlines and
    all), or every line between a line that starts with \"\"\" and one that ends with it.

    Raises ``EOFError`` at the end of input before anything was read; an unclosed block
    ends at the end of input and is taken whole.
    """
    first = read_line(prompt)
    if not first.lstrip().startswith(FENCE):
        return first
    lines = [first.lstrip()[len(FENCE) :]]
    if lines[0].rstrip().endswith(FENCE):
        return lines[0].rstrip()[: -len(FENCE)]
    while True:
        try:
            line = read_line("... ")
        except EOFError:
            break
        if line.rstrip().endswith(FENCE):
            lines.append(line.rstrip()[: -len(FENCE)])
            break
        lines.append(line)
    return "\n".join(lines).strip("\n")


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
        except Terminated:
            raise
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
        with signals_reach_the_prompt():
            text = read_turn(input, f"[{session.level}] > ").strip()
    except EOFError:
        sys.stdout.write("\n")
        return False
    if not text:
        return True
    if text.startswith("/"):
        return not _command(text, session, conversation, context, console)
    before = session.level
    loaded = session.engine_loaded
    try:
        result = session.turn(text, params, _write)
    except Blocked as blocked:
        say(f"milai: blocked: {blocked.message}")
        return True
    except Terminated:
        raise
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
    if state.verbose and not loaded:
        report_memory_lock(session.spec.load_options)
    if result.finish_reason == "length":
        say(f"milai: reply stopped at --max-tokens {params.max_tokens}")
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
