package testenv

import (
	"net/http"
	"sync"
)

// RaceIfMatch sends the requests at once, each with If-Match: tag, and
// fails the test unless exactly one succeeds (200) and every other one is
// refused with 412: two clients that change the same version are never
// both accepted.
func (e *Env) RaceIfMatch(tag string, reqs ...Request) {
	e.T.Helper()
	statuses := make(chan int, len(reqs))
	var wg sync.WaitGroup
	for _, r := range reqs {
		h := map[string]string{"If-Match": tag}
		for k, v := range r.Header {
			h[k] = v
		}
		r.Header = h
		wg.Go(func() { statuses <- e.Do(r).Status })
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	if got[http.StatusOK] != 1 || got[http.StatusPreconditionFailed] != len(reqs)-1 {
		e.T.Fatalf("%d writes with one ETag: got statuses %v, want one 200 and the rest 412", len(reqs), got)
	}
}
