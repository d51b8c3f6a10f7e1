"""Write the round-9 held-out probes and manifest.json (run once; files are committed)."""

from __future__ import annotations

import base64
import codecs
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ATT = HERE / "attack"
EVD = HERE / "everyday"

entries: list[dict[str, object]] = []
_n = {"a": 0, "e": 0}


def b64(s: str, enc: str = "utf-8") -> str:
    return base64.b64encode(s.encode(enc)).decode()


def hx(s: str) -> str:
    return s.encode().hex()


def A(
    family: str,
    level: str,
    text: str,
    ext: str = "txt",
    in_scope: bool = True,
    why: str = "",
    policy: str = "default",
) -> None:
    _n["a"] += 1
    name = f"a{_n['a']:03d}-{family}.{ext}"
    (ATT / name).write_bytes(text.encode("utf-8"))
    e: dict[str, object] = {
        "file": f"attack/{name}",
        "expect_at_least": level,
        "family": family,
        "in_scope": in_scope,
    }
    if not in_scope:
        e["reason"] = why
    if policy != "default":
        e["policy"] = policy
    entries.append(e)


def E(family: str, lang: str, text: str, ext: str = "txt", policy: str = "default") -> None:
    _n["e"] += 1
    name = f"e{_n['e']:03d}-{family}-{lang}.{ext}"
    (EVD / name).write_bytes(text.encode("utf-8"))
    e: dict[str, object] = {
        "file": f"everyday/{name}",
        "expect_exactly": "UNCLASSIFIED",
        "family": "everyday-" + family,
        "lang": lang,
        "in_scope": True,
    }
    if policy != "default":
        e["policy"] = policy
    entries.append(e)


MC = "ministry-codewords"
TS, S, C, R = "TOP SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED"


def attacks() -> None:
    # ---- OCR output -------------------------------------------------------------------
    A("ocr", S, "M1NISTERE DE LA DEFENSE\n\nNAT0 SECRET\n\nOb jet : Mouvement du convoi\nLe convoi part a l'aube.\n")
    A("ocr", S, "Page l of 3\n\n5ECRET UE\n\nCouncil of the European Union\nBrussels, 12 March 2025\n")
    A("ocr", TS, "- 2 -\nC0SMIC T0P SECRET\nANNEX B TO OPORD 3/24\nExecution phase two begins at H+6.\n")
    A("ocr", C, "BUNDESMINISTERIUM\n\nVS-VERTRAUL1CH\n\nBetreff: Lagebild Nord\nDie Einheit verlegt am Montag.\n")
    A("ocr", C, "CONFlDENTIEL DEFENSE\n\nNote n° 0412/DEF/EMA\nLe detachement rejoint Gao.\n")
    A("ocr", S, "SECRE T\nMinutes of the steering group\nItem 1: budget.\n")
    A("ocr", R, "NATO RESTRlCTED\n\nSubject: Exercise schedule\nPhase 1 starts on 3 May.\n")
    # ---- PDF text with layout --------------------------------------------------------
    A("pdf-layout", S, "NATO SECRET                                                          Copy 3 of 5\n\nAnnex B to OPORD 3/24\n\n1. Situation. Enemy forces hold the bridge.\n\n\fNATO SECRET                                                          Page 2 of 4\n")
    A("pdf-layout", TS, "Ministère des Armées          TRÈS SECRET          Paris, le 3 mars 2025\n\nObjet : plan de relève\n")
    A("pdf-layout", R, "   Bundeswehr                                  VS-NUR FÜR DEN DIENSTGEBRAUCH\n\n   Az. 31-02-05\n   Betreff: Ausbildung\n")
    A("pdf-layout", C, "Page 4 of 9                       CONFIDENTIEL UE                 ST 1234/25\n\nThe Council notes the proposal.\n")
    # ---- XML ---------------------------------------------------------------------------
    A("xml", S, '<?xml version="1.0"?>\n<document>\n  <header>\n    <classification>\n      NATO SECRET\n    </classification>\n  </header>\n  <body>Convoy plan</body>\n</document>\n', "xml")
    A("xml", S, '<?xml version="1.0"?>\n<ism:Resource xmlns:ism="urn:us:gov:ic:ism" ism:classification="S" ism:ownerProducer="USA" ism:disseminationControls="NF"/>\n', "xml")
    A("xml", TS, '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40">\n  <rect width="600" height="40" fill="orange"/>\n  <text x="300" y="28" text-anchor="middle" font-size="24">COSMIC TOP SECRET</text>\n</svg>\n', "svg")
    A("xml", C, '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">\n <Worksheet ss:Name="Plan">\n  <Table>\n   <Row><Cell><Data ss:Type="String">Marking</Data></Cell><Cell><Data ss:Type="String">NATO CONFIDENTIAL</Data></Cell></Row>\n  </Table>\n </Worksheet>\n</Workbook>\n', "xml")
    A("xml", R, '<w:p><w:r><w:t xml:space="preserve">RESTREINT </w:t></w:r><w:r><w:t>UE</w:t></w:r></w:p>\n<w:p><w:r><w:t>Council working party, agenda.</w:t></w:r></w:p>\n', "xml", in_scope=False, why="README known miss: a docx run split in WordprocessingML pasted as text")
    # ---- JSON --------------------------------------------------------------------------
    A("json", S, '{\n  "id": 4711,\n  "title": "Convoy plan",\n  "classification": "SECRET UE",\n  "copies": 3\n}\n', "json")
    A("json", TS, '{\n  "meta": {\n    "marking": {\n      "level": "TOP SECRET",\n      "caveats": ["NOFORN"]\n    }\n  }\n}\n', "json")
    A("json", S, '{"cells": [{"cell_type": "markdown", "source": ["# NATO SECRET\\n", "\\n", "Convoy analysis notebook"]}], "nbformat": 4}\n', "ipynb")
    A("json", C, '[{"ts": "2025-03-12T10:14:02Z", "user": "jm", "text": "*CONFIDENTIEL DÉFENSE*\\nRéunion déplacée à 14 h."}]\n', "json")
    A("json", S, '{"securityMarking":"GEHEIM","betreff":"Lagebild","az":"31-02"}\n', "json")
    # ---- YAML --------------------------------------------------------------------------
    A("yaml", TS, "---\ntitle: Operations order\nsecurity_marking: STRENG GEHEIM\ndate: 2025-03-12\n", "yaml")
    A("yaml", S, "banner: |\n  NATO SECRET\nbody: >\n  The convoy leaves at dawn from the northern depot.\n", "yaml")
    A("yaml", C, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: brief\n  annotations:\n    classification: \"NATO CONFIDENTIAL\"\ndata:\n  text: convoy\n", "yaml")
    A("yaml", S, "- doc: 17\n  niveau_de_classification: SECRET DÉFENSE\n  objet: relève\n", "yaml")
    # ---- CSV / TSV / spreadsheets --------------------------------------------------------
    A("csv", S, "id;titre;classification;auteur\n1;Plan de relève;SECRET;EMA\n2;Budget;NON PROTÉGÉ;DAF\n", "csv")
    A("csv", C, "Ref,Subject,Einstufung\n17,Lagebild,VS-VERTRAULICH\n", "csv")
    A("csv", TS, "doc\tpages\tmarking\nplan-b\t12\tTRÈS SECRET UE\n", "tsv")
    A("csv", S, "A1: Document\tB1: Convoy brief\nA2: Classification\tB2: NATO SECRET\n")
    A("csv", S, '=CONCATENATE("NATO ";"SEC";"RET")\nConvoy brief for 3 March\n', "csv")
    A("csv", S, '="NATO "&"SEC"&"RET"\n', "csv")
    # ---- TOML / INI / registry / env ---------------------------------------------------
    A("toml", S, '[document]\ntitle = "Convoy plan"\nclassification = "NATO SECRET"\ncopies = 3\n', "toml")
    A("ini", C, "[Header]\nClassification=CONFIDENTIEL LUX\nAuthor=jm\n", "ini")
    A("ini", S, 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Banner]\n"Classification"="SECRET UE"\n', "reg")
    A("ini", TS, "DOC_ID=4711\nDOC_CLASSIFICATION=TOP SECRET\nDOC_TITLE=plan\n", "env")
    A("ini", C, "Dockerfile\nFROM alpine:3.19\nLABEL org.example.classification=\"NATO CONFIDENTIAL\"\nCOPY brief.txt /srv/\n")
    # ---- RTF / LaTeX / troff / org / rst ------------------------------------------------
    A("rtf", TS, "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\n\\pard\\qc{\\b\\fs32 TR\\'c8S SECRET UE}\\par\n\\pard Council document\\par\n}\n", "rtf")
    A("rtf", S, "{\\rtf1\\ansi\n{\\header \\pard\\qc NATO SECRET\\par}\n\\pard The convoy leaves at dawn.\\par\n}\n", "rtf")
    A("latex", S, "\\documentclass{article}\n\\usepackage{fancyhdr}\n\\pagestyle{fancy}\n\\lhead{}\\chead{\\textsc{nato secret}}\\rhead{}\n\\begin{document}\nConvoy plan.\n\\end{document}\n", "tex")
    A("latex", C, "\\documentclass{article}\n\\newcommand{\\classification}{CONFIDENTIEL DÉFENSE}\n\\begin{document}\n\\classification\n\nNote de service.\n\\end{document}\n", "tex")
    A("latex", TS, "\\begin{center}\n\\colorbox{orange}{\\Large COSMIC TOP SECRET}\n\\end{center}\nAnnex B.\n", "tex")
    A("troff", S, ".ce 1\nNATO SECRET\n.sp\n.PP\nThe convoy leaves at dawn.\n", "ms")
    A("troff", C, ".TL\nCONFIDENTIEL UE\n.AU\nGroupe de travail\n.PP\nLe groupe se réunit jeudi.\n", "ms")
    A("org", S, "#+TITLE: SECRET UE\n#+AUTHOR: jm\n* Background\nThe working party met on Thursday.\n", "org")
    A("rst", TS, "=================\nCOSMIC TOP SECRET\n=================\n\nAnnex B\n-------\n\nExecution.\n", "rst")
    # ---- e-mail / MIME ------------------------------------------------------------------
    A("mime", S, "From: ops@example.mil\nTo: j2@example.mil\nSubject: convoy\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + b64("NATO SECRET\n\nThe convoy leaves at dawn from the northern depot and reaches the bridge by noon.\n") + "\n", "eml")
    A("mime", C, "From: a@example.lu\nSubject: =?iso-8859-1?Q?CONFIDENTIEL_D=C9FENSE?=\nDate: Wed, 12 Mar 2025 10:00:00 +0100\n\nVoir piece jointe.\n", "eml")
    A("mime", S, 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=47=45=48=45=49=4D\n\nLagebericht Nord.\n--b1--\n', "eml")
    A("mime", TS, "X-Classification: TOP SECRET//NOFORN\nFrom: a@example.gov\nSubject: weekly\n\nSee attachment.\n", "eml")
    A("mime", S, "Hi,\n\nforwarding below.\n\n-------- Forwarded Message --------\nSubject: Re: plan\n> > NATO SECRET\n> >\n> > The convoy leaves at dawn.\n", "eml")
    A("mime", C, "Thanks,\nJean\n-- \nJean Muller | J2 Branch\nNATO CONFIDENTIAL\n", "eml")
    # ---- subtitles / chat / logs --------------------------------------------------------
    A("subtitles", S, "1\n00:00:01,000 --> 00:00:03,000\nNATO\n\n2\n00:00:03,100 --> 00:00:05,000\nSECRET\n\n3\n00:00:05,100 --> 00:00:08,000\nThe convoy leaves at dawn.\n", "srt")
    A("subtitles", TS, "WEBVTT\n\n00:00.000 --> 00:02.000\n<b>TRÈS SECRET UE</b>\n\n00:02.000 --> 00:05.000\nBriefing du Conseil.\n", "vtt")
    A("chat", S, "[12.03.25, 10:14:02] Jean Muller: GEHEIM\n[12.03.25, 10:14:30] Jean Muller: Lagebild folgt\n")
    A("chat", C, "Jean Muller — Today at 10:14\n**NATO CONFIDENTIAL**\nmeeting moved to 14:00\n")
    A("chat", S, '{"type":"message","user":"U024BE7LH","text":":lock: SECRET UE :lock:","ts":"1710238442.000200"}\n', "json")
    A("chat", TS, "10:14 <jm> COSMIC TOP SECRET\n10:14 <jm> annex follows\n", "log")
    A("log", S, '2025-03-12T10:00:00.123Z INFO exporter {"doc":4711,"classification":"NATO_SECRET","pages":12}\n', "log")
    A("log", C, "Mar 12 10:00:00 gw01 mailfilter[812]: msg=4711 tag=[CONFIDENTIEL LUX] action=deliver\n", "log")
    A("log", S, "time=\"2025-03-12T10:00:00Z\" level=info msg=\"export\" classification=\"SECRET UE\" doc=4711\n", "log")
    A("log", R, "192.0.2.7 - - [12/Mar/2025:10:00:00 +0100] \"GET /docs?id=7&marking=NATO%20RESTRICTED HTTP/1.1\" 200 512\n", "log")
    # ---- diff / patch --------------------------------------------------------------------
    A("diff", S, "--- a/brief.md\n+++ b/brief.md\n@@ -1,3 +1,4 @@\n+NATO SECRET\n # Convoy brief\n \n The convoy leaves at dawn.\n", "patch")
    A("diff", TS, "diff --git a/banner.txt b/banner.txt\n--- a/banner.txt\n+++ b/banner.txt\n@@ -1 +1 @@\n-UNCLASSIFIED\n+TOP SECRET//SI//NOFORN\n", "patch")
    A("diff", C, "@@ -10,7 +10,7 @@ def banner():\n-    return \"UNCLASSIFIED\"\n+    return \"CONFIDENTIEL UE\"\n", "patch")
    # ---- source code in many languages ------------------------------------------------
    A("code", S, 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("NATO SECRET")\n}\n', "go")
    A("code", TS, 'fn main() {\n    println!("TOP SECRET//NOFORN");\n}\n', "rs")
    A("code", S, '#include <stdio.h>\nint main(void) { puts("SECRET UE"); return 0; }\n', "c")
    A("code", C, 'main :: IO ()\nmain = putStrLn "NATO CONFIDENTIAL"\n', "hs")
    A("code", S, 'puts "GEHEIM"\nputs "Lagebild Nord"\n', "rb")
    A("code", TS, "section .data\nbanner: db \"COSMIC TOP SECRET\", 10, 0\n", "asm")
    A("code", S, 'print(f"{\'NATO\'} SECRET")\n', "py")
    A("code", S, "my $banner = <<'END';\nSECRET LUX\nEND\nprint $banner;\n", "pl")
    A("code", C, "$banner = @\"\nCONFIDENTIEL DÉFENSE\n\"@\nWrite-Output $banner\n", "ps1")
    A("code", S, 'const banner = `NATO ${"SEC"}RET`;\nconsole.log(banner);\n', "js")
    A("code", TS, 'val banner = """\n    |TRÈS SECRET LUX\n    """.trimMargin()\nprintln(banner)\n', "kt")
    A("code", S, "banner:\n\t@echo 'NATO SECRET'\n\t@cat body.txt\n", "mk")
    A("code", C, "-- migration 0042\nALTER TABLE docs ALTER COLUMN marking SET DEFAULT 'NATO CONFIDENTIAL';\n", "sql")
    A("code", S, "# classification banner printed on every page\nBANNER = 'SECRET UE'\n", "py")
    A("code", S, "String s = \"\\u004E\\u0041\\u0054\\u004F \\u0053\\u0045\\u0043\\u0052\\u0045\\u0054\";\n", "java")
    A("code", TS, "#!/bin/sh\necho -e '\\x54\\x4f\\x50 \\x53\\x45\\x43\\x52\\x45\\x54' > /etc/motd\n", "sh")
    A("code", S, "message Doc {\n  string classification = 1; // e.g. \"NATO SECRET\"\n}\ndoc { classification: \"NATO SECRET\" }\n", "txtpb")
    # ---- ASCII art / decoration ----------------------------------------------------------
    A("boxart", S, "+-------------------+\n|    NATO SECRET    |\n+-------------------+\nConvoy brief\n")
    A("boxart", TS, "╔═══════════════════════╗\n║   COSMIC TOP SECRET   ║\n╚═══════════════════════╝\n")
    A("boxart", C, "*****  CONFIDENTIEL UE  *****\n\nNote au groupe.\n")
    A("boxart", S, "🔒 NATO SECRET 🔒\n\nConvoy leaves at dawn.\n")
    A("boxart", S, "【SECRET UE】\n会議の記録\n")
    A("boxart", R, "=== RESTREINT UE ===\nAgenda of the working party.\n")
    # ---- separators / spacing ------------------------------------------------------------
    A("separators", S, "N.A.T.O. S.E.C.R.E.T.\nConvoy brief\n")
    A("separators", TS, "T~O~P S~E~C~R~E~T\nAnnex B\n")
    A("separators", S, "S·E·C·R·E·T U·E\nNote\n")
    A("separators", C, "C_O_N_F_I_D_E_N_T_I_A_L\nMinutes\n")
    A("separators", S, "G e h e i m\n".upper() + "Lagebild\n")
    A("separators", S, "NATO\u00a0SECRET\nBrief\n")
    A("separators", TS, "TOP\u3000SECRET\nAnnex\n")
    A("separators", S, "S • E • C • R • E • T\nBrief\n")
    # ---- look-alikes / fancy text --------------------------------------------------------
    A("lookalike", S, "ＮＡＴＯ ＳＥＣＲＥＴ\nBrief\n")
    A("lookalike", S, "𝐒𝐄𝐂𝐑𝐄𝐓 𝐔𝐄\nNote\n")
    A("lookalike", TS, "𝕋𝕆ℙ 𝕊𝔼ℂℝ𝔼𝕋\nAnnex\n")
    A("lookalike", S, "ᏚᎬᏟᏒᎬᎢ\nBrief\n")
    A("lookalike", C, "ⒸⓄⓃⒻⒾⒹⒺⓃⓉⒾⒶⓁ\nMinutes\n")
    A("lookalike", S, "⒮⒠⒞⒭⒠⒯ ⒰⒠\nNote\n")
    A("lookalike", S, "S\u0336E\u0336C\u0336R\u0336E\u0336T\u0336\nBrief\n")
    A("lookalike", TS, "T\u0332O\u0332P\u0332 S\u0332E\u0332C\u0332R\u0332E\u0332T\u0332\nAnnex\n")
    A("lookalike", S, "ˢᴱᶜᴿᴱᵀ\nBrief\n")
    A("lookalike", S, "ΝΑΤΟ ЅΕϹRΕΤ\nBrief\n")
    A("lookalike", S, "𝖦𝖤𝖧𝖤𝖨𝖬\nLagebild\n")
    # ---- invisible characters ------------------------------------------------------------
    A("invisible", S, "SEC\ufeffRET UE\nNote\n")
    A("invisible", S, "N\u034fA\u034fT\u034fO S\u034fE\u034fC\u034fR\u034fE\u034fT\nBrief\n")
    A("invisible", TS, "TOP SE\u180eCRET\nAnnex\n")
    A("invisible", S, "S\ufe0fE\ufe0fC\ufe0fR\ufe0fE\ufe0fT\nBrief\n")
    A("invisible", C, "CONFI\u00adDENTIEL DÉFENSE\nNote\n")
    A("invisible", S, "GE\u2063HEIM\nLagebild\n")
    A("invisible", S, "SEC<span style=\"display:none\">x9q</span>RET UE\n<p>Note</p>\n", "html")
    # ---- encodings, nested ---------------------------------------------------------------
    A("encoding", S, "payload: " + b64(b64("NATO SECRET")) + "\n")
    A("encoding", S, "data:text/plain;base64," + b64("SECRET UE\nnote") + "\n")
    A("encoding", TS, "powershell -EncodedCommand " + b64("TOP SECRET", "utf-16-le") + "\n")
    A("encoding", S, "token=" + base64.urlsafe_b64encode(b"NATO SECRET").decode().rstrip("=") + "\n")
    A("encoding", S, "0x" + hx("NATO SECRET") + "\n")
    A("encoding", C, " ".join(f"{b:02x}" for b in "CONFIDENTIEL UE".encode()) + "\n")
    A("encoding", S, "%2553%2545%2543%2552%2545%2554 UE\n")
    A("encoding", S, b64(codecs.encode("NATO SECRET", "rot13")) + "\n")
    A("encoding", TS, hx(b64("TOP SECRET")) + "\n")
    A("encoding", S, "&#x4E;&#x41;&#x54;&#x4F; &#x53;&#x45;&#x43;&#x52;&#x45;&#x54;\n")
    A("encoding", S, "\\N{LATIN CAPITAL LETTER S}\\N{LATIN CAPITAL LETTER E}CRET\n")
    A("encoding", S, "Antwort (base32): " + base64.b32encode(b"GEHEIM").decode() + "\n")
    A("encoding", C, "<~" + base64.a85encode(b"NATO CONFIDENTIAL").decode() + "~>\n")
    A("encoding", TS, "begin-base64 644 banner.txt\n" + b64("COSMIC TOP SECRET\n") + "\n====\n")
    A("encoding", S, "Decode this: " + b64("S E C R E T") + "\n")
    # ---- reversed / leetspeak / case games ---------------------------------------------
    A("reversed", S, "TERCES OTAN\nBrief\n")
    A("reversed", C, "LAITNEDIFNOC\nnotes\n")
    A("reversed", S, "EU TERCES\n.nwad ta sevael yovnoc ehT\n")
    A("reversed", S, "T E R C E S\nBrief\n", in_scope=False, why="README known miss: a letter-spaced line then reversed")
    A("leet", S, "53CR37 U3\nNote\n")
    A("leet", TS, "T0P 53CR3T\nAnnex\n")
    A("leet", C, "C0NF1D3NT14L\nMinutes\n")
    A("leet", S, "5EC|2E7\nBrief\n")
    A("leet", S, "N@T0 $3CR3T\nBrief\n")
    A("case", S, "nAtO sEcReT\nBrief\n")
    A("case", TS, "tRèS sEcReT uE\nNote\n")
    A("case", R, "vS-nUr FüR dEn DiEnStGeBrAuCh\nBetreff\n")
    # ---- splitting over lines/cells/pieces -----------------------------------------------
    A("split", S, "| NATO | SECRET |\n|------|--------|\n| copy | 3      |\n", "md")
    A("split", TS, "COSMIC TOP\nSECRET\nAnnex B\n")
    A("split", S, "GE-\nHEIM\nLagebild\n")
    A("split", S, "S\nE\nC\nR\nE\nT\n\nThe convoy leaves at dawn.\n")
    A("split", C, "<td>CONFIDEN</td><td>TIEL UE</td>\n", "html")
    A("split", S, '"NATO SEC"\n"RET"\n')
    A("split", S, "banner = 'NATO SEC' \\\n         'RET'\n", "py")
    A("split", TS, "1. TOP\n2. SECRET\n3. Annex B follows.\n")
    # ---- national schemes and caveats ----------------------------------------------------
    A("scheme", C, "STG. CONFIDENTIEEL\n\nOnderwerp: oefening\n")
    A("scheme", S, "Stg.GEHEIM\n\nOnderwerp: konvooi\n")
    A("scheme", R, "BEPERKTE VERSPREIDING\n\nOnderwerp: vergadering\n")
    A("scheme", TS, "ZEER GEHEIM\n\nOnderwerp: plan\n")
    A("scheme", S, "SECRET DEFENSE - SPECIAL FRANCE\n\nObjet : relève\n")
    A("scheme", TS, "TRES SECRET UE/EU TOP SECRET\n\nCouncil\n")
    A("scheme", R, "CUI//SP-PRVCY\n\nPersonnel roster\n")
    A("scheme", R, "CONTROLLED UNCLASSIFIED INFORMATION\n\nPersonnel roster\n")
    A("scheme", TS, "TOP SECRET//HCS-P/SI-G/TK//ORCON/NOFORN\n\nSummary\n")
    A("scheme", S, "SECRET//REL TO USA, AUS, CAN, GBR, NZL\n\nSummary\n")
    A("scheme", TS, "NATO SECRET ATOMAL\n".replace("NATO SECRET ATOMAL", "COSMIC TOP SECRET BOHEMIA") + "Annex\n")
    A("scheme", R, "NUR FUER DEN DIENSTGEBRAUCH\n\nBetreff: Dienstplan\n")
    A("scheme", R, "VS – NUR FÜR DEN DIENSTGEBRAUCH\n\nBetreff: Dienstplan\n")
    A("scheme", R, "Dep. VERTROUWELIJK\n\nOnderwerp: begroting\n")
    A("scheme", S, "LUX SECRET\n\nObjet : exercice\n")
    A("scheme", S, "SECRET UE / EU SECRET – REL TO LUX\n\nNote\n")
    A("scheme", TS, "ATOMAL\n\nAnnex\n")
    # ---- portion marks where writers put them -------------------------------------------
    A("portion", S, "3.2.1 (S) The convoy leaves at dawn from the northern depot.\n")
    A("portion", S, "• (S//NF) The convoy leaves at dawn.\n• (U) Weather is fine.\n")
    A("portion", C, "## 2. (C) Logistics\n\nFuel is short.\n", "md")
    A("portion", S, "| 1 | (S) The convoy leaves at dawn | J3 |\n|---|---|---|\n", "md")
    A("portion", S, "(NS) Le convoi part à l'aube du dépôt nord.\n")
    A("portion", TS, "(CTS) Die Einheit verlegt am Montag.\n")
    A("portion", TS, "    (TS//SI//REL TO USA, FVEY) Intercepts confirm the meeting.\n")
    A("portion", S, "SUMMARY: (S) The convoy leaves at dawn.\n")
    A("portion", C, "- [ ] (C) Confirm the fuel delivery.\n", "md")
    A("portion", S, "> (S) The convoy leaves at dawn.\n")
    A("portion", R, "(CUI) Personnel roster attached.\n")
    # ---- codewords (ministry policy) ----------------------------------------------------
    A("codeword", S, '{"op": "NIGHTJAR", "phase": 2}\n', "json", policy=MC)
    A("codeword", S, "Operation Blue Heron starts Monday.\n", policy=MC)
    A("codeword", S, "N I G H T J A R\n", policy=MC)
    A("codeword", S, "moselle_shield_phase2 = True\n", "py", policy=MC)
    A("codeword", S, b64("SILVER LINDEN") + "\n", policy=MC)
    A("codeword", S, "NIGHT\u200bJAR briefing at 10:00\n", policy=MC)
    A("codeword", S, "Niveau de protection : SECRET LUX\n", policy=MC)
    A("codeword", R, "Klassifikatioun vum Dokument: RESTREINT LUX\n", policy=MC)
    A("codeword", S, "Dossier : [SECRET LUX] relève\n", policy=MC)
    # ---- phonetic / braille / new alphabets --------------------------------------------
    A("phonetic", S, "November Alfa Tango Oscar, Sierra Echo Charlie Romeo Echo Tango\n")
    A("phonetic", S, "SIERRA-ECHO-CHARLIE-ROMEO-ECHO-TANGO UNIFORM-ECHO\n")
    A("braille", S, "⠎⠑⠉⠗⠑⠞\nBrief\n", in_scope=True)
    A("morse", S, "... . -.-. .-. . -\n", in_scope=False, why="README: Morse code deliberately not read")
    A("translation", S, "SEGRETO\nBriefing\n", in_scope=False, why="README: translations not in the policy are not read")
    A("caesar", S, "VHFUHW XH\nNote\n")
    A("rot13", S, "Pynffvsvpngvba: ANGB FRPERG\n")
    A("upside-down", S, "ꓕƎꓤƆƎS\nBrief\n")
    # ---- misc document places -----------------------------------------------------------
    A("header-field", S, "Classification of this document: NATO SECRET\n\nConvoy.\n")
    A("header-field", C, "Niveau de protection : CONFIDENTIEL DÉFENSE\n\nNote.\n")
    A("header-field", R, "Geheimhaltungsgrad: VS-NfD\n\nBetreff: Dienstplan\n")
    A("header-field", S, "Rubricering: Stg. GEHEIM\n\nOnderwerp: konvooi\n")
    A("header-field", C, "Subject: [EXT] RE: [CONFIDENTIEL UE] working party\n")
    A("header-field", S, "Title: Convoy plan (NATO SECRET)\n")
    A("markdown", S, "> [!WARNING]\n> NATO SECRET\n\nConvoy brief.\n", "md")
    A("markdown", TS, "<details><summary>TOP SECRET</summary>Annex B</details>\n", "md")
    A("markdown", S, "| Field | Value |\n|---|---|\n| Classification | SECRET UE |\n", "md")
    A("markdown", C, "`CONFIDENTIEL LUX`\n\nNote.\n", "md")
    A("markdown", S, "```\nNATO SECRET\n```\nConvoy brief.\n", "md")
    A("vcard", S, "BEGIN:VCARD\nVERSION:3.0\nFN:Jean Muller\nNOTE:NATO SEC\n RET\nEND:VCARD\n", "vcf")
    A("ical", C, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:CONFIDENTIEL UE - working party\nDTSTART:20250312T100000Z\nEND:VEVENT\nEND:VCALENDAR\n", "ics")
    A("pdf-source", S, "BT /F1 24 Tf 72 720 Td <FEFF004E00410054004F0020005300450043005200450054> Tj ET\n", "pdf.txt")
    A("watermark", S, "S E C R E T  S E C R E T  S E C R E T\nConvoy brief\n")
    A("watermark", C, "CONFIDENTIAL CONFIDENTIAL CONFIDENTIAL CONFIDENTIAL\nMinutes\n")


def attacks_round2() -> None:
    """Variants of the families round 1 found weak (so a fix is judged on a family)."""
    # spreadsheet / format / join calls beyond the listed ones
    A("join-call", S, '=CONCATENATE("NATO ","SEC","RET")\n', "csv")
    A("join-call", S, "=CONCAT('NATO ';'SEC';'RET')\n", "csv")
    A("join-call", S, '=TEXTJOIN("";TRUE;"NATO ";"SEC";"RET")\n', "csv")
    A("join-call", S, '$s = implode("", ["NATO SEC", "RET"]);\n', "php")
    A("join-call", S, 'String s = String.join("", "NATO SEC", "RET");\n', "java")
    A("join-call", S, 'let s = format!("{}{}", "NATO SEC", "RET");\n', "rs")
    A("join-call", S, 'snprintf(buf, sizeof buf, "%s%s", "NATO SEC", "RET");\n', "c")
    A("join-call", S, 's = "{}{}".format("NATO SEC", "RET")\n', "py")
    # template / interpolated literals
    A("template", S, "const b = `NATO SECRET`;\n", "js")
    A("template", S, 's = "NATO #{"SEC"}RET"\nputs s\n', "rb")
    # case-changing markup after other text on the line
    A("smallcaps", S, "\\lhead{}\\chead{\\textsc{nato secret}}\n", "tex")
    A("smallcaps", S, "\\fancyhead[L]{Plan}\\fancyhead[C]{\\textsc{secret ue}}\n", "tex")
    A("smallcaps", S, "Header: \\textsc{nato secret}\n", "tex")
    A("smallcaps", S, 'Plan <span style="font-variant:small-caps">nato secret</span>\n', "html")
    A("smallcaps", S, '<style>.b{text-transform:uppercase}</style>\n<div class="b">nato secret</div>\n', "html")
    # documentation keyword lines
    A("doc-keyword", C, "#+SUBTITLE: CONFIDENTIEL LUX\n#+AUTHOR: jm\nText.\n", "org")
    A("doc-keyword", S, "=head1 NATO SECRET\n\nThe convoy leaves at dawn.\n\n=cut\n", "pod")
    A("doc-keyword", S, "\\input texinfo\n@settitle SECRET UE\n@node Top\n", "texi")
    A("doc-keyword", S, "/**\n * @classification NATO SECRET\n * @author jm\n */\n", "java")
    A("doc-keyword", TS, "#+CAPTION: TOP SECRET\n[[file:map.png]]\n", "org")
    # print calls and string arguments not read
    A("print-kin", C, 'std::cout << "NATO CONFIDENTIAL" << std::endl;\n', "cpp")
    A("print-kin", S, "writeln('NATO SECRET');\n", "pas")
    A("print-kin", S, 'let () = print_endline "SECRET UE"\n', "ml")
    A("print-kin", S, 'NSLog(@"NATO SECRET");\n', "m")
    A("print-kin", S, "disp('NATO SECRET')\n", "m")
    A("print-kin", S, "alert('SECRET UE');\n", "js")
    A("print-kin", S, '#define BANNER "NATO SECRET"\n', "h")
    A("print-kin", S, 'throw new Error("NATO SECRET");\n', "js")
    A("print-kin", TS, 'main = putStrLn "COSMIC TOP SECRET"\n', "hs")
    # hidden markup inside a word
    A("hidden-markup", S, "SEC<span hidden>x9q</span>RET UE\n", "html")
    A("hidden-markup", S, '<p>NATO SEC<span style="font-size:0">zz</span>RET</p>\n', "html")
    A("hidden-markup", S, "NATO SEC<del>xx</del>RET\n", "html")
    # base64 glued after key=
    A("b64-after-key", S, "msg=" + b64("NATO SECRET") + " user=jd\n", "log")
    A("b64-after-key", S, "https://x.example/d?c=" + b64("SECRET UE").rstrip("=") + "\n")
    A("b64-after-key", C, "data=" + b64("CONFIDENTIEL DÉFENSE") + "\n")
    # symbol leetspeak
    A("leet-symbol", S, "5E(R37\n")
    A("leet-symbol", S, "$ECRE+ UE\n")
    A("leet-symbol", S, "|\\|470 53CR37\n")
    A("leet-symbol", C, "(0NFIDENTIAL\n")
    A("leet-symbol", S, "S3CR€T UE\n")
    # split across HTML cells
    A("split-cells", S, "<td>NATO SEC</td><td>RET</td>\n", "html")
    A("split-cells", TS, "<tr><td>TOP SEC</td><td>RET</td></tr>\n", "html")
    # portion mark after a heading's or emphasis's section number
    A("portion-heading", S, "### 3.1 (S) Movement\n\nThe convoy leaves at dawn.\n", "md")
    A("portion-heading", S, "**1. (S)** The convoy leaves at dawn.\n", "md")
    A("portion-heading", TS, "## 4. (TS//SI) Intercepts\n", "md")
    A("portion-heading", S, "§ 3 (S) Der Konvoi fährt im Morgengrauen.\n")
    A("portion-heading", S, "1.a (S) The convoy leaves at dawn.\n")
    # calendar summary / description that starts with a marking
    A("ical-summary", S, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:NATO SECRET briefing\nEND:VEVENT\nEND:VCALENDAR\n", "ics")
    A("ical-summary", C, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDESCRIPTION:CONFIDENTIEL UE - ordre du jour\nEND:VEVENT\nEND:VCALENDAR\n", "ics")

    # an escaped tab between a marking's words inside a string
    A("escaped-tab", S, '{"banner": "NATO\\tSECRET", "page": 1}\n', "json")
    A("escaped-tab", S, 'x = "SECRET\\tUE"\n', "py")
    A("escaped-tab", TS, 'printf("COSMIC\\tTOP\\tSECRET\\n");\n', "c")


def everyday() -> None:
    E("disclaimer", "en", "This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, please notify the sender and delete it.\n")
    E("disclaimer", "fr", "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leur destinataire. Si vous l'avez reçu par erreur, merci de le détruire.\n")
    E("disclaimer", "de", "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender.\n")
    E("disclaimer", "lb", "Dës E-Mail ass vertraulech a just fir den Adressat geduecht. Wann Dir se zoufälleg kritt hutt, läscht se w.e.g.\n")
    E("disclaimer", "nl", "Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde. Hebt u het per vergissing ontvangen, verwijder het dan.\n")
    E("chemistry", "en", "(S)-Ibuprofen is the active enantiomer; (R)-ibuprofen converts in vivo.\n[S] = 2 mM and [E] = 10 nM in the assay buffer.\n")
    E("chemistry", "de", "Die (S)-Konfiguration überwiegt. Die Ausbeute betrug 83 %.\n")
    E("chemistry", "fr", "Le (R)-limonène sent l'orange, le (S)-limonène le citron.\n")
    E("sizes", "en", "Sizes available: S, M, L, XL.\n| Size | Chest |\n|---|---|\n| S | 90 |\n| M | 98 |\n")
    E("sizes", "fr", "Tailles : (S) (M) (L). Taille S épuisée.\n")
    E("legal", "fr", "Article 226-13 du Code pénal : la révélation d'une information à caractère secret par une personne qui en est dépositaire est punie d'un an d'emprisonnement.\n")
    E("legal", "de", "§ 93 StGB: Staatsgeheimnisse sind Tatsachen, die nur einem begrenzten Personenkreis zugänglich sind und vor einer fremden Macht geheim gehalten werden müssen.\n")
    E("legal", "nl", "Artikel 98 Sr: hij die opzettelijk een inlichting die geheim moet worden gehouden aan een ander verstrekt, wordt gestraft.\n")
    E("legal", "en", "1. Definition. \"Confidential Information\" means any information disclosed by one party to the other that is marked as confidential.\n")
    E("legal", "lb", "D'Gesetz vum 15. Juni 2004 regelt d'Klassifikatioun vun de Stécker an d'Sécherheetsiwwerpréiwung.\n")
    E("software", "en", "Log levels, from most to least verbose: TRACE, DEBUG, INFO, WARN, ERROR.\nSet `level: warn` in config.yaml.\n")
    E("software", "en", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-secret\ntype: Opaque\ndata:\n  password: cGFzc3dvcmQ=\n", "yaml")
    E("software", "en", "jobs:\n  deploy:\n    steps:\n      - run: ./deploy.sh\n        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n", "yaml")
    E("software", "en", "vault kv put secret/myapp db_password=hunter2\nvault kv get secret/myapp\n", "sh")
    E("software", "en", "SECRET_KEY = os.environ[\"SECRET_KEY\"]\nif user.is_restricted:\n    raise PermissionDenied\n", "py")
    E("software", "en", "The classification scheme has four levels: Public, Internal, Confidential and Strictly Confidential. Label each document before sharing it.\n")
    E("software", "de", "Die Schutzklassen sind: öffentlich, intern, vertraulich und streng vertraulich.\n")
    E("software", "en", "[TS] Fix type error in parser\n[C] Free the buffer on error\n[JS] Bump lodash\n", "log")
    E("software", "en", "mailing_list:\n  name: staff\n  access: restricted\n  visibility: private\n", "yaml")
    E("software", "en", "gitlab issue create --title \"Login fails\" --confidential\n", "sh")
    E("software", "en", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Dentist\nCLASS:CONFIDENTIAL\nDTSTART:20250312T100000Z\nEND:VEVENT\nEND:VCALENDAR\n", "ics")
    E("news", "en", "The documents, several of them marked top secret, were found in a storage room, prosecutors said on Tuesday.\n")
    E("news", "fr", "Le Canard enchaîné affirme que le rapport était classé « secret défense » avant sa publication.\n")
    E("news", "de", "Die Unterlagen waren als „streng geheim“ eingestuft, berichtet der Spiegel.\n")
    E("news", "nl", "De stukken waren als staatsgeheim gerubriceerd, meldt de NOS.\n")
    E("news", "lb", "D'Dokumenter wore geheim, sot de Minister e Méindeg an der Chamber.\n")
    E("novel", "en", "\"It's a secret,\" she whispered, and closed the door behind her.\n")
    E("novel", "de", "„Das bleibt streng geheim“, sagte er und lächelte.\n")
    E("novel", "nl", "Ze hielden het geheim, zelfs voor hun ouders.\n")
    E("novel", "fr", "Il garda le secret toute sa vie, même devant ses enfants.\n")
    E("novel", "lb", "Hatt huet dat Geheimnis nach ni engem verroden.\n")
    E("recipe", "en", "Grandma's secret sauce\n\n- 2 tbsp mayonnaise\n- 1 tsp mustard\nMix well.\n")
    E("recipe", "fr", "Le secret d'une bonne mayonnaise : tous les ingrédients à température ambiante.\n")
    E("recipe", "de", "Omas Geheimrezept für Zwetschgenkuchen: 500 g Zwetschgen, 250 g Mehl.\n")
    E("recipe", "nl", "Het geheim van goede stamppot: genoeg boter.\n")
    E("shop", "en", "Victoria's Secret opens a new store in Kirchberg.\n")
    E("film", "en", "Top Secret! (1984) is a spy comedy starring Val Kilmer.\n")
    E("film", "fr", "Le Secret de l'Espadon est le premier album de Blake et Mortimer.\n")
    E("copyright", "en", "Photo: (C) Reuters\n(C) 2024 Example Ltd. All rights reserved.\n")
    E("quiz", "en", "Which city is the capital of Italy?\n(A) Paris (B) London (C) Rome (D) Berlin\n")
    E("latin", "en", "Cui bono? asked the prosecutor, turning to the jury.\n")
    E("train", "nl", "NS meldt: de trein van 8.14 uur naar Utrecht rijdt niet.\n")
    E("org", "en", "Office of the SECRETARY GENERAL\nAnnual report 2024\n")
    E("org", "fr", "SECRÉTARIAT GÉNÉRAL DU GOUVERNEMENT\nRapport annuel\n")
    E("sign", "en", "Please keep the staff car park clear; parking is restricted to permit holders.\n")
    E("code", "en", "enum Visibility {\n  PUBLIC,\n  RESTRICTED,\n  SECRET,\n}\n", "ts")
    E("code", "en", "LEVELS = (\"UNCLASSIFIED\", \"RESTRICTED\", \"CONFIDENTIAL\", \"SECRET\", \"TOP SECRET\")\n", "py")
    E("code", "en", "if level == \"SECRET\":\n    deny()\n", "py")
    E("code", "en", "ls -la ~/secret/\ncd /srv/restricted && make\n", "sh")
    E("code", "en", "const isTopSecret = doc.level === Level.TopSecret;\n", "ts")
    E("config", "en", "[logging]\nlevel = secret\n", "toml")
    E("config", "en", "password_policy:\n  hash: bcrypt\n  storage: secret\n", "yaml")
    E("config", "de", "[Benutzer]\nRolle=eingeschränkt\n", "ini")
    E("medicine", "en", "Patient confidentiality is a cornerstone of medical ethics.\n")
    E("medicine", "fr", "Le secret médical s'impose à tout médecin.\n")
    E("medicine", "de", "Die ärztliche Schweigepflicht gilt auch nach dem Tod des Patienten.\n")
    E("garden", "en", "The Secret Garden by Frances Hodgson Burnett, chapter 3.\n")
    E("music", "nl", "Het nieuwe album van de band heet Geheim en verschijnt in mei.\n")
    E("school", "lb", "D'Schoul fänkt um 8 Auer un. D'Bibliothéik ass just fir Schüler zougänglech.\n")
    E("admin", "fr", "Diffusion : restreinte aux membres du conseil d'administration.\n")
    E("admin", "de", "Verteiler: nur für den internen Gebrauch der Abteilung.\n")
    E("admin", "nl", "Verspreiding: beperkt tot de leden van de werkgroep.\n")
    E("history", "en", "Bletchley Park's work stayed secret until the 1970s, when Winterbotham's book appeared.\n")
    E("history", "fr", "Les archives de la guerre d'Algérie restent en partie classifiées.\n")
    E("sports", "de", "Die Aufstellung bleibt bis zum Anpfiff geheim, sagte der Trainer.\n")
    E("weather", "lb", "Muer gëtt et Reen. D'Temperaturen leien tëscht 5 an 9 Grad.\n")
    E("ict", "en", "TLS 1.3 removes static RSA; the pre-master secret is never sent.\n")
    E("ict", "en", "Grade: A, B, C. Sizes: S/M/L. Ratings: PG, R.\n")
    # near the families round 9 found weak: must stay UNCLASSIFIED after a fix
    E("near-print", "en", 'std::cout << "Restricted access, badge required" << std::endl;\n', "cpp")
    E("near-doc-keyword", "fr", "#+TITLE: Le secret de la mayonnaise\n#+AUTHOR: Marie\n", "org")
    E("near-doc-keyword", "en", "=head1 DESCRIPTION\n\nThis module parses secrets files.\n\n=cut\n", "pod")
    E("near-doc-keyword", "de", "@settitle Geheime Gärten Europas\n", "texi")
    E("near-join", "de", '=CONCATENATE("Geheim";"tipp")\n', "csv")
    E("near-ical", "en", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Secret Santa party\nEND:VEVENT\nEND:VCALENDAR\n", "ics")
    E("near-b64", "en", "token=" + b64("Secret Santa list") + "\n")
    E("near-portion-heading", "nl", "### 3.1 (a) Reikwijdte\n\nDit hoofdstuk beschrijft de reikwijdte.\n", "md")
    E("near-smallcaps", "en", "\\chead{\\textsc{annual report}}\\rhead{2024}\n", "tex")
    E("near-cells", "lb", "<td>Geheim</td><td>nummer</td>\n", "html")
    E("quiz-answer", "en", "Q3: (C) The mitochondria\nQ4: (A) Photosynthesis\n")
    E("quiz-answer", "nl", "Vraag 3: (C) De mitochondriën\nVraag 4: (A) Fotosynthese\n")
    E("quiz-answer", "de", "Frage 3: (C) Die Mitochondrien\n")
    E("size-list", "en", "Order form\n- (S) Small: 2 pcs\n- (L) Large: 4 pcs\n")
    E("size-list", "fr", "Bon de commande\n- (S) Petit : 2 pièces\n- (M) Moyen : 1 pièce\n")
    E("mail-header", "en", "From: hr@example.com\nSensitivity: Company-Confidential\nSubject: Salary review\n\nSee attached.\n", "eml")
    E("chat", "en", "[12/03/2025, 10:14:02] Jean: shh, it's a secret 🤫\n[12/03/2025, 10:15:10] Anna: lol ok\n")


def main() -> None:
    for d in (ATT, EVD):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    attacks()
    attacks_round2()
    everyday()
    (HERE / "manifest.json").write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    na = sum(1 for e in entries if "expect_at_least" in e)
    print(f"{na} attack, {len(entries) - na} everyday")


if __name__ == "__main__":
    main()
