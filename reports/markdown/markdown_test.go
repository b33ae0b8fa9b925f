package markdown

import "testing"

func TestDoc(t *testing.T) {
	var m Doc
	m.H1("Title")
	m.Para("%d items", 2)
	m.Bullets([]string{"one", "two\nlines"})
	m.Bullets(nil)
	m.Table([]string{"name", "n"}, "lr", [][]string{{"a|b", "1"}})
	m.Image("alt text", "chart")
	want := "# Title\n\n2 items\n\n- one\n- two lines\n\n" +
		"| name | n |\n|---|---:|\n| a\\|b | 1 |\n\n" +
		"![alt text](chart.png)\n\n[SVG](chart.svg)\n\n"
	if got := m.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
