"""Red team round 9's strings that code builds (issue 9): join and format calls whose
pieces are all string literals (spreadsheets' ``CONCATENATE``/``TEXTJOIN``, PHP's
``implode``, Java's ``String.join``, Rust's ``format!``, C's ``snprintf``, Python's
``.format`` and ``%``), statements that output a string literal whatever their command
(``alert("…")``, ``std::cout << "…"``, ``main = putStrLn "…"``), interpolations of
literals (`` `NATO ${"SEC"}RET` ``, Ruby's ``#{…}``, Swift's ``\\(…)``, f-strings) and
whitespace escapes inside a literal (``"NATO\\tSECRET"``).

Each family is generated over every marking of every shipped policy (CI; the fast line a
sample holding each scheme: tests/scale.py), in each of its forms, cut at seeded random places
(the generators are tests/policy/families.py's ``BUILT_FORMS``; as families there, one form
drawn a text, they take part in the pair runs); everyday code of the same shapes stays
UNCLASSIFIED.
"""

from __future__ import annotations

import random

import pytest

from milai.policy import check_text
from milai.policy._built import built_strings
from tests.policy.adversarial import pieces
from tests.policy.families import BUILT_FORMS, BY_NAME, Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample, scaled

SEED = 9


def _cases(family: str) -> list[tuple[Target, str]]:
    generate, applies = BUILT_FORMS[family], BY_NAME[family].applies
    cases = []
    for target in targets():
        if not applies(target):
            continue
        rng = random.Random(f"{SEED}:{family}:{target.id}")
        cases += [(target, text + "\n") for text in generate(target.text, rng)]
    return cases


@pytest.mark.parametrize("family", sorted(BUILT_FORMS))
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


@pytest.mark.parametrize("family", sorted(BUILT_FORMS))
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
