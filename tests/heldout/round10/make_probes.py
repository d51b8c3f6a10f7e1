# ruff: noqa: E501, RUF001
# (probe texts are data: long lines and look-alike characters are the point)
"""Writes the round-10 held-out probes (attack/ and everyday/) and manifest.json.

Run: python tests/heldout/round10/make_probes.py  (rewrites the files; deterministic)
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
M = "ministry-codewords"
P: list[dict[str, object]] = []


def a(
    fam: str, text: str, lvl: str, scope: bool = True, why: str = "", pol: str = "default"
) -> None:
    P.append(
        {
            "kind": "attack",
            "family": fam,
            "text": text,
            "expect_at_least": lvl,
            "in_scope": scope,
            "reason": why,
            "policy": pol,
        }
    )


def e(fam: str, text: str, pol: str = "default") -> None:
    P.append(
        {
            "kind": "everyday",
            "family": fam,
            "text": text,
            "expect_at_least": "UNCLASSIFIED",
            "in_scope": True,
            "reason": "",
            "policy": pol,
        }
    )


# ---------------------------------------------------------------- attacks
# 1. LLM tool calls: JSON inside a JSON string (double escaped)
a(
    "toolcall-double-json",
    '{"type":"function","function":{"name":"save_report","arguments":"{\\"header\\": \\"NATO SECRET\\", \\"body\\": \\"Convoy leaves Kandahar at 0400.\\"}"}}\n',
    "SECRET",
)
a(
    "toolcall-double-json",
    '<tool_call>\n{"name": "write_file", "arguments": {"path": "brief.md", "content": "# TOP SECRET\\n\\nThe reserve moves at dawn.\\n"}}\n</tool_call>\n',
    "TOP SECRET",
)
a(
    "toolcall-double-json",
    '{"tool_calls":[{"id":"call_1","function":{"name":"send_mail","arguments":"{\\"subject\\":\\"Lagebericht\\",\\"body\\":\\"VS-NUR F\\\\u00dcR DEN DIENSTGEBRAUCH\\\\n\\\\nDie Lage ist ruhig.\\"}"}}]}\n',
    "RESTRICTED",
)
a(
    "toolcall-double-json",
    '{"name":"create_doc","parameters":{"banner":"CONFIDENTIEL D\\u00c9FENSE","title":"Plan de relève"}}\n',
    "CONFIDENTIAL",
)
a(
    "toolcall-double-json",
    'Action: create_ticket\nAction Input: {"title": "Kit request", "labels": ["SECRET UE"], "body": "see annex"}\n',
    "SECRET",
)
a(
    "toolcall-double-json",
    '```json\n{\n  "function_call": {\n    "name": "classify",\n    "arguments": "{\\"level\\": \\"COSMIC TOP SECRET\\"}"\n  }\n}\n```\n',
    "TOP SECRET",
)
# 2. chat template tokens glued to a banner
a(
    "chat-template",
    "<|im_start|>assistant\nNATO SECRET\nThe convoy leaves at dawn.<|im_end|>\n",
    "SECRET",
)
a("chat-template", "<|im_start|>assistantSECRET UE\nLe convoi part demain.<|im_end|>\n", "SECRET")
a(
    "chat-template",
    "<|assistant|>TOP SECRET//SI\nIntercepts confirm the meeting.</s>\n",
    "TOP SECRET",
)
a(
    "chat-template",
    "[INST] summarise [/INST] CONFIDENTIEL LUX\nRésumé: la réunion est reportée.</s>\n",
    "CONFIDENTIAL",
)
a("chat-template", "<start_of_turn>model\nSTRENG GEHEIM<end_of_turn>\n", "TOP SECRET")
a("chat-template", "### Response:\nRESTREINT UE\nThe delegation arrives on Monday.\n", "RESTRICTED")
# 3. Markdown tables
a(
    "md-table",
    "| Document | Classification | Pages |\n|---|---|---|\n| OPORD 3/24 | NATO SECRET | 12 |\n",
    "SECRET",
)
a("md-table", "| Dokument | Einstufung |\n|:--|:--:|\n| Lagebericht KW 12 | GEHEIM |\n", "SECRET")
a(
    "md-table",
    "| NATO SECRET |\n|:-----------:|\n| The convoy leaves at 0400 from gate 3. |\n",
    "SECRET",
)
a(
    "md-table",
    "| Réf. | Niveau |\n| --- | --- |\n| 2025/117 | CONFIDENTIEL DÉFENSE |\n",
    "CONFIDENTIAL",
)
a(
    "md-table",
    "| Item | Notes |\n|---|---|\n| Annex B | **TOP SECRET**<br>Handle via special channels |\n",
    "TOP SECRET",
)
a(
    "md-table",
    "+--------------------+\n| COSMIC TOP SECRET  |\n+--------------------+\n| Order of battle    |\n+--------------------+\n",
    "TOP SECRET",
)
a(
    "md-table",
    "Document       Niveau de protection\n-------------  --------------------\nPlan Moselle   SECRET LUX\n",
    "SECRET",
)
# 4. CSV / TSV exports
a(
    "csv",
    "id;titre;niveau de protection;pages\n17;Plan de relève;CONFIDENTIEL LUX;4\n",
    "CONFIDENTIAL",
)
a(
    "csv",
    '"doc_id","title","security_classification"\n"A-17","Convoy plan","NATO SECRET"\n',
    "SECRET",
)
a("csv", "nr,onderwerp,rubricering\n3,Dreigingsbeeld,Stg. GEHEIM\n", "SECRET")
a("csv", "file\tlevel\towner\nplan.docx\tTOP SECRET\tJ2\n", "TOP SECRET")
a("csv", "Aktenzeichen,Betreff,VS-Grad\n12-4,Beschaffung,VS-NfD\n", "RESTRICTED")
a("csv", 'title,marking\n"Convoy brief","SECRET//NOFORN"\n', "SECRET")
# 5. code blocks the model emits
a("code-block", "Here is the header:\n\n```\nNATO SECRET\n```\n\nUse it on every page.\n", "SECRET")
a("code-block", "```text\nSECRET UE/EU SECRET\n```\n", "SECRET")
a("code-block", "~~~\nTRÈS SECRET DÉFENSE\n~~~\n", "TOP SECRET")
a("code-block", "    CONFIDENTIEL DÉFENSE\n    Objet : relève\n", "CONFIDENTIAL")
a("code-block", '```python\nHEADER = "COSMIC TOP SECRET"\nprint(HEADER)\n```\n', "TOP SECRET")
a("code-block", "```yaml\nmetadata:\n  classification: SECRET LUX\n```\n", "SECRET")
# 6. e-mail quoting
a("mail-quote", "> > > NATO SECRET\n> > > The convoy moves at dawn.\n> > thanks\n> ok\n", "SECRET")
a("mail-quote", ">>>> SECRET UE\n>>>> Le conseil se réunit lundi.\n", "SECRET")
a("mail-quote", "| CONFIDENTIEL LUX\n| Objet : réunion\n", "CONFIDENTIAL")
a(
    "mail-quote",
    "On Tue, 3 Mar 2025 Jean wrote:\n> Classification: NATO\n> SECRET\n> Plan attached.\n",
    "SECRET",
)
a(
    "mail-quote",
    "-----Original Message-----\nFrom: J2\nSubject: RE: [NATO SECRET] convoy\n\nAgreed.\n",
    "SECRET",
)
a(
    "mail-quote",
    "Am 03.03.2025 schrieb Müller:\n> > VS-NUR FÜR DEN\n> > DIENSTGEBRAUCH\n> > Betreff: Beschaffung\n",
    "RESTRICTED",
)
a("mail-quote", "  > TOP SECRET//NOFORN\n  > Source reporting follows.\n", "TOP SECRET")
# 7. hard-wrapped paragraphs and PDF text
a(
    "pdf-columns",
    "The convoy will depart from the northern       NATO SECRET       Le convoi partira de la porte\ngate at 0400 hours on Tuesday.                                     nord à 4 h mardi.\n",
    "SECRET",
)
a(
    "pdf-columns",
    "Annex B to OPORD 3/24                                                 Page 2 of 5\n                                  NATO SECRET\n",
    "SECRET",
)
a("pdf-columns", "2 COSMIC TOP SECRET 12 March 2025\n", "TOP SECRET")
a("pdf-columns", "CONFI DENTIAL\nMinutes of the meeting\n", "CONFIDENTIAL", True, "")
a("pdf-columns", "NATO SECR ET\nBriefing notes\n", "SECRET")
a("pdf-columns", "STRENG GEH EIM\nAnlage 3\n", "TOP SECRET")
a("pdf-columns", "\x0cNATO SECRET\nAnnex C\n", "SECRET")
a("pdf-columns", "the movement of troops.\n\x0c\n                     SECRET UE\n", "SECRET")
# 8. OCR noise
a("ocr-noise", "NAT0 SECRET\nBriefing\n", "SECRET")
a("ocr-noise", "C0NFIDENTIEL DÉFENSE\nObjet : relève\n", "CONFIDENTIAL")
a("ocr-noise", "CONF|DENT|AL\nMinutes\n", "CONFIDENTIAL")
a("ocr-noise", "T0P SECRE7\nAnnex\n", "TOP SECRET")
a("ocr-noise", "CONﬁDENTIAL\nMinutes of the meeting\n", "CONFIDENTIAL")
a("ocr-noise", "S E C R E T  U E\nNote du secrétariat\n", "SECRET")
a("ocr-noise", "NATO  SECRET .\nOrder of battle\n", "SECRET")
a("ocr-noise", "GEHE1M\nLagebericht\n", "SECRET")
a("ocr-noise", "SECRET- DÉFENSE\nNote\n", "SECRET")
a("ocr-noise", "RESTRE1NT UE\nNote\n", "RESTRICTED")
# 9. footnotes and endnotes
a("footnote", "The convoy leaves at dawn.¹\n\n¹ NATO SECRET\n", "SECRET")
a("footnote", "Le plan est prêt.*\n\n* CONFIDENTIEL DÉFENSE\n", "CONFIDENTIAL")
a("footnote", "Die Lage ist ruhig.[1]\n\n[1] VS-NfD\n", "RESTRICTED")
a("footnote", "Text body.\n\n____\n(1) SECRET UE\n", "SECRET")
a("footnote", "Summary.^[TOP SECRET]\n", "TOP SECRET")
# 10. national forms less common
a("national-forms", "SECRET-DÉFENSE\nNote de synthèse\n", "SECRET")
a("national-forms", "CONFIDENTIEL-DÉFENSE\nObjet : relève\n", "CONFIDENTIAL")
a("national-forms", "TRÈS SECRET-DÉFENSE\nPlan\n", "TOP SECRET")
a("national-forms", "VS – NUR FÜR DEN DIENSTGEBRAUCH\nBetreff: Beschaffung\n", "RESTRICTED")
a("national-forms", "VS‑NfD\nBetreff: Beschaffung\n", "RESTRICTED")
a("national-forms", "VS-Nur für den Dienstgebrauch\nBetreff: Beschaffung\n", "RESTRICTED")
a("national-forms", "Nur für den Dienstgebrauch\n\nBetreff: Wartung der Fahrzeuge\n", "RESTRICTED")
a("national-forms", "VS-NUR FUR DEN DIENSTGEBRAUCH\nBetreff\n", "RESTRICTED")
a("national-forms", "VS - VERTRAULICH\nAnlage\n", "CONFIDENTIAL")
a("national-forms", "VS-Vertraulich\nAnlage 2\n", "CONFIDENTIAL")
a("national-forms", "STG. GEHEIM\nDreigingsbeeld\n", "SECRET")
a("national-forms", "Stg.GEHEIM\nDreigingsbeeld\n", "SECRET")
a("national-forms", "Stg ZEER GEHEIM\nNotitie\n", "TOP SECRET")
a("national-forms", "Departementaal VERTROUWELIJK\nNotitie\n", "RESTRICTED")
a("national-forms", "DIFFUSION RESTREINTE / BEPERKTE VERSPREIDING\nNote\n", "RESTRICTED")
a("national-forms", "ZEER GEHEIM – TRÈS SECRET\nNota\n", "TOP SECRET")
a("national-forms", "RESTREINT UE/EU RESTRICTED\nCouncil of the European Union\n", "RESTRICTED")
a("national-forms", "TRES SECRET UE/EU TOP SECRET\nNote\n", "TOP SECRET")
a("national-forms", "LUX CONFIDENTIAL\nMinistère\n", "CONFIDENTIAL")
a("national-forms", "NATO CONFIDENTIAL ATOMAL\nBrief\n", "CONFIDENTIAL")
a("national-forms", "COSMIC TOP SECRET – ATOMAL\nBrief\n", "TOP SECRET")
a("national-forms", "NATO SECRET RELEASABLE TO KFOR\nSituation report\n", "SECRET")
a("national-forms", "//SECRET//REL TO USA, FVEY\nSummary\n", "SECRET")
a("national-forms", "TOP SECRET//SCI//NOFORN\n", "TOP SECRET")
a("national-forms", "CUI//SP-PRVCY\nPersonnel roster\n", "RESTRICTED")
a("national-forms", "(CUI) The roster is attached.\n", "RESTRICTED")
a("national-forms", "(S//REL TO USA, GBR) The unit relocates.\n", "SECRET")
a("national-forms", "(TS//SI//NF) Intercepts confirm it.\n", "TOP SECRET")
a("national-forms", "(NS) Force posture unchanged.\n", "SECRET")
a(
    "national-forms",
    "R-UE/EU-R\nNote to delegations\n",
    "RESTRICTED",
    False,
    "EU abbreviations (R-UE, C-UE) are not listed in the shipped policy",
)
a(
    "national-forms",
    "C-UE/EU-C\nNote to delegations\n",
    "CONFIDENTIAL",
    False,
    "EU abbreviations (R-UE, C-UE) are not listed in the shipped policy",
)
a(
    "national-forms",
    "NS\nOrder of battle annex\n",
    "SECRET",
    False,
    "a bare portion-mark abbreviation alone on a line is not a listed banner",
)
# 11. Unicode styles generators produce
a("unicode-style", "𝐍𝐀𝐓𝐎 𝐒𝐄𝐂𝐑𝐄𝐓\nBriefing\n", "SECRET")
a("unicode-style", "ⓈⒺⒸⓇⒺⓉ ⓊⒺ\nNote\n", "SECRET")
a("unicode-style", "🆃🅾🅿 🆂🅴🅲🆁🅴🆃\nAnnex\n", "TOP SECRET")
a("unicode-style", "🇸🇪🇨🇷🇪🇹\nBriefing\n", "SECRET")
a("unicode-style", "S̶E̶C̶R̶E̶T̶\nBriefing\n", "SECRET")
a("unicode-style", "N̲A̲T̲O̲ ̲S̲E̲C̲R̲E̲T̲\nBriefing\n", "SECRET")
a("unicode-style", "ＣＯＮＦＩＤＥＮＴＩＥＬ ＬＵＸ\nObjet\n", "CONFIDENTIAL")
a("unicode-style", "𝔾𝔼ℍ𝔼𝕀𝕄\nLagebericht\n", "SECRET")
a("unicode-style", "S\u00adE\u00adC\u00adR\u00adE\u00adT\nBriefing\n", "SECRET")
a("unicode-style", "N\u2060A\u2060T\u2060O SECRET\nBriefing\n", "SECRET")
a("unicode-style", "S.E.C.R.E.T.\nBriefing\n", "SECRET")
a("unicode-style", "S-E-C-R-E-T U-E\nNote\n", "SECRET")
a("unicode-style", "T_O_P S_E_C_R_E_T\nAnnex\n", "TOP SECRET")
a("unicode-style", "S\u2009E\u2009C\u2009R\u2009E\u2009T\nBriefing\n", "SECRET")
a("unicode-style", "ꜱᴇᴄʀᴇᴛ ᴜᴇ\nNote\n", "SECRET")
a("unicode-style", "S̴̢E̷C̵̛R̸E̶T̷\nZalgo header\n", "SECRET")
# 12. document-markup banners the README does not list
a("markup-extra", "NATO SECRET\n===========\n\nOrder of battle.\n", "SECRET")
a("markup-extra", "> [!WARNING]\n> NATO SECRET\n\nBody text.\n", "SECRET")
a(
    "markup-extra",
    "<details><summary>SECRET UE</summary>Le conseil se réunit.</details>\n",
    "SECRET",
)
a("markup-extra", "Classification\n: NATO SECRET\n\nBody.\n", "SECRET")
a("markup-extra", "::: {.banner}\nCONFIDENTIEL DÉFENSE\n:::\n", "CONFIDENTIAL")
a("markup-extra", "#+TITLE: Plan\n#+CLASSIFICATION: SECRET UE\n* Objectives\n", "SECRET")
a("markup-extra", ":classification: NATO SECRET\n\nBody text follows.\n", "SECRET")
a(
    "markup-extra",
    "\\newcommand{\\banner}{COSMIC TOP SECRET}\n\\begin{document}\\banner\\end{document}\n",
    "TOP SECRET",
)
a(
    "markup-extra",
    "╔═══════════════╗\n║  NATO SECRET  ║\n╚═══════════════╝\nOrder of battle\n",
    "SECRET",
)
a("markup-extra", "🔒 NATO SECRET 🔒\nOrder of battle\n", "SECRET")
a("markup-extra", "⚠️ SECRET UE ⚠️\nNote\n", "SECRET")
a("markup-extra", "■ TOP SECRET ■\nAnnex\n", "TOP SECRET")
a("markup-extra", "[NATO SECRET](#classification)\n\nBody text.\n", "SECRET")
a("markup-extra", '"""NATO SECRET\n\nConvoy timetable module.\n"""\n', "SECRET")
a(
    "markup-extra",
    "Classification.............: NATO SECRET\nDate.....................: 12/03/2025\n",
    "SECRET",
)
a("markup-extra", "CLASSIFICATION . . . . . . SECRET LUX\n", "SECRET")
a(
    "markup-extra",
    '<p style="text-align:center;color:red"><strong>NATO&nbsp;SECRET</strong></p>\n',
    "SECRET",
)
a("markup-extra", '<td class="banner">TR&Egrave;S SECRET UE</td>\n', "TOP SECRET")
a("markup-extra", "\\fancyfoot[C]{\\textcolor{red}{NATO SECRET}}\n", "SECRET")
a("markup-extra", ".. classification:: NATO SECRET\n\nBody.\n", "SECRET")
# 13. config / data formats
a("data-formats", '[document]\nclassification = "TRÈS SECRET LUX"\nowner = "J2"\n', "TOP SECRET")
a(
    "data-formats",
    'resource "aws_s3_bucket" "b" {\n  tags = {\n    Classification = "SECRET"\n  }\n}\n',
    "SECRET",
)
a("data-formats", 'document {\n  classification: "NATO SECRET"\n  title: "OPORD"\n}\n', "SECRET")
a(
    "data-formats",
    "X-Classification: NATO SECRET\nFrom: j2@example.mil\nSubject: convoy\n\nBody.\n",
    "SECRET",
)
a(
    "data-formats",
    '{"cells":[{"cell_type":"markdown","source":["# NATO SECRET\\n","Order of battle"]}]}\n',
    "SECRET",
)
a("data-formats", "---\ntitle: Lagebericht\nclassification: >-\n  GEHEIM\n---\nText.\n", "SECRET")
a(
    "data-formats",
    "diff --git a/brief.md b/brief.md\n--- a/brief.md\n+++ b/brief.md\n@@ -1,2 +1,2 @@\n-UNCLASSIFIED\n+NATO SECRET\n Order of battle\n",
    "SECRET",
)
a("data-formats", "<Document>\n  <SecurityLabel>SECRET UE</SecurityLabel>\n</Document>\n", "SECRET")
a(
    "data-formats",
    'data: {"choices":[{"delta":{"content":"NATO SEC"}}]}\n\ndata: {"choices":[{"delta":{"content":"RET\\nThe plan"}}]}\n',
    "SECRET",
)
a("data-formats", "INSERT INTO docs VALUES (17, 'Plan', 'COSMIC TOP SECRET');\n", "TOP SECRET")
a(
    "data-formats",
    '"classification":\n  "NATO SECRET",\n',
    "SECRET",
    False,
    "README: a name/value pair spread over lines (pretty-printed JSON) is a known miss",
)
a("data-formats", 'level: "TOP SECRET"  # banner for the brief\n', "TOP SECRET")
a("data-formats", '<meta name="dcterms.accessRights" content="NATO SECRET">\n', "SECRET")
a("data-formats", 'msgid "Banner"\nmsgstr "GEHEIM"\n', "SECRET")
# 14. encodings inside structured output
a(
    "encoded-in-data",
    '{"attachment": {"encoding": "base64", "data": "TkFUTyBTRUNSRVQKT3JkZXIgb2YgYmF0dGxl"}}\n',
    "SECRET",
)
a("encoded-in-data", "| field | value |\n|---|---|\n| header | U0VDUkVUIFVF |\n", "SECRET")
a("encoded-in-data", "id,payload\n1,Q09TTUlDIFRPUCBTRUNSRVQ=\n", "TOP SECRET")
a("encoded-in-data", "> > Q09ORklERU5USUVMIExVWAo=\n", "CONFIDENTIAL")
a("encoded-in-data", "```\n4e41544f20534543524554\n```\n", "SECRET")
a(
    "encoded-in-data",
    '{"text": "\\u004e\\u0041\\u0054\\u004f \\u0053\\u0045\\u0043\\u0052\\u0045\\u0054"}\n',
    "SECRET",
)
a("encoded-in-data", "| FRPERG HR |\n|---|\n| Abgr qh pbafrvy |\n", "SECRET")
a("encoded-in-data", "Fvreen Rpub Puneyvr Ebzrb Rpub Gnatb\n", "SECRET")
a(
    "encoded-in-data",
    'csv,header\n"=CONCATENATE(""NATO "",""SECRET"")",x\n',
    "SECRET",
    False,
    "a formula inside a CSV quoted field (doubled quotes) is not evaluated by README's promise",
)
a("encoded-in-data", "classification=NATO%20SECRET&copies=3\n", "SECRET")
a("encoded-in-data", "Subject: =?iso-8859-1?Q?TR=C8S_SECRET_LUX?=\n", "TOP SECRET")
# 15. combinations
a(
    "combo",
    "> > | Document | Einstufung |\n> > |---|---|\n> > | Lagebericht | STRENG GEHEIM |\n",
    "TOP SECRET",
)
a("combo", "```\n> NATO SECRET\n```\n", "SECRET")
a("combo", "- **Classification:** `NATO SECRET`\n- **Owner:** J2\n", "SECRET")
a("combo", "1. Header: 𝐒𝐄𝐂𝐑𝐄𝐓 𝐔𝐄\n2. Body\n", "SECRET")
a("combo", '{"rows": [["Plan", "N A T O  S E C R E T"]]}\n', "SECRET")
a("combo", "<|im_start|>assistant\n```\nCOSMIC TOP SECRET\n```<|im_end|>\n", "TOP SECRET")
a("combo", "> [!NOTE]\n> Classification: CONFIDENTIEL\n> LUX\n", "CONFIDENTIAL")
a("combo", "| Page 3 of 7 | NAT0 SECRET | 12/03/2025 |\n", "SECRET")
a("combo", "# 5ECRET UE\n\nLe conseil se réunit.\n", "SECRET")
a("combo", '"NATO SEC" \\\n"RET"\n', "SECRET")
a("combo", 'echo "NATO SECRET" | lpr -P banner\n', "SECRET")
a("combo", "    <p>\n      NATO\n      SECRET\n    </p>\n", "SECRET")
a("combo", "Classification: TR\u00c8S SE\u00adCRET LUX\n", "TOP SECRET")
a("combo", "Klassifikatioun: GEHEIM\nBetreff: Iwwerpréiwung\n", "SECRET")
# 16. ministry policy: labels and codewords
a("ministry-labels", "Niveau de protection : SECRET LUX\nObjet : relève\n", "SECRET", pol=M)
a("ministry-labels", "Klassifikatioun vum Dokument: CONFIDENTIEL LUX\n", "CONFIDENTIAL", pol=M)
a("ministry-labels", "Dossier : [RESTREINT LUX] Achat de véhicules\n", "RESTRICTED", pol=M)
a("ministry-labels", "| Niveau de protection | TRÈS SECRET LUX |\n", "TOP SECRET", pol=M)
a("ministry-labels", "niveau_de_protection,objet\nSECRET LUX,relève\n", "SECRET", pol=M)
a("codeword", "Status update for #BlueHeron please.\n", "SECRET", pol=M)
a("codeword", "Status update for #blueheron please.\n", "SECRET", pol=M)
a(
    "codeword",
    "See https://wiki.example.lu/ops/silver-linden/plan for the annex.\n",
    "SECRET",
    pol=M,
)
a("codeword", "Op. MOSELLE_SHIELD phase 2 starts on Monday.\n", "SECRET", pol=M)
a("codeword", "NIGHTJAR's logistics are on track.\n", "SECRET", pol=M)
a("codeword", '{"operation": "blue-heron", "phase": 2}\n', "SECRET", pol=M)
a("codeword", "Operation Night Jar begins at dawn.\n", "SECRET", pol=M)
a("codeword", "Opération NIGHTJAR : la phase 2 commence.\n", "SECRET", pol=M)
a("codeword", "Operation N.I.G.H.T.J.A.R. starts Monday.\n", "SECRET", pol=M)
a("codeword", "Operation ＮＩＧＨＴＪＡＲ starts Monday.\n", "SECRET", pol=M)
a("codeword", "| op | phase |\n|---|---|\n| SILVER LINDEN | 2 |\n", "SECRET", pol=M)
a("codeword", "Operation N̲I̲G̲H̲T̲J̲A̲R̲ starts Monday.\n", "SECRET", pol=M)
a("codeword", "git checkout -b feature/moselle-shield-phase2\n", "SECRET", pol=M)
a(
    "codeword",
    "Tagesbefehl: Operation SILBERLINDE beginnt.\n",
    "SECRET",
    False,
    "a codeword translated (SILBERLINDE) is a translation, not listed",
    pol=M,
)
a(
    "codeword",
    "TkVJR0hUSkFS is a typo; Operation Tk lGSFRKQVI=\n",
    "SECRET",
    False,
    "broken base64, not a faithful encoding",
    pol=M,
)

# ---------------------------------------------------------------- attacks, second wave
# 17. a short field label after a list marker or a section number
a("list-field-label", "1. Header: SECRET UE\n2. Body: Le conseil se réunit lundi.\n", "SECRET")
a("list-field-label", "- Banner: NATO SECRET\n- Owner: J2\n", "SECRET")
a("list-field-label", "3.2 Title: COSMIC TOP SECRET\n", "TOP SECRET")
a("list-field-label", "a) Stempel: GEHEIM\nb) Verteiler: Referat 3\n", "SECRET")
a("list-field-label", "* Mention : CONFIDENTIEL DÉFENSE\n* Objet : relève\n", "CONFIDENTIAL")
a("list-field-label", "1. Kop: Stg. GEHEIM\n2. Onderwerp: dreigingsbeeld\n", "SECRET")
# 18. cells cut by a middle dot, bullet or guillemet
a("dot-separator", "Convoy plan · NATO SECRET\n", "SECRET")
a("dot-separator", "NATO SECRET • Annex B\n", "SECRET")
a("dot-separator", "Annex B » SECRET UE\n", "SECRET")
a("dot-separator", "Lagebericht · VS-VERTRAULICH · Seite 2\n", "CONFIDENTIAL")
a("dot-separator", "CLASSIFICATION · SECRET LUX\n", "SECRET")
a("dot-separator", "Note de synthèse • TRÈS SECRET DÉFENSE • 12 mars 2025\n", "TOP SECRET")
# 19. a one-item list of markings under another key, inside an object or YAML flow
a("list-under-other-key", '{"id": 7, "tags": ["NATO SECRET"], "owner": "J2"}\n', "SECRET")
a(
    "list-under-other-key",
    '{"id": 7, "markings": ["COSMIC TOP SECRET"], "pages": 12}\n',
    "TOP SECRET",
)
a("list-under-other-key", "tags: [NATO SECRET, convoy]\n", "SECRET")
a("list-under-other-key", '{"doc": "Lagebericht", "labels": ["GEHEIM"], "rev": 3}\n', "SECRET")
a("list-under-other-key", '{"title": "Note", "stamps": ["CONFIDENTIEL LUX"]}\n', "CONFIDENTIAL")
# 20. an instruction template's closing tag before the answer
a(
    "chat-inst",
    "[INST] Summarise the report [/INST] NATO SECRET\nThe convoy leaves at dawn.\n",
    "SECRET",
)
a("chat-inst", "<s>[INST] Write the header [/INST] COSMIC TOP SECRET</s>\n", "TOP SECRET")
a("chat-inst", "[INST] Résume la note [/INST] CONFIDENTIEL DÉFENSE\n", "CONFIDENTIAL")
a("chat-inst", "<|user|>Kopfzeile?<|end|><|assistant|>STRENG GEHEIM<|end|>\n", "TOP SECRET")
# 21. unquoted comma-separated rows
a("csv-unquoted", "17,Plan de relève,CONFIDENTIEL LUX,4\n", "CONFIDENTIAL")
a("csv-unquoted", "id,title,status\n17,Convoy plan,NATO SECRET\n", "SECRET")
a("csv-unquoted", "2025-03-12,Lagebericht,STRENG GEHEIM,Referat 3\n", "TOP SECRET")
a("csv-unquoted", "Plan, NATO SECRET, 3 pages\n", "SECRET")
a("csv-unquoted", "A-17,Dreigingsbeeld,Stg. GEHEIM,NCTV\n", "SECRET")
# 22. LaTeX and Typst table cells and groups
a("latex-cells", "\\begin{tabular}{ll}\nPlan & NATO SECRET \\\\\n\\end{tabular}\n", "SECRET")
a("latex-cells", "\\multicolumn{2}{c}{COSMIC TOP SECRET} \\\\\n", "TOP SECRET")
a("latex-cells", "\\date{12 March 2025 -- NATO SECRET}\n", "SECRET")
a("latex-cells", "#set page(header: [SECRET UE])\n", "SECRET")
a("latex-cells", "Lagebericht & GEHEIM & Referat 3 \\\\ \\hline\n", "SECRET")
# 23. grep's context lines and sequence-numbered source
a("tool-prefix", "plan.txt-3-COSMIC TOP SECRET\nplan.txt-4-Order of battle\n", "TOP SECRET")
a("tool-prefix", "docs/note.md-12-CONFIDENTIEL DÉFENSE\n", "CONFIDENTIAL")
a("tool-prefix", "00010 NATO SECRET\n00020 ORDER OF BATTLE\n", "SECRET")
a("tool-prefix", "000100*    SECRET UE\n", "SECRET")
a("tool-prefix", ' [1] "TOP SECRET" "Plan"\n', "TOP SECRET")
a("tool-prefix", "@* NATO SECRET *@\n<h1>Plan</h1>\n", "SECRET")

# 18b. other separators between blanks
a("dot-separator", "Annex B / NATO SECRET\n", "SECRET")
a("dot-separator", "Lagebericht ◆ GEHEIM\n", "SECRET")
a("dot-separator", "Note ‖ CONFIDENTIEL LUX\n", "CONFIDENTIAL")
a("dot-separator", "Plan ● COSMIC TOP SECRET\n", "TOP SECRET")
a("dot-separator", "Dreigingsbeeld ¦ Stg. GEHEIM\n", "SECRET")
a("dot-separator", "Annex B ~ SECRET UE\n", "SECRET")
# 24. furniture words other than "page" before a banner
a("furniture-words", "Copy 3 of 5 NATO SECRET\n", "SECRET")
a("furniture-words", "Slide 3 SECRET//NOFORN\n", "SECRET")
a("furniture-words", "Folie 3 von 20 GEHEIM\n", "SECRET")
a("furniture-words", "Diapositive 4 / 20 CONFIDENTIEL DÉFENSE\n", "CONFIDENTIAL")
a("furniture-words", "Exemplaire 3/5 SECRET LUX\n", "SECRET")
a("furniture-words", "Ausfertigung 2 von 4 STRENG GEHEIM\n", "TOP SECRET")
a("furniture-words", "Exemplaar 1 van 3 Stg. GEHEIM\n", "SECRET")
a("furniture-words", "Säit 2 vun 5 CONFIDENTIEL LUX\n", "CONFIDENTIAL")
a("furniture-words", "Sheet 1 of 3 NATO SECRET\n", "SECRET")
a("furniture-words", "Blatt 2 VS-VERTRAULICH\n", "CONFIDENTIAL")
# 25. a classification value followed by a dash and a lower-case instruction
a("field-value-dash", "Handling instructions: NATO SECRET – do not forward\n", "SECRET")
a("field-value-dash", "Behandlung: VS-VERTRAULICH – nicht weiterleiten\n", "CONFIDENTIAL")

# 26. a one-word codeword cut by punctuation other than a hyphen
a("codeword-punct", "Status of NIGHT_JAR please.\n", "SECRET", pol=M)
a("codeword-punct", "export OP=night_jar\n", "SECRET", pol=M)
a("codeword-punct", "Status of NIGHT.JAR please.\n", "SECRET", pol=M)
a("codeword-punct", "Status of NIGHT/JAR please.\n", "SECRET", pol=M)
a("codeword-punct", "Status of NIGHT·JAR please.\n", "SECRET", pol=M)
a("codeword-punct", "Status of NIGHT*JAR please.\n", "SECRET", pol=M)
a(
    "codeword",
    "Status of FVYIRE YVAQRA please.\n",
    "SECRET",
    False,
    "README promises rot13 for markings, not for a detector's keywords",
    pol=M,
)
a(
    "codeword",
    "Operation NIGHTJ\nAR starts.\n",
    "SECRET",
    False,
    "README: a codeword cut over two lines inside a word is not read",
    pol=M,
)
# 27. two families at once
a("combo", "U2xpZGUgMyBTRUNSRVQvL05PRk9STg==\n", "SECRET")
a("combo", "1. Header: Q09TTUlDIFRPUCBTRUNSRVQ=\n", "TOP SECRET")
a("combo", "17,Plan,FRPERG HR\n", "SECRET")
a("combo", "> > Annex B · NATO SECRET\n", "SECRET")
a("combo", '{"id": 7, "tags": ["𝐍𝐀𝐓𝐎 𝐒𝐄𝐂𝐑𝐄𝐓"]}\n', "SECRET")
a("combo", "Plan & N A T O  S E C R E T \\\\\n", "SECRET")
a("combo", "- Banner: C0SM1C T0P SECRET\n", "TOP SECRET")
a("combo", "Copy 3 of 5 NAT0 SECRET\n", "SECRET")

# 28. a document's lines as a list of strings (splitlines() repr, JSON array of lines)
a("lines-as-list", "['NATO SECRET', 'Order of battle', 'The convoy leaves at 0400.']\n", "SECRET")
a("lines-as-list", '{"lines": ["COSMIC TOP SECRET", "Annex B", "Order of battle"]}\n', "TOP SECRET")
a("lines-as-list", 'lines = ["GEHEIM", "Lagebericht KW 12", "Die Lage ist ruhig."]\n', "SECRET")
a(
    "lines-as-list",
    '{"page": 2, "text": ["CONFIDENTIEL DÉFENSE", "Objet : relève"]}\n',
    "CONFIDENTIAL",
)
a("lines-as-list", ">>> doc.splitlines()\n['SECRET UE', 'Note du secrétariat']\n", "SECRET")

# 29. a single-quoted or backquoted string with escaped new lines (a Python repr, bash $'')
a("repr-escaped-newline", "'COSMIC TOP SECRET\\n\\nAnnex B'\n", "TOP SECRET")
a("repr-escaped-newline", ">>> doc\n'SECRET UE\\nNote du secrétariat'\n", "SECRET")
a("repr-escaped-newline", "[{'page': 1, 'text': 'NATO SECRET\\nOrder of battle'}]\n", "SECRET")
a("repr-escaped-newline", "$'GEHEIM\\nLagebericht KW 12'\n", "SECRET")
a("repr-escaped-newline", "`CONFIDENTIEL DÉFENSE\\nObjet : relève`\n", "CONFIDENTIAL")
a("combo", '{"csv": "id,title,level\\n1,Plan,NATO SECRET\\n"}\n', "SECRET")
a("combo", '{"content": "Plan · NATO SECRET"}\n', "SECRET")
a("combo", '{"text": "Copy 3 of 5 NATO SECRET"}\n', "SECRET")
# unicode forms that held up (kept as regression guards)
a(
    "unicode-style",
    "Summary follows.\U000e004e\U000e0041\U000e0054\U000e004f\U000e0020\U000e0053\U000e0045\U000e0043\U000e0052\U000e0045\U000e0054\nThe convoy leaves at dawn.\n",
    "SECRET",
)
a("unicode-style", "ᴺᴬᵀᴼ ˢᴱᶜᴿᴱᵀ\nBriefing\n", "SECRET")
a("unicode-style", "ⓝⓐⓣⓞ ⓢⓔⓒⓡⓔⓣ\nBriefing\n", "SECRET")
a("unicode-style", "ИATO SECЯET\nBriefing\n", "SECRET")

# 30. portion marks before a low opening quote, or with a caveat before a small letter
a("portion-quote", "(S) „Der Konvoi“ fährt morgen um 4 Uhr.\n", "SECRET")
a("portion-quote", "(C) „De colonne“ vertrekt morgen.\n", "CONFIDENTIAL")
a("portion-quote", "(TS//SI) „Die Quelle“ bestätigt das Treffen.\n", "TOP SECRET")
a("portion-quote", "(NS) ‚Konvoi Nord‘ verlegt am Montag.\n", "SECRET")
a("portion-quote", "(S//NF) the convoy leaves at dawn.\n", "SECRET")
a("portion-quote", "(TS//SCI) intercepts confirm the meeting.\n", "TOP SECRET")
# 31. OCR reading a table's bars as letters; mail tools' SEC= tags
a("ocr-noise", "l NATO SECRET l\nOrder of battle\n", "SECRET")
a("ocr-noise", "I COSMIC TOP SECRET I\nAnnex B\n", "TOP SECRET")
a("subject-tag", "Subject: Convoy plan [SEC=SECRET]\n\nSee annex.\n", "SECRET")
a("subject-tag", "Subject: Convoy plan [SEC=NATO SECRET]\n", "SECRET")
a("subject-tag", "Objet : Relève [SEC=CONFIDENTIEL DÉFENSE]\n", "CONFIDENTIAL")

# 32. a quoted attribute value of an element closed on its line (<div data-…="…"></div>)
a("attr-closed-element", '<div data-banner="NATO SECRET"></div>\n', "SECRET")
a("attr-closed-element", '<div data-label="SECRET UE"></div>\n', "SECRET")
a("attr-closed-element", "<div data-banner='COSMIC TOP SECRET'></div>\n", "TOP SECRET")
a("attr-closed-element", '<div class="x" data-stamp="STRENG GEHEIM"></div>\n', "TOP SECRET")
a("attr-closed-element", '<div banner="CONFIDENTIEL LUX">Plan</div>\n', "CONFIDENTIAL")

# 33. diagram languages a model writes (PlantUML, Mermaid)
a(
    "diagram-dsl",
    "@startuml\nheader NATO SECRET\nfooter NATO SECRET\nAlice -> Bob: convoy plan\n@enduml\n",
    "SECRET",
)
a("diagram-dsl", "@startuml\ntitle COSMIC TOP SECRET\nA -> B\n@enduml\n", "TOP SECRET")
a("diagram-dsl", "graph TD\n  A[SECRET UE] --> B[Plan de relève]\n", "SECRET")
a("diagram-dsl", "sequenceDiagram\n  Note over A,B: STRENG GEHEIM\n  A->>B: Lage\n", "TOP SECRET")
a("diagram-dsl", "gantt\n  title CONFIDENTIEL DÉFENSE\n  section Relève\n", "CONFIDENTIAL")
# 34. a binding in Lisp or Tcl, a Markdown image's title, a key=value with a word after
a("binding-forms", '(setq banner "NATO SECRET")\n', "SECRET")
a("binding-forms", 'set banner "SECRET UE"\n', "SECRET")
a("binding-forms", '(def banner "COSMIC TOP SECRET")\n', "TOP SECRET")
a("binding-forms", '![banner](b.png "NATO SECRET")\n', "SECRET")
a("binding-forms", "Description=NATO SECRET export\n", "SECRET")

# 35. NATO's French and releasability forms the shipped policy does not list (policy gap)
WHY_OTAN = "not listed in the shipped policy: NATO's French forms (OTAN SECRET, COSMIC TRÈS SECRET) and NATO/EAPC, NATO/PfP prefixes; a code before a level word is read only where listed"
a("national-forms", "OTAN SECRET\nRapport de situation\n", "SECRET", False, WHY_OTAN)
a("national-forms", "COSMIC TRÈS SECRET\nPlan\n", "TOP SECRET", False, WHY_OTAN)
a("national-forms", "OTAN DIFFUSION RESTREINTE\nNote\n", "RESTRICTED", False, WHY_OTAN)
a("national-forms", "NATO/EAPC SECRET\nSituation report\n", "SECRET", False, WHY_OTAN)
a("national-forms", "NATO/PfP CONFIDENTIAL\nExercise plan\n", "CONFIDENTIAL", False, WHY_OTAN)

# ---------------------------------------------------------------- everyday
e(
    "disclaimer",
    "This e-mail and any attachments are confidential and intended solely for the addressee. If you received it in error, please delete it.\n",
)
e(
    "disclaimer",
    "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leur destinataire.\n",
)
e(
    "disclaimer",
    "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte den Absender.\n",
)
e("disclaimer", "Dësen E-Mail ass vertraulech. Wann Dir en net sollt kréien, läscht en w.e.g.\n")
e("disclaimer", "Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde.\n")
e("disclaimer", "Confidential\n\nDear Ms Weber,\nplease find the invoice attached.\n")
e("chemistry", "Dissolve 2 g of NaCl in 100 mL water; (S)-ibuprofen is the active enantiomer.\n")
e("chemistry", "The reaction mixture (C) was heated to 80 °C; [S] = 2 mM.\n")
e("sizes", "| Size | Chest (cm) |\n|---|---|\n| S | 88 |\n| M | 96 |\n| L | 104 |\n")
e("sizes", "Tailles disponibles : (S) petit, (M) moyen, (L) grand.\n")
e(
    "legal",
    "Article 4. Les informations classifiées sont protégées conformément à la loi du 15 juin 2004.\n",
)
e(
    "legal",
    "Gemäß § 4 SÜG werden Verschlusssachen entsprechend ihrer Schutzbedürftigkeit eingestuft.\n",
)
e("legal", "The Official Secrets Act 1989 makes it an offence to disclose protected information.\n")
e("software-docs", "The `level` option accepts one of: public, internal, restricted, secret.\n")
e(
    "software-docs",
    "## Secrets\n\nKubernetes Secrets store sensitive data such as passwords.\n\n```\nkubectl create secret generic db-pass --from-literal=password=xyz\n```\n",
)
e("software-docs", "Set `vault.secret.path` to the path of your secret engine.\n")
e("software-docs", "Log levels: DEBUG, INFO, WARN, ERROR, FATAL.\n")
e(
    "news",
    "The leaked files, some of them marked top secret, were found in a storage room, the newspaper reported.\n",
)
e("news", "Les documents classés secret défense ont été retrouvés, selon le journal.\n")
e("news", "Die als geheim eingestuften Unterlagen lagen offen im Büro, berichtete die Zeitung.\n")
e("news", "De als staatsgeheim gerubriceerde stukken zijn teruggevonden, meldt de krant.\n")
e("novel", "She kept the secret for forty years; nobody in the village ever knew.\n")
e("novel", '"It is top secret," he whispered, and laughed.\n')
e("novel", "Chapter 3\n\nThe Secret Garden\n\nMary walked along the wall.\n")
e("recipe", "Grandma's secret sauce: 2 tbsp soy, 1 tbsp honey, garlic.\n")
e("recipe", "La recette secrète de ma grand-mère : 200 g de farine, 3 œufs.\n")
e("recipe", "Geheimtipp: Ein Schuss Essig macht die Linsensuppe besser.\n")
e("code", "def get_secret(name: str) -> str:\n    return os.environ[name]\n")
e("code", "const SECRET_KEY = process.env.SECRET_KEY;\n")
e("code", 'if (user.role === "restricted") { deny(); }\n')
e("code", 'client_secret = config.get("oauth", "client_secret")\n')
e("code", "enum Access { PUBLIC, RESTRICTED, SECRET, TOP_SECRET }\n")
e("config", "logging:\n  level: secret\n  format: json\n")
e("config", "spec:\n  secretName: tls-secret\n  restricted: true\n")
e("config", "[auth]\nsecret = changeme\nlevel = 3\n")
e("config", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\ntype: Opaque\n")
e(
    "ocr-letter",
    "Ministère de la Santé\nLuxembourg, le 3 mars 2025\n\nMadame,\nNous accusons réception de votre demande.\n",
)
e(
    "ocr-letter",
    "Sehr geehrte Damen und Herren,\nanbei erhalten Sie die Unterlagen zur Sitzung.\nMit freundlichen Grüßen\n",
)
e(
    "svg",
    '<svg xmlns="http://www.w3.org/2000/svg"><text x="10" y="20">Secret</text><text x="10" y="40">Garden party</text></svg>\n',
)
e(
    "hocr",
    '<span class="ocrx_word">The</span> <span class="ocrx_word">secret</span> <span class="ocrx_word">of</span> <span class="ocrx_word">bread</span>\n',
)
e(
    "alto",
    '<TextLine><String CONTENT="Top"/><SP/><String CONTENT="tips"/><SP/><String CONTENT="for"/><SP/><String CONTENT="gardeners"/></TextLine>\n',
)
e("log", "2025-03-12T10:00:00Z INFO secret rotated for service billing\n")
e("log", "Mar 12 10:00:00 host sshd[231]: Accepted publickey for anna\n")
e("log", 'level=info msg="restricted mode enabled" user=jd\n')
e("shell", "$ ls\nsecret/  notes.txt  restricted/\n$ cd secret\n")
e("shell", "$ gpg --list-secret-keys\n/home/anna/.gnupg/pubring.kbx\n")
e("shell", "$ echo $SECRET\n\n$\n")
e("everyday-fr", "Le secret professionnel des avocats est protégé par la loi.\n")
e("everyday-fr", "Diffusion restreinte aux membres du club, merci de ne pas partager.\n")
e("everyday-de", "Das Geheimnis des Erfolgs ist Geduld.\n")
e("everyday-de", "Streng geheim war nur das Rezept der Oma.\n")
e("everyday-lb", "D'Rezept bleift e Geheimnis vun der Famill.\n")
e("everyday-nl", "Het geheim van een goede soep is tijd.\n")
e("everyday-nl", "Vertrouwelijk gesprek met de huisarts om 10 uur.\n")
e("markdown", "## Top Secret! (1984)\n\nA comedy by Zucker, Abrahams and Zucker.\n")
e("markdown", "| Film | Year |\n|---|---|\n| Top Secret! | 1984 |\n| Secret Window | 2004 |\n")
e("markdown", "- [ ] Buy milk\n- [x] Call mum\n")
e("csv-data", "name,role\nanna,restricted\nben,admin\n")
e("csv-data", "Produkt;Preis\nGeheimtipp-Tee;4,50\n")
e("json", '{"message": "the secret is in the sauce", "level": 3}\n')
e("json", '{"visibility": "restricted", "owner": "marketing"}\n')
e("toolcall", '{"name": "get_weather", "arguments": "{\\"city\\": \\"Luxembourg\\"}"}\n')
e("chat-template", "<|im_start|>assistant\nThe weather in Luxembourg is mild today.<|im_end|>\n")
e("music", "Now playing: Secret – Madonna (1994)\n")
e("music", 'Track 4: "Top Secret" by the Jazz Quartet\n')
e("game", "Secret Hitler is a social deduction game for 5-10 players.\n")
e("school", "Exercise 3 (C): compute the area. Answer: (C) 12 cm²\n")
e("copyright", "(C) 2025 Ville de Luxembourg. Tous droits réservés.\n")
e("copyright", "© 2024 Bundesamt für Statistik\n")
e("sysadmin", "/etc/ssl/private/server.key permissions 0600\n")
e("sysadmin", "chmod 700 ~/secret && tar czf secret.tgz ~/secret\n")
e("email", "Subject: Secret Santa 2025\n\nHi all, the draw is on Friday!\n")
e("email", "Betreff: Geheimes Wichteln\n\nHallo zusammen, die Auslosung ist am Freitag.\n")
e("email", "> > Thanks, confidential as always.\n> Sure!\n")
e("stationery", "Envelope sizes: C4, C5, DL.\n")
e(
    "weather",
    "Wind: NE 12 km/h (S) 3 mm rain.\n",
)
e("transport", "Bus 16 (S) Kirchberg – Gare, every 10 min.\n")
e("sports", "Final score: Secret FC 2 – 1 Restricted United\n")
e("hr", "Your salary information is confidential and stored in the HR system.\n")
e("medicine", "Patient confidentiality is a core principle of medical ethics.\n")
e("it-policy", "Data classes: Public, Internal, Confidential, Strictly Confidential.\n")
e("it-policy", "Klassifizierung: öffentlich, intern, vertraulich.\n")
e("ministry-everyday", "Operation Clean Rivers starts on Monday in Esch.\n", pol=M)
e("ministry-everyday", "The nightjars and blue herons returned to the Moselle valley.\n", pol=M)
e("ministry-everyday", "Niveau de protection : normal (bâtiment rénové en 2019)\n", pol=M)
P.append(
    {
        "kind": "everyday",
        "family": "ministry-everyday",
        "text": "Silver linden trees (Tilia tomentosa) line the avenue.\n",
        "expect_at_least": "UNCLASSIFIED",
        "in_scope": False,
        "reason": "the codeword policy reads its keywords in any case by design (n1ghtjar is blocked): a raise here is the policy's choice",
        "policy": M,
    }
)

# titles in prose case in a table or list (red team 10's false raises)
e("titles-in-cells", "| Film | Year |\n|---|---|\n| Top Secret! | 1984 |\n| Airplane! | 1980 |\n")
e("titles-in-cells", "| Titel | Jahr |\n|---|---|\n| Streng Geheim | 1998 |\n")
e(
    "titles-in-cells",
    "| Titre | Année |\n|---|---|\n| Très Secret | 2001 |\n| Secret Défense | 2008 |\n",
)
e("titles-in-cells", "film,year\nTop Secret!,1984\nAirplane!,1980\n")
e("titles-in-cells", "<tr><td>Top Secret!</td><td>1984</td></tr>\n")
e("titles-in-cells", "- Top Secret (1984) ★★★★\n- Airplane! (1980) ★★★★★\n")
e("dot-separator", "Playlist · Secret · Madonna · 1994\n")
e("dot-separator", "Das Geheimnis • Roman • 2019\n")
e("csv-data", "id,item,note\n3,tea,secret blend\n4,cake,restricted to staff\n")
e("latex", "\\begin{tabular}{ll}\nRecipe & secret sauce \\\\\n\\end{tabular}\n")
e("list-label", "1. Header: Welcome to the club\n2. Footer: See you soon\n")
e("tool-prefix", "notes.txt-3-the secret of good bread is time\n")

e("furniture-words", "Slide 3 of 12 – Secret ingredients of a good pitch\n")
e("furniture-words", "Copy 2 of 3 – signed by both parties\n")
e("dot-separator", "Home / Blog / The secret of sourdough\n")
e("dot-separator", "Rezepte ◆ Geheimtipps ◆ Kontakt\n")

e("ministry-everyday", "The night jar on the shelf holds buttons.\n", pol=M)
e("ministry-everyday", "export NIGHT_MODE=1; export JAR_PATH=/opt/app.jar\n", pol=M)

# chord charts (ChordPro): a chord in square brackets before a capitalised lyric
e(
    "chord-chart",
    "{title: Frère Jacques}\n[C]Frère Jacques, [G]frère [C]Jacques,\n[C]Dormez-vous? [G]Dormez-[C]vous?\n",
)
e("chord-chart", "{title: Alle meine Entchen}\n[C]Alle meine [G]Entchen [C]schwimmen auf dem See\n")
e("chord-chart", "[C] Altijd is Kortjakje [F] ziek, [C] midden in de [G] week\n")
e("chord-chart", "[C] Mir wëlle [G] bleiwe wat mir [C] sinn\n")
e("chord-chart", "Verse 1:\n[C] Country roads, take me [G] home\n")
e("chord-chart", "[C] Hallelujah, [Am] hallelujah\n")

e(
    "mail-header",
    "From: anna@example.com\nTo: ben@example.com\nSubject: Dinner\nImportance: Normal\nSensitivity: Confidential\n\nSee you at 8.\n",
)
e("headline", "GEHEIM: Zo werkt de AIVD\n")
e("headline", "STRENG GEHEIM: Omas Apfelkuchen\n")
e("headline", "CONFIDENTIEL : les coulisses du Tour de France\n")
e("headline", "Het boek ZEER GEHEIM van Jan Terlouw\n")
e("headline", "Wat ass GEHEIM? Eng Ausstellung am Musée.\n")
e("lines-as-list", "['Dear team,', 'the secret of good bread is time.', 'Regards']\n")

e("repr", "'Dear team,\\nthe secret of good bread is time.\\nRegards'\n")
e("repr", ">>> s\n'Streng geheim war nur das Rezept.\\nGuten Appetit!'\n")

e("portion-quote", "(A) „Der Hund“ – ein Gedicht.\n(B) „Die Katze“ – ein Lied.\n")
e("portion-quote", "Lösung (C): „Berlin“ ist richtig.\n")
e("subject-tag", "Subject: Lunch [SEC=OFFICIAL]\n")

e("html", '<div data-tooltip="The secret of good bread is time"></div>\n')
e("html", '<button data-label="Geheimtipp anzeigen"></button>\n')

e("diagram-dsl", "@startuml\ntitle Secret Santa draw\nAlice -> Bob: gift\n@enduml\n")
e("diagram-dsl", "graph TD\n  A[Geheimtipp] --> B[Rezept]\n")
e("binding-forms", '(setq secret-file "~/.authinfo.gpg")\n')

# answer keys, legends and tables of contents
e("answer-key", "Answer key\n1. (C) Paris\n2. (A) Rome\n3. (B) Madrid\n")
e("answer-key", "Lösungen:\n1. (C) Berlin\n2. (A) Bonn\n3. (D) Hamburg\n")
e("answer-key", "Antwoorden\n1. (C) Utrecht\n2. (B) Gouda\n")
e("legend", "(S) Subtitled  (AD) Audio described  (HD) High definition\n")
e("legend", "(S) sous-titré  (AD) audiodescription  (HD) haute définition\n")
e(
    "toc",
    "Contents\nSecret Garden ........................ 12\nTop Secret ........................... 14\n",
)
e(
    "toc",
    "Inhalt\nDas Rezept ........................... 3\nStreng Geheim ........................ 9\n",
)
e(
    "toc",
    "Sommaire\nLe jardin ............................ 5\nTrès Secret .......................... 21\n",
)


def main() -> None:
    manifest = []
    counts: dict[str, int] = {}
    for p in P:
        sub = "attack" if p["kind"] == "attack" else "everyday"
        fam = str(p["family"])
        counts[sub + fam] = counts.get(sub + fam, 0) + 1
        name = f"{sub}/{fam}-{counts[sub + fam]:02d}.txt"
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(str(p["text"]).encode("utf-8"))
        row = {
            "file": name,
            "kind": p["kind"],
            "family": fam,
            "expect_at_least": p["expect_at_least"],
            "in_scope": p["in_scope"],
            "policy": p["policy"],
        }
        if p["kind"] == "everyday":
            row["expect"] = "UNCLASSIFIED"
        if not p["in_scope"]:
            row["reason"] = p["reason"]
        manifest.append(row)
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    n_a = sum(1 for r in manifest if r["kind"] == "attack")
    print(f"{n_a} attack, {len(manifest) - n_a} everyday")


if __name__ == "__main__":
    main()
