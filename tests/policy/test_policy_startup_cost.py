"""What a short check compiles at start: lazily compiled patterns behave as compiled ones,
and an everyday text leaves the large patterns it never needs uncompiled."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from milai._lazyre import _LazyPattern, lazy_compile
from tests.policy.conftest import POLICIES

ROOT = Path(__file__).resolve().parents[2]


def _is_compiled(lazy: _LazyPattern) -> bool:
    return lazy._compiled is not None


def test_a_lazy_pattern_compiles_on_first_use_and_then_is_the_compiled_one() -> None:
    source = r"(?P<word>[a-z]+)-(\d{2})"
    lazy = lazy_compile(source, re.IGNORECASE)
    eager = re.compile(source, re.IGNORECASE)
    proxy: object = lazy  # typed as a compiled pattern, which it stands for
    assert isinstance(proxy, _LazyPattern)
    assert not _is_compiled(proxy) and lazy.pattern == source
    text = "Ab-12 cd-34 ef-5"
    found, expected = lazy.search(text), eager.search(text)
    assert found is not None and expected is not None and found.group() == expected.group()
    assert _is_compiled(proxy)
    # the compiled pattern's own bound methods from now on: one attribute lookup a call
    assert vars(proxy)["search"].__self__ is proxy._compiled
    assert lazy.match(text) is not None and lazy.match(text, 3) is None
    assert lazy.fullmatch("ab-12") is not None
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.sub("-", text) == eager.sub("-", text)
    assert lazy.subn("-", text) == eager.subn("-", text)
    assert lazy.split(text) == eager.split(text)
    assert (lazy.flags, lazy.groups, dict(lazy.groupindex)) == (
        eager.flags,
        eager.groups,
        dict(eager.groupindex),
    )


def test_a_lazy_pattern_used_first_by_any_method_compiles() -> None:
    for method in ("match", "fullmatch", "finditer", "findall", "split"):
        lazy = lazy_compile("b")
        result = getattr(lazy, method)("abc")
        expected = getattr(re.compile("b"), method)("abc")
        if method in ("finditer",):
            result, expected = [m.span() for m in result], [m.span() for m in expected]
        elif method in ("match", "fullmatch"):
            result, expected = result is None, expected is None
        assert result == expected, method


_PROBE = r"""
import json, sys
from pathlib import Path
from milai._lazyre import _LazyPattern
from milai.policy import check_text, load_policy
from milai.policy import detect

policy = load_policy(Path(sys.argv[1]))
decision = check_text(policy, ("The meeting moved to Tuesday at ten. " * 30)[:1024])
lazies = [
    value
    for module in list(sys.modules.values())
    if module is not None and module.__name__.startswith("milai.")
    for value in vars(module).values()
    if isinstance(value, _LazyPattern)
]
print(json.dumps({
    "level": decision.level,
    "lead": detect._lead_patterns.cache_info().currsize,
    "lead_width": detect._lead_width.cache_info().currsize,
    "field": [
        unit.field_re._compiled is not None
        for unit in policy.engine.units
        if isinstance(unit, detect.FieldUnit)
    ],
    "lazies": len(lazies),
    "compiled": sum(lazy._compiled is not None for lazy in lazies),
}))
"""


def test_an_everyday_check_leaves_what_it_never_needs_uncompiled() -> None:
    # A fresh process: in this one, other tests have woken every pattern.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(POLICIES / "default.yaml")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    probe = json.loads(done.stdout)
    assert probe["level"] == "UNCLASSIFIED"
    assert probe["lead"] == 0 and probe["lead_width"] == 0  # no marking context to read
    assert probe["field"] == [False]  # no classification field
    assert probe["lazies"] >= 50
    assert probe["compiled"] <= probe["lazies"] // 5, probe
