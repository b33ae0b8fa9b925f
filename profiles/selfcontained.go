package profiles

import (
	"bytes"
	"fmt"
	"regexp"
)

// externalRef matches the ways an HTML page can pull in another file:
// script or image sources, stylesheet links, CSS imports and url()s that
// are not data: URIs.
var externalRef = regexp.MustCompile(`(?i)<script[^>]*\ssrc\s*=|<link[^>]*\shref\s*=|<img[^>]*\ssrc\s*=|@import|url\(\s*['"]?(?:https?:|//)`)

// SelfContained returns an error if an HTML page needs any other file to
// render. Links to other pprof views (<a href>) are allowed: they are
// navigation, not rendering.
func SelfContained(page []byte) error {
	if !bytes.Contains(page, []byte("<script")) {
		return fmt.Errorf("page has no inline script")
	}
	if loc := externalRef.FindIndex(page); loc != nil {
		end := min(loc[1]+60, len(page))
		return fmt.Errorf("page is not self-contained: %q", page[loc[0]:end])
	}
	return nil
}
