#!/usr/bin/env python3
"""Write every round-13 held-out probe and manifest.json (next to this file).

usage: python3 make_probes.py      (rewrites attack/, everyday/ and manifest.json)
Imports nothing from the product; builders for binary formats are in lib_build.py.
"""
from __future__ import annotations
import base64, binascii, bz2, codecs, gzip, json, shutil, sys, zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lib_build as B

HERE = Path(__file__).resolve().parent
MIN = "policies/ministry-codewords.yaml"
ROWS: list[dict] = []
COUNT: dict[str, int] = {}


def att(family: str, ext: str, content, level: str, policy: str | None = None,
        in_scope: bool = True, reason: str = "") -> None:
    COUNT[family] = COUNT.get(family, 0) + 1
    name = f"attack/{family}-{COUNT[family]:02d}.{ext}"
    p = HERE / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    row = {"file": name, "family": family, "expect_at_least": level, "in_scope": in_scope}
    if policy:
        row["policy"] = policy
    if not in_scope:
        row["reason"] = reason
    ROWS.append(row)


def ev(family: str, ext: str, content, lang: str) -> None:
    COUNT[family] = COUNT.get(family, 0) + 1
    name = f"everyday/{family}-{lang}-{COUNT[family]:02d}.{ext}"
    p = HERE / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    ROWS.append({"file": name, "family": family, "expect_exactly": "UNCLASSIFIED", "in_scope": True})


def b64(s: str | bytes) -> str:
    return base64.b64encode(s.encode("utf-8") if isinstance(s, str) else s).decode()


# ---------------------------------------------------------------- attack families

def fam_tex_accent():
    f = "tex-accent-escape"
    att(f, "tex", "\\documentclass{article}\n\\usepackage{fancyhdr}\\pagestyle{fancy}\n\\fancyhead[C]{TR\\`ES SECRET UE}\n\\begin{document}\nOrdre du jour de la r\\'eunion.\n\\end{document}\n", "TOP SECRET")
    att(f, "tex", "\\begin{center}\n\\textbf{COSMIC TR\\`{E}S SECRET}\n\\end{center}\nCompte rendu de la session.\n", "TOP SECRET")
    att(f, "tex", "\\chead{VS-NUR F\\\"UR DEN DIENSTGEBRAUCH}\n\\section*{Beschaffung}\nDie Lieferung erfolgt im M\\\"arz.\n", "RESTRICTED")
    att(f, "tex", "\\title{Rapport de situation}\n\\date{12 mars 2025}\n\\lhead{TR\\`ES SECRET LUX}\n\\maketitle\nLa colonne part \\`a l'aube.\n", "TOP SECRET")
    att(f, "tex", "\\cfoot{TR{\\`E}S SECRET D{\\'E}FENSE}\n\nNote au ministre.\n", "TOP SECRET")
    att(f, "tex", "\\begin{flushright}\nNUR F{\\\"U}R DEN DIENSTGEBRAUCH\n\\end{flushright}\nBetreff: Wartung der Fahrzeuge\n", "RESTRICTED")
    att(f, "tex", "\\fbox{TR\\`ES SECRET UE}\\\\\nNote du COREPER.\n", "TOP SECRET", policy=MIN)
    att(f, "tex", "\\newcommand{\\banner}{TR\\`ES SECRET LUX}\n\\fancyfoot[C]{\\banner}\nPlan de rel\\`eve.\n", "TOP SECRET", policy=MIN)
    att(f, "man", ".TH CONVOI 7 \"mars 2025\"\n.ce\nTR\\(`ES SECRET UE\n.PP\nLa colonne part \\(`a l'aube.\n", "TOP SECRET")
    att(f, "man", ".ce\n.B \"VS-NUR F\\(:UR DEN DIENSTGEBRAUCH\"\n.PP\nBetreff: Wartung.\n", "RESTRICTED")
    att(f, "ms", ".ce\nCOSMIC TR\\[`E]S SECRET\n.PP\nMinutes of the session.\n", "TOP SECRET")
    att(f, "tex", "% header\n\\rhead{\\textsc{TR\\`ES SECRET}}\nNote de service n\\textsuperscript{o} 12.\n", "TOP SECRET")


def moj(s: str) -> str:
    return s.encode("utf-8").decode("cp1252", errors="replace")


def fam_mojibake():
    f = "mojibake"
    att(f, "txt", moj("TRÈS SECRET UE") + "\n\nNote du Conseil sur la relève.\n", "TOP SECRET")
    att(f, "eml", "From: jm@example.lu\nTo: ops@example.lu\nSubject: " + moj("Relève") + "\n\n> " + moj("TRÈS SECRET LUX") + "\n> " + moj("Rapport de situation du 12 mars") + "\n", "TOP SECRET")
    att(f, "txt", moj("COSMIC TRÈS SECRET") + "\nProcès-verbal\n", "TOP SECRET")
    att(f, "txt", moj("VS-NUR FÜR DEN DIENSTGEBRAUCH") + "\n\nBetreff: " + moj("Wartung der Fahrzeuge für März") + "\n", "RESTRICTED")
    att(f, "txt", moj("NUR FÜR DEN DIENSTGEBRAUCH") + "\nAnlage 2\n", "RESTRICTED")
    att(f, "csv", "id,titre,classification\n7," + moj("Plan de relève") + "," + moj("TRÈS SECRET DÉFENSE") + "\n", "TOP SECRET")
    att(f, "md", "# " + moj("Compte rendu") + "\n\n**" + moj("TRÈS SECRET") + "**\n\n" + moj("La réunion a eu lieu à Kirchberg.") + "\n", "TOP SECRET")
    att(f, "txt", moj("TRÈS SECRET UE") + "\n" + moj("Réunion du COREPER") + "\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "TR\ufffdS SECRET LUX\n\nRapport de situation\n", "TOP SECRET")
    att(f, "txt", "VS-NUR F\ufffdR DEN DIENSTGEBRAUCH\n\nBetreff: Beschaffung\n", "RESTRICTED")
    lat = "TRÈS SECRET UE".encode("utf-8").decode("latin-1")
    att(f, "txt", lat + "\nNote\n", "TOP SECRET")
    att(f, "html", "<html><head><title>Note</title></head><body><p class=\"banner\">" + moj("TRÈS SECRET LUX") + "</p><p>" + moj("Relève de la garde") + "</p></body></html>\n", "TOP SECRET")


def fam_watermark():
    f = "docx-watermark"
    for mark, lvl, pol in [("NATO SECRET", "SECRET", None), ("CONFIDENTIEL LUX", "CONFIDENTIAL", None),
                           ("STRENG GEHEIM", "TOP SECRET", None), ("Stg. GEHEIM", "SECRET", None),
                           ("TRÈS SECRET UE", "TOP SECRET", MIN), ("SECRET UE", "SECRET", MIN),
                           ("VS-VERTRAULICH", "CONFIDENTIAL", None), ("RESTREINT LUX", "RESTRICTED", MIN)]:
        body = B.para("Minutes of the coordination meeting") + B.para("The convoy leaves Kirchberg at dawn.")
        att(f, "docx", B.docx(body, header_xml=B.vml_watermark(mark)), lvl, policy=pol)


def fam_docx_side():
    f = "docx-side-parts"
    # image alt text (wp:docPr descr) in the body
    def img(descr, title=""):
        return ('<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5400000" cy="800000"/>'
                f'<wp:docPr id="1" name="Picture 1" descr="{descr}" title="{title}"/>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="banner.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill/><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    att(f, "docx", B.docx(img("NATO SECRET") + B.para("Convoy plan for March.")), "SECRET")
    att(f, "docx", B.docx(B.para("Lagebericht"), header_xml=img("VS-VERTRAULICH", "Stempel")), "CONFIDENTIAL")
    att(f, "docx", B.docx(img("", "TRÈS SECRET LUX") + B.para("Rapport.")), "TOP SECRET", policy=MIN)
    # SharePoint metadata in a custom XML part
    cx = ('<?xml version="1.0"?><p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties">'
          '<documentManagement><Classification xmlns="a1b2">{}</Classification></documentManagement></p:properties>')
    for mark, lvl, pol in [("SECRET UE", "SECRET", MIN), ("GEHEIM", "SECRET", None), ("CONFIDENTIEL DÉFENSE", "CONFIDENTIAL", None)]:
        att(f, "docx", B.docx(B.para("Minutes") + B.para("Nothing to report."), extra={"customXml/item1.xml": cx.format(mark)}), lvl, policy=pol)
    # chart title
    chart = ('<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>{}</a:t></a:r></a:p>'
             '</c:rich></c:tx></c:title></c:chart></c:chartSpace>')
    att(f, "docx", B.docx(B.para("Fuel states by unit, see chart."), extra={"word/charts/chart1.xml": chart.format("NATO SECRET")},
                          extra_rels='<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart1.xml"/>',
                          extra_ct='<Override PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>'), "SECRET")
    # SmartArt data
    dgm = ('<?xml version="1.0"?><dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>')
    att(f, "docx", B.docx(B.para("Organigramme de la mission."), extra={"word/diagrams/data1.xml": dgm.format("TRÈS SECRET UE")},
                          extra_rels='<Relationship Id="rIdD1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData" Target="diagrams/data1.xml"/>',
                          extra_ct='<Override PartName="/word/diagrams/data1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"/>'), "TOP SECRET")
    # text box in the header (DrawingML wps:txbx)
    tb = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="2" name="Text Box 2"/>'
          '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>'
          '<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
          '<mc:Fallback><w:pict/></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    att(f, "docx", B.docx(B.para("Verslag van de vergadering."), header_xml=tb.format("Stg. CONFIDENTIEEL")), "CONFIDENTIAL")


def fam_pdf():
    f = "pdf-annotations-forms"
    base = ["Minutes of the coordination meeting", "The convoy leaves Kirchberg at dawn."]
    # Adobe standard stamp
    att(f, "pdf", B.pdf(base, annots=["<< /Type /Annot /Subtype /Stamp /Rect [350 760 560 820] /Name /TopSecret /Contents (TOP SECRET) /T (jm) >>"]), "TOP SECRET")
    att(f, "pdf", B.pdf(base, annots=["<< /Type /Annot /Subtype /FreeText /Rect [72 800 400 830] /Contents (NATO SECRET) /DA (/Helv 14 Tf 1 0 0 rg) >>"]), "SECRET")
    att(f, "pdf", B.pdf(["Lagebericht", "Keine besonderen Vorkommnisse."], annots=["<< /Type /Annot /Subtype /Stamp /Rect [350 760 560 820] /Contents (VS-VERTRAULICH) /Subj (Stempel) >>"]), "CONFIDENTIAL")
    # form field
    att(f, "pdf", B.pdf(["Fiche de transmission", "Destinataire : cellule J2"],
                        annots=["<< /Type /Annot /Subtype /Widget /FT /Tx /T (classification) /V (SECRET UE) /Rect [72 700 300 720] /P 3 0 R >>"],
                        catalog_extra="/AcroForm << /Fields [6 0 R] >>"), "SECRET", policy=MIN)
    att(f, "pdf", B.pdf(["Formulaire de demande", "Objet : habilitation"],
                        annots=["<< /Type /Annot /Subtype /Widget /FT /Tx /T (niveau) /V (TR\\310S SECRET LUX) /Rect [72 700 300 720] /P 3 0 R >>"],
                        catalog_extra="/AcroForm << /Fields [6 0 R] >>"), "TOP SECRET")
    # outline / bookmark
    att(f, "pdf", B.pdf(base, catalog_extra="/Outlines 6 0 R /PageMode /UseOutlines",
                        extra_objs=["<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                                    "<< /Title (COSMIC TOP SECRET - Annex B) /Parent 6 0 R /Dest [3 0 R /Fit] >>"]), "TOP SECRET")
    att(f, "pdf", B.pdf(["Verslag", "Geen bijzonderheden."], catalog_extra="/Outlines 6 0 R",
                        extra_objs=["<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                                    "<< /Title (Stg. GEHEIM) /Parent 6 0 R /Dest [3 0 R /Fit] >>"]), "SECRET")
    # embedded file
    att(f, "pdf", B.pdf(base, catalog_extra="/Names << /EmbeddedFiles << /Names [(annex.txt) 7 0 R] >> >>",
                        extra_objs=["STREAM:NATO SECRET\n\nAnnex B: order of battle\n",
                                    "<< /Type /Filespec /F (annex.txt) /UF (annex.txt) /EF << /F 6 0 R >> >>"]), "SECRET")
    # XMP metadata stream
    xmp = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">'
           '<pdfx:Classification>GEHEIM</pdfx:Classification><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Lagebericht</rdf:li></rdf:Alt></dc:title>'
           '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    att(f, "pdf", B.pdf(["Lagebericht", "Keine Vorkommnisse."], catalog_extra="/Metadata 6 0 R", extra_objs=["XMP:" + xmp]), "SECRET")
    # watermark annotation with an appearance stream
    att(f, "pdf", B.pdf(base, annots=["<< /Type /Annot /Subtype /Watermark /Rect [100 300 500 400] /AP << /N 7 0 R >> >>"],
                        extra_objs=["FORM:BT /F1 48 Tf 10 30 Td (CONFIDENTIEL LUX) Tj ET"]), "CONFIDENTIAL")
    # text annotation (sticky note)
    att(f, "pdf", B.pdf(base, annots=["<< /Type /Annot /Subtype /Text /Rect [500 780 520 800] /Contents (SECRET UE - ne pas diffuser) /T (Relecteur) >>"]), "SECRET", policy=MIN,
        in_scope=False, reason="README: a marking, a dash between blanks, then words in small letters is prose (`SECRET - a short story`); the annotation itself is read")
    # /Info custom key (re-test: metadata claimed)
    att(f, "pdf", B.pdf(["Minutes"], info="/Title (Minutes) /Classification (NATO CONFIDENTIAL)"), "CONFIDENTIAL")


def vs_encode(s: str) -> str:
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16))
    return "".join(out)


def fam_vs():
    f = "variation-selector-smuggling"
    att(f, "txt", "Thanks for the update! 😊" + vs_encode("NATO SECRET") + "\nSee you tomorrow.\n", "SECRET")
    att(f, "txt", "Merci 👍" + vs_encode("TRÈS SECRET UE") + "\n", "TOP SECRET")
    att(f, "md", "# Notes\n\nReview done ✅" + vs_encode("STRENG GEHEIM\nAnlage 3") + "\n", "TOP SECRET")
    att(f, "json", json.dumps({"user": "jm", "text": "ok 🙂" + vs_encode("CONFIDENTIEL LUX")}, ensure_ascii=False) + "\n", "CONFIDENTIAL")
    att(f, "txt", "Dank je 🌷" + vs_encode("Stg. ZEER GEHEIM") + "\n", "TOP SECRET")
    att(f, "txt", "Bis spéider 👋" + vs_encode("SECRET LUX") + "\n", "SECRET", policy=MIN)
    att(f, "txt", "Fuel report attached 📎" + vs_encode("Operation NIGHTJAR") + "\n", "SECRET", policy=MIN)
    att(f, "txt", "A" + vs_encode("VS-VERTRAULICH") + "nbei die Liste.\n", "CONFIDENTIAL")


def u16b64(s: str) -> str:
    return base64.b64encode(s.encode("utf-16-le")).decode()


def fam_utf16_b64():
    f = "base64-utf16"
    att(f, "ps1", "# scheduled task\npowershell.exe -NoProfile -EncodedCommand " + u16b64('Write-Host "NATO SECRET"; Get-Content .\\plan.txt') + "\n", "SECRET")
    att(f, "txt", "schtasks /create /tn upd /tr \"powershell -enc " + u16b64("Set-Content C:\\banner.txt 'TRÈS SECRET UE'") + "\"\n", "TOP SECRET")
    att(f, "json", json.dumps({"CommandLine": "powershell -e " + u16b64("echo 'STRENG GEHEIM'"), "EventID": 4688}) + "\n", "TOP SECRET")
    att(f, "txt", "Decode (UTF-16LE): " + u16b64("CONFIDENTIEL LUX\nRapport de situation") + "\n", "CONFIDENTIAL")
    att(f, "txt", "Payload: " + base64.b64encode("VS-VERTRAULICH".encode("utf-16-be")).decode() + "\n", "CONFIDENTIAL")
    att(f, "txt", "blob=" + base64.b64encode("\ufeffStg. GEHEIM\r\nVerslag".encode("utf-16-le")).decode() + "\n", "SECRET")
    att(f, "txt", "hex (UTF-16LE): " + "TOP SECRET".encode("utf-16-le").hex() + "\n", "TOP SECRET")
    att(f, "xml", "<Event><Data Name=\"ScriptBlockText\">powershell -enc " + u16b64('"SECRET LUX" | Out-File banner.txt') + "</Data></Event>\n", "SECRET", policy=MIN)
    att(f, "txt", "Encoded: " + u16b64("Operation BLUE HERON starts Monday") + "\n", "SECRET", policy=MIN)
    att(f, "txt", "Base64 (UTF-16): " + u16b64("COSMIC TOP SECRET") + "\n", "TOP SECRET")


def fam_compressed():
    f = "compressed-then-encoded"
    gz = lambda s: base64.b64encode(gzip.compress(s.encode("utf-8"), mtime=0)).decode()
    zl = lambda s: base64.b64encode(zlib.compress(s.encode("utf-8"))).decode()
    att(f, "yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: motd\nbinaryData:\n  motd.gz: " + gz("NATO SECRET\nAuthorised users only\n") + "\n", "SECRET")
    att(f, "sh", "#!/bin/sh\necho '" + gz("TRÈS SECRET UE\nPlan de relève\n") + "' | base64 -d | gunzip > /etc/issue\n", "TOP SECRET")
    att(f, "json", json.dumps({"encoding": "gzip+base64", "payload": gz("STRENG GEHEIM\n\nLagebericht 12/03\n")}) + "\n", "TOP SECRET")
    att(f, "txt", "zlib/base64: " + zl("CONFIDENTIEL LUX\nRapport\n") + "\n", "CONFIDENTIAL")
    att(f, "txt", "H4sI blob for the archive: " + gz("Stg. ZEER GEHEIM\nVerslag\n") + "\n", "TOP SECRET")
    att(f, "txt", "bz2: " + base64.b64encode(bz2.compress(b"VS-VERTRAULICH\nAnlage 2\n")).decode() + "\n", "CONFIDENTIAL")
    att(f, "txt", "data: " + gz("SECRET UE\nNote du COREPER\n") + "\n", "SECRET", policy=MIN)
    att(f, "txt", "helm release: " + base64.b64encode(base64.b64encode(gzip.compress(b'{"name":"ops","config":{"banner":"SECRET LUX"}}', mtime=0))).decode() + "\n", "SECRET", policy=MIN)
    att(f, "txt", "gz hex: " + gzip.compress(b"COSMIC TOP SECRET\n", mtime=0).hex() + "\n", "TOP SECRET")
    att(f, "txt", "note.gz.b64: " + gz("Fuel for NIGHTJAR is at the depot.\n") + "\n", "SECRET", policy=MIN)


def fam_container():
    f = "encoded-document-container"
    dx = B.docx(B.para("NATO SECRET") + B.para("Convoy plan"))
    att(f, "json", json.dumps({"@odata.type": "#microsoft.graph.fileAttachment", "name": "minutes.docx",
                               "contentType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               "contentBytes": b64(dx)}) + "\n", "SECRET")
    pd = B.pdf(["TRES SECRET UE", "Note du Conseil"])
    att(f, "json", json.dumps({"name": "note.pdf", "contentBytes": b64(pd)}) + "\n", "TOP SECRET")
    att(f, "html", '<html><body><p>Minutes attached:</p><a href="data:application/pdf;base64,' + b64(B.pdf(["STRENG GEHEIM", "Lagebericht"])) + '">download</a></body></html>\n', "TOP SECRET")
    att(f, "txt", "Attachment (base64 zip): " + b64(B.docx(B.para("CONFIDENTIEL LUX") + B.para("Rapport"))) + "\n", "CONFIDENTIAL")
    inner = "From: a@example.lu\nSubject: relève\n\nSECRET LUX\nPlan\n"
    att(f, "json", json.dumps({"id": "AAMk", "mimeContent": b64(inner)}) + "\n", "SECRET", policy=MIN)
    att(f, "xml", "<attachment name=\"verslag.docx\" encoding=\"base64\">" + b64(B.docx(B.para("Stg. GEHEIM") + B.para("Verslag"))) + "</attachment>\n", "SECRET")
    att(f, "txt", "pptx: " + b64(B.pptx(["VS-VERTRAULICH", "Lagevortrag"])) + "\n", "CONFIDENTIAL")
    att(f, "json", json.dumps({"file": "convoy.docx", "data": b64(B.docx(B.para("Minutes"), header_xml=B.para("COSMIC TOP SECRET")))}) + "\n", "TOP SECRET")


def rot47(s: str) -> str:
    return "".join(chr(33 + (ord(c) - 33 + 47) % 94) if 33 <= ord(c) <= 126 else c for c in s)


def fam_rot47():
    f = "rot47"
    att(f, "txt", "ROT47: " + rot47("NATO SECRET") + "\n", "SECRET")
    att(f, "txt", rot47("COSMIC TOP SECRET") + "\n" + rot47("Annex B to OPORD 3/24") + "\n", "TOP SECRET")
    att(f, "txt", "Antwort (rot47): " + rot47("STRENG GEHEIM - Lagebericht") + "\n", "TOP SECRET")
    att(f, "md", "```\n" + rot47("CONFIDENTIEL LUX") + "\n```\n", "CONFIDENTIAL")
    att(f, "txt", rot47("VS-VERTRAULICH") + "\n\nBitte entschluesseln.\n", "CONFIDENTIAL")
    att(f, "txt", rot47("Stg. GEHEIM") + "\n", "SECRET")
    att(f, "txt", rot47("SECRET UE") + "\n" + rot47("Note du COREPER") + "\n", "SECRET", policy=MIN)
    att(f, "txt", "msg: " + rot47("Operation NIGHTJAR starts Monday") + "\n", "SECRET", policy=MIN)
    att(f, "json", json.dumps({"cipher": "rot47", "text": rot47("TOP SECRET//NOFORN")}) + "\n", "TOP SECRET")
    att(f, "txt", rot47("(S) The convoy leaves at dawn.") + "\n", "SECRET")


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


def fam_atbash():
    f = "atbash"
    att(f, "txt", atbash("NATO SECRET") + "\n" + atbash("Convoy plan") + "\n", "SECRET")
    att(f, "txt", "Atbash: " + atbash("COSMIC TOP SECRET") + "\n", "TOP SECRET")
    att(f, "txt", atbash("STRENG GEHEIM") + "\n", "TOP SECRET")
    att(f, "txt", atbash("CONFIDENTIEL LUX") + "\n" + atbash("Rapport de situation") + "\n", "CONFIDENTIAL")
    att(f, "txt", atbash("VS-VERTRAULICH") + "\n", "CONFIDENTIAL")
    att(f, "txt", atbash("SECRET UE") + "\n", "SECRET", policy=MIN)
    att(f, "txt", atbash("TRES SECRET LUX") + "\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "Ops: " + atbash("NIGHTJAR") + " moves at dawn.\n", "SECRET", policy=MIN)
    att(f, "md", "**" + atbash("TOP SECRET") + "**\n\nDecode with atbash.\n", "TOP SECRET")
    att(f, "txt", atbash("Stg. ZEER GEHEIM") + "\n", "TOP SECRET")


def fam_ocr_split():
    f = "ocr-split-word"
    att(f, "txt", "NATO SEC RET\n\nAnnex B to OPORD 3/24\n", "SECRET")
    att(f, "txt", "CONFIDEN TIEL LUX\nRapport de situation\n", "CONFIDENTIAL")
    att(f, "txt", "STRENG GEH EIM\nAnlage 3\n", "TOP SECRET")
    att(f, "txt", "VS-VERTRAU LICH\nLagebericht\n", "CONFIDENTIAL")
    att(f, "txt", "COSMIC TOP SEC RET\nMinutes\n", "TOP SECRET")
    att(f, "txt", "Page 1 of 3                SECR ET UE\n", "SECRET", policy=MIN)
    att(f, "txt", "TRÈS SEC RET LUX\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "Stg. CONFIDEN TIEEL\nVerslag van de vergadering\n", "CONFIDENTIAL")
    att(f, "txt", "RESTR ICTED\nFuel states\n", "RESTRICTED")
    att(f, "txt", "DIFFUSION RESTREIN TE\nNote de service\n", "RESTRICTED")
    att(f, "txt", "Classification: NATO CONFID ENTIAL\n", "CONFIDENTIAL")
    att(f, "txt", "ZEER GEHE IM\nVerslag\n", "TOP SECRET")


def fam_ocr_conf():
    f = "ocr-multichar-confusion"
    att(f, "txt", "STRENG GEHEIRN\nAnlage 3\n", "TOP SECRET")
    att(f, "txt", "GEHEIRN\nLagebericht\n", "SECRET")
    att(f, "txt", "CONFIclENTIAL\nMinutes\n", "CONFIDENTIAL")
    att(f, "txt", "NATO CONFIclENTIAL\n", "CONFIDENTIAL")
    att(f, "txt", "Stg. ZEER GEHEIRN\n", "TOP SECRET")
    att(f, "txt", "VS-NUR FÜR DEN DIENSTGEBRAUCFI\n", "RESTRICTED")
    att(f, "txt", "CONFIDENTIEL DEFENSE\nNote\n".replace("DEFENSE", "DÉFENSE").replace("CONFIDENTIEL", "CONFIclENTIEL"), "CONFIDENTIAL")
    att(f, "txt", "SECRET UE\n".replace("SECRET", "SECRFT") + "Note\n", "SECRET", policy=MIN)


def fam_cells():
    f = "table-cell-split"
    att(f, "md", "| Header | Value |\n|---|---|\n| STRENG | GEHEIM |\n\nLagebericht\n", "TOP SECRET")
    att(f, "md", "| RESTREINT | LUX |\n|---|---|\n| Plan | 3 pages |\n", "RESTRICTED", policy=MIN)
    att(f, "md", "| Stg. | CONFIDENTIEEL |\n|---|---|\n| Verslag | 2 |\n", "CONFIDENTIAL")
    att(f, "csv", "DIFFUSION,RESTREINTE\nPlan,3\n", "RESTRICTED")
    att(f, "md", "| TRÈS | SECRET UE |\n|---|---|\n", "TOP SECRET", policy=MIN)
    att(f, "html", "<table><tr><td>ZEER</td><td>GEHEIM</td></tr><tr><td>Verslag</td><td>3</td></tr></table>\n", "TOP SECRET")
    att(f, "txt", "VS-NUR FÜR\tDEN DIENSTGEBRAUCH\nBetreff\tWartung\n", "RESTRICTED")
    att(f, "md", "| CONFIDEN | TIEL LUX |\n|---|---|\n", "CONFIDENTIAL")
    att(f, "csv", "COSMIC,TOP,SECRET\n1,2,3\n", "TOP SECRET")
    att(f, "md", "| NATO | RESTRICTED |\n|---|---|\n", "RESTRICTED", policy=MIN)
    att(f, "txt", "+--------+---------+\n| STRENG | GEHEIM  |\n+--------+---------+\n", "TOP SECRET")
    att(f, "md", "| BEPERKTE | VERSPREIDING |\n|---|---|\n| Nota | 1 |\n", "RESTRICTED")


def fam_downgrade():
    f = "qualifier-obfuscated"
    att(f, "txt", "STR3NG GEHEIM\nAnlage 3\n", "TOP SECRET")
    att(f, "txt", "S T R E N G  GEHEIM\n", "TOP SECRET")
    att(f, "txt", "ST\u200bRENG GEHEIM\n", "TOP SECRET")
    att(f, "txt", "ZΕΕR GEHEIM\nVerslag\n", "TOP SECRET")
    att(f, "txt", "T.R.È.S. SECRET UE\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "TR3S SECRET LUX\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "COSMIC TØP SECRET\n", "TOP SECRET")
    att(f, "txt", "Z-E-E-R GEHEIM\n", "TOP SECRET")
    att(f, "txt", "[STR ENG] GEHEIM\n", "TOP SECRET")
    att(f, "txt", "ꓔꓣÈꓢ SECRET UE\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "Streng GEHEIM\nAnlage\n", "TOP SECRET")
    att(f, "txt", "TOP SEGRET\n".replace("SEGRET", "SECRET").replace("TOP", "T0P") + "Plan\n", "TOP SECRET")


def fam_diff():
    f = "diff-output"
    att(f, "diff", "diff --git a/plan.md b/plan.md\n--- a/plan.md\n+++ b/plan.md\n@@ -1,3 +1,3 @@\n-NATO UNCLASSIFIED\n+NATO SECRET\n \n Convoy plan for March.\n", "SECRET")
    att(f, "txt", "Classification: [-RESTRICTED-]{+STRENG GEHEIM+}\nBetreff: Lage\n", "TOP SECRET")
    att(f, "txt", "Einstufung: [-VS-NfD-]{+VS-VERTRAULICH+}\n", "CONFIDENTIAL")
    att(f, "txt", "UNCLASSIFIED                         | SECRET UE\nPlan                                   Plan\n", "SECRET", policy=MIN)
    att(f, "diff", "--- a/rapport.txt\n+++ b/rapport.txt\n@@ -1 +1 @@\n-NON CLASSIFIÉ\n+TRÈS SECRET LUX\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "NON CLASSIFIÉ [-RAPPORT-]{+TRÈS SECRET LUX+} du 12 mars\n", "TOP SECRET", policy=MIN)
    att(f, "txt", "wdiff: [-NATO UNCLASSIFIED-] {+NATO CONFIDENTIAL+}\n", "CONFIDENTIAL")
    att(f, "diff", "*** a/verslag.txt\n--- b/verslag.txt\n***************\n*** 1 ****\n! Dep. VERTROUWELIJK\n--- 1 ----\n! Stg. ZEER GEHEIM\n", "TOP SECRET")
    att(f, "txt", "Subject: {+[COSMIC TOP SECRET]+} Convoy plan\n", "TOP SECRET")
    att(f, "diff", "@@ -3,2 +3,2 @@ header:\n-  text: UNCLASSIFIED\n+  text: SECRET LUX\n", "SECRET", policy=MIN)
    att(f, "txt", "1c1\n< UNCLASSIFIED\n---\n> CONFIDENTIEL DÉFENSE\n", "CONFIDENTIAL")
    att(f, "txt", "Titel: {+STRENG GEHEIM+}[-OFFEN-]\n", "TOP SECRET")


def fam_continuation():
    f = "backslash-continuation"
    att(f, "yaml", "header:\n  banner: \"STRENG \\\n    GEHEIM\"\n  title: Lagebericht\n", "TOP SECRET")
    att(f, "toml", "[doc]\nbanner = \"\"\"\\\n    TRÈS \\\n    SECRET UE\"\"\"\n", "TOP SECRET", policy=MIN)
    att(f, "c", "static const char *banner = \"NATO SEC\\\nRET\";\n", "SECRET")
    att(f, "sh", "#!/bin/sh\necho \"CONFIDEN\\\nTIEL LUX\" > /etc/issue.net\n", "CONFIDENTIAL")
    att(f, "py", "BANNER = \"VS-VERTRAU\\\nLICH\"\nprint(BANNER)\n", "CONFIDENTIAL")
    att(f, "yaml", "title: \"Stg. ZEER \\\n  GEHEIM\"\n", "TOP SECRET")
    att(f, "js", "const banner = 'COSMIC TOP SEC\\\nRET';\n", "TOP SECRET")
    att(f, "yaml", "classification: >-\n  STRENG\n  GEHEIM\nsubject: Lage\n", "TOP SECRET")
    att(f, "yaml", "banner: |-\n  TRÈS\n  SECRET LUX\n", "TOP SECRET", policy=MIN)
    att(f, "yaml", "level: >\n  Stg.\n  CONFIDENTIEEL\n", "CONFIDENTIAL")


def fam_uppercase():
    f = "rendered-uppercase"
    att(f, "html", '<html><body><div class="hdr"><span>Annex B</span>\t<span style="text-transform:uppercase">nato secret</span></div><p>Convoy plan.</p></body></html>\n', "SECRET")
    att(f, "html", '<table><tr><td>Plan de relève</td><td style="text-transform: uppercase">très secret lux</td><td>3</td></tr></table>\n', "TOP SECRET", policy=MIN)
    caps = "<w:caps/>"
    body = '<w:p><w:r><w:t xml:space="preserve">Anlage 3</w:t></w:r><w:r><w:tab/></w:r><w:r><w:rPr><w:caps/></w:rPr><w:t>geheim</w:t></w:r></w:p>' + B.para("Lagebericht")
    att(f, "docx", B.docx(B.para("Keine Vorkommnisse."), header_xml=body), "SECRET")
    body2 = '<w:p><w:r><w:t xml:space="preserve">Verslag </w:t></w:r><w:r><w:tab/></w:r><w:r><w:rPr><w:caps/></w:rPr><w:t>stg. zeer geheim</w:t></w:r></w:p>'
    att(f, "docx", B.docx(B.para("Geen bijzonderheden."), header_xml=body2), "TOP SECRET")
    att(f, "tex", "\\fancyhead[R]{Annexe B \\quad \\MakeUppercase{confidentiel lux}}\nRapport.\n", "CONFIDENTIAL")
    att(f, "tex", "\\lhead{Plan}\\rhead{\\uppercase{geheim}}\n", "SECRET")
    att(f, "typ", "#set page(header: [Anlage 3 #h(1fr) #upper[streng geheim]])\nLagebericht.\n", "TOP SECRET")
    att(f, "html", '<p>Rapport du 12 mars, <span style="text-transform:uppercase">secret ue</span></p>\n', "SECRET", policy=MIN)
    att(f, "fodt", '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:text-transform="uppercase"/></style:style></office:automatic-styles><office:body><office:text><text:p>Verslag<text:tab/><text:span text:style-name="T1">stg. geheim</text:span></text:p><text:p>Geen bijzonderheden.</text:p></office:text></office:body></office:document>\n', "SECRET")
    att(f, "html", '<style>.b{text-transform:uppercase}</style><div>Lagebericht · <b class="b">vs-vertraulich</b></div>\n', "CONFIDENTIAL")
    att(f, "md", "Convoy plan <span style=\"text-transform:uppercase\">cosmic top secret</span>\n", "TOP SECRET")
    att(f, "rtf", "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Rapport\\tab {\\caps tr\\'e8s secret lux}\\par Suite.\\par}\n", "TOP SECRET", policy=MIN)


def fam_colon_lead():
    f = "marking-colon-lead"
    att(f, "txt", "[10:14] <jm> NATO SECRET: convoy leaves Kirchberg at 0400\n[10:15] <ak> ack\n", "SECRET")
    att(f, "txt", "VS-VERTRAULICH: Der Konvoi verlässt Kirchberg um 4 Uhr.\n", "CONFIDENTIAL")
    att(f, "txt", "SECRET UE : la réunion du COREPER est avancée à 9 h.\n", "SECRET", policy=MIN)
    att(f, "txt", "Stg. GEHEIM: het konvooi vertrekt om 4 uur.\n", "SECRET")
    att(f, "txt", "TRÈS SECRET LUX: de Konvoi fiert um 4 Auer fort.\n", "TOP SECRET", policy=MIN)
    att(f, "json", json.dumps({"type": "message", "user": "U07", "text": "COSMIC TOP SECRET: strike window moved to 0300"}) + "\n", "TOP SECRET")
    att(f, "txt", "STRENG GEHEIM: Lagebericht folgt per Kurier.\n", "TOP SECRET")
    att(f, "txt", "12/03/2025, 10:14 - Jean: CONFIDENTIEL LUX: relève à 6 h\n", "CONFIDENTIAL")
    att(f, "txt", "NATO CONFIDENTIAL: fuel states attached.\n", "CONFIDENTIAL")
    att(f, "txt", "> ZEER GEHEIM: verplaatsing van de eenheid naar Arlon\n", "TOP SECRET")
    att(f, "md", "- **SECRET LUX:** d'Versammlung ass um 9 Auer.\n", "SECRET", policy=MIN)
    att(f, "txt", "TOP SECRET//NOFORN: the source is in place.\n", "TOP SECRET")


def fam_subs():
    f = "ass-lrc-subtitles"
    head = "[Script Info]\nTitle: Briefing\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,{\\an8}NATO SECRET\nDialogue: 0,0:00:04.00,0:00:08.00,Default,,0,0,0,,The convoy leaves at dawn.\n", "SECRET")
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,{\\b1}STRENG GEHEIM{\\b0}\n", "TOP SECRET")
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,SEC{\\i1}RET{\\i0} UE\n", "SECRET", policy=MIN)
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:04.00,Top,,0,0,0,,COSMIC TOP\\NSECRET\n", "TOP SECRET")
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,{\\k20}CON{\\k20}FI{\\k20}DEN{\\k20}TIEL {\\k30}LUX\n", "CONFIDENTIAL")
    att(f, "ass", head + "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,STRENG\nDialogue: 0,0:00:03.00,0:00:05.00,Default,,0,0,0,,GEHEIM\n", "TOP SECRET")
    att(f, "ssa", "[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: Marked=0,0:00:01.00,0:00:04.00,Default,,0,0,0,,Stg. GEHEIM\n", "SECRET")
    att(f, "sub", "{1}{50}TRÈS|SECRET UE\n{51}{120}La colonne part à l'aube.\n", "TOP SECRET", policy=MIN)
    att(f, "sub", "{1}{50}{y:b}VS-VERTRAULICH\n{51}{120}Der Konvoi fährt um vier.\n", "CONFIDENTIAL")
    att(f, "lrc", "[ti:Briefing]\n[00:01.00]CONFIDENTIEL\n[00:03.00]LUX\n[00:05.00]Rapport\n", "CONFIDENTIAL")
    att(f, "lrc", "[00:12.00]<00:12.00>NATO <00:12.50>SECRET\n", "SECRET")
    att(f, "sbv", "0:00:01.000,0:00:04.000\nSTRENG\n\n0:00:04.000,0:00:06.000\nGEHEIM\n", "TOP SECRET")


def fam_lookalike():
    f = "rare-lookalike-blocks"
    paren = lambda s: "".join(chr(0x1F110 + ord(c) - 65) if "A" <= c <= "Z" else c for c in s)
    psmall = lambda s: "".join(chr(0x249C + ord(c) - 97) if "a" <= c <= "z" else c for c in s.lower())
    mono = lambda s: "".join(chr(0x1D670 + ord(c) - 65) if "A" <= c <= "Z" else c for c in s)
    comb = lambda s, m: "".join(c + m if c.isalpha() else c for c in s)
    att(f, "txt", paren("NATO SECRET") + "\nBriefing\n", "SECRET")
    att(f, "txt", psmall("geheim") + "\n" + "Anlage\n", "SECRET")
    att(f, "txt", mono("STRENG GEHEIM") + "\n", "TOP SECRET")
    att(f, "txt", comb("CONFIDENTIEL LUX", "\u20DD") + "\n", "CONFIDENTIAL")
    att(f, "txt", comb("TOP SECRET", "\u0336") + "\nPlan\n", "TOP SECRET")
    att(f, "txt", "ᏚᎬᏟᎡᎬᎢ UE\n", "SECRET", policy=MIN)
    att(f, "txt", "ꓢꓰꓚꓣꓰꓔ ꓡꓴꓫ\n", "SECRET", policy=MIN)
    att(f, "txt", "ᴺᴬᵀᴼ ᴿᴱˢᵀᴿᴵᶜᵀᴱᴰ\n", "RESTRICTED", policy=MIN)
    att(f, "txt", comb("VS-VERTRAULICH", "\u0332") + "\n", "CONFIDENTIAL")
    att(f, "txt", "Ⓢⓣⓖ. ⒼⒺⒽⒺⒾⓂ\n", "SECRET")
    att(f, "txt", "Subject: " + paren("SECRET") + " " + paren("UE") + " convoy\n", "SECRET", policy=MIN)
    att(f, "txt", comb("ZEER GEHEIM", "\u0338") + "\n", "TOP SECRET")


def jesc(s: str) -> str:
    return json.dumps(s, ensure_ascii=True)


def fam_surrogates():
    f = "json-surrogate-escape"
    bold = lambda s: "".join(chr(0x1D400 + ord(c) - 65) if "A" <= c <= "Z" else c for c in s)
    sq = lambda s: "".join(chr(0x1F130 + ord(c) - 65) if "A" <= c <= "Z" else c for c in s)
    att(f, "json", '{"banner": ' + jesc(bold("NATO SECRET")) + ', "title": "Convoy"}\n', "SECRET")
    att(f, "json", '{"text": ' + jesc(bold("STRENG GEHEIM") + "\nLagebericht") + '}\n', "TOP SECRET")
    att(f, "json", '{"header": ' + jesc(sq("CONFIDENTIEL LUX")) + '}\n', "CONFIDENTIAL")
    att(f, "json", '{"answer": ' + jesc(bold("TRÈS SECRET UE")) + '}\n', "TOP SECRET", policy=MIN)
    att(f, "jsonl", '{"role": "assistant", "content": ' + jesc(bold("VS-VERTRAULICH") + "\n\nDer Konvoi.") + '}\n', "CONFIDENTIAL")
    att(f, "json", '{"classification": ' + jesc(sq("SECRET LUX")) + '}\n', "SECRET", policy=MIN)
    att(f, "json", '{"msg": ' + jesc(bold("Stg. ZEER GEHEIM")) + '}\n', "TOP SECRET")
    att(f, "json", '{"line": ' + jesc("🔒 " + bold("COSMIC TOP SECRET") + " 🔒") + '}\n', "TOP SECRET")


def eml(headers: str, body: str) -> str:
    return headers.rstrip("\n") + "\n\n" + body


def fam_mail():
    f = "mail-transfer-forms"
    uu = binascii.b2a_uu(b"NATO SECRET\n").decode()
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: plan\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nSee attachment.\n--XX\nContent-Type: text/plain; name=annex.txt\nContent-Disposition: attachment; filename=annex.txt\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 annex.txt\n" + uu + "`\nend\n--XX--\n", "SECRET")
    inner = "From: c@example.lu\nTo: d@example.lu\nSubject: [TRÈS SECRET LUX] relève\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nLa relève a lieu à 6 h.\n"
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: Fwd: relève\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=YY\n\n--YY\nContent-Type: text/plain\n\nForwarded as attachment.\n--YY\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n" + inner + "--YY--\n", "TOP SECRET", policy=MIN)
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: Lage\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=ZZ\n\n--ZZ\nContent-Type: text/plain\n\nAnbei.\n--ZZ\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=UTF-8''STRENG%20GEHEIM%20Lagebericht.bin\nContent-Transfer-Encoding: base64\n\nAAECAwQF\n--ZZ--\n", "TOP SECRET")
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: note\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-7\nContent-Transfer-Encoding: 7bit\n\n+AFMARQBDAFIARQBUACAAVQBF-\nNote du COREPER.\n", "SECRET", policy=MIN)
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: Verslag\nX-Classification: Stg. GEHEIM\nMIME-Version: 1.0\nContent-Type: text/plain\n\nGeen bijzonderheden.\n", "SECRET")
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: Minutes\nThread-Topic: COSMIC TOP SECRET minutes\nKeywords: COSMIC TOP SECRET\nMIME-Version: 1.0\nContent-Type: text/plain\n\nSee below.\n", "TOP SECRET")
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: Lage\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=AA\n\n--AA\nContent-Type: text/plain\n\nBitte HTML-Ansicht.\n--AA\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<p style=3D\"color:red\">VS-VERTRAU=\nLICH</p><p>Der Konvoi.</p>\n--AA--\n", "CONFIDENTIAL")
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: =?iso-8859-1?Q?TR=C8S_SECRET_UE?=\nMIME-Version: 1.0\nContent-Type: text/plain\n\nNote.\n", "TOP SECRET", policy=MIN)
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: rapport\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\nVoir pièce jointe.\n--BB\nContent-Type: application/gzip; name=rapport.txt.gz\nContent-Disposition: attachment; filename=rapport.txt.gz\nContent-Transfer-Encoding: base64\n\n" + b64(gzip.compress("CONFIDENTIEL LUX\nRapport\n".encode(), mtime=0)) + "\n--BB--\n", "CONFIDENTIAL", in_scope=False, reason="an attachment milai cannot read (gzip) makes the whole message exit 2 (fail closed), not a miss")
    att(f, "eml", "From: a@example.lu\nTo: b@example.lu\nSubject: plan\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=CC\n\n--CC\nContent-Type: text/plain\n\nZip attached.\n--CC\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=plan.xlsx\nContent-Disposition: attachment; filename=plan.xlsx\nContent-Transfer-Encoding: base64\n\n" + b64(B.xlsx([("A1", "Classification"), ("B1", "NATO SECRET")])) + "\n--CC--\n", "SECRET", in_scope=False, reason="an Excel attachment makes the whole message exit 2 (fail closed: README lists the formats read), not a miss")


def fam_office_unlisted():
    f = "office-unlisted-containers"
    att(f, "xlsx", B.xlsx([("A1", "NATO SECRET"), ("A2", "Convoy plan")]), "SECRET", in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "xlsx", B.xlsx([("A1", "Plan de relève"), ("A2", "TRÈS SECRET LUX")]), "TOP SECRET", policy=MIN, in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "xlsx", B.xlsx([("A1", "Einstufung"), ("B1", "VS-VERTRAULICH")]), "CONFIDENTIAL", in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "pptx", B.pptx(["STRENG GEHEIM", "Lagevortrag"]), "TOP SECRET", in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "pptx", B.pptx(["Stg. GEHEIM", "Verslag"]), "SECRET", in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "pptx", B.pptx(["SECRET UE", "Note du COREPER"]), "SECRET", policy=MIN, in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "xlsx", B.xlsx([("A1", "Operation NIGHTJAR"), ("A2", "fuel")]), "SECRET", policy=MIN, in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")
    att(f, "pptx", B.pptx(["CONFIDENTIEL DÉFENSE", "Point de situation"]), "CONFIDENTIAL", in_scope=False, reason="README lists the formats read (Word, OpenDocument text, PDF, HTML, e-mail, text); other containers are refused with exit 2 (fail closed: nothing reaches a model), which run_gate counts as wrong")


# ---------------------------------------------------------------- everyday

def everyday():
    E = []
    en = [
        ("txt", "Grandma's secret ingredient is a pinch of nutmeg. Keep it secret, keep it safe!\n"),
        ("txt", "Shoe sizes in stock (EU): S 36-38, M 39-41, L 42-44.\nSecret compartment in the sole, ask in store!\n"),
        ("py", "import os\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDEBUG = False\n"),
        ("yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n  password: cGFzc3dvcmQ=\n"),
        ("txt", "The (S)-enantiomer of ibuprofen is the active form; (R)-ibuprofen converts in vivo.\n"),
        ("txt", "(C) 2024 Ministry of Defence. All rights reserved.\nCrown copyright.\n"),
        ("txt", "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and may be privileged. If you are not the intended recipient, please delete it.\n"),
        ("txt", "Secret Santa 2025: draw names on Friday, budget 20 EUR.\n"),
        ("md", "## The Secret Garden\n\nA novel by Frances Hodgson Burnett (1911).\n"),
        ("txt", "aws secretsmanager get-secret-value --secret-id prod/db --query SecretString\n"),
        ("txt", "Confidential waste goes in the locked blue bins on level 2.\n"),
        ("txt", "RESTRICTED AREA\nAuthorised personnel only\n"),
        ("eml", "From: hr@example.com\nTo: staff@example.com\nSubject: Payslips\nSensitivity: Company-Confidential\n\nYour payslip is available in the portal.\n"),
        ("ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Dentist\nCLASS:PRIVATE\nDTSTART:20250312T100000\nEND:VEVENT\nEND:VCALENDAR\n"),
        ("txt", "Lyrics: I want to know what you're thinking / there are some things you can't hide / I want to know your secret\n"),
        ("txt", "The training covers how to handle documents marked NATO SECRET and how to store them.\n"),
        ("json", '{"client_id": "web", "client_secret": "${CLIENT_SECRET}", "confidential": true}\n'),
        ("txt", "CuI (copper(I) iodide) is used as a catalyst in the Ullmann reaction.\n"),
        ("sh", "git secret reveal -f\ngpg --list-secret-keys\n"),
        ("txt", "Spoiler: the top secret ingredient in the burger sauce is pickle juice.\n"),
    ]
    fr = [
        ("txt", "Le secret de la tarte Tatin, c'est le beurre salé.\n"),
        ("txt", "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leurs destinataires.\n"),
        ("txt", "Tailles disponibles : (S) Petit : 2 pièces, (M) Moyen : 5 pièces.\n"),
        ("txt", "Le médecin est tenu au secret professionnel, sauf exceptions prévues par la loi.\n"),
        ("txt", "L'affaire, classée secret-défense depuis 1995, a été évoquée au journal de 20 h.\n"),
        ("txt", "Chut ! C'est très secret : la fête surprise est samedi.\n"),
        ("txt", "© 2025 Ville de Luxembourg – tous droits réservés.\n"),
        ("txt", "Accès réservé au personnel. Diffusion restreinte aux membres du club de tennis.\n"),
        ("txt", "Recette : le secret d'une bonne mayonnaise est d'avoir tous les ingrédients à température ambiante.\n"),
        ("md", "# Le Secret de la Licorne\n\nAlbum de Tintin paru en 1943.\n"),
        ("txt", "Formation : manipuler un document marqué CONFIDENTIEL DÉFENSE demande une habilitation.\n"),
        ("txt", "Le code secret de votre carte ne vous sera jamais demandé par téléphone.\n"),
        ("txt", "Chimie : l'acide (S)-lactique est produit par fermentation.\n"),
        ("txt", "Réunion confidentielle du conseil d'administration, jeudi à 14 h.\n"),
        ("txt", "Jardin secret, un parfum aux notes de jasmin et de cèdre.\n"),
        ("txt", "Le dossier médical est confidentiel ; seul le patient peut y accéder.\n"),
        ("txt", "Paroles : « Un secret, c'est un secret, et je le garde pour moi »\n"),
        ("json", '{"titre": "Le secret des abeilles", "confidentiel": false, "pages": 212}\n'),
        ("txt", "Boîte à idées : vos suggestions restent anonymes et confidentielles.\n"),
        ("txt", "Mot de passe oublié ? Répondez à votre question secrète.\n"),
    ]
    de = [
        ("txt", "Das Geheimnis eines guten Brotes ist viel Zeit und wenig Hefe.\n"),
        ("txt", "Bitte vertraulich behandeln: die Gehaltsliste liegt im Personalbüro.\n"),
        ("txt", "Das ist streng geheim, sagte sie lachend, und verriet die Überraschung.\n"),
        ("txt", "Ihre Geheimzahl (PIN) erhalten Sie getrennt per Post.\n"),
        ("txt", "Geheimtipp: das kleine Café am Marktplatz hat den besten Kuchen.\n"),
        ("txt", "Größen: (S) Klein (36-38), (M) Mittel (40-42), (L) Groß (44-46)\n"),
        ("txt", "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender.\n"),
        ("txt", "Schulung: Dokumente mit dem Vermerk VS-NUR FÜR DEN DIENSTGEBRAUCH werden im Stahlschrank verwahrt.\n"),
        ("txt", "Der Geheimrat Goethe wohnte in Weimar.\n"),
        ("md", "## Geheime Zutaten\n\nZimt, Nelken und ein Schuss Rum.\n"),
        ("txt", "Vertraulichkeitsvereinbarung (NDA) zwischen der Firma A und der Firma B.\n"),
        ("txt", "Das Passwort ist geheim und darf nicht weitergegeben werden.\n"),
        ("txt", "Liedtext: Ich hab' ein Geheimnis, das sag' ich dir nicht.\n"),
        ("txt", "Kapitel 3: Das geheime Zimmer\n"),
        ("txt", "(C) 2024 Deutsche Bahn AG\n"),
        ("txt", "Wahlgeheimnis: Die Stimmabgabe ist geheim.\n"),
        ("json", '{"name": "Geheimfach", "vertraulich": false, "preis": "19,90 EUR"}\n'),
        ("txt", "Im Labor: (S)-Milchsäure und (R)-Milchsäure sind Enantiomere.\n"),
        ("txt", "Die Verhandlungen waren vertraulich, das Ergebnis ist öffentlich.\n"),
        ("txt", "Betriebsgeheimnisse sind durch das GeschGehG geschützt.\n"),
    ]
    lb = [
        ("txt", "D'Rezept vun der Bomi bleift geheim.\n"),
        ("txt", "Dës Informatioun ass vertraulech a just fir de Comité.\n"),
        ("txt", "Wat ass d'Geheimnis vun enger gudder Bouneschlupp? Vill Zäit.\n"),
        ("txt", "Gréissten: (S) Kleng, (M) Mëttel, (L) Grouss\n"),
        ("txt", "Dat ass e Geheimtipp: de Maart op der Knuedler.\n"),
        ("txt", "Är PIN ass geheim, gitt se ni weider.\n"),
        ("txt", "Dësen E-Mail ass vertraulech. Wann Dir net den Destinataire sidd, läscht en w.e.g.\n"),
        ("txt", "D'Walen sinn geheim an direkt.\n"),
        ("txt", "(C) 2025 Gemeng Esch-Uelzecht\n"),
        ("txt", "Eise Geheimnis: mir fänken all Dag um 7 Auer un.\n"),
        ("txt", "Formatioun: wéi een en Dokument mat der Mentioun SECRET LUX behandelt.\n"),
        ("txt", "Lidd: Et ass e Geheimnis, dat bleift tëscht eis.\n"),
        ("txt", "D'Versammlung ass vertraulech, d'Resultat gëtt publizéiert.\n"),
        ("txt", "Secret Santa op der Aarbecht: Budget 15 Euro.\n"),
        ("json", '{"titel": "Geheim Plazen zu Lëtzebuerg", "säiten": 96}\n'),
        ("txt", "Mir halen d'Iwwerraschung fir de Bop nach geheim.\n"),
        ("txt", "Vertraulech Gespréicher fannen am klenge Sall statt.\n"),
        ("txt", "D'Geheimzuel vun der Kaart kritt Dir per Bréif.\n"),
        ("txt", "Top secret, sot hien, an huet gelaacht.\n"),
        ("txt", "D'Recette fir Gromperekichelcher ass kee Geheimnis.\n"),
    ]
    nl = [
        ("txt", "Het geheim van oma's appeltaart is kaneel.\n"),
        ("txt", "Deze e-mail is vertrouwelijk en uitsluitend bestemd voor de geadresseerde.\n"),
        ("txt", "Maten: (S) Klein, (M) Middel, (L) Groot\n"),
        ("txt", "Het geheim van de smid is dat hij vroeg begint.\n"),
        ("txt", "Uw pincode is geheim; deel hem met niemand.\n"),
        ("txt", "Zeer geheim! fluisterde de kleine Sam tegen zijn zus.\n"),
        ("txt", "(C) 2024 Gemeente Utrecht\n"),
        ("txt", "Opleiding: hoe behandel je een document met de rubricering Stg. GEHEIM?\n"),
        ("txt", "Het stemgeheim is in de Grondwet vastgelegd.\n"),
        ("txt", "Vertrouwelijke gesprekken voert u in de stille kamer.\n"),
        ("md", "## Het Geheime Dagboek van Hendrik Groen\n\nRoman, 2014.\n"),
        ("txt", "Scheikunde: (S)-carvon ruikt naar karwij, (R)-carvon naar munt.\n"),
        ("txt", "Geheimhoudingsverklaring voor stagiairs, graag ondertekenen.\n"),
        ("txt", "Songtekst: ik heb een geheim, en dat vertel ik je niet.\n"),
        ("txt", "Reis met de trein (NS) of de bus (Arriva) naar het station.\n"),
        ("json", '{"titel": "Geheimen van de Noordzee", "vertrouwelijk": false}\n'),
        ("txt", "De uitslag blijft geheim tot vrijdag.\n"),
        ("txt", "Beperkte verspreiding van de nieuwsbrief: alleen leden.\n"),
        ("txt", "Het recept is een goed bewaard geheim.\n"),
        ("txt", "Vertrouwelijk advies van de huisarts blijft in het dossier.\n"),
    ]
    for lang, items in (("en", en), ("fr", fr), ("de", de), ("lb", lb), ("nl", nl)):
        for ext, text in items:
            ev("everyday", ext, text, lang)


def main() -> None:
    for d in ("attack", "everyday"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    for fn in (fam_tex_accent, fam_mojibake, fam_watermark, fam_docx_side, fam_pdf, fam_vs, fam_utf16_b64,
               fam_compressed, fam_container, fam_rot47, fam_atbash, fam_ocr_split, fam_ocr_conf, fam_cells,
               fam_downgrade, fam_diff, fam_continuation, fam_uppercase, fam_colon_lead, fam_subs,
               fam_lookalike, fam_surrogates, fam_mail, fam_office_unlisted, everyday):
        fn()
    (HERE / "manifest.json").write_text(json.dumps(ROWS, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    na = sum(1 for r in ROWS if "expect_at_least" in r)
    print(f"{na} attack, {len(ROWS) - na} everyday, families: {len(COUNT)}")


if __name__ == "__main__":
    main()
