"""Red team round 9's strings that code builds (issue 9): join and format calls whose
pieces are all string literals (spreadsheets' ``CONCATENATE``/``TEXTJOIN``, PHP's
``implode``, Java's ``String.join``, Rust's ``format!``, C's ``snprintf``, Python's
``.format`` and ``%``), statements that output a string literal whatever their command
(``alert("…")``, ``std::cout << "…"``, ``main = putStrLn "…"``), interpolations of
literals (`` `NATO ${"SEC"}RET` ``, Ruby's ``#{…}``, Swift's ``\\(…)``, f-strings) and
whitespace escapes inside a literal (``"NATO\\tSECRET"``).

Each family is generated over every marking of every shipped policy (CI; the fast line a
sample holding each scheme: tests/scale.py), cut at seeded random places; everyday code of
the same shapes stays UNCLASSIFIED.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import check_text
from milai.policy._built import built_strings
from tests.policy.adversarial import pieces
from tests.policy.families import Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample, scaled

SEED = 9


def _cut(text: str, rng: random.Random, most: int = 3) -> list[str]:
    """``text`` cut in two to ``most`` pieces, each cut inside a word where one can be."""
    inside = [i for i in range(1, len(text)) if text[i - 1] != " " and text[i] != " "]
    places = inside or list(range(1, len(text)))
    count = min(rng.randint(2, most), len(places) + 1)
    cuts = sorted(rng.sample(places, count - 1))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _quoted(piece: str, quote: str = '"') -> str:
    return quote + piece + quote


def _joins(text: str, rng: random.Random) -> list[str]:
    """The join and format calls of family 1, each built from literals cut inside words."""
    pieces = _cut(text, rng)
    dq = [_quoted(p) for p in pieces]
    n = len(pieces)
    return [
        f"=CONCATENATE({';'.join(dq)})",
        f"=CONCATENATE({', '.join(dq)})",
        f"=CONCAT({';'.join(dq)})",
        f'=TEXTJOIN("";TRUE;{";".join(dq)})',
        f'=TEXTJOIN("",FALSE,{",".join(dq)})',
        f"={'&'.join(dq)}",
        f'$banner = implode("", [{", ".join(dq)}]);',
        f'$banner = implode("", array({", ".join(dq)}));',
        f'String banner = String.join("", {", ".join(dq)});',
        f'var banner = string.Join("", new[] {{ {", ".join(dq)} }});',
        f'banner := strings.Join([]string{{{", ".join(dq)}}}, "")',
        f'let banner = format!("{"{}" * n}", {", ".join(dq)});',
        f'snprintf(buf, sizeof buf, "{"%s" * n}", {", ".join(dq)});',
        f'sprintf(buf, "{"%s" * n}\\n", {", ".join(dq)});',
        f'banner = "{"{}" * n}".format({", ".join(dq)})',
        f'banner = "{"%s" * n}" % ({", ".join(dq)})',
        f'var banner = string.Format("{"".join(f"{{{i}}}" for i in range(n))}", {", ".join(dq)});',
        f'banner := fmt.Sprintf("{"%s" * n}", {", ".join(dq)})',
        'banner = f"' + "".join("{'" + p + "'}" for p in pieces) + '"',
        f'String banner = String.format("{"%s" * n}", {", ".join(dq)});',
        f"std::cout << {' << '.join(dq)} << std::endl;",
        "=CONCATENATE(\n" + ";\n".join(f"  {p}" for p in dq) + ")",
        'String banner = String.join("",\n' + ",\n".join(f"    {p}" for p in dq) + ");",
        f'let banner = format!(\n    "{"{}" * n}",\n' + "".join(f"    {p},\n" for p in dq) + ");",
    ]


def _outputs(text: str, rng: random.Random) -> list[str]:
    """Statements that output the marking as a string literal (family 2)."""
    del rng
    return [
        f'std::cout << "{text}" << std::endl;',
        f"writeln('{text}');",
        f'print_endline "{text}"',
        f'NSLog(@"{text}");',
        f"disp('{text}')",
        f'alert("{text}");',
        f'throw new Error("{text}");',
        f'main = putStrLn "{text}"',
        f'  raise RuntimeError("{text}")',
        f'Console.WriteLine("{text}");',
        f'fmt.Println("{text}")',
        f'System.out.println("{text}");',
        f'console.log("{text}");',
        f'logger.info("{text}")',
        f'MsgBox("{text}")',
        f'  panic!("{text}");',
        f'say "{text}";',
        # after a binding (red team 9: OCaml, F#)
        f'let () = print_endline "{text}"',
        f'  do printfn "{text}"',
    ]


def _interpolations(text: str, rng: random.Random) -> list[str]:
    """Interpolations of literals, and a template literal as a value (family 3)."""
    head, middle, tail = (*_cut(text, rng, 3), "", "")[:3]
    return [
        f"const banner = `{text}`;",
        f'const banner = `{head}${{"{middle}"}}{tail}`;',
        f"const banner = `{head}${{'{middle}'}}{tail}`;",
        f'banner = "{head}#{{"{middle}"}}{tail}"',
        f'val banner = "{head}${{"{middle}"}}{tail}"',
        f'let banner = "{head}\\("{middle}"){tail}"',
        f"banner = f\"{head}{{'{middle}'}}{tail}\"",
        f'var banner = $"{head}{{"{middle}"}}{tail}";',
    ]


_BLANK_ESCAPES = ("\\t", "\\n", "\\r", "\\f", "\\v")


def _escaped_blanks(text: str, rng: random.Random) -> list[str]:
    """The marking's blanks written as whitespace escapes inside a literal (family 4)."""
    escaped = "".join(rng.choice(_BLANK_ESCAPES) if ch == " " else ch for ch in text)
    return [
        f'{{"banner": "{escaped}"}}',
        f'const char *banner = "{escaped}";',
        f"banner: '{escaped}'",
        f'  banner = @"{escaped}";',
    ]


def _multi_letter(target: Target) -> bool:
    return not target.portion and any(len(word) > 1 for word in target.text.split())


def _spaced(target: Target) -> bool:
    return not target.portion and " " in target.text


Generator = Callable[[str, random.Random], list[str]]
FAMILIES: dict[str, tuple[Generator, Callable[[Target], bool]]] = {
    "built-joins": (_joins, _multi_letter),
    "output-statements": (_outputs, _multi_letter),
    "literal-interpolations": (_interpolations, _multi_letter),
    "escaped-blanks": (_escaped_blanks, _spaced),
}


def _cases(family: str) -> list[tuple[Target, str]]:
    generate, applies = FAMILIES[family]
    cases = []
    for target in targets():
        if not applies(target):
            continue
        rng = random.Random(f"{SEED}:{family}:{target.id}")
        cases += [(target, text + "\n") for text in generate(target.text, rng)]
    return cases


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_marking_through_the_family_is_read(family: str) -> None:
    cases = _cases(family)
    assert cases
    misses = []
    # every case in CI (tests/scale.py); the fast line's sample holds each scheme
    for target, text in sample(cases, 16, seed=f"built:{family}", cover=lambda c: [c[0].scheme]):
        policy = shipped_policy(target.policy)
        got = check_text(policy, text).level
        if policy.level_index(got) < policy.level_index(target.level):
            misses.append(f"{target.id}: {text!r} read {got}")
    assert not misses, "\n".join(misses[:40])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    """A seeded sample of the family's cases, cut in random pieces: streamed, each decides
    as the whole text does."""
    cases = _cases(family)
    # 12 in CI, 4 in the fast line (tests/scale.py)
    for target, text in random.Random(f"stream:{family}").sample(cases, scaled(12, 4)):
        chunks = pieces(text, random.Random(text))
        _assert_stream_properties(shipped_policy(target.policy), text, chunks, exactly=True)


@pytest.mark.parametrize(
    "text",
    [
        # joins and formats of everyday text, or with a variable among the pieces
        '=CONCATENATE("Geheim";"tipp")',
        '=CONCATENATE("Top ";"secret";" recipe")',
        '=TEXTJOIN(", ";TRUE;A1:A9)',
        '=CONCATENATE(A1;"CRET")',
        'String s = String.join(", ", names);',
        'String s = String.join(" ", "top", "secret");',
        '$s = implode(", ", $secrets);',
        'let s = format!("{}{}", prefix, "CRET");',
        'snprintf(buf, n, "%s%s", user, "CRET");',
        'msg = "{} is {}".format("the password", "secret")',
        'msg = "%s: %s" % ("Geheimnis", "verraten")',
        'label = f"{name} ({level})"',
        "s = f\"{'Le'} {'secret'} {'de'} {'famille'}\"",
        # output statements of prose, or of a marking's word in prose case
        'print("the secret is salt")',
        'alert("Het geheim van de smid");',
        'std::cout << "Le secret est dans la sauce" << std::endl;',
        'main = putStrLn "Hallo Welt"',
        'let () = print_endline "Le secret est dans la sauce"',
        'throw new Error("Secret not found: " + name);',
        "disp('Streng geheimes Rezept')",
        'NSLog(@"Vertraulich: %@", note);',
        "writeln('Top secret santa list');",
        # interpolations of everyday text and variables
        "const msg = `Hello ${name}, your secret is safe`;",
        'const msg = `Le ${"secret"} du chef`;',
        'puts "Geheim: #{code}"',
        'let s = "Secret \\(name)"',
        # whitespace escapes in everyday strings
        'const s = "Top\\tsecret\\trecipe";',
        'printf("Name:\\t%s\\nVertraulich\\tnein\\n", name);',
        '{"path": "C:\\\\temp\\\\new"}',
        'const s = "Diffusion\\tlibre";',
        '"Zeer\\tgeheim\\trecept"',
        # prose and code in five languages with quotes, brackets and escapes
        'Sie sagte: "Das ist GEHEIM" und ging.',
        'Le dossier (voir "annexe B") est prêt.',
        'Stempel "Vertraulich"',
        'echo "Moien, wéi geet et?"',
        'Mir hunn "CONFIDENTIEL" op d\'Dokument geschriwwen.',
        'alert("Vertrouwelijk bericht ontvangen");',
        'const tpl = `Hallo ${"Welt"}!`;',
        '=TEXTJOIN(" ";TRUE;"Top";"Secret";"Santa")',
        'de = String.format("%s %s", "Zeer", "geheim recept");',
        's = "NATO\\tsummit"',
    ],
)
def test_everyday_code_stays_unclassified(text: str) -> None:
    policy = shipped_policy("default.yaml")
    assert check_text(policy, text + "\n").level == "UNCLASSIFIED"


def test_only_literal_pieces_are_evaluated() -> None:
    assert [b.text for b in built_strings('=CONCATENATE("NATO ";"SEC";"RET")')] == ["NATO SECRET"]
    assert [b.text for b in built_strings('x = String.join("", a, "RET")')] == []
    assert [b.text for b in built_strings('"%s%s" % ("A", b)')] == []
    assert [b.text for b in built_strings('format!("{1}{0}", "RET", "SEC")')] == ["SECRET"]
    assert [b.text for b in built_strings("`NATO ${'SEC'}RET ${name}`")] == ["NATO SECRET ${name}"]
    assert [b.text for b in built_strings('"NATO\\tSECRET"')] == ["NATO SECRET"]
    assert [b.text for b in built_strings('"NATO\\\\tSECRET"')] == []
