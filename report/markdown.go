package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
	"unicode"
)

// Markdown keeps a ticket short: the sequence shows the first and last
// requests, and around each run of attacked requests (tagged beyond the
// session-wide types) the request before, its first and last, and the
// request after; at most maxMarkdownRows
// rows, the rest counted in "… N requests …" lines.
const maxMarkdownRows = 40

// mdRow is a line of the collapsed sequence: a request, or a count of the
// requests left out.
type mdRow struct {
	Req     requestView
	Skipped int
}

// collapse picks the rows the Markdown sequence shows.
func collapse(seq []requestView) []mdRow {
	keep := make([]bool, len(seq))
	mark := func(i int) {
		if i >= 0 && i < len(seq) {
			keep[i] = true
		}
	}
	mark(0)
	mark(len(seq) - 1)
	for i := 0; i < len(seq); i++ {
		if len(seq[i].Own) == 0 {
			continue
		}
		j := i
		for j+1 < len(seq) && len(seq[j+1].Own) > 0 {
			j++
		}
		mark(i - 1)
		mark(i)
		mark(j)
		mark(j + 1)
		i = j
	}
	var kept []int
	for i, k := range keep {
		if k {
			kept = append(kept, i)
		}
	}
	if len(kept) > maxMarkdownRows {
		kept = append(kept[:maxMarkdownRows/2:maxMarkdownRows/2], kept[len(kept)-maxMarkdownRows/2:]...)
	}
	var rows []mdRow
	prev := -1
	for _, i := range kept {
		if i > prev+1 {
			rows = append(rows, mdRow{Skipped: i - prev - 1})
		}
		rows = append(rows, mdRow{Req: seq[i]})
		prev = i
	}
	return rows
}

func markdownTemplate() (*template.Template, error) {
	t, err := template.New("report.md.tmpl").Option("missingkey=error").Funcs(template.FuncMap{
		"code":     codeSpan,
		"cell":     cellCode,
		"text":     escapeText,
		"collapse": collapse,
		"plural":   pluralOf,
	}).ParseFS(templates, "templates/report.md.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse markdown report template: %w", err)
	}
	return t, nil
}

// writeMarkdown renders the document as Markdown.
func writeMarkdown(w io.Writer, d *document) error {
	t, err := markdownTemplate()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := t.Execute(bw, d); err != nil {
		return fmt.Errorf("render markdown report: %w", err)
	}
	return bw.Flush()
}

func pluralOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// oneLine makes a stored value fit one line of Markdown: control
// characters (a CRLF payload's line breaks included) are written as Go
// escapes, so that they are seen rather than obeyed.
func oneLine(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == unicode.ReplacementChar || r == '\u2028' || r == '\u2029'
	}) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan puts a stored value in a Markdown code span, where nothing is
// markup: the fence is one backtick longer than the longest run inside,
// and a value that starts or ends with a backtick or a space is padded
// with one space, which the reader strips.
func codeSpan(s string) string {
	s = oneLine(s)
	if s == "" {
		return "∅"
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' || s[len(s)-1] == ' ' {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cellCode is codeSpan for a table cell: a pipe would end the cell even
// inside a code span, so it is escaped, which GitHub's tables undo.
func cellCode(s string) string { return strings.ReplaceAll(codeSpan(s), "|", `\|`) }

// escapeText backslash-escapes the characters through which stored text
// could become markup in Markdown: emphasis, code, links and images,
// raw HTML and entities, table cells, headings and strikethrough.
// CommonMark lets any ASCII punctuation be escaped this way.
func escapeText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&#!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
