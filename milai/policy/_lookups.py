"""The keys that code looks up by name: a string literal that is the key argument of a
lookup call is a name, as a subscript's is (``os.environ["SECRET"]``), not text the code
shows: ``getenv("SECRET")``, ``os.getenv('SECRET')``, ``ENV.fetch("SECRET")``,
``config.get("SECRET", None)``, ``Deno.env.get("SECRET")``, ``System.getenv("SECRET")``,
``os.LookupEnv("SECRET")``, ``env::var("SECRET")``, ``getattr(settings, "SECRET")``. A
lookup's other arguments (``config.get("level", "SECRET")``: its default) are read as any
string is.

A key is one token (no blank inside): a name. A string with a blank in it
(``secrets.get("TOP SECRET")``, ``get("NATO SECRET")``) names nothing a program looks up
by, and is read as any other string is (a marking with its words is what a banner is);
so is one that spells a blank (``%20``) or is a URL or a path (a "?" or "://" in it, or
a "/" first: ``fetch(URL)`` asks a server, whose path and query are read as a URL's).
"""

from __future__ import annotations

from milai._lazyre import lazy_compile

# The lookup's name (environment, configuration and mapping lookups in the languages' own
# spelling, in any case) and its bracket, then the key: a quoted token, followed by the next
# argument or the call's end. ``getattr`` and its kin, and lodash's ``_.get``, look in an
# object first (``getattr(settings, …)``, ``_.get(config, …)``): their key comes second
# (a mapping's ``get(key, "…")`` has its default there, which is no name).
_KEY = (
    r"[^\S\n]{0,4}(?![\"'`](?:/|[^\s\"'`]{0,120}?(?:%[0-9A-Fa-f]{2}|\?|://)))(?P<key>\"[^\s\"\\]{1,120}\"|'[^\s'\\]{1,120}'|`[^\s`\\]{1,120}`)"
    r"(?=[^\S\n]{0,4}[,)\]])"
)
_LOOKUP_RE = lazy_compile(
    r"(?:(?:(?<![\w$])(?i:getenv|get_env|getenvironmentvariable|lookupenv|lookup_env|environ"
    r"|env|fetch|get|lookup|getproperty|getitem|getvalue|getparameter|getheader|getsetting"
    r"|getsecret|get_secret|config|setdefault|unsetenv|delenv)|(?<=::)var)"
    r"[^\S\n]{0,4}[(\[]"
    r"|(?:(?<![\w$])(?:getattr|hasattr|delattr)|(?<=_\.)get)"
    r"[^\S\n]{0,4}\([^\S\n]{0,4}[A-Za-z_$][\w$.]{0,60}[^\S\n]{0,4},)" + _KEY
)
_HINTS = ("(", "[")


def lookup_keys(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (quotes and all) that are a lookup call's key."""
    if not any(hint in line for hint in _HINTS):
        return []
    return [found.span("key") for found in _LOOKUP_RE.finditer(line)]
