"""Builders for binary probe formats (docx, pdf, xlsx, pptx, eml) -- no third-party libraries."""
from __future__ import annotations
import io, zipfile

CT_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')


def para(text: str, rpr: str = "") -> str:
    return f'<w:p><w:r>{("<w:rPr>"+rpr+"</w:rPr>") if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx(body_xml: str, header_xml: str | None = None, extra: dict[str, str] | None = None,
         extra_rels: str = "", extra_ct: str = "") -> bytes:
    """body_xml: the content of <w:body> (without sectPr); header_xml: content of <w:hdr>."""
    extra = extra or {}
    ct = (CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          + ('<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>' if header_xml else '')
          + extra_ct + '</Types>')
    rels = (CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '</Relationships>')
    drels = (CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             + ('<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>' if header_xml else '')
             + extra_rels + '</Relationships>')
    sect = ('<w:sectPr>' + ('<w:headerReference w:type="default" r:id="rIdH1"/>' if header_xml else '')
            + '<w:pgSz w:w="11906" w:h="16838"/></w:sectPr>')
    doc = CT_HEAD + f'<w:document {W_NS}><w:body>{body_xml}{sect}</w:body></w:document>'
    core = (CT_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Minutes</dc:title><dc:creator>J. Muller</dc:creator></cp:coreProperties>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/_rels/document.xml.rels", drels)
        z.writestr("word/document.xml", doc)
        z.writestr("docProps/core.xml", core)
        if header_xml:
            z.writestr("word/header1.xml", CT_HEAD + f'<w:hdr {W_NS}>{header_xml}</w:hdr>')
        for name, data in extra.items():
            z.writestr(name, data)
    return buf.getvalue()


def vml_watermark(text: str) -> str:
    """Word's Design > Watermark > Custom text watermark, as Word writes it into the header."""
    return ('<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:pict>'
            '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">'
            '<v:path textpathok="t" o:connecttype="custom"/><v:textpath on="t" fitshape="t"/></v:shapetype>'
            f'<v:shape id="PowerPlusWaterMarkObject357831064" o:spid="_x0000_s2049" type="#_x0000_t136" '
            'style="position:absolute;margin-left:0;margin-top:0;width:527.85pt;height:131.95pt;rotation:315;z-index:-251657216" '
            'o:allowincell="f" fillcolor="silver" stroked="f">'
            f'<v:fill opacity=".5"/><v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="{text}"/>'
            '<w10:wrap xmlns:w10="urn:schemas-microsoft-com:office:word" anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r></w:p>')


def pdf(page_text: list[str], annots: list[str] | None = None, catalog_extra: str = "",
        extra_objs: list[str] | None = None, info: str = "/Title (Minutes)") -> bytes:
    """A one-page PDF. annots: annotation dicts (without obj wrapper). extra_objs: objects
    numbered from 6 + len(annots) onward; catalog_extra may refer to them.
    Objects: 1 catalog, 2 pages, 3 page, 4 font, 5 content, 6.. annots, then extra."""
    annots = annots or []
    extra_objs = extra_objs or []
    lines = ["BT /F1 11 Tf 72 760 Td 14 TL"]
    for t in page_text:
        t = t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        lines.append(f"({t}) Tj T*")
    lines.append("ET")
    content = "\n".join(lines).encode("latin-1")
    n_ann = len(annots)
    annot_refs = " ".join(f"{6+i} 0 R" for i in range(n_ann))
    objs = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R"
        + (f" /Annots [{annot_refs}]" if n_ann else "") + " >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        None,
    ] + annots + extra_objs
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode())
        if o is None:
            out.write(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
        elif isinstance(o, bytes):
            out.write(o)
        elif o.startswith("STREAM:"):
            data = o[7:].encode("utf-8")
            out.write(f"<< /Type /EmbeddedFile /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        elif o.startswith("XMP:"):
            data = o[4:].encode("utf-8")
            out.write(f"<< /Type /Metadata /Subtype /XML /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        elif o.startswith("FORM:"):
            data = o[5:].encode("latin-1")
            out.write(f"<< /Type /XObject /Subtype /Form /BBox [0 0 400 100] /Resources << /Font << /F1 4 0 R >> >> /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        else:
            out.write(o.encode("latin-1"))
        out.write(b"\nendobj\n")
    info_n = len(objs) + 1
    offsets.append(out.tell())
    out.write(f"{info_n} 0 obj\n<< {info} /Producer (probe) >>\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {info_n+1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {info_n+1} /Root 1 0 R /Info {info_n} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def xlsx(cells: list[tuple[str, str]]) -> bytes:
    ss = "".join(f"<si><t>{v}</t></si>" for _, v in cells)
    rows = "".join(f'<row r="{i+1}"><c r="{ref}" t="s"><v>{i}</v></c></row>' for i, (ref, _) in enumerate(cells))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", CT_HEAD + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/sharedStrings.xml", CT_HEAD + f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(cells)}" uniqueCount="{len(cells)}">{ss}</sst>')
        z.writestr("xl/worksheets/sheet1.xml", CT_HEAD + f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>')
    return buf.getvalue()


def pptx(texts: list[str]) -> bytes:
    sps = "".join(f'<p:sp><p:txBody><a:bodyPr/><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:txBody></p:sp>' for t in texts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
                   '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/></Types>')
        z.writestr("_rels/.rels", CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>')
        z.writestr("ppt/presentation.xml", CT_HEAD + '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>')
        z.writestr("ppt/_rels/presentation.xml.rels", CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/></Relationships>')
        z.writestr("ppt/slides/slide1.xml", CT_HEAD + f'<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>{sps}</p:spTree></p:cSld></p:sld>')
    return buf.getvalue()
