// Package htmlpage renders a report's Markdown as a page a browser opens:
// the same document, through goldmark (GitHub-flavoured: tables), with
// its images inline and a style sheet of its own. The page needs nothing
// but the files beside it (the charts, flame graphs and diffs its links
// name), so a report folder can be copied anywhere and opened.
package htmlpage

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// FileName is the page, beside the Markdown it is made from.
const FileName = "index.html"

// md renders GitHub-flavoured Markdown. It is not "unsafe": the
// documents quote strings from run.json, which may come from anyone, so
// raw HTML in them is dropped and javascript: links are not rendered.
// Headings get ids (## Charts is #charts), so that a section can be
// linked to.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; max-width: 1180px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.7em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { font-size: 1.35em; border-bottom: 1px solid #d0d7de; padding-bottom: .25em; margin-top: 2em; }
h3 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; font-size: 13.5px; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; }
th { background: #f6f8fa; }
tr:nth-child(2n) td { background: #fafbfc; }
td[align="right"], th[align="right"] { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { max-width: 100%; height: auto; display: block; margin: .8em 0; }
code { background: #f6f8fa; padding: .1em .35em; border-radius: 4px; font-size: 90%; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; }
blockquote { color: #59636e; border-left: .25em solid #d0d7de; margin: 0; padding: 0 1em; }
a { color: #0969da; }
</style>
</head>
<body>
{{.Body}}
</body>
</html>
`))

// Render makes the page of a Markdown document.
func Render(title string, markdown []byte) ([]byte, error) {
	doc := md.Parser().Parse(text.NewReader(markdown))
	keepLocal(doc)
	var body bytes.Buffer
	if err := md.Renderer().Render(&body, markdown, doc); err != nil {
		return nil, fmt.Errorf("htmlpage: %w", err)
	}
	var out bytes.Buffer
	err := page.Execute(&out, struct {
		Title string
		Body  template.HTML
	}{title, template.HTML(body.String())}) // goldmark's output, raw HTML dropped
	if err != nil {
		return nil, fmt.Errorf("htmlpage: %w", err)
	}
	return out.Bytes(), nil
}

// keepLocal turns every image and link that leaves the report's folder
// (a scheme, or //host) into its plain text. The report's own links are
// all relative; one to elsewhere can only come from a string in run.json,
// and a remote image would tell its owner who opened the page.
func keepLocal(doc ast.Node) {
	var outside []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Image:
			if remote(v.Destination) {
				outside = append(outside, n)
			}
		case *ast.Link:
			if remote(v.Destination) {
				outside = append(outside, n)
			}
		case *ast.AutoLink:
			outside = append(outside, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range outside {
		parent := n.Parent()
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// remote reports a destination outside the report's folder.
func remote(dest []byte) bool {
	d := strings.TrimSpace(string(dest))
	if strings.HasPrefix(d, "//") {
		return true
	}
	scheme, _, ok := strings.Cut(d, ":")
	return ok && !strings.ContainsAny(scheme, "/?#")
}
