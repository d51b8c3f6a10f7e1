"""The keys that code looks up by name: a string literal that is the key argument of a
lookup call is a name, as a subscript's is (``os.environ["SECRET"]``), not text the code
shows: ``getenv("SECRET")``, ``os.getenv('SECRET')``, ``ENV.fetch("SECRET")``,
``config.get("SECRET", None)``, ``Deno.env.get("SECRET")``, ``System.getenv("SECRET")``,
``os.LookupEnv("SECRET")``, ``env::var("SECRET")``, ``getattr(settings, "SECRET")``.

A key is one token (no blank inside): a name. A string with a blank in it
(``secrets.get("TOP SECRET")``, ``get("NATO SECRET")``) names nothing a program looks up
by, and is read as any other string is (a marking with its words is what a banner is).
"""

from __future__ import annotations

from milai._lazyre import lazy_compile

# The lookup's name (environment, configuration, mapping and attribute lookups in the
# languages' own spelling, in any case), its bracket, perhaps the object that getattr and
# its kin look in (``getattr(settings, …)``, ``_.get(config, …)``), then the key: a quoted
# token, followed by the next argument or the call's end.
_LOOKUP_RE = lazy_compile(
    r"(?:(?<![\w$])(?i:getenv|get_env|getenvironmentvariable|lookupenv|lookup_env|environ|env"
    r"|fetch|get|getattr|hasattr|lookup|getproperty|getitem|getvalue|getparameter|getheader"
    r"|getsetting|getsecret|get_secret|config|setdefault|unsetenv|delenv)"
    r"|(?<=::)var)"
    r"(?P<call>[^\S\n]{0,4}[(\[][^\S\n]{0,4}(?:[A-Za-z_$][\w$.]{0,60}[^\S\n]{0,4},[^\S\n]{0,4})?)"
    r"(?P<key>\"[^\s\"\\]{1,120}\"|'[^\s'\\]{1,120}'|`[^\s`\\]{1,120}`)"
    r"(?=[^\S\n]{0,4}[,)\]])"
)
_HINTS = ("(", "[")


def lookup_keys(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (quotes and all) that are a lookup call's key."""
    if not any(hint in line for hint in _HINTS):
        return []
    return [found.span("key") for found in _LOOKUP_RE.finditer(line)]
