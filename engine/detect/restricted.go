package detect

import (
	"fmt"
	"io/fs"
	"strings"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/spoorhq/spoor/engine"
)

// restrictedFileLists are the Core Rule Set's lists of files no client has
// a reason to ask for: source control, environment and credential files,
// backups, logs (rule 930130), and AI coding assistants' settings (rule
// 930140). Tier 1 reads the same lists so that the requests it passes to
// tier 2 when analysis falls behind include these probes.
func restrictedFileLists() []string {
	return []string{"@owasp_crs/restricted-files.data", "@owasp_crs/ai-critical-artifacts.data"}
}

// restrictedFiles returns the entries of the lists, read from the copy of
// the Core Rule Set embedded in the binary: one per line, '#' comments and
// blank lines skipped.
func restrictedFiles() ([]string, error) {
	var files []string
	for _, name := range restrictedFileLists() {
		data, err := fs.ReadFile(coreruleset.FS, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		for line := range strings.Lines(string(data)) {
			line = strings.TrimSpace(line)
			if line != "" && line[0] != '#' {
				files = append(files, line)
			}
		}
	}
	return files, nil
}

// restricted tags a path that names a restricted file, as rule 930130
// matches REQUEST_FILENAME.
func (s *scan) restricted(p *point, path string) {
	if w, at := s.d.restrictedFiles.find(path); w >= 0 {
		word := s.d.restrictedFiles.words[w]
		s.tag(engine.AttackLFI, p, "spoor-restricted-file", path, at, len(word),
			"request for a restricted file: "+word)
	}
}
