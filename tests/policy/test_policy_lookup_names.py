"""Lookup-call keys are names (issue 9): a string literal that is the key argument of a
lookup call (an environment variable's, a configuration's, a mapping's, an attribute's) is a
name, as a subscript's is (``os.environ["SECRET"]``): ``getenv("SECRET")``,
``ENV.fetch("SECRET")``, ``config.get("TOP_SECRET")``, ``getattr(settings, "SECRET")``
in any language. A key is one token: a string with a blank in it (``get("NATO SECRET")``)
is read as any string is, and so are a lookup's other arguments (its default), and every
call that prints (``print("SECRET")``, ``puts "NATO SECRET"``, ``f(x, "SECRET")``).
"""

from __future__ import annotations

import re

import pytest

from milai.policy import check_text
from tests.policy.families import POLICY_DIR, Target, banner_sample, shipped_policy
from tests.scale import sample

# A lookup of ``{key}`` (a quoted key goes in its place), one a language's way.
LOOKUPS = {
    "python-getenv": "token = os.getenv({key})",
    "python-environ-get": "token = os.environ.get({key}, '')",
    "python-getattr": "level = getattr(settings, {key}, None)",
    "python-config": "value = config.get({key})",
    "python-secrets": "api_key = secrets.get({key})",
    "ruby-fetch": "token = ENV.fetch({key}) {{ nil }}",
    "deno": "const token = Deno.env.get({key});",
    "java": "String token = System.getenv({key});",
    "csharp": "var token = Environment.GetEnvironmentVariable({key});",
    "go-getenv": "token := os.Getenv({key})",
    "go-lookupenv": "token, ok := os.LookupEnv({key})",
    "rust": 'let token = env::var({key}).expect("unset");',
    "php": "$token = getenv({key});",
    "laravel": "'token' => env({key}),",
    "lodash": "const token = _.get(config, {key});",
    "c": "const char *token = getenv({key});",
    "lookup": "token = vault.lookup({key})",
}
QUOTES = ('"{}"', "'{}'")


def _keys(target: Target) -> list[str]:
    """The marking written as the names that code gives it: its words in capitals joined
    by ``_`` (``TOP_SECRET``), in PascalCase and camelCase, joined by ``-`` in small
    letters, and the word alone where it is one."""
    words = [word for word in re.split(r"[\s.]+", target.text) if word]
    titled = [word[:1].upper() + word[1:].lower() for word in words]
    keys = [
        "_".join(word.upper() for word in words),
        "".join(titled),
        titled[0].lower() + "".join(titled[1:]),
        "-".join(word.lower() for word in words),
    ]
    return list(dict.fromkeys(keys))


def _cases() -> list[tuple[Target, str, str]]:
    cases = []
    for target in banner_sample("lookup-keys", 24):
        languages = sample(list(LOOKUPS), 4, seed=f"lookup:{target.id}")
        for number, language in enumerate(languages):
            keys = _keys(target)
            key = keys[number % len(keys)]
            cases.append((target, language, QUOTES[number % 2].format(key)))
    return cases


@pytest.mark.parametrize(
    ("target", "language", "key"),
    _cases(),
    ids=lambda value: value.id if isinstance(value, Target) else str(value),
)
def test_a_lookup_key_is_a_name(target: Target, language: str, key: str) -> None:
    """Each banner of each shipped policy, written as a name, the key of a lookup in each
    language: UNCLASSIFIED, alone and in a program's lines."""
    policy = shipped_policy(target.policy)
    line = LOOKUPS[language].format(key=key)
    for text in (f"{line}\n", f"import os\n\n{line}\nprint(token)\n"):
        decision = check_text(policy, text)
        assert decision.level == policy.lowest, (text, [f.detail for f in decision.findings])


PRINTS = (
    'print("{}")',
    "puts '{}'",
    'console.log("{}");',
    'echo "{}"',
    'System.out.println("{}");',
    'fmt.Println("{}")',
)


@pytest.mark.parametrize("target", banner_sample("lookup-prints", 24), ids=lambda target: target.id)
def test_printing_and_other_strings_still_read(target: Target) -> None:
    """A banner printed, passed to a call that is no lookup beside another argument, a
    lookup's default value, or a lookup's key with a blank in it (no name holds one): read
    at its level."""
    policy = shipped_policy(target.policy)
    texts = [template.format(target.text) for template in PRINTS]
    texts += [
        f'f(x, "{target.text}")',
        f'level = config.get("classification", "{target.text}")',
        f'level = levels.get(code, "{target.text}")',
    ]
    if " " in target.text:
        texts += [f'get("{target.text}")', f'secrets.get("{target.text}")']
    for text in texts:
        assert check_text(policy, f"{text}\n").level == target.level, text


EVERYDAY = [
    # lookups of everyday keys, commented in each language
    '# The API token comes from the environment\ntoken = os.getenv("API_TOKEN")\n',
    "# Le mot de passe vient de l'environnement\nmdp = os.environ.get('MOT_DE_PASSE', '')\n",
    '// Das Geheimnis kommt aus der Umgebung\nconst geheim = Deno.env.get("GEHEIMNIS");\n',
    "# D'Passwuert kënnt aus der Ëmwelt\npasswuert = ENV.fetch('PASSWUERT') { nil }\n",
    '// Het geheim komt uit de omgeving\nString geheim = System.getenv("GEHEIM_SLEUTEL");\n',
    # names of secrets in configuration code
    'SECRET_KEY = os.environ["SECRET_KEY"]\nDEBUG = config.get("DEBUG", False)\n',
    'client_secret = getattr(settings, "CLIENT_SECRET", None)\n',
    'jwt_secret, ok := os.LookupEnv("JWT_SECRET")\n',
    'let secret = env::var("APP_SECRET").unwrap_or_default();\n',
    '$secret = getenv("APP_SECRET") ?: "";\n',
    # prose near misses
    "Keep the secret key in the environment, never in the code.\n",
    "Gardez la clé secrète dans l'environnement, jamais dans le code.\n",
    "Bewahren Sie den geheimen Schlüssel in der Umgebung auf.\n",
    "Bewaar de geheime sleutel in de omgeving, nooit in de code.\n",
    "Hal de geheime Schlëssel an der Ëmwelt, ni am Code.\n",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_lookups_stay_unclassified(text: str) -> None:
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        assert check_text(policy, text).level == policy.lowest, (path.name, text)
