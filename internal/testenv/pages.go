package testenv

import (
	"net/http"
	"strings"
)

// Pages reads a list from its first page to its last, following
// next_cursor, and returns the items of every page in order. path may carry
// a query already. It fails the test on an answer other than 200 and after
// 100 pages (a cursor that never ends).
func Pages[T any](e *Env, token, path string) []T {
	e.T.Helper()
	var all []T
	next := path
	for pages := 0; next != ""; pages++ {
		if pages == 100 {
			e.T.Fatalf("GET %s: more than 100 pages", path)
		}
		var p struct {
			Data       []T     `json:"data"`
			NextCursor *string `json:"next_cursor"`
		}
		e.OK(Request{Method: "GET", Path: next, Token: token}, http.StatusOK).Decode(e.T, &p)
		all = append(all, p.Data...)
		next = ""
		if p.NextCursor != nil {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			next = path + sep + "cursor=" + *p.NextCursor
		}
	}
	return all
}
