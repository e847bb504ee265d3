package detect

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"strings"
)

// Multipart limits: at most maxParts parts are read, and at most
// maxPartValue bytes of each field.
const (
	maxParts     = 256
	maxPartValue = 64 << 10
)

// multipartField is one field of a multipart/form-data body: a form
// value, or the name of an uploaded file.
type multipartField struct {
	name, value string
	file        bool
}

// multipartFields reads the fields of a multipart/form-data body. A file
// part yields its file name as the client sent it (mime/multipart's
// FileName keeps only the base name, hiding "../../shell.php"), not its
// content, which is data rather than a parameter. A body truncated at the
// capture cap yields the fields before the cut.
func multipartFields(body []byte, boundary string, dst []multipartField) []multipartField {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for n := 0; n < maxParts; n++ {
		part, err := r.NextPart()
		if err != nil {
			break
		}
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := params["name"]
		if file, ok := params["filename"]; ok {
			dst = append(dst, multipartField{name: name, value: file, file: true})
			continue
		}
		var b strings.Builder
		if _, err := io.Copy(&b, io.LimitReader(part, maxPartValue)); err != nil && b.Len() == 0 {
			break
		}
		dst = append(dst, multipartField{name: name, value: b.String()})
	}
	return dst
}
