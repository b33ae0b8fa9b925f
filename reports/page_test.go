package reports

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"latencylab/reports/chart"
	"latencylab/reports/htmlpage"
)

// checkPage checks a page's images and links resolve to files beside it.
func checkPage(t *testing.T, dir string) string {
	t.Helper()
	page := readFile(t, filepath.Join(dir, htmlpage.FileName))
	refs := htmlRef.FindAllStringSubmatch(page, -1)
	if len(refs) == 0 {
		t.Fatal("the page has no image or link")
	}
	for _, r := range refs {
		target := strings.SplitN(r[1], "#", 2)[0]
		if target == "" || strings.Contains(target, "://") {
			continue
		}
		mustExist(t, filepath.Join(dir, target))
	}
	return page
}

var htmlRef = regexp.MustCompile(`<(?:img src|a href)="([^"]*)"`)

func TestReportPage(t *testing.T) {
	t.Parallel()
	out := fixtureReport(t)
	page := checkPage(t, out.Dir)
	for _, want := range []string{`<img src="journey.png"`, `<h2 id="charts">Charts</h2>`, "<table>", `href="flame/naive-cpu.html"`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
}

// A string from run.json becomes text in the page, never markup, and
// the page reaches nothing outside its folder.
func TestPageDropsRawHTMLAndRemoteReferences(t *testing.T) {
	b, err := htmlpage.Render("t", []byte("# x\n\nwarning: <script>alert(1)</script> [x](javascript:alert(1))\n\n"+
		"scenario ![](https://evil.example/beacon.png) [click](https://evil.example/x.sh) <https://evil.example/auto> "+
		"![](//evil.example/b.png) [local](flame/naive-cpu.html) ![chart](journey.png)\n"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script>alert", `href="javascript:`, "evil.example/beacon", `href="https://evil`, `src="//evil`, `href="https://evil.example/auto"`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page keeps %q:\n%s", bad, page)
		}
	}
	for _, good := range []string{`href="flame/naive-cpu.html"`, `src="journey.png"`, "click"} {
		if !strings.Contains(page, good) {
			t.Errorf("the page lost %q:\n%s", good, page)
		}
	}
}

// browser finds a headless Chromium, or skips saying how to get one.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no headless Chromium: the page is not opened in a browser (.ci/run installs chromium-headless-shell)")
	return ""
}

// probePage loads the report in a frame, checks what the browser made of
// it (every image decoded, every local link readable) and scrolls the
// journey chart into view. Its title is the verdict.
const probePage = `<!doctype html><html><head><title>pending</title>
<style>body{margin:0}iframe{border:0;width:100vw;height:100vh}</style></head>
<body><iframe id="f" src="index.html"></iframe><script>
const f = document.getElementById('f');
f.onload = () => {
  const d = f.contentDocument, bad = [];
  const imgs = [...d.images];
  for (const im of imgs) if (!im.complete || im.naturalWidth === 0) bad.push('img:' + im.getAttribute('src'));
  const links = [...d.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => !/^[a-z]+:/i.test(h) && !h.startsWith('#'));
  for (const h of links) {
    const x = new XMLHttpRequest();
    try { x.open('GET', h.split('#')[0], false); x.send(); if (!x.responseText) bad.push('link:' + h); } catch (e) { bad.push('link:' + h); }
  }
  const j = d.querySelector('img[src="journey.png"]');
  if (j) j.scrollIntoView(); else bad.push('no-journey-chart');
  document.title = 'images=' + imgs.length + ' links=' + links.length + ' bad=[' + bad.join(' ') + ']';
};
</script></body></html>`

// browserTimeout bounds one headless Chromium run.
const browserTimeout = 60 * time.Second

// The report as a page, opened in a real browser: it loads with no
// missing image and no broken link, and a screenshot shows the journey
// chart (its mean and p99 lines, in the chart's first two colours).
func TestReportPageInBrowser(t *testing.T) {
	t.Parallel()
	chromium := browser(t)
	// A copy of the shared report: the probe page goes beside it.
	dir := filepath.Join(t.TempDir(), "report")
	if err := os.CopyFS(dir, os.DirFS(fixtureReport(t).Dir)); err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(dir, "probe.html")
	if err := os.WriteFile(probe, []byte(probePage), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, chromium, append([]string{"--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--allow-file-access-from-files", "--virtual-time-budget=10000", "--window-size=1280,900"}, args...)...)
		cmd.Dir = t.TempDir()
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %v: %v", chromium, args, err)
		}
		return string(b)
	}
	dom := run("--dump-dom", "file://"+probe)
	m := regexp.MustCompile(`<title>images=(\d+) links=(\d+) bad=\[([^\]]*)\]</title>`).FindStringSubmatch(dom)
	switch {
	case m == nil:
		t.Fatalf("the probe did not finish: %.300s", dom)
	case m[3] != "":
		t.Errorf("the browser found missing images or broken links: %s", m[3])
	case m[1] == "0" || m[2] == "0":
		t.Errorf("the browser saw %s images and %s links", m[1], m[2])
	}
	shot := filepath.Join(t.TempDir(), "shot.png")
	run("--screenshot="+shot, "file://"+probe)
	img := decodePNG(t, shot)
	for i := range 2 {
		if n := pixelsNear(img, chart.SeriesColor(i)); n < 200 {
			t.Errorf("the screenshot has %d pixels of the journey chart's colour %d: the chart is not in view", n, i)
		}
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// pixelsNear counts the pixels within a small distance of c.
func pixelsNear(img image.Image, c color.Color) int {
	r0, g0, b0, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, r0) && near(g, g0) && near(bl, b0) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32) bool { return max(a, b)-min(a, b) < 24<<8 }
