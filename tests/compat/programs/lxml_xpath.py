# lxml (Cython, bundled libxml2/libxslt): parsing, XPath, building, XSLT, HTML.
import io

from lxml import etree, html

xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:p="urn:price">
  <book id="b1" lang="en"><title>Dune</title><p:price>9.99</p:price></book>
  <book id="b2" lang="fr"><title>L'\xc3\xa9tranger</title><p:price>7.50</p:price></book>
  <book id="b3" lang="en"><title>Emma</title><p:price>5.00</p:price></book>
</catalog>"""
root = etree.fromstring(xml)
print("root", root.tag, len(root), root.nsmap)
print("xpath", root.xpath("//book[@lang='en']/title/text()"))
print("ns", root.xpath("sum(//p:price)", namespaces={"p": "urn:price"}))
print("count", root.xpath("count(//book)"), root.xpath("string(//book[2]/title)"))
find = etree.XPath("//book[number(p:price) > $limit]/@id", namespaces={"p": "urn:price"})
print("compiled", find(root, limit=6))
new = etree.Element("order", status="new")
etree.SubElement(new, "item", ref="b1").text = "1"
print("build", etree.tostring(new, encoding="unicode"))
print("pretty", etree.tostring(root[0], pretty_print=True).decode().strip().count("\n"))
xslt = etree.XSLT(etree.XML(b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text"/>
<xsl:template match="/"><xsl:for-each select="//book"><xsl:value-of select="@id"/>;</xsl:for-each></xsl:template>
</xsl:stylesheet>"""))
print("xslt", str(xslt(etree.ElementTree(root))))
doc = html.fromstring("<html><body><p class='a'>one<br>two</p><a href='/x'>link</a></body></html>")
print("html", doc.xpath("//p[@class='a']")[0].text_content(), [l for _, _, l, _ in doc.iterlinks()])
events = [(e, el.tag) for e, el in etree.iterparse(io.BytesIO(b"<a><b/><c/></a>"), events=("start", "end"))]
print("iterparse", events)
try:
    etree.fromstring(b"<a><b></a>")
except etree.XMLSyntaxError as e:
    print("error", type(e).__name__, e.lineno)
print("versions", etree.LXML_VERSION[:2] >= (5, 0), len(etree.LIBXML_VERSION))
