// Package markdown builds the lab's markdown documents (REPORT.md,
// COMPARE.md): headings, paragraphs, lists, tables with escaped cells and
// chart images with their SVG twins. It knows nothing of runs.
package markdown

import (
	"fmt"
	"strings"
)

// Doc is a markdown document; every method appends a block.
type Doc struct{ b strings.Builder }

func (m *Doc) H1(s string)                  { fmt.Fprintf(&m.b, "# %s\n\n", s) }
func (m *Doc) H2(s string)                  { fmt.Fprintf(&m.b, "## %s\n\n", s) }
func (m *Doc) H3(s string)                  { fmt.Fprintf(&m.b, "### %s\n\n", s) }
func (m *Doc) Para(format string, a ...any) { fmt.Fprintf(&m.b, format+"\n\n", a...) }
func (m *Doc) Raw(s string)                 { m.b.WriteString(strings.TrimRight(s, "\n") + "\n\n") }

// Bullets writes a list; nothing for an empty one.
func (m *Doc) Bullets(items []string) {
	if len(items) == 0 {
		return
	}
	for _, it := range items {
		fmt.Fprintf(&m.b, "- %s\n", strings.ReplaceAll(it, "\n", " "))
	}
	m.b.WriteString("\n")
}

// Table writes a table; align holds "l" or "r" per column.
func (m *Doc) Table(head []string, align string, rows [][]string) {
	m.b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if i < len(align) && align[i] == 'r' {
			m.b.WriteString("---:|")
		} else {
			m.b.WriteString("---|")
		}
	}
	m.b.WriteString("\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = Cell(c)
		}
		m.b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	m.b.WriteString("\n")
}

// Image embeds a chart and links its SVG twin.
func (m *Doc) Image(alt, name string) {
	fmt.Fprintf(&m.b, "![%s](%s.png)\n\n[SVG](%s.svg)\n\n", alt, name, name)
}

func (m *Doc) String() string { return m.b.String() }

// Cell escapes text for a table cell: pipes would split it, newlines
// would end the row.
func Cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
