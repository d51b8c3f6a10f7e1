"""Office sensitivity labels (``labels.sensitivity`` in a policy): a label id or name mapped
to a level becomes a detector over the label's properties as documents carry them.

Word, Excel, PowerPoint, Outlook and PDFs exported from Office write an applied label as
properties named ``MSIP_Label_<id>_<Property>`` (``_Enabled``, ``_Name``, ``_SiteId``…):
custom properties, XMP, an ``msip_labels`` mail header (``…_Name=Secret;``). milai's
document reader lays every one of them out as a ``name: value`` line of the ``metadata``
part (newer Office files that keep labels only in ``docMetadata/LabelInfo.xml`` are read
into the same form), so one pattern per mapping finds them in every format: a mapping by id
finds the label's ``_Enabled`` property (whatever its value: fail closed), a mapping by name
its ``_Name``. A label's id is read wherever it stands too (Graph's ``labelId``, an audit
log's column, a header: it names nothing else), and its name after any key that names a
sensitivity label's name (``"sensitivityLabel": {"displayName": …}``, ``LabelName: …``) or
as the ``_Name`` property in JSON or XML (an ODF document's user-defined property).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from milai._lazyre import lazy_compile
from milai.policy.normalise import normalise

LABEL_KIND = "sensitivity-label"
MAX_NAME_CHARS = 128
_GUID = lazy_compile(r"\{?([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\}?")
_ANY_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_PREFIX = r"msip_label_\{?"


class LabelMatch(NamedTuple):
    """How one mapping finds its label: by ``id`` (a GUID, lower case) or by ``name``."""

    by: str  # "id" or "name"
    key: str  # the GUID, or the name as written in the policy
    pattern: str  # over the lower-cased text view
    anchor: str  # a literal every match contains (the scanner searches for it first)


def label_match(value: str) -> LabelMatch:
    """The match for a ``labels.sensitivity`` entry: a GUID (braces allowed) is a label id,
    anything else a label name (compared case-insensitively, after NFKC)."""
    guid = _GUID.fullmatch(value.strip())
    if guid is not None:
        key = guid.group(1).lower()
        # One finding per label: Office writes `_Enabled` for every applied label (and
        # milai's reader of LabelInfo.xml too), whatever other properties come with it.
        # Or the id alone, wherever it is written (a label's id names nothing else): Graph's
        # `"labelId": "<id>"`, an audit log's column, a header; not another property's name.
        pattern = (
            _PREFIX
            + re.escape(key)
            + r"\}?_enabled\b|(?<![0-9a-f-])\{?"
            + re.escape(key)
            + r"\}?(?![0-9a-f-]|\}?_)"
            # and without its hyphens (.NET's "N" format, Python's ``uuid.hex``)
            + r"|(?<![0-9a-f-])"
            + key.replace("-", "")
            + r"(?![0-9a-f-]|_)"
        )
        return LabelMatch("id", key, pattern, key[:8])  # in both spellings
    name = normalise(value.strip()).text
    # The whole value: `Name: Secret` must not match a label named `Secret Plus`; after the
    # property's name as a key (`_Name: `, `"…_Name": "`, `_Name=`), an XML element's or
    # attribute's (`…_Name" meta:value-type="string">`), or a key that names a
    # sensitivity label's name (`"sensitivityLabel": {"displayName": "…"}`, `LabelName,`).
    pattern = (
        r"(?:"
        + _PREFIX
        + _ANY_GUID
        + r"\}?_name(?:[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?|[\"'][^<>\r\n]{0,80}>)"
        + r"|sensitivity[\w -]{0,20}label(?:[\w-]{0,20}|[^\r\n]{0,120}?name)"
        + r"[\"']?[ \t]{0,8}[:=>][ \t]{0,8}[\"']?"
        + r"|label[_ -]?(?:display[_ -]?)?name[\"']?[ \t]{0,8}[:=>][ \t]{0,8}[\"']?)"
        + re.escape(name)
        # the whole name: no word glued on, nor after blanks (a tab or a mark ends it)
        + r"(?![\w-])(?! {1,8}[\w-])"
    )
    return LabelMatch("name", value.strip(), pattern, "label")


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a label name or id (None: it can)."""
    if len(value) > MAX_NAME_CHARS:
        return f"must be at most {MAX_NAME_CHARS} characters"
    if any(ch in value for ch in ";\r\n"):
        return "must not hold ';' or a line break"
    if not normalise(value.strip()).text.strip():
        return "has nothing visible in it"
    return None
