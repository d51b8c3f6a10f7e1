"""A marking written in small letters (or with a filler letter) and put through a
string-transforming call, read as the program evaluates it (``_calls``).

A red team wrote ``banner = "nato secret".upper()``, ``=UPPER("cosmic top secret")``,
``echo "${b^^}"`` after ``b="nato secret"``, and ``"NxAxTxO".replace("x", "")``: each read
UNCLASSIFIED. An earlier answer read the literal upper-cased as a text of its own, and so
read code that upper-cases keys, SQL values and error messages as banners. Here the call's
line is read with the call replaced by the literal of its value, the rest as written: it
must read exactly what the line with that literal written there reads (the differential
test below), and every banner of both shipped policies reads at its level in a banner's
context, whole and streamed. The calls are written out here, not taken from the code's
patterns."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from milai.policy.detect import DecodeUnit
from tests.policy.banner_families import assert_family_streams
from tests.policy.families import Target, banner_sample, shipped_policy
from tests.policy.test_policy_stream_properties import assert_cuts_stream


def _filler(text: str) -> str:
    """A letter the marking does not hold, in its case."""
    letter = next(letter for letter in "xqzj" if letter not in text.lower())
    return letter.upper() if text.isupper() else letter


def _filled(text: str) -> str:
    """``NxAxTxO xSxExCxRxExTx``: the filler after each letter."""
    filler = _filler(text)
    return "".join(char + filler if not char.isspace() else char for char in text)


# A banner's context, the marking put through a call: (form name, writer of the text).
_BANNER_FORMS: dict[str, Callable[[str], str]] = {
    "python": lambda m: f'banner = "{m.lower()}".upper()\n',
    "javascript": lambda m: f'const banner = "{m.lower()}".toUpperCase();\n',
    "csharp": lambda m: f'var banner = "{m.lower()}".ToUpperInvariant();\n',
    "ruby": lambda m: f"banner = '{m.lower()}'.upcase\n",
    "rust": lambda m: f'let banner = "{m.lower()}".to_uppercase();\n',
    "go": lambda m: f'banner := strings.ToUpper("{m.lower()}")\n',
    "php": lambda m: f"$banner = strtoupper('{m.lower()}');\n",
    "spreadsheet": lambda m: f'=UPPER("{m.lower()}")\n',
    "jinja": lambda m: f'<header>{{{{ "{m.lower()}" | upper }}}}</header>\n',
    "perl": lambda m: f'my $banner = uc("{m.lower()}");\n',
    "tr": lambda m: f"echo '{m.lower()}' | tr a-z A-Z\n",
    "tr-classes": lambda m: f"echo \"{m.lower()}\" | tr '[:lower:]' '[:upper:]'\n",
    "tr-brackets": lambda m: f"echo {m.lower()} | tr '[a-z]' '[A-Z]'\n",  # System V's sets
    "awk": lambda m: f"echo \"{m.lower()}\" | awk '{{print toupper($0)}}'\n",
    "shell-variable": lambda m: f'b="{m.lower()}"\necho "${{b^^}}"\n',
    "declare-upper": lambda m: f'declare -u banner="{m.lower()}"\necho "$banner"\n',
    "here-string": lambda m: f"tr '[:lower:]' '[:upper:]' <<< \"{m.lower()}\"\n",
    "printf": lambda m: f"printf '%s\\n' \"{m.lower()}\" | tr a-z A-Z\n",
    "replace": lambda m: f'banner = "{_filled(m)}".replace("{_filler(m)}", "")\n',
    "replace-all": lambda m: f'const banner = "{_filled(m)}".replaceAll("{_filler(m)}", "");\n',
    "replace-regex": lambda m: f'const banner = "{_filled(m)}".replace(/{_filler(m)}/g, "");\n',
    "str-replace": lambda m: f"$banner = str_replace('{_filler(m)}', '', '{_filled(m)}');\n",
    "sed": lambda m: f"echo '{_filled(m)}' | sed 's/{_filler(m)}//g'\n",
    "tr-delete": lambda m: f"echo '{_filled(m)}' | tr -d {_filler(m)}\n",
    # markup that shows small letters in capitals (read before, by ``_rendered``)
    "latex": lambda m: f"\\MakeUppercase{{{m.lower()}}}\n",
    "typst": lambda m: f"#upper[{m.lower()}]\n",
    "tailwind": lambda m: f'<span class="text-xs uppercase">{m.lower()}</span>\n',
    "word": lambda m: f"<w:r><w:rPr><w:caps/></w:rPr><w:t>{m.lower()}</w:t></w:r>\n",
    # and a text attribute's value shown in capitals on its element
    "xaml": lambda m: f'<TextBlock Typography.Capitals="AllSmallCaps" Text="{m.lower()}"/>\n',
    "xaml-casing": lambda m: f'<TextBox CharacterCasing="Upper" Text="{m.lower()}"/>\n',
    "maui": lambda m: f'<Label Text="{m.lower()}" TextTransform="Uppercase" />\n',
    "android": lambda m: f'<TextView android:textAllCaps="true" android:text="{m.lower()}"/>\n',
    "css-content": lambda m: (
        f'.banner::before {{ content: "{m.lower()}"; text-transform: uppercase; }}\n'
    ),
    "swiftui": lambda m: f'Text("{m.lower()}").textCase(.uppercase)\n',
    "spaced-letters": lambda m: f'banner = "{" ".join(m.lower())}".upper()\n',
    "slice-every-second": lambda m: (
        'banner = "' + "".join(char + _filler(m) for char in m) + '"[::2]\n'
    ),
    "slice-backwards": lambda m: f'banner = "{m[::-1]}"[::-1]\n',
    "replace-upper": lambda m: (
        f'banner = "{_filled(m.lower())}".replace("{_filler(m.lower())}", "").upper()\n'
    ),
}


def _reads_its_level(targets: list[Target], forms: dict[str, Callable[[str], str]]) -> None:
    """Each form of each target reads its level; higher only where the form's value, so
    written, reads higher too (its letters spaced out over three words read as markings of
    their own: ``N A T O   S E C R E T   A T O M A L``; a literal written backwards is read
    backwards as it stands, ``"KJILEWUORTREV .peD"``): the differential test below holds
    the calls to their values exactly."""
    misses = []
    for target in targets:
        policy = shipped_policy(target.policy)
        for name, make in forms.items():
            text = make(target.text)
            got = check_text(policy, text).level
            if policy.above(target.level, got):
                misses.append(f"{name}: {text!r} read {got}, not {target.level}")
            elif got != target.level and name not in _MAY_READ_HIGHER:
                misses.append(f"{name}: {text!r} read {got}, above {target.level}")
    assert not misses, f"{len(misses)} misread:\n" + "\n".join(misses[:12])


_MAY_READ_HIGHER = frozenset({"spaced-letters", "slice-backwards"})


def test_every_banner_put_through_a_call_reads_its_level() -> None:
    _reads_its_level(banner_sample("transforming-calls", 16), _BANNER_FORMS)


_STREAMED = (
    "python",
    "shell-variable",
    "tr",
    "here-string",
    "replace",
    "spreadsheet",
    "xaml",
    "css-content",
    "slice-backwards",
)


def test_banners_put_through_a_call_stream_as_they_read_whole() -> None:
    """Four banners in CI (one in the fast line), each form cut in random pieces."""
    assert_family_streams(
        "transforming-calls",
        lambda target: [_BANNER_FORMS[form](target.text) for form in _STREAMED],
    )


@pytest.mark.parametrize("form", ["python", "shell-variable", "tr", "replace"])
def test_a_call_cut_anywhere_streams_as_it_reads_whole(default_policy: Policy, form: str) -> None:
    assert_cuts_stream(default_policy, _BANNER_FORMS[form]("NATO SECRET"))


# --- the differential test: the call reads what its value's literal written there reads ---

# Everyday code around a value: keys, environment names, SQL values, error messages, and a
# few banners' places; ``{}`` is where the value goes.
_CONTEXTS = (
    "os.environ.get({})",
    'value = os.getenv({}, "")',
    "SELECT * FROM users WHERE role = {};",
    'raise ValueError({} + " is not allowed")',
    "banner = {}",
    "key = {}",
    "if level == {}:",
    "print({})",
    'LEVELS = [{}, "PUBLIC"]',
    "headers[{}] = token",
    "label.setText({});",
    "const h = {};",
    "classification: {}",
    'logger.info("level=%s", {})',
    "return {}",
    "throw new Error({});",
    "assert role != {}",
    "config.get({}, default=None)",
    "UPDATE accounts SET tier = {} WHERE id = 7;",
    'x = {} if flag else "open"',
    "secrets = vault.read({})",
    "map.put({}, 1);",
    "self.mode = {}  # default",
    "<option value={}>",
    "console.log({});",
    "=IF(A1={},1,0)",
    "case {}: break;",
)
_WORDS = (
    "secret",
    "restricted",
    "geheim",
    "confidential",
    "top secret",
    "nato secret",
    "hello world",
    "s/mime",
    "cts/rts",
    "diffusion restreinte",
    "vertraulich",
    "api key",
    "secret_key",
)


def _fill(word: str) -> tuple[str, str]:
    capitals = word.upper()
    return _filled(capitals), _filler(capitals)


# A call on a word, and the literal of its value: (the call, the literal).
_CALLS: dict[str, Callable[[str], tuple[str, str]]] = {
    "python": lambda w: (f'"{w}".upper()', f'"{w.upper()}"'),
    "javascript": lambda w: (f'"{w}".toUpperCase()', f'"{w.upper()}"'),
    "sql": lambda w: (f"UPPER('{w}')", f"'{w.upper()}'"),
    "php": lambda w: (f"strtoupper('{w}')", f"'{w.upper()}'"),
    "go": lambda w: (f'strings.ToUpper("{w}")', f'"{w.upper()}"'),
    "ruby": lambda w: (f"'{w}'.upcase", f"'{w.upper()}'"),
    "replace": lambda w: (
        f'"{_fill(w)[0]}".replace("{_fill(w)[1]}", "")',
        f'"{w.upper()}"',
    ),
    "sql-replace": lambda w: (
        f"REPLACE('{_fill(w)[0]}', '{_fill(w)[1]}', '')",
        f"'{w.upper()}'",
    ),
    # markup: the element as written, its text attribute in capitals
    "xaml": lambda w: (
        f'<TextBlock CharacterCasing="Upper" Text="{w}"/>',
        f'<TextBlock CharacterCasing="Upper" Text="{w.upper()}"/>',
    ),
}


def _unevaluated(policy: Policy, text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """What ``text`` reads with no call evaluated: what the gate's other readers find on
    the line as written (a filled word's own reading, ``_doubled``)."""
    with monkeypatch.context() as patch:
        patch.setattr(DecodeUnit, "_called_lines", lambda *args: None)
        return check_text(policy, text).level


@pytest.mark.parametrize("policy_name", ["default.yaml", "ministry-codewords.yaml"])
def test_a_call_reads_what_its_value_written_there_reads(
    policy_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly: the line reads what the value written there reads, or what it read
    before, as written (the evaluation adds what the value adds, nothing else)."""
    policy = shipped_policy(policy_name)
    differ = []
    for context in _CONTEXTS:
        for word in _WORDS:
            for name, call in _CALLS.items():
                called, written = call(word)
                as_called = check_text(policy, context.format(called)).level
                expected = check_text(policy, context.format(written)).level
                if as_called != expected:
                    before = _unevaluated(policy, context.format(called), monkeypatch)
                    if policy.above(before, expected):
                        expected = before
                if as_called != expected:
                    differ.append(
                        f"{name}: {context.format(called)!r} read {as_called}, "
                        f"{context.format(written)!r} {expected}"
                    )
    assert not differ, f"{len(differ)} differ:\n" + "\n".join(differ[:12])


@pytest.mark.parametrize(
    "text",
    [
        'os.environ.get("secret".upper())',
        "WHERE role = UPPER('restricted')",
        'raise ValueError("geheim".upper() + " is not allowed")',
        '"s/mime".upper()',
        '"cts/rts".upper()',
        "name = user.name.upper()",
        'greeting = "hello".upper()',
        "SELECT UPPER(last_name) FROM staff;",
        "tr a-z A-Z < notes.txt",
        'b="secret"\nexport "${b^^}_TOKEN"',
        'path = "/var/lib/secret".replace("/", "_")',
        'slug = "top-secret-recipes".replace("-", " ").title()',
        "echo secret | tr -d '\\n'",
        '"the secret ingredient".upper()',
        'KEY = "restricted_area".upper()',
        '<Label Text="the secret garden" TextTransform="Uppercase" />',
        '<span class="uppercase">the secret ingredient</span>',
        '<span class="not-uppercase">restricted</span>',
        '<input class="uppercase" name="secret" value="">',
        ".btn { content: 'secret'; }",
        'name = "olleh"[::-1]',
        "evens = values[::2]",
    ],
)
def test_everyday_calls_stay_unclassified(default_policy: Policy, text: str) -> None:
    decision = check_text(default_policy, text)
    assert decision.level == default_policy.lowest, (text, decision.findings)


@pytest.mark.parametrize(
    ("text", "level", "found"),
    [
        ('banner = "nato secret".upper()', "SECRET", "nato secret"),
        ('=UPPER("cosmic top secret")', "TOP SECRET", "cosmic top secret"),
        ('b="nato secret"\necho "${b^^}"', "SECRET", "${b^^}"),
        ('x = "NxAxTxOx xSxExCxRxExT".replace("x","")', "SECRET", "NxAxTxOx xSxExCxRxExT"),
        ('banner = "NxAxTxOx xSxExCxRxExTx"[::2]', "SECRET", "NxAxTxOx xSxExCxRxExT"),
        ("echo nato secret | tr a-z A-Z", "SECRET", "nato secret"),
        ("{{ 'top secret' | upper }}", "TOP SECRET", "top secret"),
    ],
)
def test_a_finding_lands_on_the_literal(
    default_policy: Policy, text: str, level: str, found: str
) -> None:
    decision = check_text(default_policy, text)
    assert decision.level == level
    assert any(text[f.start : f.end] == found for f in decision.findings), decision.findings


def test_a_shell_setting_far_above_its_use_streams_as_it_reads_whole(
    default_policy: Policy,
) -> None:
    """The setting 1.5 KiB above the use: a stream keeps it (``REACH``), and the finding
    lands on the use, so nothing above it is held."""
    filler = "".join(f"echo step {i} of the nightly job\n" for i in range(48))
    text = f'b="nato secret"\n{filler}echo "${{b^^}}"\nexit 0\n'
    assert check_text(default_policy, text).level == "SECRET"
    assert_cuts_stream(default_policy, text, one_character=False)


def test_a_shell_setting_past_the_reach_is_not_followed(default_policy: Policy) -> None:
    filler = "".join(f"echo step {i} of the nightly job and a few more words\n" for i in range(64))
    text = f'b="nato secret"\n{filler}echo "${{b^^}}"\n'
    assert check_text(default_policy, text).level == default_policy.lowest


def _upper_call(word: str) -> str:
    return f'"{word}".upper()'


def _upper_literal(word: str) -> str:
    return f'"{word.upper()}"'


# Code over several lines, ``{}`` where each value goes: the lines around decide too.
_BLOCKS = (
    ("LEVELS = [\n    {},\n    {},\n    {},\n]\n", ("secret", "restricted", "confidential")),
    (
        "class Level(Enum):\n    PUBLIC = {}\n    SECRET = {}\n    TOP_SECRET = {}\n",
        ("public", "secret", "top secret"),
    ),
    (
        "switch (level) {{\n  case {}: return 3;\n  case {}: return 1;\n}}\n",
        ("secret", "restricted"),
    ),
    ("mapping = {{\n    {}: 3,\n    {}: 1,\n}}\n", ("secret", "restricted")),
    (
        'parser.add_argument(\n    "--level",\n    choices=[{}, {}, {}],\n)\n',
        ("public", "restricted", "secret"),
    ),
    ('if level not in ({}, {}):\n    raise PermissionError("denied")\n', ("secret", "top secret")),
    ('def banner():\n    """Return the page banner."""\n    return {}\n', ("nato secret",)),
    ("SECRET = {}\nTOP_SECRET = {}\n", ("secret", "top secret")),
    ("# settings\nSECRET_KEY = {}\nDEBUG = False\n", ("secret",)),
)


@pytest.mark.parametrize(("template", "words"), _BLOCKS)
def test_calls_over_lines_read_what_their_values_written_there_read(
    default_policy: Policy, template: str, words: tuple[str, ...]
) -> None:
    called = template.format(*map(_upper_call, words))
    written = template.format(*map(_upper_literal, words))
    assert check_text(default_policy, called).level == check_text(default_policy, written).level
