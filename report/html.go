package report

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed templates/report.html.tmpl templates/report.md.tmpl
var templates embed.FS

// htmlTemplate parses the HTML report's template. It is parsed per report
// (a few hundred microseconds) rather than kept in a package variable.
func htmlTemplate() (*template.Template, error) {
	t, err := template.New("report.html.tmpl").Option("missingkey=error").ParseFS(templates, "templates/report.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse html report template: %w", err)
	}
	return t, nil
}

// writeHTML renders the document as one self-contained HTML file.
func writeHTML(w io.Writer, d *document) error {
	t, err := htmlTemplate()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := t.Execute(bw, d); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return bw.Flush()
}
