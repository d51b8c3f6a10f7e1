"""Red team round 10's held-out families (issue 9): markings as the values of typesetting,
diagram and configuration languages (``_dsl``) and of a mail subject's protective marking
tag. A LaTeX table's cell or a command's argument, a Typst content block, an attribute of
an element closed on its line, a PlantUML or Mermaid keyword line, note, message or node
label, a string bound in Lisp or Tcl, a Markdown image's title, a configuration entry's
text, ``[SEC=…]``. Each generator runs over every banner marking of every shipped policy
(the fast line: a sample, tests/scale.py), read whole and streamed in pieces; the everyday
forms of the same syntax stay UNCLASSIFIED.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample


def _latex_cell(text: str, rng: random.Random) -> str:
    cell = rng.choice(["{}", "\\textbf{{{}}}", "{}", "\\textsc{{{}}}"]).format(text)
    row = rng.choice(
        [
            "Plan & {} \\\\",
            "{} & Copy 3 \\\\",
            "Annex B & 12 March & {} \\\\ \\hline",
            "  Plan  &  {}  \\\\",
        ]
    ).format(cell)
    return "\\begin{tabular}{ll}\n\\hline\n" + row + "\n\\end{tabular}\n"


def _latex_macro(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            "\\multicolumn{{2}}{{c}}{{{}}} \\\\",
            "\\date{{March 2026 -- {}}}",
            "\\date{{12 mars 2026 --- {}}}",
            "\\title{{Lagebericht \\\\ {}}}",
            "\\subtitle{{{}}}",
            "\\author{{Anna Berg \\and {}}}",
            "\\cfoot{{Seite \\thepage{{}} \\quad {}}}",
            "\\rhead[{}]{{Annex B}}",
            "\\marginpar{{{}}}",
        ]
    )
    return form.format(text) + "\n" + rng.choice(BODY) + "\n"


def _typst(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            "#set page(header: [{}])",
            "#set page(footer: align(center)[{}])",
            '#set page(header: [*{}*], numbering: "1")',
            "#text(fill: red)[{}]",
            "#align(center)[{}]",
            "#let banner = [{}]",
        ]
    )
    return form.format(text) + "\n" + rng.choice(BODY) + "\n"


def _attribute(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            '<div data-banner="{}"></div>',
            '<meta name="classification" content="{}">',
            '<meta content="{}" name="classification" />',
            '<x-banner banner="{}"/>',
            '<Banner text="{}" />',
            "<span data-classification='{}'></span>",
            '<section class="doc" data-marking="{}"></section>',
        ]
    )
    return form.format(text) + "\n<p>" + rng.choice(BODY) + "</p>\n"


def _diagram(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            "@startuml\nheader {}\nAlice -> Bob: convoy\n@enduml",
            "@startuml\ncenter header {}\nAlice -> Bob: convoy\n@enduml",
            "@startuml\nfooter {}\nA -> B\n@enduml",
            "@startuml\ntitle {}\nA -> B\n@enduml",
            "@startuml\ncaption {}\nA -> B\n@enduml",
            "graph TD\n    A[{}] --> B",
            "flowchart LR\n  start --> plan[{}]",
            'graph TD\n    A["{}"] --> B(Convoy)',
            "graph TD\n    A({}) --> B",
            "sequenceDiagram\n    Note over A,B: {}\n    A->>B: go",
            "sequenceDiagram\n    Note right of A: {}",
            "sequenceDiagram\n    A->>B: {}",
            "gantt\n    title {}\n    dateFormat YYYY-MM-DD",
            'pie title {}\n    "Convoys" : 3',
            "gantt\n    section {}\n    Convoy :a1, 2026-03-12, 3d",
            'digraph G {{\n  label="{}";\n  a -> b;\n}}',
        ]
    )
    return form.format(text) + "\n"


def _binding(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            '(setq banner "{}")',
            '(def banner "{}")',
            '(defvar *banner* "{}")',
            '(define banner "{}")',
            '(let ((banner "{}")) (message banner))',
            '(message "{}")',
            'set banner "{}"',
            "set banner {{{}}}",
            '![b](b.png "{}")',
            "[Annex B](annex-b.pdf '{}')",
            "[Unit]\nDescription={} export",
            "[Desktop Entry]\nName[fr]={}",
            "Comment={} archive",
        ]
    )
    return form.format(text) + "\n" + rng.choice(BODY) + "\n"


def _sec_tag(text: str, rng: random.Random) -> str:
    value = text.replace(" ", "-") if rng.random() < 0.3 else text
    form = rng.choice(
        [
            "Subject: Convoy plan [SEC={}]",
            "Subject: Convoy plan [SEC={}, DLM=Sensitive]",
            "Subject: [SEC={}] Lagebericht",
            "Subject: RE: budget [DLM=Sensitive, SEC={}]",
        ]
    )
    return form.format(value) + "\n\n" + rng.choice(BODY) + "\n"


GENERATORS: dict[str, Callable[[str, random.Random], str]] = {
    "latex-cell": _latex_cell,
    "latex-macro": _latex_macro,
    "typst": _typst,
    "attribute": _attribute,
    "diagram": _diagram,
    "binding": _binding,
    "sec-tag": _sec_tag,
}


def _banner_targets() -> list[Target]:
    return [
        target
        for target in targets()
        if not target.portion and any(ch.isalpha() for ch in target.text)
    ]


def _scheme(target: Target) -> list[str]:
    return [target.scheme]


def _at_least(policy: Policy, level: str, want: str) -> bool:
    scale = list(policy.spec.scale)
    return scale.index(level) >= scale.index(want)


@pytest.mark.parametrize("family", sorted(GENERATORS))
def test_every_marking_reads_through_the_family(family: str) -> None:
    """Every banner marking of every shipped policy, through the family, reads at its level
    or higher, whole and in random pieces. Every banner in CI (tests/scale.py); the fast
    line 16, a banner of each scheme of each policy among them."""
    missed = []
    chosen = sample(_banner_targets(), 16, seed=f"round10-markup:{family}", cover=_scheme)
    for target in chosen:
        rng = random.Random(f"{family}:{target.id}")
        text = GENERATORS[family](target.text, rng)
        policy = shipped_policy(target.policy)
        level = check_text(policy, text).level
        if not _at_least(policy, level, target.level):
            missed.append((target.id, text, level))
            continue
        if rng.random() < 0.3:
            _assert_stream_properties(policy, text, pieces(text, rng), exactly=True)
    assert not missed, missed


@pytest.mark.parametrize(
    "text",
    [
        # LaTeX tables and commands around everyday words
        "\\begin{tabular}{ll}\nSecret & Santa \\\\\nTop & secret recipes \\\\\n\\end{tabular}\n",
        "Name & Anna Berg \\\\ \\hline\n",
        "\\multicolumn{2}{c}{Geheime Zutaten}\n",
        "\\date{March 2026 -- draft}\n",
        "\\title{The Secret Garden}\n",
        "\\title{Le jardin secret -- roman}\n",
        "\\author{Anna Berg \\and Jan de Vries}\n",
        "\\section{Vertrouwelijke gegevens}\n",
        "\\chapter{D'Geheimnis vum Bësch}\n",
        "Tom & Jerry are back, the secret is out\n",
        "R&D budget: the secret sauce\n",
        # Typst
        "#set page(header: [Secret Santa 2025])\n",
        "#text(fill: red)[Geheimrezept]\n",
        "#align(center)[The Secret Garden]\n",
        '#set page(numbering: "1")\n',
        # diagrams
        "@startuml\ntitle Secret Santa draw\nAlice -> Bob: gift\n@enduml\n",
        "@startuml\nheader Page 1\nfooter Confidential-ish draft, ask Anna\n@enduml\n",
        "graph TD\n    A[Secret recipe] --> B[Oven]\n",
        "graph TD\n    A[Start] --> B{Is it secret?}\n",
        "flowchart LR\n  geheim[Geheimrezept] --> oven\n",
        "sequenceDiagram\n    Note over A,B: the secret handshake\n    A->>B: hello\n",
        "gantt\n    title Vertrouwelijk project\n    section Fase 1\n",
        "gantt\n    title Projet secret de la mairie\n",
        'digraph G {\n  label="Secret garden";\n}\n',
        "The title of the book is The Secret Garden.\n",
        "Section 3 covers the secret ballot.\n",
        "x = a[i] -- the secret index\n",
        # bindings
        '(setq banner "Welcome to the secret garden")\n',
        '(def greeting "Moien, d\'Geheimnis")\n',
        '(message "Secret saved to ~/notes")\n',
        '(let ((titel "Geheime Zutaten")) (insert titel))\n',
        'pie title Geheime Zutaten\n    "Mehl" : 3\n',
        'set banner "Geheime Zutaten"\n',
        "set banner {Vertrouwelijk}\n",
        '![Secret garden](garden.png "The Secret Garden")\n',
        "[Unit]\nDescription=Secret Service daemon\n",
        "[Desktop Entry]\nName[de]=Geheimnisse\nComment=Secret notes app\n",
        "Description=Top secret recipes, the family archive\n",
        # mail subject tags in everyday use
        "Subject: Lunch [SEC=OFFICIAL]\n",
        "Subject: Budget [SEC=OFFICIAL:Sensitive, DLM=For-Official-Use-Only]\n",
        "Subject: Party [SEC=UNCLASSIFIED]\n",
        "time [sec=5]\n",
        "Subject: Secret Santa [SEC=Secret]\n",
        # a field's title, code that indexes or comments
        "Title: SECRET SANTA\n",
        "if a[SECRET] == 1 -- check\n",
        "x = arr[i] --> y\n",
    ],
)
def test_round10_everyday_markup_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Plan & NATO SECRET \\\\\n", "SECRET"),
        ("\\multicolumn{2}{c}{NATO SECRET}\n", "SECRET"),
        ("\\date{March 2026 -- NATO SECRET}\n", "SECRET"),
        ("#set page(header: [NATO SECRET])\n", "SECRET"),
        ('<div data-banner="NATO SECRET"></div>\n', "SECRET"),
        ("@startuml\nheader NATO SECRET\nA -> B\n@enduml\n", "SECRET"),
        ("graph TD\nA[NATO SECRET] --> B\n", "SECRET"),
        ("sequenceDiagram\nNote over A,B: NATO SECRET\n", "SECRET"),
        ("gantt\ntitle NATO SECRET\n", "SECRET"),
        ('(setq banner "NATO SECRET")\n', "SECRET"),
        ('set banner "NATO SECRET"\n', "SECRET"),
        ('![b](b.png "NATO SECRET")\n', "SECRET"),
        ("[Unit]\nDescription=NATO SECRET export\n", "SECRET"),
        ("Subject: Convoy plan [SEC=SECRET]\n", "SECRET"),
        ("Subject: Convoy plan [SEC=TOP-SECRET]\n", "TOP SECRET"),
        ("Subject: Convoy plan [SEC=CONFIDENTIAL, DLM=Sensitive]\n", "CONFIDENTIAL"),
    ],
)
def test_round10_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level
