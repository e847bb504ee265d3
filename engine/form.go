package engine

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"strings"
)

// Form limits: a form point reads at most maxFormFields fields of at most
// maxFormValue bytes each, so that a hostile upload costs a bounded amount
// of work however large the capture cap is.
const (
	maxFormFields = 256
	maxFormValue  = 64 << 10
)

// formField is one field of a multipart form.
type formField struct {
	name, value string
}

// formKind says how a request body encodes form fields.
type formKind uint8

const (
	formNone formKind = iota
	formURLEncoded
	formMultipart
)

// requestFormKind reads the Content-Type of a request. An import without
// headers is tried as urlencoded unless its body looks like JSON.
func requestFormKind(hs []Header, body []byte) (formKind, string) {
	ct := headerValue(hs, "Content-Type")
	if ct == "" {
		if looksLikeJSON(body) {
			return formNone, ""
		}
		return formURLEncoded, ""
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return formNone, ""
	}
	switch media {
	case "application/x-www-form-urlencoded":
		return formURLEncoded, ""
	case "multipart/form-data":
		if b := params["boundary"]; b != "" {
			return formMultipart, b
		}
	}
	return formNone, ""
}

// multipartFields reads the fields of a multipart/form-data body. A file
// field yields its file name, not its content, which is rarely a value an
// investigator groups or labels by. A body truncated at the capture cap
// yields the fields that end before the cut; a part cut in the middle is
// dropped rather than reported with half its value.
func multipartFields(body []byte, boundary string, dst []formField) []formField {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for len(dst) < maxFormFields {
		part, err := r.NextPart()
		if err != nil {
			break
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		if file := part.FileName(); file != "" {
			dst = append(dst, formField{name: name, value: file})
			continue
		}
		var buf strings.Builder
		if _, err := io.Copy(&buf, io.LimitReader(part, maxFormValue)); err != nil {
			break
		}
		dst = append(dst, formField{name: name, value: buf.String()})
	}
	return dst
}

// fieldValue returns the first field called name.
func fieldValue(fields []formField, name string) string {
	for _, f := range fields {
		if f.name == name {
			return f.value
		}
	}
	return ""
}
