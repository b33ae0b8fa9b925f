package reports

import (
	"fmt"
	"strings"
)

// md builds a markdown document; every method appends a block.
type md struct{ b strings.Builder }

func (m *md) h1(s string)                  { fmt.Fprintf(&m.b, "# %s\n\n", s) }
func (m *md) h2(s string)                  { fmt.Fprintf(&m.b, "## %s\n\n", s) }
func (m *md) h3(s string)                  { fmt.Fprintf(&m.b, "### %s\n\n", s) }
func (m *md) para(format string, a ...any) { fmt.Fprintf(&m.b, format+"\n\n", a...) }
func (m *md) raw(s string)                 { m.b.WriteString(strings.TrimRight(s, "\n") + "\n\n") }

// bullets writes a list; nothing for an empty one.
func (m *md) bullets(items []string) {
	if len(items) == 0 {
		return
	}
	for _, it := range items {
		fmt.Fprintf(&m.b, "- %s\n", strings.ReplaceAll(it, "\n", " "))
	}
	m.b.WriteString("\n")
}

// table writes a table; align holds "l" or "r" per column.
func (m *md) table(head []string, align string, rows [][]string) {
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
			cells[i] = mdCell(c)
		}
		m.b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	m.b.WriteString("\n")
}

// image embeds a chart and links its SVG twin.
func (m *md) image(alt, name string) {
	fmt.Fprintf(&m.b, "![%s](%s.png)\n\n[SVG](%s.svg)\n\n", alt, name, name)
}

func (m *md) String() string { return m.b.String() }
