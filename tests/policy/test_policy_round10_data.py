"""Red team round 10's families (issue 9): markings inside data that a program prints. A
CSV row cut at its commas, a list's items (in an object, a YAML flow sequence, a tool
call's arguments, a document's lines as a list of strings), a literal's escaped line
breaks in single quotes, backquotes or Bash's ``$'…'``, a tool's prefix before a line
(grep, a COBOL listing, R's vector print), a chat template's turn, a marking split over
two server-sent events, and these inside JSON strings or base64. Each family is generated
for every banner marking of every shipped policy (the fast line: a sample, tests/scale.py),
read whole and streamed in pieces; the everyday forms of the same syntax (en/fr/de/lb/nl)
stay UNCLASSIFIED.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, Target, banner_sample, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import scaled

BANNERS = [target for target in targets() if not target.portion]


def _rng(target: Target, family: str) -> random.Random:
    return random.Random(f"{family}:{target.id}")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _csv_row(target: Target) -> list[str]:
    """A CSV row with the marking as a whole field, commas without blanks; no
    classification header (or a national one: ``VS-Grad``)."""
    rng = _rng(target, "csv")
    title = rng.choice(["Plan de relève", "Lagebericht Nord", "Convoy brief", "Verslag"])
    field = target.text if "," not in target.text else f'"{target.text}"'
    header = rng.choice(["VS-Grad", "Rubriceringsgraad", "Einstufung", "Degré de classification"])
    return [
        f"17,{title},{field},4\n",
        f"id,title,level,pages\n17,{title},{field},4\n18,Annex,{field},2\n",
        f'"17","{title}","{target.text}","4"\n',
        f"17;{title};{target.text};4\n",
        f"id,titre,{header},pages\n17,{title},{field},4\n",
        f",,{field},{title},,\n",
        f"17, {title}, {field}, 4\n",  # a record: its id first, short fields
    ]


def _data_list(target: Target) -> list[str]:
    """A short list that holds the marking under a key that is not ``classification``."""
    marking = _q(target.text)
    return [
        f'{{"id": 7, "tags": [{marking}], "owner": "J2"}}\n',
        f'{{"id":7,"labels":[{marking},"convoy"],"owner":"J2"}}\n',
        f"tags: [{target.text}, convoy]\n",
        f"doc:\n  tags: [{target.text}]\n  owner: J2\n",
        "Thought: I need to label it.\nAction: set_labels\n"
        f'Action Input: {{"labels": [{marking}]}}\n',
    ]


def _lines_list(target: Target) -> list[str]:
    """A document's lines as a list of strings (``splitlines()``'s repr, a JSON array)."""
    lines = [target.text, "Order of battle", "Annex B", BODY[0]]
    single = "'" not in target.text
    return [
        *([repr(lines) + "\n", f">>> text.splitlines()\n{lines!r}\n"] if single else []),
        json.dumps(lines, ensure_ascii=False) + "\n",
        '{"lines": ' + json.dumps(lines, ensure_ascii=False) + "}\n",
    ]


def _escaped(target: Target) -> list[str]:
    """A literal that holds escaped line breaks, in single quotes, backquotes, ``$'…'``; a
    JSON string that holds a CSV table."""
    text = target.text.replace("\\", "\\\\")
    found = [
        f"const banner = `{text}\\n\\nAnnex B`;\n",
        f'{{"csv": "id,title,level\\n1,Plan,{text}\\n2,Annex,{text}\\n"}}\n',
    ]
    if "'" not in text:
        found += [
            f"'{text}\\n\\nAnnex B'\n",
            f">>> doc\n'{text}\\n\\nAnnex B to OPORD 3/24\\n'\n",
            f"echo $'{text}\\nAnnex B' > banner.txt\n",
            f"cat <<< $'{text}\\n'\n",
            f"b'{text}\\nAnnex B'\n",
            f"$'{text}\\nAnnex B'\n",
        ]
    return found


def _tool_prefix(target: Target) -> list[str]:
    """The marking after grep's prefix, a COBOL sequence number, R's vector index."""
    return [
        f"plan.txt-3-{target.text}\nplan.txt:4:Order of battle\n",
        f"docs/plan.md:12:{target.text}\n",
        f"000100 {target.text}\n000200 Annex B\n",
        f"000100*{target.text}\n000200 IDENTIFICATION DIVISION.\n",
        f"00010 {target.text}\n",
        f' [1] "{target.text}" "Plan"\n',
        f'> x\n[1] "{target.text}"\n',
    ]


def _chat_turn(target: Target) -> list[str]:
    """The marking as a chat template's answer, glued to the role or not."""
    text = target.text
    return [
        f"<s>[INST] Summarise the plan [/INST] {text} </s>\n",
        f"<|im_start|>user\nSummarise<|im_end|>\n<|im_start|>assistant{text}<|im_end|>\n",
        f"<|user|>\nSummarise<|end|>\n<|assistant|>{text}<|end|>\n",
        f"<start_of_turn>user\nSummarise<end_of_turn>\n<start_of_turn>model{text}<end_of_turn>\n",
        f"### Instruction:\nSummarise\n\n### Response: {text}\n",
        f"<|start_header_id|>assistant<|end_header_id|>{text}<|eot_id|>\n",
        f"<\uff5cUser\uff5c>Summarise<\uff5cAssistant\uff5c>{text}<\uff5cend\u2581of\u2581sentence\uff5c>\n",
        f"<|start|>assistant<|channel|>final<|message|>{text}<|return|>\n",
        f"<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>{text}<|END_OF_TURN_TOKEN|>\n",
    ]


def _sse(target: Target) -> list[str]:
    """The marking split over two or three server-sent events (OpenAI's, Anthropic's,
    plain text), read joined as the stream's reader shows it."""
    rng = _rng(target, "sse")
    text = target.text
    cut = rng.randrange(1, len(text))
    cuts = sorted(rng.sample(range(1, len(text)), 2)) if len(text) > 3 else [cut]
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]

    def openai(part: str) -> str:
        return 'data: {"choices":[{"index":0,"delta":{"content":' + _q(part) + "}}]}\n\n"

    def anthropic(part: str) -> str:
        delta = '{"type":"text_delta","text":' + _q(part) + "}"
        return (
            "event: content_block_delta\n"
            + 'data: {"type":"content_block_delta","index":0,"delta":'
            + delta
            + "}\n\n"
        )

    def ascii_json(part: str) -> str:  # Python's json.dumps: ``\\u00c8`` for È
        return 'data: {"choices":[{"delta":{"content":' + json.dumps(part) + "}}]}\n\n"

    return [
        "".join(openai(part) for part in [text[:cut], text[cut:]]) + "data: [DONE]\n\n",
        "".join(ascii_json(part) for part in parts),
        "".join(openai(part) for part in parts),
        "".join(anthropic(part) for part in parts),
        "".join(f"data: {part}\n\n" for part in [text[:cut], text[cut:]]),
        # Ollama's stream: JSON lines, no ``data:``
        "".join('{"model":"llama3","response":' + _q(part) + ',"done":false}\n' for part in parts),
    ]


def _combined(target: Target) -> list[str]:
    """The families above inside JSON strings and base64; a field label after a list's
    number, the marking in mathematical bold."""
    row = f"17,Plan de relève,{target.text},4"
    encoded = base64.b64encode(row.encode()).decode()
    bold = "".join(
        chr(0x1D400 + ord(ch) - ord("A")) if "A" <= ch <= "Z" else ch for ch in target.text
    )
    return [
        f'{{"row": {_q(row)}}}\n',
        f'{{"attachment": "{encoded}"}}\n',
        f"echo {encoded} | base64 -d\n",
        f"1. Header: {bold}\n2. Body: {BODY[0]}\n",
        f"1. Header: {target.text}\n",
    ]


FAMILIES: dict[str, Callable[[Target], list[str]]] = {
    "csv-row": _csv_row,
    "data-list": _data_list,
    "lines-list": _lines_list,
    "escaped-string": _escaped,
    "tool-prefix": _tool_prefix,
    "chat-turn": _chat_turn,
    "sse-split": _sse,
    "combined": _combined,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_banner_reads_through_the_family(family: str) -> None:
    # every banner in CI (tests/scale.py); the fast line 12, a banner of each scheme among them
    assert_targets_read(banner_sample(f"round10-data:{family}"), FAMILIES[family])


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    rng = random.Random(f"stream:{family}")
    # 4 banners in CI (tests/scale.py), the first of them in the fast line
    for target in rng.sample(BANNERS, 4)[: scaled(4, 1)]:
        policy = shipped_policy(target.policy)
        for text in FAMILIES[family](target):
            _assert_stream_properties(policy, text, pieces(text, random.Random(text)), exactly=True)


@pytest.mark.parametrize(
    "text",
    [
        # CSV of sizes and grades, decimal commas, prose with commas
        "id,size,grade\n1,S,C\n2,M,B\n3,XL,A\n",
        "name,size,colour,qty\nT-shirt,S,red,2\nHoodie,L,blue,1\n",
        "Nom;Taille;Note\nAnna;S;C\nLuc;M;B\n",
        "Naam,Maat,Cijfer\nJan,S,C\n",
        "Wir haben 1,5 kg Mehl, 2,3 l Milch und Zucker gekauft.\n",
        "D'Kanner hunn,ouni Suergen,gespillt an d'Sonn geschéngt.\n",
        "Prix: 3,50 EUR; 4,20 EUR; 5,10 EUR\n",
        "title,secret,top\nSanta,yes,no\n",
        # lists of tags and lines
        '{"id": 3, "tags": ["secret-santa", "top"], "owner": "anna"}\n',
        "tags: [secret-santa, top, party]\n",
        "lines = ['Dear team,', 'The secret santa draw is on Friday.', 'Cheers']\n",
        '["Le secret du chef", "Recette", "Dessert"]\n',
        '{"labels": ["geheimnis", "Rezept"]}\n',
        # escaped line breaks in everyday strings
        "print(repr('Top secret recipe\\nStep 1'))\n",
        "'Het geheim van de smid\\nis geduld'\n",
        "echo $'Top\\tsecret\\nrecipe'\n",
        "const msg = `Das Geheimnis\\nder Insel`;\n",
        '{"csv": "id,size,grade\\n1,S,C\\n2,M,B\\n"}\n',
        # grep over source code that mentions secrets, COBOL, R
        'src/auth.py:12:    SECRET_KEY = os.environ["SECRET_KEY"]\n',
        'Marking = Literal["RESTRICTED"] | Literal["SECRET"]\n',
        "src/auth.py-13-    # never log the secret\n",
        "config/settings.py:40:SECRET = load_secret()\n",
        "app.js-7-const secret = process.env.SECRET;\n",
        "00010 IDENTIFICATION DIVISION.\n00020 PROGRAM-ID. PAYROLL.\n",
        ' [1] "secret" "garden" "top"\n',
        " [1] 3.14 2.71\n",
        # chat transcripts about secrets
        "[INST] What is a secret? [/INST] A secret is something kept hidden from others.\n",
        "<|im_start|>user\nTell me a secret<|im_end|>\n<|im_start|>assistant\n"
        "The secret of good bread is time.<|im_end|>\n",
        "### Response: Le secret d'une bonne sauce est la patience.\n",
        "<start_of_turn>model\nDas Geheimnis liegt in der Ruhe.<end_of_turn>\n",
        "<|assistant|>Et geheimt Rezept vun der Bomi.<|end|>\n",
        # a stream of events that spells prose
        'data: {"choices":[{"delta":{"content":"The sec"}}]}\n\n'
        'data: {"choices":[{"delta":{"content":"ret is salt"}}]}\n\n',
        "data: Het gehe\n\ndata: im is geduld\n\n",
        '{"model":"llama3","response":"Het gehe","done":false}\n'
        '{"model":"llama3","response":"im is geduld","done":false}\n',
        '{"text": "The secret of bread."}\n{"text": "Top tips for baking."}\n',
        # records and counts with blanks after their commas
        "1, 2, 3, Sonne! Wir zählen bis drei.\n",
        "2024, Paris, Lyon, Marseille\n",
        "12, rue de la Paix, 75002, Paris\n",
        # a COBOL listing and byte strings
        "000100*This program computes the payroll.\n000200 IDENTIFICATION DIVISION.\n",
        "b'Top secret recipe\\nStep 1'\n",
        # a numbered field label with an everyday value
        "1. Header: Welcome to the team\n2. Title: Secret Garden\n",
    ],
)
def test_round10_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
