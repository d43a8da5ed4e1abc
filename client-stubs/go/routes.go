package client

import (
	"fmt"
	"sort"
	"strings"
)

// Routes maps route patterns to the scopes they need. A pattern is "METHOD /path" or "/path" (any
// method); a path ending in "/*" covers that path and everything below it. The most specific
// pattern wins: exact before prefix, longer prefix before shorter, with a method before without.
type Routes map[string][]string

type rule struct {
	pattern, method, base string
	prefix                bool
}

type routeTable []rule

func newRouteTable(patterns []string) (routeTable, error) {
	table := make(routeTable, 0, len(patterns))
	for _, pattern := range patterns {
		trimmed := strings.TrimSpace(pattern)
		method, path := "", trimmed
		if i := strings.LastIndex(trimmed, " "); i >= 0 {
			method, path = strings.ToUpper(strings.TrimSpace(trimmed[:i])), trimmed[i+1:]
		}
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("keygate: route pattern %q: the path must start with '/'", pattern)
		}
		prefix := strings.HasSuffix(path, "/*")
		if prefix {
			path = strings.TrimSuffix(path, "/*")
		}
		table = append(table, rule{pattern: pattern, method: method, base: path, prefix: prefix})
	}
	return table, nil
}

// match returns the matching patterns, most specific first.
func (t routeTable) match(method, path string) []string {
	var hits []rule
	for _, r := range t {
		if r.method != "" && r.method != strings.ToUpper(method) {
			continue
		}
		if r.prefix {
			if path != r.base && !strings.HasPrefix(path, strings.TrimRight(r.base, "/")+"/") {
				continue
			}
		} else if path != r.base {
			continue
		}
		hits = append(hits, r)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.prefix != b.prefix {
			return !a.prefix
		}
		if len(a.base) != len(b.base) {
			return len(a.base) > len(b.base)
		}
		return a.method != "" && b.method == ""
	})
	patterns := make([]string, len(hits))
	for i, r := range hits {
		patterns[i] = r.pattern
	}
	return patterns
}
