package detect

import (
	"encoding/xml"
	"strings"
)

// maxXMLValues bounds how many attribute values and text nodes of an XML
// body are checked.
const maxXMLValues = 1024

// xmlValues appends the attribute values and non-blank text of an XML
// document to dst, entities decoded, so that a payload hidden in
// <a probe="&lt;script&gt;"> is checked as the "<script>" the application
// reads. The parser is lenient (unknown entities stay as written, HTML's
// unclosed tags are accepted) and reads nothing outside doc: a DOCTYPE's
// external entities are never fetched or expanded. A malformed document
// yields the values before the fault.
func xmlValues(doc string, dst []string) []string {
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	for len(dst) < maxXMLValues {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			for _, a := range t.Attr {
				if a.Value != "" {
					dst = append(dst, a.Value)
				}
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				dst = append(dst, s)
			}
		}
	}
	return dst
}
