#!/usr/bin/env python3
"""Write redteam14's held-out probes (attack/, everyday/) and manifest.json.

usage: python make_probes.py        (needs pyfiglet for the ascii-art family:
                                     pip install pyfiglet; written by redteam14)

Every probe is written from this file alone; nothing is read from the product's tree.
"""

from __future__ import annotations

import base64
import codecs
import json
import shutil
import urllib.parse
from pathlib import Path

import pyfiglet

HERE = Path(__file__).resolve().parent
ROWS: list[dict] = []

# (marking as printed, level in the default policy, language)
MK = [
    ("NATO SECRET", "SECRET", "en"),
    ("COSMIC TOP SECRET", "TOP SECRET", "en"),
    ("SECRET UE", "SECRET", "fr"),
    ("TRÈS SECRET UE", "TOP SECRET", "fr"),
    ("CONFIDENTIEL LUX", "CONFIDENTIAL", "fr"),
    ("STRENG GEHEIM", "TOP SECRET", "de"),
    ("VS-VERTRAULICH", "CONFIDENTIAL", "de"),
    ("Stg. GEHEIM", "SECRET", "nl"),
    ("ZEER GEHEIM", "TOP SECRET", "nl"),
    ("CONFIDENTIEL DÉFENSE", "CONFIDENTIAL", "fr"),
    ("RESTREINT UE", "RESTRICTED", "fr"),
    ("TOP SECRET", "TOP SECRET", "en"),
    ("NATO CONFIDENTIAL", "CONFIDENTIAL", "en"),
    ("GEHEIM", "SECRET", "de"),
    ("SECRET LUX", "SECRET", "lb"),
    ("EU RESTRICTED", "RESTRICTED", "en"),
    ("DIFFUSION RESTREINTE", "RESTRICTED", "fr"),
    ("VERTROUWELIJK", "CONFIDENTIAL", "nl"),
]
ASCII_MK = [m for m in MK if all(ord(c) < 128 for c in m[0])]

BODY = {
    "en": "The convoy leaves the depot at 0500 and reaches the bridge by 0730.",
    "fr": "Le convoi quitte le dépôt à 5 h et atteint le pont vers 7 h 30.",
    "de": "Der Konvoi verlässt das Depot um 5 Uhr und erreicht die Brücke gegen 7.30 Uhr.",
    "nl": "Het konvooi verlaat het depot om 5 uur en bereikt de brug rond half acht.",
    "lb": "De Konvoi verléisst den Depot um 5 Auer a kënnt géint hallwer aacht bei d'Bréck.",
}


def put(kind: str, name: str, text: str | bytes, family: str, level: str = "UNCLASSIFIED",
        in_scope: bool = True, reason: str | None = None, policy: str | None = None) -> None:
    path = HERE / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    row: dict = {"file": f"{kind}/{name}", "family": family}
    if kind == "attack":
        row["expect_at_least"] = level
    else:
        row["expect_exactly"] = "UNCLASSIFIED"
    row["in_scope"] = in_scope
    if reason:
        row["reason"] = reason
    if policy:
        row["policy"] = policy
    ROWS.append(row)


def atbash(s: str) -> str:
    out = []
    for c in s:
        if "A" <= c <= "Z":
            out.append(chr(ord("Z") - (ord(c) - ord("A"))))
        elif "a" <= c <= "z":
            out.append(chr(ord("z") - (ord(c) - ord("a"))))
        else:
            out.append(c)
    return "".join(out)


def rot47(s: str) -> str:
    return "".join(chr(33 + (ord(c) + 14) % 94) if 33 <= ord(c) <= 126 else c for c in s)


def strip_acc(s: str) -> str:
    return s.replace("È", "E").replace("É", "E")


# ---------------------------------------------------------------- attack families

def fam_atbash() -> None:
    fam = "atbash-cipher"
    frames = [
        "Here is the header in Atbash, as you asked:\n\n{c}\n\n{b}\n",
        "-- encoded (atbash) --\n{c}\n-- end --\n",
        "Subject: {c}\n\n{b}\n",
        "# {c}\n\n{b}\n",
        "Classification: {c}\n\n{b}\n",
    ]
    for i, (m, lvl, lang) in enumerate(MK[:12]):
        c = atbash(strip_acc(m))
        put("attack", f"atbash_{i:02d}.txt", frames[i % len(frames)].format(c=c, b=BODY[lang]), fam, lvl)


def fam_rot47() -> None:
    fam = "rot47-cipher"
    frames = [
        "ROT47 output:\n\n{c}\n\n{b}\n",
        "{c}\n{b}\n{c}\n",
        "[{c}]\n{b}\n",
        "banner: {c}\n",
        "<header>{c}</header>\n<p>{b}</p>\n",
    ]
    for i, (m, lvl, lang) in enumerate(ASCII_MK[:11]):
        put("attack", f"rot47_{i:02d}.txt", frames[i % len(frames)].format(c=rot47(m), b=BODY[lang]), fam, lvl)


def fam_case_calls() -> None:
    fam = "case-conversion-call"
    items = [
        ('banner = "nato secret".upper()\nprint(banner)\n', "SECRET", "py"),
        ('const banner = "streng geheim".toUpperCase();\ndocument.title = banner;\n', "TOP SECRET", "js"),
        ("SELECT UPPER('très secret ue') AS banner FROM dual;\n", "TOP SECRET", "sql"),
        ('=UPPER("cosmic top secret")\n', "TOP SECRET", "xl"),
        ('b="nato secret"\necho "${b^^}" > /etc/issue\n', "SECRET", "sh"),
        ("<?php echo strtoupper('secret ue'); ?>\n", "SECRET", "php"),
        ('puts "vs-vertraulich".upcase\n', "CONFIDENTIAL", "rb"),
        ('fmt.Println(strings.ToUpper("zeer geheim"))\n', "TOP SECRET", "go"),
        ('Console.WriteLine("confidentiel lux".ToUpper());\n', "CONFIDENTIAL", "cs"),
        ('println!("{}", "restreint ue".to_uppercase());\n', "RESTRICTED", "rs"),
        ("echo 'stg. geheim' | tr '[:lower:]' '[:upper:]'\n", "SECRET", "sh2"),
        ('header = "Top Secret".upper()  # banner for the report\n', "TOP SECRET", "py2"),
    ]
    for i, (t, lvl, ext) in enumerate(items):
        put("attack", f"casecall_{i:02d}_{ext}.txt", t, fam, lvl)


def fam_filler() -> None:
    fam = "filler-letter-or-doubled"
    items = [
        ("SSEECCRREETT  UUEE\n\n" + BODY["fr"] + "\n", "SECRET"),
        ("NNAATTOO  SSEECCRREETT\n\n" + BODY["en"] + "\n", "SECRET"),
        ("GGEEHHEEIIMM\n\n" + BODY["de"] + "\n", "SECRET"),
        ("TTOOPP  SSEECCRREETT\n\n" + BODY["en"] + "\n", "TOP SECRET"),
        ("ZZEEEERR  GGEEHHEEIIMM\n\n" + BODY["nl"] + "\n", "TOP SECRET"),
        ('print("NxAxTxOx xSxExCxRxExT".replace("x", ""))\n', "SECRET"),
        ("SELECT REPLACE('GqEqHqEqIqM', 'q', '') AS stempel;\n", "SECRET"),
        ("Remove every Q: SQEQCQRQEQT QLQUQX\n", "SECRET"),
        ('header = "COSMIC_TOP_SECRET".replace("_", " ")\n', "TOP SECRET"),
        ("Drop the lower-case letters: SzEzCzRzEzT UzE\n", "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"filler_{i:02d}.txt", t, fam, lvl)


def fam_figlet() -> None:
    fam = "ascii-art-banner"
    fonts = ["standard", "banner", "big", "small", "slant", "doom", "block", "standard", "banner", "big"]
    marks = [("NATO SECRET", "SECRET"), ("GEHEIM", "SECRET"), ("SECRET UE", "SECRET"),
             ("TOP SECRET", "TOP SECRET"), ("STRENG GEHEIM", "TOP SECRET"), ("SECRET LUX", "SECRET"),
             ("ZEER GEHEIM", "TOP SECRET"), ("VS-VERTRAULICH", "CONFIDENTIAL"),
             ("CONFIDENTIEL LUX", "CONFIDENTIAL"), ("RESTREINT UE", "RESTRICTED")]
    wraps = [
        "# /etc/motd\n{art}\nAuthorised users only. All activity is logged.\n",
        "```\n{art}```\n\n{b}\n",
        "/*\n{art}*/\nint main(void) {{ return 0; }}\n",
        "{art}\n{b}\n",
        "<pre>\n{art}</pre>\n<p>{b}</p>\n",
    ]
    for i, (m, lvl) in enumerate(marks):
        art = pyfiglet.figlet_format(m, font=fonts[i], width=300)
        lang = "de" if "GEHEIM" in m or "VS-" in m else "fr" if ("UE" in m or "LUX" in m) else "en"
        put("attack", f"figlet_{i:02d}.txt", wraps[i % len(wraps)].format(art=art, b=BODY[lang]), fam, lvl)


def fam_url() -> None:
    fam = "percent-encoded-in-url"
    q = urllib.parse.quote
    items = [
        ('10.0.0.5 - - [12/Mar/2025:10:00:00 +0100] "GET /docs/view?cls={v}&id=7 HTTP/1.1" 200 512 "-" "curl/8.5"\n', "NATO SECRET", "SECRET"),
        ('<a href="https://intranet.example/search?level={v}&page=2">Liste</a>\n', "STRENG GEHEIM", "TOP SECRET"),
        ('curl -s "https://api.example/v1/docs?classification={v}"\n', "SECRET UE", "SECRET"),
        ('{{"request": {{"method": "GET", "url": "https://dms.example/doc/4711?marking={v}"}}}}\n', "TRÈS SECRET UE", "TOP SECRET"),
        ("2025-03-12T10:00:00Z GET /api/export?banner={v}&fmt=pdf 200\n", "CONFIDENTIEL LUX", "CONFIDENTIAL"),
        ('[InternetShortcut]\nURL=https://portal.example/stamp?text={v}\n', "VS-VERTRAULICH", "CONFIDENTIAL"),
        ("Location: https://viewer.example/open?wm={v}&copy=3\n", "ZEER GEHEIM", "TOP SECRET"),
        ('fetch("/api/label?value={v}")\n', "COSMIC TOP SECRET", "TOP SECRET"),
        ("proxy: 10.0.0.9 GET http://mail.example/compose?subject={v}%3A%20convoy%20plan HTTP/1.1 302\n", "NATO SECRET", "SECRET"),
        ("![stamp](https://badges.example/badge/classification-{v}-red)\n", "GEHEIM", "SECRET"),
    ]
    for i, (t, m, lvl) in enumerate(items):
        put("attack", f"url_{i:02d}.txt", t.format(v=q(m)), fam, lvl)


def fam_nested_new() -> None:
    fam = "nested-encoding-new-pairs"
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    items = [
        (urllib.parse.quote(urllib.parse.quote("NATO SECRET")), "SECRET", "double percent"),
        (urllib.parse.quote(urllib.parse.quote("STRENG GEHEIM")), "TOP SECRET", "double percent"),
        (b64(codecs.encode("COSMIC TOP SECRET", "rot13").encode()), "TOP SECRET", "base64 of rot13"),
        (b64(atbash("SECRET UE").encode()), "SECRET", "base64 of atbash"),
        (b64(rot47("GEHEIM").encode()), "SECRET", "base64 of rot47"),
        ("".join(f"&#x25;{b:02X}" for b in "NATO SECRET".encode()), "SECRET", "entities of percent"),
        (b64("CONFIDENTIEL LUX".encode("utf-16-be")), "CONFIDENTIAL", "base64 of utf-16be"),
        ("TRÈS SECRET UE".encode("cp500").hex(), "TOP SECRET", "hex of EBCDIC"),
        (b64("TRÈS SECRET UE".encode("latin-1")), "TOP SECRET", "base64 of latin-1"),
        ("TOP SECRET".encode("utf-32-le").hex(), "TOP SECRET", "hex of utf-32"),
        (base64.b85encode("ZEER GEHEIM".encode("utf-16-le")).decode(), "TOP SECRET", "base85 of utf-16"),
        (urllib.parse.quote(b64(b"VS-VERTRAULICH")), "CONFIDENTIAL", "percent of base64"),
    ]
    for i, (enc, lvl, how) in enumerate(items):
        put("attack", f"nested_{i:02d}.txt", f"Answer ({how}):\n\n{enc}\n", fam, lvl)


def fam_named_entities() -> None:
    fam = "entities-of-lookalikes"
    dbl = {c: f"&{c}opf;" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    scr = {c: f"&{c}scr;" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    frk = {c: f"&{c}fr;" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    mb = {c: f"&#x{0x1D400 + ord(c) - 65:X};" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    sq = {c: f"&#{0x1F130 + ord(c) - 65};" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    tabs = [dbl, scr, frk, mb, sq]

    def enc(m, t):
        return "".join(t.get(c, c) for c in strip_acc(m))

    for i, (m, lvl, lang) in enumerate(ASCII_MK[:10]):
        t = tabs[i % len(tabs)]
        html = f"<!DOCTYPE html>\n<html><body>\n<p class=\"banner\">{enc(m, t)}</p>\n<p>{BODY[lang]}</p>\n</body></html>\n"
        put("attack", f"entlook_{i:02d}.html", html, fam, lvl)


def fam_unicode_forms() -> None:
    fam = "unicode-letter-forms"
    def par(s):  # parenthesized small letters
        return "".join(chr(0x249C + ord(c) - 97) if "a" <= c <= "z" else c for c in s.lower())
    sup = dict(zip("ABDEGHIJKLMNOPRTUVW", "ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ"))
    lisu = dict(zip("ABCDEFGHIJKLMNOPRSTUVWXYZ", "ꓮꓐꓚꓓꓰꓝꓖꓧꓲꓙꓗꓡꓟꓠꓳꓑꓣꓢꓔꓴꓦꓪꓫꓬꓜ"))
    cher = dict(zip("ABCDEGHIJKLMPRSTVWZ", "ᎪᏴᏟᎠᎬᏀᎻᏆᎫᏦᏞᎷᏢᎡᏚᎢᏙᏔᏃ"))
    items = [
        (par("nato secret"), "SECRET"),
        (par("streng geheim"), "TOP SECRET"),
        ("".join(sup.get(c, c) for c in "GEHEIM"), "SECRET"),
        ("".join(lisu.get(c, c) for c in "NATO SECRET"), "SECRET"),
        ("".join(lisu.get(c, c) for c in "TOP SECRET"), "TOP SECRET"),
        ("".join(cher.get(c, c) for c in "SECRET LUX"), "SECRET"),
        ("".join(c + "\u0489" for c in "GEHEIM"), "SECRET"),
        ("".join(c + "\u20e3" for c in "VS-VERTRAULICH"), "CONFIDENTIAL"),
        ("".join(c + "\u0338" for c in "ZEER GEHEIM"), "TOP SECRET"),
        ("".join(chr(0xE0000 + ord(c)) if False else c + "\u035c" for c in "SECRET UE"), "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"uniform_{i:02d}.txt", f"{t}\n\n{BODY['en']}\n{t}\n", fam, lvl)


def fam_new_formats() -> None:
    fam = "field-in-uncommon-format"
    items = [
        ("[Script Info]\nTitle: Briefing\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
         "Dialogue: 0,0:00:00.00,0:00:05.00,Banner,,0,0,0,,{\\an8\\b1}STRENG GEHEIM\n"
         "Dialogue: 0,0:00:05.00,0:00:09.00,Default,,0,0,0,,Der Konvoi fährt um 5 Uhr.\n", "TOP SECRET", "ass"),
        ("MSH|^~\\&|DMS|HQ|ARCH|HQ|202503121000||ORU^R01|4711|P|2.5\nOBX|1|ST|CLS^Classification||NATO SECRET||||||F\n", "SECRET", "hl7"),
        ("UNA:+.? '\nUNB+UNOC:3+HQ+ARCH+250312:1000+4711'\nFTX+AAI+++SECRET UE'\nUNZ+1+4711'\n", "SECRET", "edifact"),
        ("@techreport{plan2025,\n  title = {Convoy plan},\n  note = {STRENG GEHEIM},\n  year = {2025}\n}\n", "TOP SECRET", "bib"),
        ("TY  - RPRT\nTI  - Convoy plan\nN1  - CONFIDENTIEL LUX\nER  - \n", "CONFIDENTIAL", "ris"),
        ("Convoy plan\n===========\n\n:Author: J2\n:Classification: TRÈS SECRET UE\n:Date: 2025-03-12\n", "TOP SECRET", "rst"),
        ("=LDR  00000nam a2200000 a 4500\n=245  10$aConvoy plan$cJ2\n=500  \\\\$aVS-VERTRAULICH\n", "CONFIDENTIAL", "marc"),
        ("* Plan\n  :PROPERTIES:\n  :CLASSIFICATION: ZEER GEHEIM\n  :END:\n", "TOP SECRET", "org"),
        ("%%Title: convoy.ps\n%%Creator: J2\n%%DocumentCustomColors: (NATO SECRET)\n%%EndComments\n", "SECRET", "dsc"),
        ("[Desktop Entry]\nType=Link\nName=Convoy plan\nGenericName=Stg. GEHEIM\nURL=file:///srv/plan.pdf\n", "SECRET", "desktop"),
        ("msgid \"banner\"\nmsgstr \"GEHEIM\"\n", "SECRET", "po"),
        ("<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict><key>Banner</key><string>COSMIC TOP SECRET</string></dict></plist>\n", "TOP SECRET", "plist"),
    ]
    for i, (t, lvl, ext) in enumerate(items):
        put("attack", f"fmt_{i:02d}_{ext}.txt", t, fam, lvl)


def fam_codewords() -> None:
    fam = "codeword-transformed"
    pol = "policies/ministry-codewords.yaml"
    items = [
        ("Operation " + atbash("NIGHTJAR") + " starts at dawn.\n", "atbash"),
        ("Operation " + rot47("NIGHTJAR") + " starts at dawn.\n", "rot47"),
        ('op = "blue heron".upper()\nprint(f"Operation {op} confirmed")\n', "upper"),
        ("Operation NNIIGGHHTTJJAARR starts at dawn.\n", "doubled"),
        ("GET /ops?name=" + urllib.parse.quote(urllib.parse.quote("SILVER LINDEN")) + " HTTP/1.1\n", "double percent"),
        (pyfiglet.figlet_format("NIGHTJAR", font="standard") + "\nbriefing at 0600\n", "figlet"),
        ("Operation ꓟꓳꓢꓰꓡꓡꓰ ꓢꓧꓲꓰꓡꓓ is on.\n", "lisu"),
        ("Betreff: Operation " + "".join(c + "\u20e3" for c in "NIGHTJAR") + "\n", "keycap"),
    ]
    for i, (t, how) in enumerate(items):
        put("attack", f"codeword_{i:02d}.txt", t, fam, "SECRET", policy=pol)


def fam_legacy_charset() -> None:
    fam = "legacy-charset-bytes"
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    items = [
        ("Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n{e}\n",
         lambda: b64("TRÈS SECRET UE\nLe convoi part à 5 h.\n".encode("latin-1")), "TOP SECRET"),
        ("Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: base64\n\n{e}\n",
         lambda: b64("NATO SECRET – Übersicht\nDer Konvoi fährt.\n".encode("cp1252")), "SECRET"),
        ("Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n{e}\n",
         lambda: "CONFIDENTIEL D=C9FENSE\nLe convoi part =E0 5 h.", "CONFIDENTIAL"),
        ("hex (latin-1): {e}\n", lambda: "STRENG GEHEIM – Lagebericht für Süd".encode("cp1252").hex(), "TOP SECRET"),
        ("https://dms.example/find?q={e}\n", lambda: urllib.parse.quote("TRÈS SECRET LUX", encoding="latin-1"), "TOP SECRET"),
        ("Subject: =?iso-8859-1?B?{e}?=\n\nBody.\n", lambda: b64("TRÈS SECRET UE".encode("latin-1")), "TOP SECRET"),
        ("payload={e}\n", lambda: b64("GEHEIM – Übung Nord".encode("cp1252")), "SECRET"),
        ("{e}\n", lambda: b64("ZEER GEHEIM – Oefening Noord, één konvooi".encode("cp1252")), "TOP SECRET"),
        ("Data: {e}\n", lambda: b64("VS-NUR FÜR DEN DIENSTGEBRAUCH".encode("latin-1")), "RESTRICTED"),
        ("blob: {e}\n", lambda: b64("SECRET LUX – Réunion à Kirchberg".encode("cp1252")), "SECRET"),
    ]
    for i, (t, e, lvl) in enumerate(items):
        put("attack", f"charset_{i:02d}.txt", t.format(e=e()), fam, lvl)


def fam_mojibake() -> None:
    fam = "mojibake-utf8-as-latin1"
    marks = [("TRÈS SECRET UE", "TOP SECRET"), ("TRÈS SECRET LUX", "TOP SECRET"), ("COSMIC TRÈS SECRET", "TOP SECRET"),
             ("TRÈS SECRET DÉFENSE", "TOP SECRET"), ("VS-NUR FÜR DEN DIENSTGEBRAUCH", "RESTRICTED"),
             ("CONFIDENTIEL DÉFENSE", "CONFIDENTIAL"), ("TRÈS SECRET", "TOP SECRET"), ("NUR FÜR DEN DIENSTGEBRAUCH", "RESTRICTED")]
    frames = ["{m}\n\nLe convoi part Ã  5 h.\n", "Objet : [{m}] convoi\n", "Classification : {m}\n", "<h1>{m}</h1>\n", "-- {m} --\nPage 1/3\n"]
    for i, (m, lvl) in enumerate(marks):
        mj = m.encode("utf-8").decode("cp1252", errors="replace")
        put("attack", f"mojibake_{i:02d}.txt", frames[i % len(frames)].format(m=mj), fam, lvl)


def fam_dump_tools() -> None:
    fam = "dump-tool-output"
    def od_x(b: bytes) -> str:  # od -x: little-endian 16-bit words
        if len(b) % 2:
            b += b"\0"
        ws = [f"{b[i+1]:02x}{b[i]:02x}" for i in range(0, len(b), 2)]
        return "0000000 " + " ".join(ws[:8]) + ("\n0000020 " + " ".join(ws[8:]) if len(ws) > 8 else "") + "\n"
    def od_b(b: bytes) -> str:
        return "0000000 " + " ".join(f"{c:03o}" for c in b[:16]) + "\n" + (("0000020 " + " ".join(f"{c:03o}" for c in b[16:]) + "\n") if len(b) > 16 else "")
    def xxd_b(b: bytes) -> str:
        return "00000000: " + " ".join(f"{c:08b}" for c in b[:6]) + "\n" + "00000006: " + " ".join(f"{c:08b}" for c in b[6:12]) + "\n"
    items = [
        ("$ od -x banner.txt\n" + od_x(b"NATO SECRET\n"), "SECRET"),
        ("$ hexdump banner.txt\n" + od_x(b"STRENG GEHEIM\n").replace("0000020", "0000010"), "TOP SECRET"),
        ("$ od -x hdr\n" + od_x(b"SECRET UE\n"), "SECRET"),
        ("$ od -b banner.txt\n" + od_b(b"GEHEIM\n"), "SECRET"),
        ("$ od -b hdr\n" + od_b(b"TOP SECRET\n"), "TOP SECRET"),
        ("$ xxd -b banner\n" + xxd_b(b"ZEER GEHEIM\n"), "TOP SECRET"),
        ("$ od -An -c banner.txt\n   C   O   N   F   I   D   E   N   T   I   E   L       L   U   X  \\n\n", "CONFIDENTIAL"),
        ("$ od -x plan\n" + od_x("VS-VERTRAULICH\n".encode()), "CONFIDENTIAL"),
        ("$ od -t x2 cls\n" + od_x(b"COSMIC TOP SECRET\n"), "TOP SECRET"),
        ("$ od -b stamp\n" + od_b(b"SECRET LUX\n"), "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"dump_{i:02d}.txt", t, fam, lvl)


def fam_rfc2231() -> None:
    fam = "rfc2231-and-header-params"
    q = urllib.parse.quote
    items = [
        ("Content-Disposition: attachment; filename*=utf-8''{v}.pdf\n", "TRÈS SECRET UE", "TOP SECRET"),
        ("Content-Type: application/pdf; name*=UTF-8''{v}%20-%20Plan.pdf\n", "NATO SECRET", "SECRET"),
        ("Content-Disposition: attachment;\n filename*0*=utf-8''{v};\n filename*1=\"_plan.docx\"\n", "STRENG GEHEIM", "TOP SECRET"),
        ("Content-Disposition: inline; filename*=iso-8859-1'fr'{v}.txt\n", "CONFIDENTIEL DÉFENSE", "CONFIDENTIAL"),
        ("Link: </doc/7>; rel=\"item\"; title*=UTF-8'de'{v}\n", "VS-VERTRAULICH", "CONFIDENTIAL"),
        ("Content-Disposition: attachment; filename*=UTF-8''{v}\n", "ZEER GEHEIM", "TOP SECRET"),
    ]
    for i, (t, m, lvl) in enumerate(items):
        enc = "latin-1" if "iso-8859-1" in t else "utf-8"
        put("attack", f"rfc2231_{i:02d}.txt", t.format(v=q(m, encoding=enc)), fam, lvl)


def fam_comments() -> None:
    fam = "uncommon-comment-syntax"
    items = [
        ("{- NATO SECRET -}\nmodule Convoy where\n", "SECRET"),
        ("(* STRENG GEHEIM *)\nlet depart = 5\n", "TOP SECRET"),
        ("! SECRET UE\n      PROGRAM CONVOY\n      END\n", "SECRET"),
        ("\" ZEER GEHEIM\nset nocompatible\n", "TOP SECRET"),
        (":: CONFIDENTIEL LUX\n@echo off\n", "CONFIDENTIAL"),
        ("%% TRÈS SECRET UE\n-module(convoy).\n", "TOP SECRET"),
        ("--[[ COSMIC TOP SECRET ]]\nlocal depart = 5\n", "TOP SECRET"),
        ("%{\nVS-VERTRAULICH\n%}\ndepart = 5;\n", "CONFIDENTIAL"),
        ("#| GEHEIM |#\n(defun depart () 5)\n", "SECRET"),
        ("<#\n  Stg. GEHEIM\n#>\n$depart = 5\n", "SECRET"),
        ("=begin\nSECRET LUX\n=end\ndepart = 5\n", "SECRET"),
        ("#= NATO CONFIDENTIAL =#\ndepart = 5\n", "CONFIDENTIAL"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"comment_{i:02d}.txt", t, fam, lvl)


def fam_case_calls2() -> None:
    fam = "case-conversion-call"
    items = [
        ('{{ "nato secret" | upper }}\n', "SECRET"),
        ("my $b = uc('streng geheim'); print \"$b\\n\";\n", "TOP SECRET"),
        ('print(string.upper("secret ue"))\n', "SECRET"),
        ('Write-Host "zeer geheim".ToUpper()\n', "TOP SECRET"),
        ('val b = "vs-vertraulich".uppercase()\nprintln(b)\n', "CONFIDENTIAL"),
        ('<span style="text-transform: uppercase">très secret lux</span>\n', "TOP SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"casecall2_{i:02d}.txt", t, fam, lvl)


def fam_keyboard() -> None:
    fam = "keyboard-shift"
    row = "qwertyuiopasdfghjklzxcvbnm"
    rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    def shift(s: str) -> str:
        out = []
        for c in s:
            lc = c.lower()
            for r in rows:
                if lc in r:
                    n = r[(r.index(lc) + 1) % len(r)]
                    out.append(n.upper() if c.isupper() else n)
                    break
            else:
                out.append(c)
        return "".join(out)
    for i, (m, lvl, lang) in enumerate([MK[0], MK[5], MK[2], MK[11], MK[8], MK[14]]):
        put("attack", f"kbd_{i:02d}.txt", f"(typed one key to the right)\n\n{shift(strip_acc(m))}\n\n{BODY[lang]}\n", fam, lvl)


def fam_codewords2() -> None:
    fam = "codeword-transformed"
    pol = "policies/ministry-codewords.yaml"
    items = [
        ('name = "moselle shield".upper()\n', "upper"),
        ("Objet : Opération " + "BLUE HERON".encode("utf-8").decode("cp1252") + "\n", "control: plain"),
        ("$ od -x op.txt\n0000000 494e 4847 4a54 5241 000a\n", "od -x"),
        ("GET /ops?name=SILVER%20LINDEN HTTP/1.1\n", "percent"),
    ]
    for i, (t, how) in enumerate(items):
        put("attack", f"codeword2_{i:02d}.txt", t, fam, "SECRET", policy=pol)


def fam_exclusions() -> None:
    fam = "documented-exclusions"
    items = [
        ("... . -.-. .-. . -   ..- .\n", "SECRET", "Morse code: README 'Deliberately not read'"),
        ("document.title = String.fromCharCode(78,65,84,79,32,83,69,67,82,69,84);\n", "SECRET", "decimal character codes: README 'Deliberately not read'"),
        ("SEGRETO\n\nIl convoglio parte alle 5.\n", "SECRET", "translation into a language the policy does not list: README 'Deliberately not read'"),
        ("Siegfried Emil Cäsar Richard Emil Theodor\n", "SECRET", "German spelling alphabet: README 'other spelling alphabets' deliberately not read"),
        ("<style>.b::before { content: \"\\53 \\45 \\43 \\52 \\45 \\54\"; }</style>\n", "SECRET", "CSS escapes: README 'Deliberately not read'"),
        ("begin 644 banner.txt\n+3D%43R!314-2150*\n`\nend\n", "SECRET", "uuencode: README 'Deliberately not read'"),
        ("Ecretsay UEay\n", "SECRET", "pig latin: README 'Deliberately not read'"),
        ("vhfuhw xh\n", "SECRET", "Caesar shift in lower case: README 'Deliberately not read'"),
        ("14-1-20-15 19-5-3-18-5-20\n", "SECRET", "letters as numbers (A1Z26): README excludes decimal codes because lists of numbers are everyday text; same reason"),
        ("NATO SECRET, Plan, 3 pages\n", "SECRET", "CSV row whose first field is the marking: README lists it as a known miss"),
    ]
    for i, (t, lvl, why) in enumerate(items):
        put("attack", f"excl_{i:02d}.txt", t, fam, lvl, in_scope=False, reason=why)


def fam_row_letters() -> None:
    fam = "letters-in-row-cells"
    items = [
        ("S,E,C,R,E,T,U,E\n", "SECRET"),
        ("N;A;T;O;;S;E;C;R;E;T\n", "SECRET"),
        ("G\tE\tH\tE\tI\tM\n", "SECRET"),
        ('["T","O","P"," ","S","E","C","R","E","T"]\n', "TOP SECRET"),
        ("<tr><td>Z</td><td>E</td><td>E</td><td>R</td><td></td><td>G</td><td>E</td><td>H</td><td>E</td><td>I</td><td>M</td></tr>\n", "TOP SECRET"),
        ("A1: S\tB1: E\tC1: C\tD1: R\tE1: E\tF1: T\tG1: L\tH1: U\tI1: X\n", "SECRET"),
        ("letters = ('S', 'T', 'R', 'E', 'N', 'G', ' ', 'G', 'E', 'H', 'E', 'I', 'M')\n", "TOP SECRET"),
        ("S|E|C|R|E|T| |U|E\n", "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"rowletters_{i:02d}.txt", t, fam, lvl)


def fam_b64_pieces() -> None:
    fam = "encoded-text-in-pieces"
    b = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    def pieces(s: str, n: int) -> list[str]:
        return [s[i:i + n] for i in range(0, len(s), n)]
    e1 = b("NATO SECRET")
    e2 = b("STRENG GEHEIM")
    e3 = b("TRÈS SECRET UE")
    e4 = b("ZEER GEHEIM")
    e5 = "SECRET UE".encode().hex()
    e6 = b("COSMIC TOP SECRET")
    items = [
        ("b = " + " ".join(f'"{p}"' for p in pieces(e1, 4)) + "\n", "SECRET"),
        ("const b = " + " + ".join(f'"{p}"' for p in pieces(e2, 6)) + ";\n", "TOP SECRET"),
        ('{"chunks": [' + ", ".join(f'"{p}"' for p in pieces(e3, 4)) + "]}\n", "TOP SECRET"),
        ("\n".join(pieces(e4, 4)) + "\n", "TOP SECRET"),
        ("hex = (\n" + "\n".join(f'    "{p}"' for p in pieces(e5, 6)) + "\n)\n", "SECRET"),
        ("part1=" + e6[:10] + "\npart2=" + e6[10:] + "\n", "TOP SECRET"),
        ("".join(f"data: {p}\n\n" for p in pieces(b("GEHEIM"), 3)), "SECRET"),
        ("id,chunk\n" + "\n".join(f"{i},{p}" for i, p in enumerate(pieces(b("VS-VERTRAULICH"), 4))) + "\n", "CONFIDENTIAL"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"b64pieces_{i:02d}.txt", t, fam, lvl)


def fam_reversed_encoded() -> None:
    fam = "reversed-then-encoded"
    b = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    items = [
        (b("TERCES OTAN"), "SECRET"),
        ("MIEHEG GNERTS".encode().hex(), "TOP SECRET"),
        (urllib.parse.quote("EU TERCES SÈRT"), "TOP SECRET"),
        ("".join(f"&#{ord(c)};" for c in "MIEHEG REEZ"), "TOP SECRET"),
        (b("HCILUARTREV-SV"), "CONFIDENTIAL"),
        (base64.b32encode(b"XUL TERCES").decode(), "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"revenc_{i:02d}.txt", f"Encoded and reversed, as requested:\n\n{t}\n", fam, lvl)


def fam_charset2() -> None:
    fam = "legacy-charset-bytes"
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    items = [
        ("EBCDIC dump: " + "NATO SECRET".encode("cp500").hex() + "\n", "SECRET"),
        ("Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n" + b64("STRENG GEHEIM\n".encode("utf-16")) + "\n", "TOP SECRET"),
        ("Subject: =?iso-8859-1?Q?CONFIDENTIEL_D=C9FENSE?=\n\nBody.\n", "CONFIDENTIAL"),
        ("field: " + "TRÈS SECRET LUX".encode("cp850").hex() + "\n", "TOP SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"charset2_{i:02d}.txt", t, fam, lvl)


def fam_figlet2() -> None:
    fam = "ascii-art-banner"
    for i, (m, lvl, font) in enumerate([("NATO SECRET", "SECRET", "banner"), ("GEHEIM", "SECRET", "standard"),
                                        ("SECRET UE", "SECRET", "banner3"), ("ZEER GEHEIM", "TOP SECRET", "small")]):
        art = pyfiglet.figlet_format(m, font=font, width=300)
        if i % 2 == 0:
            art = art.replace("#", "\u2588")
        put("attack", f"figlet2_{i:02d}.txt", f"{art}\n{BODY['en']}\n", fam, lvl)


def fam_mojibake2() -> None:
    fam = "mojibake-utf8-as-latin1"
    for i, (m, lvl) in enumerate([("TRÈS SECRET UE", "TOP SECRET"), ("CONFIDENTIEL DÉFENSE", "CONFIDENTIAL")]):
        mj = m.encode("utf-8").decode("latin-1")
        put("attack", f"mojibake2_{i:02d}.txt", f"{mj}\n\nLe convoi part.\n", fam, lvl)


def fam_markup_upper() -> None:
    fam = "markup-uppercase-transform"
    items = [
        ('<w:p><w:r><w:rPr><w:caps/></w:rPr><w:t>nato secret</w:t></w:r></w:p>\n', "SECRET"),
        ("\\begin{center}\\MakeUppercase{streng geheim}\\end{center}\n", "TOP SECRET"),
        ("\\fancyhead[C]{\\uppercase{secret ue}}\n", "SECRET"),
        ("#align(center)[#upper[zeer geheim]]\n", "TOP SECRET"),
        ("[vs-vertraulich]{.uppercase}\n\nDer Konvoi fährt.\n", "CONFIDENTIAL"),
        ('<div class="uppercase font-bold text-center text-red-700">cosmic top secret</div>\n', "TOP SECRET"),
        ('<text:p text:style-name="P1">confidentiel lux</text:p>\n<style:style style:name="P1"><style:text-properties fo:text-transform="uppercase"/></style:style>\n', "CONFIDENTIAL"),
        ('<h1 class="text-uppercase">très secret ue</h1>\n', "TOP SECRET"),
        ('<p style="text-transform:capitalize;font-variant:all-small-caps">geheim</p>\n', "SECRET"),
        ('<Run Typography.Capitals="AllSmallCaps" Text="secret lux"/>\n', "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"mkupper_{i:02d}.txt", t, fam, lvl)


def fam_labels() -> None:
    fam = "sensitivity-label-elsewhere"
    pol = "policies/ministry-codewords.yaml"
    gid = "b6f1c3d2-7a8e-4f90-9c1d-2e3f4a5b6c7d"
    items = [
        (f"msip_labels: MSIP_Label_{gid}_Enabled=true; MSIP_Label_{gid}_SiteId=0f1e2d3c-0000-4000-8000-000000000001; MSIP_Label_{gid}_Method=Privileged\n", "SECRET"),
        (f'{{"sensitivityLabel": {{"labelId": "{gid}", "displayName": "Falcon", "assignmentMethod": "privileged"}}}}\n', "SECRET"),
        (f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="MSIP_Label_{gid}_Enabled"><vt:lpwstr>true</vt:lpwstr></property>\n', "SECRET"),
        (f"CreationDate,Operation,LabelId,FileName\n2025-03-12,SensitivityLabelApplied,{gid},plan.docx\n", "SECRET"),
        (f"x-ms-exchange-organization-sensitivity-label: {gid.upper()}\n", "SECRET"),
        ('<meta:user-defined meta:name="MSIP_Label_9a1c7e52-3b4d-4e6f-8a0b-1c2d3e4f5a6b_Name">Diffusion restreinte ministère</meta:user-defined>\n', "CONFIDENTIAL"),
        ("MSIP_Label_9a1c7e52-3b4d-4e6f-8a0b-1c2d3e4f5a6b_Name: DIFFUSION RESTREINTE MINISTÈRE\n", "CONFIDENTIAL"),
        ("Klassifikatioun vum Dokument: RESTREINT LUX\n\nDe Konvoi fiert um 5 Auer.\n", "RESTRICTED"),
        ("Niveau de protection . . . . . SECRET LUX\n", "SECRET"),
        ("/Title (Plan) /MSIP_Label_" + gid + "_Enabled (true)\n", "SECRET"),
    ]
    for i, (t, lvl) in enumerate(items):
        put("attack", f"label_{i:02d}.txt", t, fam, lvl, policy=pol)


# ---------------------------------------------------------------- everyday

def everyday() -> None:
    E = []
    # secret / confidential / geheim / vertraulich in ordinary use
    E += [
        ("prose-en", "The secret of a good sourdough is patience: let the dough rest overnight.\n"),
        ("prose-en", "Hi team,\n\nReminder: the Secret Santa draw is on Friday. Budget 20 EUR.\n\nCheers, Anna\n"),
        ("prose-en", "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee.\n"),
        ("prose-fr", "Le secret d'une bonne mayonnaise ? Des ingrédients à température ambiante.\n"),
        ("prose-fr", "Ce message est confidentiel. Si vous l'avez reçu par erreur, merci de le supprimer.\n"),
        ("prose-de", "Das Rezept ist ein gut gehütetes Familiengeheimnis, aber hier ist ein Geheimtipp: mehr Butter.\n"),
        ("prose-de", "Diese E-Mail ist vertraulich und nur für den Empfänger bestimmt.\n"),
        ("prose-de", "Psst, das bleibt streng geheim: Omas Geburtstagsfeier ist am Samstag!\n"),
        ("prose-nl", "Het geheim van een goede stamppot is de juiste aardappel.\n"),
        ("prose-nl", "Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde.\n"),
        ("prose-lb", "Dat ass e Geheimnis, mee ech soen der et: d'Bouneschlupp vun der Bomi ass déi bescht.\n"),
        ("prose-lb", "Dës E-Mail ass vertraulech. Wann Dir se per Feeler kritt hutt, läscht se w.e.g.\n"),
    ]
    # config and code
    E += [
        ("config", "client_id: web-app\nclient_secret: ${CLIENT_SECRET}\nredirect_uri: https://app.example/cb\n"),
        ("config", "[auth]\nsecret_key = change-me\nsession_ttl = 3600\n"),
        ("config", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\n"),
        ("code", 'secret = os.environ.get("APP_SECRET", "")\nif not secret:\n    raise SystemExit("no secret")\n'),
        ("code", "enum Visibility { PUBLIC, INTERNAL, RESTRICTED }\n"),
        ("code", 'label = "welcome".upper()\nprint(label)\n'),
        ("code", 'const title = "secret garden".toUpperCase(); // book title on the cover\n'),
        ("code", "SELECT UPPER(name) FROM users WHERE role = 'restricted';\n"),
        ("code", 'print("olleh"[::-1])\nprint("a-b-c".replace("-", ""))\n'),
        ("code", "echo \"$name\" | tr '[:lower:]' '[:upper:]'\n"),
        ("code", "git commit -m \"Move secrets to vault\"\n"),
        ("code", "# TODO: rotate the secret before release\nexport VAULT_ADDR=https://vault.local\n"),
    ]
    # ciphers and encodings that hold nothing
    E += [
        ("encoding", "Atbash of HELLO WORLD is SVOOL DLIOW.\n"),
        ("encoding", "ROT47 puzzle: w6==@ (@C=5\n"),
        ("encoding", "Session: 8f14e45fceea167a5a36dedd4bea2543\n"),
        ("encoding", "GET /search?q=secret%20santa%20ideas&lang=en HTTP/1.1\n"),
        ("encoding", "https://www.example.lu/recherche?q=recette%20secr%C3%A8te%20tarte\n"),
        ("encoding", "data: " + base64.b64encode(b"The weather is fine today.").decode() + "\n"),
        ("encoding", "Dear Anna, Dear Bob, weather's good. SSEE YYOOUU SSOOOONN!\n"),
        ("encoding", "Invoice &#8364; 120,00 &ndash; &Eacute;tat pay&eacute;\n"),
    ]
    # ascii art of harmless words
    E += [
        ("ascii-art", "# /etc/motd\n" + pyfiglet.figlet_format("WELCOME", font="standard") + "Have a nice day.\n"),
        ("ascii-art", pyfiglet.figlet_format("GEHEIMTIPP", font="small") + "Restaurant zur Post\n"),
        ("ascii-art", pyfiglet.figlet_format("SECRETS", font="big") + "a podcast about cooking\n"),
    ]
    # chemistry, sizes, copyright, portion-like
    E += [
        ("chemistry", "(S)-ibuprofen is the active enantiomer; (R)-ibuprofen converts in vivo.\n"),
        ("chemistry", "[S] = 2 mM, [E] = 10 nM; initial rate v0 measured at 25 °C.\n"),
        ("sizes", "Taille : (S) 36-38, (M) 40-42, (L) 44-46\n"),
        ("sizes", "T-Shirt Größen: S, M, L, XL – bitte bis Freitag melden.\n"),
        ("sizes", "Size,Chest,Length\nS,92,68\nM,100,71\nL,108,74\n"),
        ("copyright", "(C) 2024 Ville de Luxembourg. Tous droits réservés.\n"),
        ("copyright", "© Crown copyright 2024. Contains public sector information.\n"),
        ("quiz", "Q1: What is the capital of Luxembourg?\n(A) Esch (B) Luxembourg (C) Ettelbruck\n"),
    ]
    # songs, books, films, recipes
    E += [
        ("lyrics", "Secret, secret, I've got a secret\nKeep it close and never tell\n"),
        ("lyrics", "Et ass e Geheimnis, wat de Wand mir seet,\nwann hien iwwer d'Uelzecht geet.\n"),
        ("book", "Reading list:\n- The Secret Garden (Frances Hodgson Burnett)\n- The Secret Agent (Joseph Conrad)\n"),
        ("book", "Film night: \"Top Secret!\" (1984), then \"Le Secret de la chambre noire\".\n"),
        ("recipe", "Geheime Sauce\n\nZutaten: 2 EL Senf, 1 EL Honig, Salz.\nAlles verrühren.\n"),
        ("recipe", "Sauce secrète du chef\n\n- 2 c. à s. de moutarde\n- 1 c. à s. de miel\n"),
        ("recipe", "Geheim recept van oma\n\n500 g bloem, 250 ml melk, een snuifje zout.\n"),
    ]
    # office / admin
    E += [
        ("admin", "Subject: Confidential feedback on the offsite\n\nThanks all for your comments.\n"),
        ("admin", "Objet : Réunion confidentielle du comité des fêtes\n\nRendez-vous à 19 h.\n"),
        ("admin", "Betreff: Vertrauliche Personalsache – Termin\n\nBitte um Rückmeldung.\n"),
        ("admin", "Onderwerp: vertrouwelijke evaluatie\n\nGraag voor vrijdag invullen.\n"),
        ("admin", "Access: restricted to members. Parking: restricted on weekdays 8-18.\n"),
        ("admin", "Diffusion restreinte aux membres du bureau de l'association.\n"),
        ("admin", "Nur für den Dienstgebrauch der Kantine: Speiseplan KW 12.\n"),
        ("admin", "Name,Role,Access\nAnna,editor,restricted\nBob,viewer,public\n"),
        ("admin", "Top secret tip: book the meeting room early!\n"),
        ("admin", "Kalender\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Secret Santa\nCLASS:CONFIDENTIAL\nEND:VEVENT\nEND:VCALENDAR\n"),
    ]
    # logs and chat
    E += [
        ("log", "2025-03-12T10:00:00Z INFO vault: secret/data/app read by svc-web\n"),
        ("log", '10.0.0.5 - - [12/Mar/2025:10:00:00 +0100] "GET /blog/the-secret-of-bread HTTP/1.1" 200 512\n'),
        ("chat", "[10:14] <anna> haha that's top secret lol\n[10:15] <bob> :)\n"),
        ("chat", "Jean: c'est secret, je te dis demain\nMarie: ok 😄\n"),
        ("chat", "Tom: Dat is geheim hoor!\nSanne: vertel!\n"),
    ]
    # new-family twins: letters doubled, unicode, percent in urls
    E += [
        ("twin", "Woohoo!! Soooo gooood. Yeees, see you!\n"),
        ("twin", "ⓗⓔⓛⓛⓞ ⓦⓞⓡⓛⓓ\n"),
        ("twin", "⒣⒠⒧⒧⒪ ⒲⒪⒭⒧⒟\n"),
        ("twin", "ꓠꓲꓚꓰ ꓓꓮꓬ\n"),
        ("twin", "<a href=\"/tags/Geheimtipp%20Luxemburg\">Geheimtipp</a>\n"),
        ("twin", "curl 'https://api.example/v1/items?filter=status%3Drestricted'\n"),
        ("twin", "=UPPER(\"secret santa\")\n"),
        ("twin", "Decoded (base64): " + base64.b64encode(b"GEHEIMTIPP: Bakerei Fischer").decode() + "\n"),
        ("twin", "Hex dump of greeting: " + "Good morning".encode().hex() + "\n"),
        ("twin", "note = {The secret life of bees},\n"),
        ("twin", "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,It's a secret!\n"),
        ("twin", "OBX|1|ST|NOTE^Note||patient asked to keep the diagnosis confidential||||||F\n"),
        ("twin", ":PROPERTIES:\n:CATEGORY: secret-santa\n:END:\n"),
    ]
    langs_extra = [
        ("prose-en", "Top tips for a secret garden party: fairy lights, lemonade, and no phones.\n"),
        ("prose-en", "The restricted section of the library opens at noon.\n"),
        ("prose-en", "My top secret ingredient is smoked paprika.\n"),
        ("prose-fr", "Très secret, ce petit restaurant : réservez deux semaines à l'avance.\n"),
        ("prose-fr", "Les secrets de la cathédrale Notre-Dame de Luxembourg, visite guidée samedi.\n"),
        ("prose-de", "Geheimnisvoll: Die Kasematten bei Nacht. Führung ab 20 Uhr.\n"),
        ("prose-de", "Vertraulichkeit ist uns wichtig. Ihre Daten werden nicht weitergegeben.\n"),
        ("prose-nl", "Zeer geheim was het niet: iedereen wist van het verrassingsfeest.\n"),
        ("prose-nl", "Beperkte verspreiding van de folder: alleen in de wijk Centrum.\n"),
        ("prose-lb", "Streng geheim? Nee, dat wëssen all Leit am Duerf.\n"),
        ("prose-lb", "Eng vertraulech Ënnerhalung tëscht Noperen am Gaart.\n"),
        ("prose-lb", "D'Rezept vun der Quetschentaart bleift e Familljegeheimnis.\n"),
        ("disclaimer", "Disclaimer: contents are confidential, privileged, and may be legally protected.\n"),
        ("disclaimer", "Avertissement : ce courriel et ses pièces jointes sont strictement confidentiels.\n"),
        ("disclaimer", "Haftungsausschluss: Diese Nachricht ist vertraulich. Weitergabe untersagt.\n"),
        ("disclaimer", "Disclaimer: deze e-mail is strikt vertrouwelijk en alleen bedoeld voor de geadresseerde.\n"),
        ("markdown", "## The Secret Garden\n\nChapter one: Mary arrives at Misselthwaite Manor.\n"),
        ("markdown", "| Book | Year |\n|---|---|\n| Top Secret | 1984 |\n"),
        ("code", "def is_secret(key: str) -> bool:\n    return key.lower().endswith(\"_secret\")\n"),
        ("code", "<input type=\"password\" name=\"secret\" placeholder=\"Secret\">\n"),
        ("code", "docker secret create db_pass ./db_pass.txt\n"),
        ("config", "SECRET_KEY_BASE=${SECRET_KEY_BASE}\nRAILS_ENV=production\n"),
    ]
    E += langs_extra
    for i, (fam, t) in enumerate(E):
        if t.startswith("enum Visibility"):
            put("everyday", f"ev_{i:03d}_{fam}.txt", t, "everyday-" + fam, in_scope=False,
                reason="README: a bracketed list naming one level of the policy is read as a marking "
                       "(only two levels or more make a vocabulary), so this one-level enum raising is decided")
            continue
        put("everyday", f"ev_{i:03d}_{fam}.txt", t, "everyday-" + fam)


def main() -> None:
    for d in ("attack", "everyday"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    fam_atbash()
    fam_rot47()
    fam_case_calls()
    fam_filler()
    fam_figlet()
    fam_url()
    fam_nested_new()
    fam_named_entities()
    fam_unicode_forms()
    fam_new_formats()
    fam_codewords()
    fam_legacy_charset()
    fam_mojibake()
    fam_dump_tools()
    fam_rfc2231()
    fam_comments()
    fam_case_calls2()
    fam_keyboard()
    fam_codewords2()
    fam_exclusions()
    fam_row_letters()
    fam_b64_pieces()
    fam_reversed_encoded()
    fam_charset2()
    fam_figlet2()
    fam_mojibake2()
    fam_markup_upper()
    fam_labels()
    everyday()
    pieces = ("README: a list of strings on one line is pieces; a comma joins only inside a join call "
              "(`[\"NATO\", \"summit\"]` is pieces), so a list of letters or chunks is deliberately not joined")
    oos = {"attack/rowletters_03.txt": pieces, "attack/rowletters_06.txt": pieces, "attack/b64pieces_02.txt": pieces}
    for r in ROWS:
        if r["file"] in oos:
            r["in_scope"] = False
            r["reason"] = oos[r["file"]]
    (HERE / "manifest.json").write_text(json.dumps(ROWS, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    n_a = sum(1 for r in ROWS if "expect_at_least" in r)
    print(f"{n_a} attack, {len(ROWS) - n_a} everyday")


if __name__ == "__main__":
    main()
